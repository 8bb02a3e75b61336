"""Confidence intervals over replications (Student t)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=512)
def t_quantile(confidence: float, df: int) -> float:
    """The t value with P(|T| <= t) = confidence, e.g. t_quantile(0.95, 9) = 2.262."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be >= 1, got {df}")
    # scipy.special (not scipy.stats, four times slower to import) and only here:
    # ``import ccsim`` stays free of scipy.
    from scipy.special import stdtrit

    return float(stdtrit(df, 0.5 + confidence / 2.0))


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
