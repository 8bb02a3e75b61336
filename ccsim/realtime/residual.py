"""Residual durations: what is left of a duration that has already lasted ``elapsed`` s.

A busy agent's remaining talk time and a waiting caller's remaining patience are
drawn from the distribution *conditioned on exceeding the time already spent*:
X - a given X > a. Exact for every distribution of the scenario language, by
inverse-CDF sampling on the truncated distribution, done in survival space so the
far tail keeps its precision: with S = 1 - F, draw U ~ Uniform(0, 1) and return
S^-1(U * S(a)) - a (the same as F^-1(U') - a with U' ~ Uniform(F(a), 1)).

* exponential: memoryless, a fresh draw.
* constant: max(value - a, 0).
* lognormal: S^-1(u) = exp(mu + sigma * z) with z the upper-tail normal quantile of
  u (scipy.special.ndtri, accurate in both tails).
* gamma / erlang: S is the regularised upper incomplete gamma function Q
  (scipy.special.gammaincc), inverted by scipy.special.gammainccinv.
* weibull: closed form, S^-1(U S(a)) = scale ((a/scale)^k - ln U)^(1/k).
* uniform, triangular: closed-form inverse CDF on [F(a), 1].
* empirical: resample uniformly among the values greater than a (0 if none).

When S(a) is below the smallest representable double (a far beyond any
plausible value) the residual is 0: the contact is taken to end now.
scipy.special is imported by the samplers that need it, not with the module.
"""

from __future__ import annotations

import numpy as np

from ..plan import sampling as s

_TINY = 1e-300


def residual(sampler, rng: np.random.Generator, elapsed) -> np.ndarray:
    """Remaining durations (s) given each has already lasted ``elapsed`` s (array)."""
    a = np.asarray(elapsed, dtype=float)
    n = a.size
    if n == 0:
        return np.zeros(0)
    u = rng.random(n)
    if isinstance(sampler, s.Never):
        return np.full(n, np.inf)
    if isinstance(sampler, s.Exponential):
        return -sampler.mean * np.log1p(-u)  # memoryless (the inverse CDF of a fresh draw)
    if isinstance(sampler, s.Constant):
        return np.maximum(sampler.mean - a, 0.0)
    if isinstance(sampler, s.Empirical):
        values = np.sort(sampler.values)
        first = np.searchsorted(values, a, side="right")  # values[first:] > a
        left = values.size - first
        pick = first + np.floor(u * left).astype(np.int64)
        pick = np.minimum(pick, values.size - 1)
        return np.where(left > 0, values[pick] - a, 0.0)
    if isinstance(sampler, s.Weibull):
        k, lam = sampler.shape, sampler.scale
        return lam * ((a / lam) ** k - np.log1p(-u)) ** (1.0 / k) - a
    if isinstance(sampler, s.Uniform):
        lo = np.maximum(a, sampler.low)
        return np.where(a < sampler.high, lo + u * (sampler.high - lo) - a, 0.0)
    if isinstance(sampler, s.Triangular):
        return _triangular(sampler, a, u)
    if isinstance(sampler, s.Lognormal):
        from scipy.special import ndtr, ndtri

        with np.errstate(divide="ignore"):
            z_a = (np.log(a) - sampler.mu) / sampler.sigma
        sa = ndtr(-z_a)
        target = (1.0 - u) * sa  # in (0, S(a)]
        x = np.exp(sampler.mu - sampler.sigma * ndtri(target))  # ndtri(q) = -(upper-tail quantile)
        return np.where(sa > _TINY, np.maximum(x - a, 0.0), 0.0)
    if isinstance(sampler, s.Gamma):
        return _gamma(sampler, a, u)
    raise TypeError(f"no residual sampling for {type(sampler).__name__}")


def _triangular(t, a, u):
    lo, mode, hi = t.low, t.mode, t.high
    width = hi - lo

    def cdf(x):
        x = np.clip(x, lo, hi)
        left = (x - lo) ** 2 / (width * (mode - lo)) if mode > lo else np.zeros_like(x)
        right = 1.0 - (hi - x) ** 2 / (width * (hi - mode)) if hi > mode else np.ones_like(x)
        return np.where(x <= mode, left, right) if width > 0 else (x >= hi).astype(float)

    if width <= 0:
        return np.maximum(lo - a, 0.0)
    fa = cdf(a)
    p = fa + u * (1.0 - fa)
    pm = (mode - lo) / width
    x = np.where(p < pm, lo + np.sqrt(p * width * (mode - lo)), hi - np.sqrt((1.0 - p) * width * (hi - mode)))
    return np.where(a < hi, np.maximum(x - a, 0.0), 0.0)


def _gamma(g, a, u):
    from scipy.special import gammaincc, gammainccinv

    sa = gammaincc(g.shape, a / g.scale)
    x = g.scale * gammainccinv(g.shape, (1.0 - u) * sa)
    return np.where(sa > _TINY, np.maximum(x - a, 0.0), 0.0)
