"""The estimators on data with a known truth: special functions, fits, censored patience, the forecast."""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsim.calibrate.fitting import fit_complete, gamma_shape_mle, ks_distance, weibull_shape_mle
from ccsim.calibrate.forecast import fit_daily, forecast_type
from ccsim.calibrate.history import IntervalHistory
from ccsim.calibrate.patience import estimate_from_details, estimate_from_intervals, fitted_survival, kaplan_meier

EULER_GAMMA = 0.5772156649015329


@pytest.mark.parametrize(
    "k, s",  # s = log k - digamma(k), from digamma(1) = -gamma, digamma(1/2) = -gamma - 2 log 2,
    [  # digamma(n + 1) = -gamma + H_n
        (1.0, EULER_GAMMA),
        (0.5, math.log(0.5) + EULER_GAMMA + 2 * math.log(2)),
        (3.0, math.log(3.0) + EULER_GAMMA - 1.5),
        (50.0, math.log(50.0) + EULER_GAMMA - sum(1 / j for j in range(1, 50))),
    ],
)
def test_gamma_shape_solves_the_likelihood_equation(k, s):
    assert gamma_shape_mle(1.0, -s) == pytest.approx(k, rel=1e-9)
    assert gamma_shape_mle(250.0, math.log(250.0) - s) == pytest.approx(k, rel=1e-9)


def test_weibull_shape_solves_the_likelihood_equation():
    x = np.random.default_rng(8).weibull(1.7, 3000) * 90.0
    k = weibull_shape_mle(x, np.log(x))
    xk = x**k
    assert 1 / k + np.log(x).mean() - (xk * np.log(x)).sum() / xk.sum() == pytest.approx(0.0, abs=1e-10)
    assert k == pytest.approx(1.7, rel=0.05)


def test_ks_distances_use_the_closed_form_cdfs():
    rng = np.random.default_rng(12)
    erlang3 = np.sort(rng.gamma(3.0, 40.0, 2000))
    fit = next(f for f in fit_complete(erlang3).candidates if f.dist == "erlang")
    assert fit.spec["k"] == 3
    y = erlang3 * 3 / fit.spec["mean"]
    assert fit.ks == pytest.approx(ks_distance(erlang3, 1 - np.exp(-y) * (1 + y + y * y / 2)), abs=1e-12)
    logn = np.sort(rng.lognormal(4.0, 0.6, 2000))
    fit = next(f for f in fit_complete(logn).candidates if f.dist == "lognormal")
    z = (np.log(logn) - np.log(logn).mean()) / np.log(logn).std()
    cdf = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in z])
    assert fit.ks == pytest.approx(ks_distance(logn, cdf), abs=1e-12)


@given(st.floats(min_value=0.0, max_value=5000.0))
def test_fitted_lognormal_survival_matches_math_erfc(t):
    spec = {"dist": "lognormal", "mean": 240.0, "cv": 1.3}
    sigma = math.sqrt(math.log1p(1.3**2))
    mu = math.log(240.0) - sigma**2 / 2
    expected = 1.0 if t == 0 else 0.5 * math.erfc((math.log(t) - mu) / (sigma * math.sqrt(2)))
    assert fitted_survival(spec, np.array([t]))[0] == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_uncensored_lognormal_mle_and_its_interval_have_closed_forms():
    # With every caller abandoning there is no censoring: mu and sigma are the mean and
    # (ddof 0) sd of the logs, and the observed information is diag(n / sigma^2, 2 n) in
    # (mu, log sigma), so var(log mean) = sigma^2 / n + sigma^4 / (2 n) by the delta method.
    t = np.random.default_rng(21).lognormal(4.5, 0.9, 5000)
    fit = next(f for f in estimate_from_details(t, np.ones(t.size, dtype=bool)).candidates if f.dist == "lognormal")
    mu, sigma, n = np.log(t).mean(), np.log(t).std(), t.size
    assert fit.spec["mean"] == pytest.approx(math.exp(mu + sigma**2 / 2), rel=1e-7)
    assert fit.spec["cv"] == pytest.approx(math.sqrt(math.expm1(sigma**2)), rel=1e-7)
    half = 1.959963984540054 * math.sqrt(sigma**2 / n + sigma**4 / (2 * n))
    assert fit.mean_ci95 == pytest.approx((math.exp(mu + sigma**2 / 2 - half), math.exp(mu + sigma**2 / 2 + half)),
                                          rel=1e-6)


