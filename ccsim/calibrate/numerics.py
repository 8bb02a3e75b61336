"""Small numerical tools the fits need, in numpy alone (no scipy dependency).

- ``log_norm_sf``: log of the standard normal survival function, accurate far
  into the tail (censored lognormal likelihoods need log P(Z > z) for large z).
- ``gamma_p``: the regularized lower incomplete gamma function P(a, x), for the
  gamma and Erlang CDFs in goodness-of-fit distances.
- ``digamma``: for the gamma maximum-likelihood equation.
- ``minimize``: Nelder–Mead on a few parameters; the likelihoods here have two
  or three, are smooth, and one evaluation is a vectorised pass over the data.
- ``hessian``: central finite differences, for standard errors of MLEs.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

# Coefficients of the Chebyshev fit of erfc (Numerical Recipes' erfcc): relative
# error below 1.2e-7 everywhere, and written as t * exp(poly), so its log is exact
# in form far into the tail where erfc itself underflows.
_ERFC_COEF = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
              0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277)


def _log_erfc_nonneg(x: np.ndarray) -> np.ndarray:
    """log erfc(x) for x >= 0."""
    t = 1.0 / (1.0 + 0.5 * x)
    poly = np.zeros_like(x)
    for c in reversed(_ERFC_COEF[1:]):
        poly = (poly + c) * t
    return np.log(t) - x * x + _ERFC_COEF[0] + poly


def log_norm_sf(z) -> np.ndarray:
    """log P(Z > z) for a standard normal Z, elementwise."""
    z = np.asarray(z, dtype=float)
    x = z / math.sqrt(2.0)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = _log_erfc_nonneg(x[pos]) - math.log(2.0)
    # erfc(x) = 2 - erfc(-x) for x < 0: no cancellation, the result is in (1, 2].
    out[~pos] = np.log1p(-0.5 * np.exp(_log_erfc_nonneg(-x[~pos])))
    return out


def norm_cdf(z) -> np.ndarray:
    """P(Z <= z) for a standard normal Z, elementwise."""
    return -np.expm1(log_norm_sf(z))


def digamma(x: float) -> float:
    """The digamma function psi(x) for x > 0 (recurrence, then the asymptotic series)."""
    result = 0.0
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    return result + math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f / 240)))


def gamma_p(a: float, x) -> np.ndarray:
    """Regularized lower incomplete gamma P(a, x), elementwise in x >= 0.

    Series for x < a + 1, Lentz's continued fraction for the upper part
    otherwise (both as in Numerical Recipes, to about 1e-12).
    """
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    log_front = lambda v: a * np.log(v) - v - math.lgamma(a)  # noqa: E731
    low = (x > 0) & (x < a + 1.0)
    if low.any():
        v = x[low]
        term = np.full_like(v, 1.0 / a)
        total = term.copy()
        for n in range(1, 1000):
            term = term * v / (a + n)
            total += term
            if np.all(np.abs(term) < np.abs(total) * 1e-14):
                break
        out[low] = total * np.exp(log_front(v))
    high = x >= a + 1.0
    if high.any():
        v = x[high]
        tiny = 1e-300
        b = v + 1.0 - a
        c = np.full_like(v, 1.0 / tiny)
        d = 1.0 / b
        h = d.copy()
        for i in range(1, 1000):
            an = -i * (i - a)
            b = b + 2.0
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1.0 / d
            delta = d * c
            h = h * delta
            if np.all(np.abs(delta - 1.0) < 1e-14):
                break
        out[high] = 1.0 - np.exp(log_front(v)) * h
    return np.clip(out, 0.0, 1.0)


def minimize(func: Callable[[np.ndarray], float], x0, step=0.1, tol: float = 1e-10,
             max_iter: int = 2000) -> np.ndarray:
    """Nelder–Mead minimum of *func* from *x0* (a short vector); non-finite values count as +inf."""
    x0 = np.asarray(x0, dtype=float)
    n = x0.size
    steps = np.broadcast_to(np.asarray(step, dtype=float), (n,))

    def f(x):
        value = func(x)
        return value if math.isfinite(value) else math.inf

    simplex = [x0] + [x0 + np.eye(n)[i] * steps[i] for i in range(n)]
    values = [f(x) for x in simplex]
    for _ in range(max_iter):
        order = np.argsort(values)
        simplex = [simplex[i] for i in order]
        values = [values[i] for i in order]
        if abs(values[-1] - values[0]) <= tol * (abs(values[0]) + tol) and \
                max(np.max(np.abs(x - simplex[0])) for x in simplex[1:]) < 1e-8:
            break
        centroid = np.mean(simplex[:-1], axis=0)
        worst = simplex[-1]
        reflected = centroid + (centroid - worst)
        fr = f(reflected)
        if fr < values[0]:
            expanded = centroid + 2.0 * (centroid - worst)
            fe = f(expanded)
            simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = reflected, fr
        else:
            inside = fr >= values[-1]
            contracted = centroid + (0.5 * (worst - centroid) if inside else 0.5 * (reflected - centroid))
            fc = f(contracted)
            if fc < min(fr, values[-1]):
                simplex[-1], values[-1] = contracted, fc
            else:  # shrink towards the best point
                best = simplex[0]
                simplex = [best] + [best + 0.5 * (x - best) for x in simplex[1:]]
                values = [values[0]] + [f(x) for x in simplex[1:]]
    return simplex[int(np.argmin(values))]


def hessian(func: Callable[[np.ndarray], float], x, rel_step: float = 1e-4) -> np.ndarray:
    """Matrix of second derivatives of *func* at *x* by central differences."""
    x = np.asarray(x, dtype=float)
    n = x.size
    h = rel_step * np.maximum(1.0, np.abs(x))
    out = np.empty((n, n))
    f0 = func(x)
    for i in range(n):
        ei = np.zeros(n)
        ei[i] = h[i]
        out[i, i] = (func(x + ei) - 2.0 * f0 + func(x - ei)) / h[i] ** 2
        for j in range(i):
            ej = np.zeros(n)
            ej[j] = h[j]
            value = (func(x + ei + ej) - func(x + ei - ej) - func(x - ei + ej) + func(x - ei - ej))
            out[i, j] = out[j, i] = value / (4.0 * h[i] * h[j])
    return out
