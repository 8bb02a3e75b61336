"""Switched off, journeys change nothing: no-op journey keys give the foundation's JSON;
journeys that are on but neutral route, queue and abandon like the lean engine; a journey
on one contact type leaves the other types' draws and records unchanged.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.arrivals import draw_contacts
from ccsim.engine.records import CB_DECLINED, FIRST
from ccsim.plan import build_plan
from tests.common.journeys import constant, exponential, scenario


def dumps(est) -> str:
    return json.dumps(est.to_dict(), sort_keys=True, allow_nan=False)


def foundation_types() -> dict:
    """Two contact types with patience, wrap-up and lines: a small but busy centre."""
    return {
        "sales": {"arrivals": {"rate": "50/h"}, "handle_time": exponential(240.0),
                  "after_call_work": constant(20.0), "patience": exponential(120.0), "lines": 8},
        "support": {"arrivals": {"per_interval": [20, 40, 30, 25]},
                    "handle_time": {"dist": "lognormal", "mean": 300.0, "cv": 0.8},
                    "patience": {"dist": "weibull", "mean": 200.0, "shape": 0.8}},
    }


FOUNDATION_GROUPS = {"front": {"skills": ["sales", "support"], "staffing": [3, 5, 4, 3]},
                     "back": {"skills": ["support"], "staffing": 2}}


def with_keys(types: dict, keys: dict) -> dict:
    out = json.loads(json.dumps(types))
    for ct in out.values():
        ct.update(json.loads(json.dumps(keys)))
    return out


@pytest.mark.parametrize("keys", [
    {"wait_predictor": "queue_position"},
    {"wait_predictor": "last_to_enter_service"},
    {"retrial": {"probability": 0.0, "delay": exponential(600.0)}},
], ids=["queue_position", "last_to_enter_service", "retrial-probability-0"])
def test_journey_keys_that_switch_nothing_on_give_the_foundations_json(keys):
    base = scenario(foundation_types(), FOUNDATION_GROUPS)
    variant = scenario(with_keys(foundation_types(), keys), FOUNDATION_GROUPS)
    assert build_plan(variant).contact_types[0].journey is None
    assert dumps(ccsim.simulate(variant, replications=3, seed=5)) == dumps(
        ccsim.simulate(base, replications=3, seed=5))


# Journey features that are on (so the journey path of the engine runs) but change nothing
# that happens to a contact: no self-service in a zero-second IVR, nobody balks, every
# answer resolves, no callback accepted, one attempt only.
NEUTRAL = {
    "ivr": {"time": constant(0.0), "self_service": 0.0},
    "balking": {"when_expected_wait_over": 0, "probability": 0.0},
    "retrial": {"probability": 1.0, "delay": constant(60.0), "max_attempts": 1},
    "resolution": {"first_contact": 1.0, "repeat": {"probability": 1.0, "delay": constant(60.0)}},
    "callback": {"offer_when_expected_wait_over": 0, "accept_probability": 0.0},
    "conversion": {"probability": 0.3},
}


def test_neutral_journeys_leave_the_foundations_kpis_unchanged():
    """The journey path of the engine routes, queues and abandons like the lean path."""
    base = ccsim.simulate(scenario(foundation_types(), FOUNDATION_GROUPS), replications=4,
                          seed=9, keep_records=True)
    neutral = ccsim.simulate(scenario(with_keys(foundation_types(), NEUTRAL), FOUNDATION_GROUPS),
                             replications=4, seed=9, keep_records=True)
    for a, b in zip(base.replication_results, neutral.replication_results, strict=True):
        for name, kpis in a.contact_types.items():
            for kpi, value in kpis.items():
                assert b.contact_types[name][kpi] == pytest.approx(value, nan_ok=True, rel=1e-12), (
                    name, kpi)
                assert np.allclose(b.intervals[name][kpi], a.intervals[name][kpi], equal_nan=True,
                                   rtol=1e-12, atol=0), (name, kpi)
        for name, kpis in a.agent_groups.items():
            for kpi, value in kpis.items():
                assert b.agent_groups[name][kpi] == pytest.approx(value, nan_ok=True, rel=1e-12)
    for ra, rb in zip(base.records, neutral.records, strict=True):
        assert len(rb) == len(ra)  # no retrial, no repeat
        for name in ("arrival", "ctype", "outcome", "answer", "group", "handle", "acw", "patience"):
            assert np.array_equal(getattr(ra, name), getattr(rb, name), equal_nan=True), name
        assert np.all(rb.journey["callback"][np.isfinite(rb.journey["predicted"])] == CB_DECLINED)


def test_a_journey_on_one_type_leaves_the_other_types_contacts_unchanged():
    types = foundation_types()
    types["support"].update(NEUTRAL, retrial={"probability": 0.7, "delay": exponential(300.0)},
                            resolution={"first_contact": 0.5,
                                        "repeat": {"probability": 0.8,
                                                   "delay": exponential(900.0)}},
                            callback={"offer_when_expected_wait_over": 60,
                                      "accept_probability": 0.5})
    # Each type with its own agents, so that support's journeys cannot change sales' queue.
    groups = {"front": {"skills": ["sales"], "staffing": [3, 5, 4, 3]},
              "back": {"skills": ["support"], "staffing": 2}}
    plain, journeyed = (build_plan(scenario(t, groups)) for t in (foundation_types(), types))
    assert plain.contact_types[0].journey is None and journeyed.contact_types[1].journey is not None
    for r in range(3):
        before, after = draw_contacts(plain, r), draw_contacts(journeyed, r)
        for k in range(2):
            for name in ("arrival", "handle", "acw", "patience"):
                assert np.array_equal(getattr(before, name)[before.ctype == k],
                                      getattr(after, name)[after.ctype == k]), (k, name)
        rec_a, rec_b = simulate_replication(plain, r), simulate_replication(journeyed, r)
        assert rec_b.journey is not None and (rec_b.journey["kind"] != FIRST).any()
        sales_a, sales_b = rec_a.ctype == 0, rec_b.ctype == 0
        for name in ("arrival", "outcome", "answer", "handle", "acw", "patience"):
            assert np.array_equal(getattr(rec_a, name)[sales_a], getattr(rec_b, name)[sales_b],
                                  equal_nan=True), name
