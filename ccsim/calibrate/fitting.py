"""Fit duration distributions of the scenario language to complete samples (handle times, ACW).

Each candidate is fitted by maximum likelihood (closed form where one exists,
a one-dimensional root otherwise) and the candidates are ranked by AIC =
2 k - 2 log L (k = number of parameters), so that a distribution is not chosen
only for having more parameters. The Kolmogorov–Smirnov distance between the
sample and each fitted CDF is reported beside it as a plain-language check.

``constant`` is chosen only when every value is the same; ``empirical`` is not
ranked (a sample's own points have no finite likelihood to compare).
Results are scenario distributions in seconds, e.g. ``{"dist": "gamma",
"mean": 242.0, "cv": 0.7}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: Values at or below zero are floored here (s) for the log-based candidates: ACD
#: times come rounded to the second, so a recorded 0 means "under a second".
ZERO_FLOOR_S = 0.5


@dataclass
class Fit:
    """One fitted candidate."""

    spec: dict  # the scenario distribution, times in seconds
    loglik: float
    n_params: int
    ks: float = math.nan  # Kolmogorov–Smirnov distance to the sample
    mean_ci95: tuple[float, float] | None = None

    @property
    def dist(self) -> str:
        return self.spec["dist"]

    @property
    def aic(self) -> float:
        return 2 * self.n_params - 2 * self.loglik

    @property
    def mean(self) -> float:
        return float(distribution_mean(self.spec))


@dataclass
class FitReport:
    """All candidates, best (lowest AIC) first, and the sample they were fitted to."""

    n: int
    sample_mean: float
    sample_cv: float
    candidates: list[Fit]
    floored: int = 0  # values <= 0 floored at ZERO_FLOOR_S for log-based fits
    notes: list[str] = field(default_factory=list)

    @property
    def best(self) -> Fit:
        return self.candidates[0]


def ks_distance(sorted_x: np.ndarray, cdf: np.ndarray) -> float:
    """max |ECDF - CDF| for a sorted sample and its fitted CDF values."""
    n = sorted_x.size
    upper = np.arange(1, n + 1) / n - cdf
    lower = cdf - np.arange(0, n) / n
    return float(max(upper.max(), lower.max()))


def lognormal_cv(sigma: float) -> float:
    return math.sqrt(math.expm1(sigma * sigma))


def gamma_shape_mle(mean: float, mean_log: float) -> float:
    """Shape k solving log k - psi(k) = log(mean) - mean(log x) (Minka's start, then Newton)."""
    from scipy.optimize import newton
    from scipy.special import digamma, polygamma

    s = math.log(mean) - mean_log
    if s <= 1e-12:
        return 1e6
    k = (3.0 - s + math.sqrt((s - 3.0) ** 2 + 24.0 * s)) / (12.0 * s)
    # Minka's start is within about 1.5 % of the root, where the function is convex
    # and decreasing: Newton converges in a few steps and never leaves k > 0.
    return float(newton(lambda k: math.log(k) - digamma(k) - s, k, fprime=lambda k: 1.0 / k - polygamma(1, k),
                        tol=1e-10 * k, maxiter=50, disp=False))


def _gamma_loglik(x, log_x, k: float, mean: float) -> float:
    theta = mean / k
    n = x.size
    return float((k - 1) * log_x.sum() - x.sum() / theta - n * k * math.log(theta) - n * math.lgamma(k))


def weibull_shape_mle(x: np.ndarray, log_x: np.ndarray) -> float:
    """Shape k in [0.02, 256] solving 1/k + mean(log x) - sum(x^k log x) / sum(x^k) = 0 (Brent on log k)."""
    from scipy.optimize import brentq

    scale = x.max()
    z, log_z = x / scale, log_x - math.log(scale)  # scaled to avoid overflow of x^k

    def g(log_k):  # decreasing in k
        k = math.exp(log_k)
        zk = z**k
        return 1.0 / k + log_z.mean() - (zk * log_z).sum() / zk.sum()

    low, high = math.log(0.02), math.log(256.0)
    if g(low) <= 0 or g(high) >= 0:  # the root is outside the range: its nearer end
        return math.exp(low if g(low) <= 0 else high)
    return math.exp(brentq(g, low, high, xtol=1e-12))


def fit_complete(values) -> FitReport:
    """Fit every ranked candidate to a complete sample of durations (s); best by AIC first."""
    x = np.sort(np.asarray(values, dtype=float))
    if x.size < 2:
        raise ValueError(f"at least 2 values are needed to fit a distribution, got {x.size}")
    from scipy.special import gammainc, ndtr

    n = x.size
    mean = float(x.mean())
    sd = float(x.std(ddof=1))
    report = FitReport(n=n, sample_mean=mean, sample_cv=sd / mean if mean > 0 else math.nan, candidates=[])
    if x[0] == x[-1]:
        report.candidates = [Fit({"dist": "constant", "value": float(x[0])}, math.inf, 1, ks=0.0)]
        report.notes.append("every value is the same: constant")
        return report
    xp = np.maximum(x, ZERO_FLOOR_S)
    report.floored = int((x < ZERO_FLOOR_S).sum())
    if report.floored:
        report.notes.append(f"{report.floored} values under {ZERO_FLOOR_S:g} s floored at {ZERO_FLOOR_S:g} s "
                            "for the lognormal, gamma, Erlang and Weibull fits")
    log_x = np.log(xp)
    mean_p = float(xp.mean())
    fits: list[Fit] = []

    # exponential: the MLE of the mean is the sample mean.
    fits.append(Fit({"dist": "exponential", "mean": mean}, -n * math.log(mean) - n, 1,
                    ks=ks_distance(x, -np.expm1(-x / mean))))
    # lognormal: mu and sigma are the mean and (MLE) sd of the logs.
    mu, sigma = float(log_x.mean()), float(log_x.std())
    if sigma > 0:
        ll = float(-log_x.sum() - n * math.log(sigma) - n / 2 * math.log(2 * math.pi) - n / 2)
        fits.append(Fit({"dist": "lognormal", "mean": math.exp(mu + sigma**2 / 2), "cv": lognormal_cv(sigma)},
                        ll, 2, ks=ks_distance(x, ndtr((np.log(xp) - mu) / sigma))))
    # gamma: shape from the log-mean equation, mean = sample mean.
    k = gamma_shape_mle(mean_p, float(log_x.mean()))
    if k < 1e5:
        fits.append(Fit({"dist": "gamma", "mean": mean_p, "cv": 1 / math.sqrt(k)},
                        _gamma_loglik(xp, log_x, k, mean_p), 2, ks=ks_distance(x, gammainc(k, xp * k / mean_p))))
        # Erlang: the gamma with a whole-number shape; the better of the neighbours.
        best = max((max(1, math.floor(k)), max(1, math.ceil(k))), key=lambda j: _gamma_loglik(xp, log_x, j, mean_p))
        if best <= 10_000:
            fits.append(Fit({"dist": "erlang", "mean": mean_p, "k": int(best)},
                            _gamma_loglik(xp, log_x, best, mean_p), 2,
                            ks=ks_distance(x, gammainc(best, xp * best / mean_p))))
    # Weibull.
    shape = weibull_shape_mle(xp, log_x)
    if 0.05 < shape <= 100:
        scale = float(np.mean(xp**shape)) ** (1 / shape)
        ll = float(n * math.log(shape) - n * shape * math.log(scale) + (shape - 1) * log_x.sum()
                   - ((xp / scale) ** shape).sum())
        fits.append(Fit({"dist": "weibull", "mean": scale * math.gamma(1 + 1 / shape), "shape": shape}, ll, 2,
                        ks=ks_distance(x, -np.expm1(-((xp / scale) ** shape)))))
    # uniform: the MLE of the bounds is the sample's range.
    low, high = float(x[0]), float(x[-1])
    fits.append(Fit({"dist": "uniform", "low": low, "high": high}, -n * math.log(high - low), 2,
                    ks=ks_distance(x, (x - low) / (high - low))))
    # triangular: bounds just outside the range (a density of 0 at an observed point
    # would give log L = -inf), the mode by a search over the sample's quantiles.
    pad = (high - low) / n
    a, b = max(0.0, low - pad), high + pad
    best_tri = None
    for c in np.quantile(x, np.linspace(0.0, 1.0, 41)):
        if not a < c < b:
            continue
        left, right = x[x < c], x[x >= c]
        with np.errstate(divide="ignore"):
            ll = (np.log(2 * (left - a) / ((b - a) * (c - a))).sum() if left.size else 0.0) + \
                 (np.log(2 * (b - right) / ((b - a) * (b - c))).sum() if right.size else 0.0)
        if math.isfinite(ll) and (best_tri is None or ll > best_tri[0]):
            best_tri = (float(ll), float(c))
    if best_tri is not None:
        ll, c = best_tri
        cdf = np.where(x < c, (x - a) ** 2 / ((b - a) * (c - a)), 1 - (b - x) ** 2 / ((b - a) * (b - c)))
        fits.append(Fit({"dist": "triangular", "low": a, "mode": c, "high": b}, ll, 3, ks=ks_distance(x, cdf)))

    for fit in fits:
        if fit.dist != "triangular" and fit.dist != "uniform" and "mean" in fit.spec:
            # Large-sample CI of the mean (the sample mean's CLT interval; all the fits
            # above reproduce the sample mean closely, and this needs no model).
            half = 1.96 * sd / math.sqrt(n)
            fit.mean_ci95 = (mean - half, mean + half)
    report.candidates = sorted(fits, key=lambda f: f.aic)
    return report


def distribution_mean(spec: dict) -> float:
    """The analytic mean (s) of a scenario distribution given as a dict in seconds."""
    d = spec["dist"]
    if d == "constant":
        return spec["value"]
    if d == "uniform":
        return (spec["low"] + spec["high"]) / 2
    if d == "triangular":
        return (spec["low"] + spec["mode"] + spec["high"]) / 3
    if d == "empirical":
        return float(np.mean(spec["values"]))
    return spec["mean"]
