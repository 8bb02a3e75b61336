"""Staffing, step 2: the simulation search and what it promises.

Seeds are fixed, so every run here is reproducible; the search is a
deterministic function of the staffing on its common random numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.experiment.stats import mean_ci
from ccsim.staffing import InfeasibleTargets, resolve_options, staff
from ccsim.staffing.evaluate import Evaluator
from ccsim.staffing.multiskill import allocate


def queue(per_interval, *, interval="30min", patience=None, start="08:00", seed=4, forecast_error=0.0):
    hours = len(per_interval) * {"30min": 0.5, "1h": 1.0, "2h": 2.0}[interval]
    end_min = int(start[:2]) * 60 + int(round(60 * hours))
    calls = {"arrivals": {"per_interval": list(per_interval), "forecast_error": forecast_error},
             "handle_time": {"dist": "exponential", "mean": "3min"},
             "service_level": {"target": 0.8, "threshold": "20s"}}
    if patience:
        calls["patience"] = {"dist": "exponential", "mean": patience}
    return ccsim.from_dict({
        "name": "queue", "seed": seed,
        "horizon": {"start": start, "end": f"{end_min // 60:02d}:{end_min % 60:02d}", "interval": interval},
        "contact_types": {"calls": calls}, "agent_groups": {"team": {"skills": ["calls"], "staffing": 1}},
    })


def test_under_erlang_c_assumptions_the_simulation_finds_erlang_c_within_one():
    # Exponential times, nobody abandons, constant rates within long (2 h) intervals.
    sc = queue([160, 300, 420, 240, 360, 200], interval="2h", seed=7)
    result = staff(sc, replications=30, check_replications=10, compare=False)
    erlang_c = result.analytic["calls"].erlang_c
    assert np.abs(result.required[0] - erlang_c).max() <= 1, (result.required[0], erlang_c)
    assert result.search.minimal


def test_staffing_found_meets_its_targets_on_a_fresh_seed_in_every_interval():
    sc = queue([30, 55, 80, 90, 70, 50, 60, 35], patience="2min", seed=11)
    options = resolve_options(sc, max_abandon=0.06)
    result = staff(sc, options, replications=40, check_replications=20, compare=False)
    fresh = ccsim.simulate(result.staffing_scenario(), replications=300, seed=987_654)
    for j in range(8):
        for kpi, limit, high_good in (("service_level", 0.8, True), ("abandon_rate", 0.06, False)):
            values = np.array([r.intervals["calls"][kpi][j] for r in fresh.replication_results])
            mean, (low, high) = mean_ci(values)
            assert (high >= limit) if high_good else (low <= limit), (j, kpi, mean, low, high)


def test_no_single_agent_can_be_removed_from_any_interval():
    sc = queue([40, 70, 90, 60], patience="3min", seed=5)
    options = resolve_options(sc)
    result = staff(sc, options, replications=20, check_replications=10, compare=False)
    with Evaluator(sc, options.targets, 20, result.seed) as ev:
        assert ev.evaluate(result.required).verdicts.all_ok
        for j in range(4):
            fewer = result.required.copy()
            fewer[0, j] -= 1
            assert not ev.evaluate(fewer).verdicts.all_ok, j


def test_the_search_is_reproducible_and_does_not_depend_on_workers():
    sc = queue([40, 70, 90, 60], patience="3min", seed=5)
    a = staff(sc, replications=12, check_replications=4, compare=False, workers=1)
    b = staff(sc, replications=12, check_replications=4, compare=False, workers=2)
    assert np.array_equal(a.required, b.required)
    assert a.search.simulated_days == b.search.simulated_days


def test_abandonment_makes_erlang_c_overstaff():
    sc = queue([60, 120, 160, 140, 100, 60], patience="80s", seed=3)
    result = staff(sc, replications=20, check_replications=20)
    assert result.required.sum() < result.analytic["calls"].erlang_c.sum()
    erlang_c = next(v for v in result.validations if v.label == "Erlang C")
    assert erlang_c.intervals_met == erlang_c.n_intervals  # it meets the targets, with more agents


def test_retrials_and_repeat_calls_make_erlang_c_understaff():
    base = queue([40, 60, 80, 80, 70, 60, 50, 40], patience="3min", seed=8)
    sc = base.with_changes({
        "contact_types.calls.retrial": {"probability": 0.7, "delay": {"dist": "exponential", "mean": "5min"}},
        "contact_types.calls.resolution": {"first_contact": 0.6, "repeat": {
            "probability": 0.8, "delay": {"dist": "exponential", "mean": "45min"}}},
    })
    result = staff(sc, replications=20, check_replications=20)
    assert result.required.sum() > result.analytic["calls"].erlang_c.sum()
    erlang_c = next(v for v in result.validations if v.label == "Erlang C")
    assert erlang_c.intervals_met < erlang_c.n_intervals


def test_multi_skill_groups_meet_every_target_and_are_one_minimal():
    sc = ccsim.from_dict({
        "name": "two lines", "seed": 6, "horizon": {"start": "08:00", "end": "10:00", "interval": "30min"},
        "contact_types": {
            "sales": {"arrivals": {"per_interval": [40, 60, 60, 40]},
                      "handle_time": {"dist": "exponential", "mean": "4min"},
                      "patience": {"dist": "exponential", "mean": "2min"}},
            "service": {"arrivals": {"per_interval": [30, 50, 40, 30]},
                        "handle_time": {"dist": "exponential", "mean": "5min"},
                        "patience": {"dist": "exponential", "mean": "3min"}},
        },
        "agent_groups": {"sellers": {"skills": ["sales"], "staffing": 1},
                         "flex": {"skills": ["service", "sales"], "staffing": 1}},
    })
    options = resolve_options(sc, max_occupancy=0.9)
    result = staff(sc, options, replications=16, check_replications=10, compare=False)
    assert result.search.minimal
    assert result.search.final.verdicts.all_ok
    assert result.required.shape == (2, 4) and (result.required > 0).all()


def test_confidence_staffs_for_the_share_of_days():
    sc = queue([60, 90, 90, 60], patience="3min", seed=9, forecast_error=0.15)
    plain = staff(sc, replications=30, check_replications=4, compare=False)
    sure = staff(sc, resolve_options(sc, confidence=0.9), replications=30, check_replications=4, compare=False)
    assert sure.required.sum() > plain.required.sum()
    sl = np.vstack([r.intervals["calls"]["service_level"] for r in sure.search.final.results])
    assert ((sl >= 0.8) | np.isnan(sl)).mean(axis=0).min() >= 0.9


def test_unreachable_targets_end_with_a_message_not_a_hang():
    sc = queue([60, 90], patience="3min")
    with pytest.raises(InfeasibleTargets, match=r"no staffing found.*09:0|no staffing found.*08:"):
        staff(sc, resolve_options(sc, service_level=0.99, threshold_s=1.0), replications=8, max_agents=6)


def test_analytic_allocation_is_the_search_start():
    sc = queue([40, 70, 90, 60], patience="3min", seed=5)
    result = staff(sc, replications=8, check_replications=4, compare=False, start="erlang_c")
    plan = result.plan
    expected = allocate(plan, {"calls": result.analytic["calls"].erlang_c})
    assert np.array_equal(result.search.start, expected)