def test_uncensored_weibull_mle_solves_the_complete_sample_equation():
    t = np.maximum(np.random.default_rng(22).weibull(0.8, 5000) * 150.0, 0.5)  # abandons under 0.5 s count as 0.5 s
    fit = next(f for f in estimate_from_details(t, np.ones(t.size, dtype=bool)).candidates if f.dist == "weibull")
    assert fit.spec["shape"] == pytest.approx(weibull_shape_mle(t, np.log(t)), rel=1e-6)
    lo, hi = fit.mean_ci95
    assert lo < t.mean() < hi and hi / lo < 1.2


@pytest.mark.parametrize(
    "name, draw, mean",
    [
        (
            "lognormal",
            lambda rng: rng.lognormal(math.log(300) - 0.5 * math.log(1.64), math.sqrt(math.log(1.64)), 8000),
            300,
        ),
        ("gamma", lambda rng: rng.gamma(1 / 0.81, 420 * 0.81, 8000), 420),
        ("weibull", lambda rng: 200 / math.gamma(1 + 1 / 1.6) * rng.weibull(1.6, 8000), 200),
        ("exponential", lambda rng: rng.exponential(60, 8000), 60),
        ("uniform", lambda rng: rng.uniform(20, 60, 8000), 40),
    ],
)
def test_fit_chooses_the_true_family_by_likelihood(name, draw, mean):
    report = fit_complete(draw(np.random.default_rng(5)))
    best = report.best
    # Exponential data may equally be called gamma/Weibull/Erlang with shape ~1: as good, not better.
    close = {f.dist for f in report.candidates if f.aic - best.aic < 4}
    assert name == best.dist or (name in close and name == "exponential")
    assert best.mean == pytest.approx(mean, rel=0.03)
    assert best.ks < 0.02
    assert report.candidates == sorted(report.candidates, key=lambda f: f.aic)


def test_constant_and_zero_values():
    assert fit_complete([30.0] * 10).best.spec == {"dist": "constant", "value": 30.0}
    report = fit_complete(np.r_[np.zeros(50), np.random.default_rng(1).exponential(40, 950)])
    assert report.floored >= 50 and report.notes


