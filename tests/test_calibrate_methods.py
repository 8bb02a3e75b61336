"""The estimators on data with a known truth: special functions, fits, censored patience, the forecast."""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsim.calibrate.fitting import fit_complete
from ccsim.calibrate.forecast import fit_daily, forecast_type
from ccsim.calibrate.history import IntervalHistory
from ccsim.calibrate.numerics import digamma, gamma_p, log_norm_sf, minimize
from ccsim.calibrate.patience import estimate_from_details, estimate_from_intervals, kaplan_meier


@given(st.floats(min_value=-8, max_value=8))
def test_normal_tail_matches_math_erfc(z):
    assert math.exp(log_norm_sf(np.array([z]))[0]) == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)), rel=2e-6)


def test_normal_tail_far_out_is_finite_and_right():
    # log P(Z > z) ~ -z^2/2 - log(z sqrt(2 pi)) - 1/z^2 for large z
    z = 40.0
    assert log_norm_sf(np.array([z]))[0] == pytest.approx(
        -z * z / 2 - math.log(z * math.sqrt(2 * math.pi)) - 1 / z**2, rel=1e-6
    )


@given(st.floats(min_value=0.0, max_value=60.0))
def test_incomplete_gamma_closed_forms(x):
    assert gamma_p(1.0, np.array([x]))[0] == pytest.approx(-math.expm1(-x), abs=1e-10)
    assert gamma_p(3.0, np.array([x]))[0] == pytest.approx(1 - math.exp(-x) * (1 + x + x * x / 2), abs=1e-10)


def test_digamma_and_minimize():
    assert digamma(1.0) == pytest.approx(-0.5772156649015329, abs=1e-10)
    assert digamma(0.5) == pytest.approx(-1.9635100260214235, abs=1e-10)
    best = minimize(lambda p: (p[0] - 3) ** 2 + 10 * (p[1] + 1) ** 2, [0.0, 0.0])
    assert best == pytest.approx([3, -1], abs=1e-5)


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
