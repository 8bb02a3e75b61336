"""Patience (how long callers wait before hanging up), estimated with censoring.

An abandoned caller shows their patience: it ran out after the wait. An
answered caller shows only that their patience was longer than their wait
(right censoring). The mean of the abandon times alone is therefore biased low
— it keeps the impatient and drops everyone patient enough to be answered.
Here:

- maximum likelihood for exponential, lognormal and Weibull patience: abandons
  contribute the density f(t), answered callers the survival S(t); the
  candidates are ranked by AIC, and the mean's 95 % CI comes from the observed
  information (numerical Hessian) by the delta method, on the log scale;
- the Kaplan–Meier curve, a check on the parametric fit that assumes no shape;
- the naive mean of abandon times, reported only to show the bias.

From interval data alone (no call detail) the Erlang A relation is used: with
exponential patience of mean m, abandoned / offered = E[wait of all callers] / m
(Little's law on the queue), so m = total wait of all callers / abandoned —
which is also the exponential MLE above with the waits summed per interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .fitting import Fit, lognormal_cv

#: Abandons recorded at 0 s (ACD times in whole seconds) are taken as this many seconds.
EVENT_FLOOR_S = 0.5
Z95 = 1.959963984540054


@dataclass
class KaplanMeier:
    times: np.ndarray  # distinct abandon times, s
    survival: np.ndarray  # P(patience > t) just after each time
    at_risk: np.ndarray

    def at(self, t: float) -> float:
        i = np.searchsorted(self.times, t, side="right") - 1
        return 1.0 if i < 0 else float(self.survival[i])

    def median(self) -> float | None:
        below = np.nonzero(self.survival <= 0.5)[0]
        return float(self.times[below[0]]) if below.size else None


@dataclass
class PatienceEstimate:
    """The chosen patience distribution and how it was found."""

    method: str  # "censored-mle" or "erlang-a" or "none"
    chosen: Fit | None
    candidates: list[Fit] = field(default_factory=list)
    contacts: int = 0
    abandoned: int = 0
    naive_mean: float | None = None  # mean of abandon times (biased low)
    naive_ci95: tuple[float, float] | None = None
    kaplan_meier: KaplanMeier | None = None
    km_distance: float | None = None  # max |KM - fitted survival| where >= 20 callers are at risk
    notes: list[str] = field(default_factory=list)

    @property
    def censored_share(self) -> float:
        return 1.0 - self.abandoned / self.contacts if self.contacts else math.nan


def kaplan_meier(wait_s: np.ndarray, abandoned: np.ndarray) -> KaplanMeier:
    """Product-limit estimate of P(patience > t) from waits with an abandon flag."""
    order = np.argsort(wait_s, kind="stable")
    t, d = wait_s[order], abandoned[order]
    times, first = np.unique(t, return_index=True)
    events = np.add.reduceat(d.astype(float), first)
    at_risk = t.size - first
    keep = events > 0
    times, events, at_risk = times[keep], events[keep], at_risk[keep]
    survival = np.cumprod(1.0 - events / at_risk)
    return KaplanMeier(times, survival, at_risk)


def _mle(name: str, t: np.ndarray, d: np.ndarray) -> Fit | None:
    """Censored MLE of one family; mean CI from the Hessian by the delta method."""
    from scipy.optimize import approx_fprime, minimize
    from scipy.special import digamma, log_ndtr

    te = np.maximum(t[d], EVENT_FLOOR_S)
    tc = t[~d]
    tc = tc[tc > 0]  # censored at 0 s: S(0) = 1, no information
    log_te, log_tc = np.log(te), np.log(tc)
    n_ev = te.size
    exp_mean = (te.sum() + tc.sum()) / n_ev

    if name == "lognormal":
        def nll(p):
            mu, log_sigma = p
            sigma = math.exp(log_sigma)
            ze = (log_te - mu) / sigma
            ll = -log_te.sum() - n_ev * (log_sigma + 0.5 * math.log(2 * math.pi)) - 0.5 * (ze @ ze)
            return -float(ll + log_ndtr((mu - log_tc) / sigma).sum())

        def log_mean(p):  # and its gradient, for the delta method
            return p[0] + math.exp(2 * p[1]) / 2, np.array([1.0, math.exp(2 * p[1])])

        start = (math.log(exp_mean) - 0.5, 0.0)
    else:  # weibull
        def nll(p):
            log_scale, log_shape = p
            k = math.exp(log_shape)
            ze, zc = log_te - log_scale, log_tc - log_scale
            ll = n_ev * log_shape - n_ev * log_scale + (k - 1) * ze.sum() - np.exp(k * ze).sum() - np.exp(k * zc).sum()
            return -float(ll)

        def log_mean(p):
            inv_k = math.exp(-p[1])
            return p[0] + math.lgamma(1 + inv_k), np.array([1.0, -inv_k * float(digamma(1 + inv_k))])

        start = (math.log(exp_mean), 0.0)

    def finite_nll(p):  # Nelder–Mead ranks points: a non-finite value is just the worst
        value = nll(p)
        return value if math.isfinite(value) else math.inf

    p = np.array(start)
    tol = {"xatol": 1e-8, "fatol": 1e-10 * abs(finite_nll(p)), "maxiter": 2000}
    for step in (0.3, 0.05):  # a restart guards against a collapsed simplex
        simplex = p + np.vstack([np.zeros(2), step * np.eye(2)])
        p = minimize(finite_nll, p, method="Nelder-Mead", options={"initial_simplex": simplex, **tol}).x
    loglik = -nll(p)
    if not math.isfinite(loglik):
        return None
    ci = None
    # Observed information: central differences of central-difference gradients, each
    # the mean of scipy's forward (+h) and backward (-h) differences.
    h = 1e-4 * np.maximum(1.0, np.abs(p))

    def central(f, x):
        return (approx_fprime(x, f, h) + approx_fprime(x, f, -h)) / 2.0

    info = central(lambda q: central(nll, q), p)
    centre, grad = log_mean(p)
    try:
        var = float(grad @ np.linalg.inv((info + info.T) / 2.0) @ grad)
        if var > 0:
            se = math.sqrt(var)
            ci = (math.exp(centre - Z95 * se), math.exp(centre + Z95 * se))
    except np.linalg.LinAlgError:
        pass
    if name == "lognormal":
        spec = {"dist": "lognormal", "mean": math.exp(centre), "cv": lognormal_cv(math.exp(p[1]))}
    else:
        spec = {"dist": "weibull", "mean": math.exp(centre), "shape": math.exp(p[1])}
    return Fit(spec, float(loglik), 2, mean_ci95=ci)


def fitted_survival(spec: dict, t: np.ndarray) -> np.ndarray:
    if spec["dist"] == "exponential":
        return np.exp(-t / spec["mean"])
    if spec["dist"] == "weibull":
        k = spec["shape"]
        scale = spec["mean"] / math.gamma(1 + 1 / k)
        return np.exp(-((t / scale) ** k))
    from scipy.special import ndtr

    sigma = math.sqrt(math.log1p(spec["cv"] ** 2))
    mu = math.log(spec["mean"]) - sigma**2 / 2
    with np.errstate(divide="ignore"):
        return ndtr((mu - np.log(t)) / sigma)


def estimate_from_details(wait_s: np.ndarray, abandoned: np.ndarray) -> PatienceEstimate:
    """Censored maximum likelihood from per-contact waits (s) and abandon flags."""
    wait_s = np.asarray(wait_s, dtype=float)
    abandoned = np.asarray(abandoned, dtype=bool)
    n, n_ab = wait_s.size, int(abandoned.sum())
    est = PatienceEstimate("censored-mle", None, contacts=n, abandoned=n_ab)
    if n_ab == 0:
        est.method = "none"
        est.notes.append("no contact abandoned in the call detail: callers are written as never abandoning")
        return est
    ab = wait_s[abandoned]
    est.naive_mean = float(ab.mean())
    if n_ab > 1:
        half = Z95 * float(ab.std(ddof=1)) / math.sqrt(n_ab)
        est.naive_ci95 = (est.naive_mean - half, est.naive_mean + half)
    total = float(np.maximum(wait_s, np.where(abandoned, EVENT_FLOOR_S, 0.0)).sum())
    mean = total / n_ab
    fits = [Fit({"dist": "exponential", "mean": mean},
                -n_ab * math.log(mean) - total / mean + 0.0, 1,
                mean_ci95=(mean * math.exp(-Z95 / math.sqrt(n_ab)), mean * math.exp(Z95 / math.sqrt(n_ab))))]
    if n_ab >= 10:
        for name in ("lognormal", "weibull"):
            fit = _mle(name, wait_s, abandoned)
            if fit is not None:
                fits.append(fit)
    else:
        est.notes.append(f"only {n_ab} abandons: exponential patience only")
    est.candidates = sorted(fits, key=lambda f: f.aic)
    est.chosen = est.candidates[0]
    km = kaplan_meier(wait_s, abandoned)
    est.kaplan_meier = km
    ok = km.at_risk >= 20
    if ok.any():
        fit_s = fitted_survival(est.chosen.spec, km.times[ok])
        est.km_distance = float(np.max(np.abs(fit_s - km.survival[ok])))
    return est


def estimate_from_intervals(answered: float, abandoned: float, wait_answered_s: float | None,
                            wait_abandoned_s: float | None) -> PatienceEstimate:
    """Erlang A relation from interval totals: mean patience = total wait of all callers / abandoned.

    wait_answered_s: total wait of the answered (sum of answered x ASA), s.
    wait_abandoned_s: total wait of the abandoned (sum of abandoned x average
    abandon time), s; None approximates it by the answered callers' ASA.
    """
    n = int(answered + abandoned)
    est = PatienceEstimate("erlang-a", None, contacts=n, abandoned=int(abandoned))
    if abandoned <= 0:
        est.method = "none"
        est.notes.append("no contact abandoned in the history: callers are written as never abandoning")
        return est
    if wait_answered_s is None:
        est.method = "none"
        est.notes.append(
            "patience NOT estimated: the interval history has no wait column (asa_s, avg_abandon_s) and there "
            "is no call detail, so abandonment cannot be separated from staffing; callers are written as "
            "never abandoning — give --details or add asa_s and avg_abandon_s")
        return est
    est.notes.append("from interval data alone: Erlang A relation, abandoned / offered = mean wait / mean "
                     "patience (exponential patience assumed)")
    if wait_abandoned_s is None:
        asa = wait_answered_s / answered if answered else 0.0
        wait_abandoned_s = asa * abandoned
        est.notes.append("no avg_abandon_s column: the abandoned callers' waits are approximated by the ASA")
    else:
        est.naive_mean = wait_abandoned_s / abandoned
    mean = (wait_answered_s + wait_abandoned_s) / abandoned
    half = Z95 / math.sqrt(abandoned)
    est.chosen = Fit({"dist": "exponential", "mean": mean}, math.nan, 1,
                     mean_ci95=(mean * math.exp(-half), mean * math.exp(half)))
    est.candidates = [est.chosen]
    return est