def _queue_like(patience: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """Waits censored by an independent virtual wait, as in a queue: most callers answered quickly."""
    virtual = np.where(rng.random(patience.size) < 0.4, 0.0, rng.exponential(45.0, patience.size))
    abandoned = patience < virtual
    return np.where(abandoned, patience, virtual), abandoned


@pytest.mark.parametrize("family", ["exponential", "lognormal"])
def test_censored_mle_covers_the_true_mean_and_the_naive_mean_does_not(family):
    rng = np.random.default_rng(17)
    n = 40_000
    if family == "exponential":
        patience = rng.exponential(180.0, n)
    else:
        sigma = math.sqrt(math.log1p(1.0))
        patience = rng.lognormal(math.log(240.0) - sigma**2 / 2, sigma, n)
    truth = 180.0 if family == "exponential" else 240.0
    wait, abandoned = _queue_like(patience, rng)
    est = estimate_from_details(wait, abandoned)
    assert est.chosen.dist == family or family == "exponential" and est.chosen.dist == "weibull"
    lo, hi = est.chosen.mean_ci95
    assert lo <= truth <= hi and hi / lo < 1.3
    assert est.naive_ci95[1] < 0.5 * truth  # the mean of abandon times is nowhere near
    assert 0.85 < est.censored_share < 0.99
    # Kaplan–Meier, which assumes no shape, agrees with the true survival where callers are at risk.
    km = est.kaplan_meier
    for t in (10.0, 30.0, 60.0):
        true_s = float(np.mean(patience > t))
        assert km.at(t) == pytest.approx(true_s, abs=0.02)


def test_kaplan_meier_small_example():
    # waits 1,2,3,4 with abandons at 2 and 4: S(2) = 3/4 * ..., S after 2 = 1 - 1/3, after 4 = 0
    km = kaplan_meier(np.array([1.0, 2.0, 3.0, 4.0]), np.array([False, True, False, True]))
    assert km.times.tolist() == [2.0, 4.0]
    assert km.survival.tolist() == pytest.approx([2 / 3, 0.0])
    assert km.median() == 4.0 and km.at(1.5) == 1.0


def test_erlang_a_relation_from_interval_totals():
    est = estimate_from_intervals(answered=900, abandoned=100, wait_answered_s=900 * 20.0, wait_abandoned_s=100 * 60.0)
    assert est.chosen.mean == pytest.approx((18000 + 6000) / 100)
    assert est.method == "erlang-a"
    none = estimate_from_intervals(answered=900, abandoned=100, wait_answered_s=None, wait_abandoned_s=None)
    assert none.chosen is None and "NOT estimated" in none.notes[0]


def _poisson_history(weeks: int, cv: float, trend: float, seed: int) -> tuple[IntervalHistory, dict]:
    rng = np.random.default_rng(seed)
    factors = np.array([1.3, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3])
    profile = np.array([1, 2, 3, 4, 4, 3, 2, 1], dtype=float)
    profile /= profile.sum()
    days = 7 * weeks
    dates = [dt.date(2026, 1, 5) + dt.timedelta(days=i) for i in range(days)]
    mean = np.array([800 * factors[d.weekday()] * (1 + trend) ** (i / 7) for i, d in enumerate(dates)])
    multiplier = rng.gamma(1 / cv**2, cv**2, days) if cv else np.ones(days)
    offered = rng.poisson(np.outer(mean * multiplier, profile))[None, :, :].astype(float)
    zeros = np.zeros_like(offered)
    h = IntervalHistory("synthetic.csv", dates, ["calls"], 8 * 3600, 3600, offered, zeros, zeros, zeros)
    return h, {"factors": factors, "profile": profile, "mean": mean}


def test_daily_model_recovers_weekday_factors_and_trend():
    h, truth = _poisson_history(weeks=12, cv=0.0, trend=0.02, seed=3)
    model = fit_daily(h.dates, h.daily()[0])
    assert model.trend_per_week == pytest.approx(0.02, abs=0.004)
    factors = model.weekday_factors()
    geo = math.exp(np.mean(np.log(truth["factors"])))
    assert factors["Monday"] == pytest.approx(1.3 / geo, rel=0.03)
    assert factors["Sunday"] == pytest.approx(0.3 / geo, rel=0.05)


def test_forecast_error_is_estimated_out_of_sample_net_of_poisson_noise():
    h, truth = _poisson_history(weeks=20, cv=0.08, trend=0.0, seed=8)
    target = h.dates[-1] + dt.timedelta(days=1)
    fc = forecast_type(h, 0, target, backtest_weeks=10)
    assert 0.05 < fc.forecast_error < 0.11  # true 0.08
    assert fc.profile == pytest.approx(truth["profile"], abs=0.01)
    assert fc.backtest.ours.interval_wape < fc.backtest.naive.interval_wape
    assert fc.backtest.ours.day_wape < fc.backtest.naive.day_wape
    pure, _ = _poisson_history(weeks=20, cv=0.0, trend=0.0, seed=9)
    assert forecast_type(pure, 0, target, backtest_weeks=10).forecast_error < 0.03  # Poisson noise only


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_forecast_is_positive_and_profile_sums_to_one(seed):
    h, _ = _poisson_history(weeks=4, cv=0.1, trend=0.0, seed=seed)
    fc = forecast_type(h, 0, h.dates[-1] + dt.timedelta(days=3), backtest_weeks=1)
    assert fc.volume > 0 and fc.forecast_error >= 0
    assert fc.profile.sum() == pytest.approx(1.0) and (fc.profile >= 0).all()
    assert fc.per_interval.sum() == pytest.approx(fc.volume)
