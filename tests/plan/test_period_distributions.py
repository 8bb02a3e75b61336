"""Service time, after-call work and patience by the interval of arrival (a list of
distributions, one per interval): each contact draws from its own interval's, first attempts
and retrials alike; the means agree with the distributions' (intervals over replications);
a wrong length or a bad element is a located error."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.records import ABANDONED, ANSWERED
from ccsim.plan import build_plan
from ccsim.plan.sampling import ByPeriod
from ccsim.scenario import ScenarioError

MIN = 60.0


def scenario(handle, patience, staffing=50, extra: dict | None = None) -> ccsim.Scenario:
    return ccsim.from_dict({
        "name": "by period",
        "horizon": {"start": "08:00", "end": "11:00", "interval": "1h"},
        "seed": 3,
        "contact_types": {"calls": {"arrivals": {"rate": "3/min"}, "handle_time": handle,
                                    "patience": patience, **(extra or {})}},
        "agent_groups": {"agents": {"skills": ["calls"], "staffing": staffing}},
    })


def exp(mean_min: float) -> dict:
    return {"dist": "exponential", "mean": mean_min * MIN}


def const(value_s: float) -> dict:
    return {"dist": "constant", "value": value_s}


def test_each_contact_draws_from_its_interval_of_arrival():
    sc = scenario([const(60), const(120), const(180)], [const(10), const(20), const(30)], staffing=0)
    plan = build_plan(sc)
    assert isinstance(plan.contact_types[0].handle, ByPeriod)
    rec = simulate_replication(plan, 0)
    period = (rec.arrival // 3600).astype(int)
    assert rec.arrival.size > 300
    assert np.array_equal(rec.handle, np.array([60.0, 120.0, 180.0])[period])
    # Nobody staffed: everyone abandons after its own interval's patience.
    assert (rec.outcome == ABANDONED).all()
    assert np.array_equal(rec.patience, np.array([10.0, 20.0, 30.0])[period])


def test_retrials_draw_from_the_interval_they_call_back_in():
    # A caller abandoning at 20 s and calling back 30 min later takes that interval's handle
    # time (fresh draws); with retrial.keep it keeps its first attempt's.
    handle = [const(60), const(120), const(180)]
    retrial = {"probability": 1.0, "delay": const(1800), "max_attempts": 2}
    for keep, expect_from in ((None, "attempt"), (["handle_time"], "first")):
        r = dict(retrial, **({"keep": keep} if keep else {}))
        sc = scenario(handle, const(20), staffing=0, extra={"retrial": r})
        rec = simulate_replication(build_plan(sc), 0)
        attempt = rec.journey["attempt"]
        second = (attempt == 2) & (rec.arrival < 3 * 3600)
        assert second.sum() > 100
        if expect_from == "attempt":
            own = np.array([60.0, 120.0, 180.0])[(rec.arrival[second] // 3600).astype(int)]
        else:
            own = np.array([60.0, 120.0, 180.0])[((rec.arrival[second] - 1820) // 3600).astype(int)]
        assert np.array_equal(rec.handle[second], own)


def test_means_by_interval_agree_with_the_distributions():
    # Plenty of agents: every call answered at once, so the handle times of answered calls are
    # the drawn ones. Means per interval within 4 standard errors over 40 days.
    means = [1.0, 3.0, 2.0]
    sc = scenario([exp(m) for m in means], exp(5.0), staffing=40)
    est = ccsim.simulate(sc, replications=40, seed=8, keep_records=True)
    for p, m in enumerate(means):
        h = np.concatenate([r.handle[(r.outcome == ANSWERED) & (r.arrival // 3600 == p)] for r in est.records])
        se = m * MIN / math.sqrt(h.size)  # exponential: sd = mean
        assert abs(h.mean() - m * MIN) < 4 * se, (p, h.mean() / MIN, m)


def test_a_single_distribution_still_works_and_is_not_periodic():
    plan = build_plan(scenario(exp(2.0), exp(5.0)))
    assert not plan.contact_types[0].handle.periodic


@pytest.mark.parametrize("handle,patience,where,says", [
    ([exp(1.0), exp(2.0)], exp(5.0), "contact_types.calls.handle_time",
     "expected one distribution per interval (3 intervals), got 2"),
    ([exp(1.0), exp(2.0), {"dist": "exponential", "mean": -1}], exp(5.0),
     "contact_types.calls.handle_time[2].mean", "must be positive"),
    (exp(1.0), [exp(1.0), exp(2.0), {"dist": "expo", "mean": 60}], "contact_types.calls.patience[2].dist",
     "unknown distribution 'expo'"),
    ([], exp(5.0), "contact_types.calls.handle_time", "at least 1"),
])
def test_bad_lists_are_located_errors(tmp_path, handle, patience, where, says):
    import yaml

    data = scenario(exp(1.0), exp(5.0)).raw_data()
    data["contact_types"]["calls"]["handle_time"] = handle
    data["contact_types"]["calls"]["patience"] = patience
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as err:
        ccsim.load(path)
    text = str(err.value)
    assert "s.yaml:" in text and where in text and says in text, text
