"""Retrials that keep the caller's patience, handle time and after-call work (``keep``):
a kept value equals the attempt before's, a value not kept is drawn afresh, the fresh row
is used up either way (common random numbers), conservation holds, and a bad name is a
located error."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.records import RETRIAL
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError
from tests.common.journeys import check_journey_records, constant, exponential, scenario

ALL = ("patience", "handle_time", "after_call_work")


def types(keep: list[str] | None) -> dict:
    """Impatient callers at 150 % load, every abandoned caller calls again (up to 4 times)."""
    retrial = {"probability": 1.0, "delay": exponential(120.0), "max_attempts": 4}
    if keep is not None:
        retrial["keep"] = keep
    return {"calls": {"arrivals": {"rate": "90/h"}, "handle_time": exponential(300.0),
                      "after_call_work": exponential(30.0), "patience": exponential(60.0),
                      "retrial": retrial}}


def records(keep: list[str] | None, agents: int = 5, replication: int = 0):
    sc = scenario(types(keep), {"agents": {"skills": ["calls"], "staffing": agents}}, seed=7)
    plan = build_plan(sc, 7)
    return sc, plan, simulate_replication(plan, replication)


def previous_attempts(rec) -> tuple[np.ndarray, np.ndarray]:
    """(retrials, the attempt each follows): same customer and contact, attempt - 1."""
    j = rec.journey
    index = {(int(cu), int(no), int(at)): c for c, (cu, no, at)
             in enumerate(zip(j["customer"], j["contact_no"], j["attempt"], strict=True))}
    retrials = np.flatnonzero(j["kind"] == RETRIAL)
    before = np.array([index[(int(j["customer"][c]), int(j["contact_no"][c]), int(j["attempt"][c]) - 1)]
                       for c in retrials], dtype=np.int64)
    return retrials, before


COLUMNS = {"patience": "patience", "handle_time": "handle", "after_call_work": "acw"}


@pytest.mark.parametrize("keep", [[], ["patience"], ["patience", "handle_time"], list(ALL), None])
def test_kept_values_are_the_attempt_befores_and_the_others_are_new(keep):
    _, _, rec = records(keep)
    retrials, before = previous_attempts(rec)
    assert retrials.size > 100
    # The attempt before a retrial was never answered here (abandoned: no handle-time
    # rewrite), so its columns are still as drawn.
    for name, column in COLUMNS.items():
        values = getattr(rec, column)
        if keep is not None and name in keep:
            assert np.array_equal(values[retrials], values[before]), name
        else:
            assert not np.any(values[retrials] == values[before]), name


def test_a_kept_value_still_uses_up_its_fresh_draw():
    # Nobody is staffed: every caller abandons, so the handle time changes nothing that
    # happens. Keeping it or not gives the same contacts with the same patience (the fresh
    # row was read in both); only the retrials' handle times differ.
    *_, fresh = records([], agents=0)
    *_, kept = records(["handle_time"], agents=0)
    retrials, before = previous_attempts(kept)
    assert retrials.size > 100
    for column in ("arrival", "ctype", "outcome", "patience", "acw"):
        assert np.array_equal(getattr(fresh, column), getattr(kept, column)), column
    assert np.array_equal(kept.handle[retrials], kept.handle[before])
    first = kept.journey["attempt"] == 1
    assert np.array_equal(fresh.handle[first], kept.handle[first])


@pytest.mark.parametrize("replication", range(3))
def test_customers_and_work_are_conserved_when_retrials_keep_everything(replication):
    _, plan, rec = records(list(ALL), replication=replication)
    check_journey_records(plan, rec, types(list(ALL)))


def test_a_kept_value_survives_several_attempts():
    sc = scenario({"calls": {"arrivals": {"rate": "60/h"}, "handle_time": exponential(300.0),
                             "patience": exponential(60.0),
                             "retrial": {"probability": 1.0, "delay": constant(60.0), "max_attempts": 5,
                                         "keep": ["patience"]}}},
                  {"agents": {"skills": ["calls"], "staffing": 0}})
    rec = simulate_replication(build_plan(sc, 3), 0)
    j = rec.journey
    first = {int(cu): p for cu, p, at in zip(j["customer"], rec.patience, j["attempt"], strict=True) if at == 1}
    assert j["attempt"].max() == 5
    for cu, p in zip(j["customer"], rec.patience, strict=True):
        assert p == first[int(cu)]


def test_an_unknown_name_to_keep_is_located():
    text = ("name: s\nhorizon: {start: \"08:00\", end: \"10:00\", interval: 30min}\n"
            "contact_types:\n  sales:\n    arrivals: {rate: 60/h}\n"
            "    handle_time: {dist: exponential, mean: 3min}\n"
            "    retrial: {probability: 0.5, delay: {dist: constant, value: 1min}, keep: [patience, handle]}\n"
            "agent_groups:\n  team: {skills: [sales], staffing: 3}\n")
    with pytest.raises(ScenarioError) as info:
        ccsim.loads(text, source="s.yaml")
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.startswith("s.yaml:7:")
    assert "contact_types.sales.retrial.keep[1]" in problem
    assert "'handle'" in problem and "'handle_time'" in problem and "'after_call_work'" in problem
