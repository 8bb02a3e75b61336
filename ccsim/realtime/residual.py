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
  u, from Acklam's rational approximation refined by one Halley step on erfc.
* gamma / erlang: S is the regularised upper incomplete gamma function (series
  below shape + 1, Lentz continued fraction above), inverted by bisection.
* weibull: closed form, S^-1(U S(a)) = scale ((a/scale)^k - ln U)^(1/k).
* uniform, triangular: closed-form inverse CDF on [F(a), 1].
* empirical: resample uniformly among the values greater than a (0 if none).

When S(a) is below the smallest representable double (a far beyond any
plausible value) the residual is 0: the contact is taken to end now.
No scipy: numpy and ``math`` only.
"""

from __future__ import annotations

import math

import numpy as np

from .. import sampling as s

_erfc = np.vectorize(math.erfc, otypes=[float])
_TINY = 1e-300


def normal_sf(z: np.ndarray) -> np.ndarray:
    """P(Z > z) for a standard normal Z."""
    return 0.5 * _erfc(np.asarray(z, dtype=float) / math.sqrt(2.0))


def normal_isf(u: np.ndarray) -> np.ndarray:
    """z with P(Z > z) = u, accurate in both tails (u in (0, 1))."""
    u = np.asarray(u, dtype=float)
    p = np.clip(u, 1e-300, 1.0 - 1e-16)
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    # Lower-tail quantile x of q = 1 - u computed from the smaller tail to keep precision.
    small = np.minimum(p, 1.0 - p)
    out = np.empty_like(p)
    tail = small < 0.02425
    t = np.sqrt(-2.0 * np.log(small[tail]))
    xt = (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / \
        ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1.0)
    out[tail] = xt  # lower-tail quantile of `small`
    q = small[~tail] - 0.5
    r = q * q
    out[~tail] = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
    # out = Phi^-1(small); the upper-tail quantile of p is -Phi^-1(p) = +-out.
    z = np.where(p <= 0.5, -out, out)
    # One Halley step on f(z) = sf(z) - p.
    e = normal_sf(z) - p
    dens = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    step = e / np.maximum(dens, 1e-300)
    return z + step / (1.0 - z * step / 2.0)


def gamma_sf(shape: float, x: np.ndarray) -> np.ndarray:
    """Regularised upper incomplete gamma Q(shape, x), vectorised over x >= 0."""
    x = np.asarray(x, dtype=float)
    out = np.ones_like(x)
    pos = x > 0
    xs = x[pos]
    lg = math.lgamma(shape)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        front = np.exp(shape * np.log(xs) - xs - lg)
        res = np.empty_like(xs)
        series = xs < shape + 1.0
        xa = xs[series]
        term = np.full_like(xa, 1.0 / shape)
        total = term.copy()
        ap = shape
        for i in range(1000):
            ap += 1.0
            term = term * xa / ap
            total = total + term
            if i % 8 == 7 and not (term > 1e-16 * total).any():
                break
        res[series] = 1.0 - front[series] * total
        xb = xs[~series]  # continued fraction (modified Lentz)
        b = xb + 1.0 - shape
        cc = np.full_like(xb, 1.0 / 1e-300)
        dd = 1.0 / b
        h = dd.copy()
        for i in range(1, 1000):
            an = -i * (i - shape)
            b = b + 2.0
            dd = an * dd + b
            dd = np.where(np.abs(dd) < 1e-300, 1e-300, dd)
            cc = b + an / cc
            cc = np.where(np.abs(cc) < 1e-300, 1e-300, cc)
            dd = 1.0 / dd
            delta = dd * cc
            h = h * delta
            if i % 8 == 0 and not (np.abs(delta - 1.0) > 1e-15).any():
                break
        res[~series] = front[~series] * h
    out[pos] = np.clip(res, 0.0, 1.0)
    return out


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
        with np.errstate(divide="ignore"):
            z_a = (np.log(a) - sampler.mu) / sampler.sigma
        sa = normal_sf(z_a)
        target = (1.0 - u) * sa  # in (0, S(a)]
        x = np.exp(sampler.mu + sampler.sigma * normal_isf(target))
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
    shape, scale = g.shape, g.scale
    sa = gamma_sf(shape, a / scale)
    target = (1.0 - u) * sa
    lo = a.copy()
    hi = np.maximum(a, g.mean) * 2.0 + scale
    for _ in range(200):  # widen until S(hi) < target
        grow = gamma_sf(shape, hi / scale) > target
        if not grow.any():
            break
        hi = np.where(grow, hi * 2.0, hi)
    for _ in range(60):  # bisection: S decreasing, S(lo) >= target >= S(hi)
        mid = 0.5 * (lo + hi)
        above = gamma_sf(shape, mid / scale) > target
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.where(sa > _TINY, np.maximum(0.5 * (lo + hi) - a, 0.0), 0.0)
