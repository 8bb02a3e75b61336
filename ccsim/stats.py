"""Confidence intervals over replications (Student t), without scipy."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np


def _t_two_sided_prob(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with integer df (Abramowitz & Stegun 26.7.3-4, exact)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    s = math.sin(theta)
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for k in range(2, df, 2):
            term *= c2 * (k - 1) / k
            total += term
        return s * total
    if df == 1:
        return 2.0 * theta / math.pi
    term, total = 1.0, 1.0
    for k in range(3, df, 2):
        term *= c2 * (k - 1) / k
        total += term
    return 2.0 / math.pi * (theta + s * math.cos(theta) * total)


@lru_cache(maxsize=512)
def t_quantile(confidence: float, df: int) -> float:
    """The t value with P(|T| <= t) = confidence, e.g. t_quantile(0.95, 9) = 2.262."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be >= 1, got {df}")
    if df > 2000:  # the normal limit is exact to well under 1e-3 here
        from statistics import NormalDist

        return NormalDist().inv_cdf(0.5 + confidence / 2.0)
    lo, hi = 0.0, 1.0
    while _t_two_sided_prob(hi, df) < confidence:
        hi *= 2.0
    for _ in range(100):
        mid = (lo + hi) / 2.0
        if _t_two_sided_prob(mid, df) < confidence:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def mean_ci(values, confidence: float = 0.95) -> tuple[float, tuple[float, float] | None]:
    """Mean and Student-t confidence interval of replication values (nan ones left out).

    The interval is ``None`` when fewer than two replications have a value.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan, None
    mean = float(x.mean())
    if x.size < 2:
        return mean, None
    half = t_quantile(confidence, x.size - 1) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return mean, (mean - half, mean + half)
