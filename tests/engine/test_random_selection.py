"""Agent selection at random (``agent_selection: random``): among equally able free agents
each is chosen about equally often (intervals over replications, not one seed's numbers),
the agent just freed may take the next call (never under longest idle), the books are
kept, the same seed gives the same records, and a bad value is a located error."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.arrivals import draw_contacts
from ccsim.engine.events import ANSWER
from ccsim.engine.run import run_draws
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError
from tests.common.invariants import (
    check_fcfs,
    check_lines,
    check_outcomes,
    check_records,
    check_skills_and_staffing,
    check_waits,
)
from tests.common.journeys import assert_covers, exponential

REPLICATIONS = 30


def centre(selection: str | None, *, rate: str = "40/h", handle: float = 120.0, extra: dict | None = None,
           groups: dict | None = None, others: dict | None = None) -> ccsim.Scenario:
    """Two groups of equally able agents (2 and 3) at the same level for one call type."""
    calls = {"arrivals": {"rate": rate}, "handle_time": exponential(handle), "patience": exponential(300.0),
             **(extra or {})}
    if selection is not None:
        calls["agent_selection"] = selection
    return ccsim.from_dict({
        "name": "random selection",
        "horizon": {"start": "08:00", "end": "16:00", "interval": "60min"},
        "seed": 11,
        "contact_types": {"calls": calls, **(others or {})},
        "agent_groups": groups or {"front": {"skills": ["calls"], "staffing": 2},
                                   "back": {"skills": ["calls"], "staffing": 3}},
        "statistics": {"per_agent": True},
    })


def answers(plan, replication: int) -> list[int]:
    """The agent of each answer, in the order of the answers."""
    out: list[int] = []

    def sink(kind, t, contact, ctype, group, agent):
        if kind == ANSWER:
            out.append(agent)

    run_draws(plan, draw_contacts(plan, replication), replication, sink=sink)
    return out


def test_each_free_agent_is_chosen_about_equally_often():
    plan = build_plan(centre("random"), 11)
    shares = []
    for r in range(REPLICATIONS):
        handled = simulate_replication(plan, r).agents["handled"]
        assert handled.size == 5
        shares.append(handled / handled.sum())
    shares = np.array(shares)
    for agent in range(5):  # 99.9 % each: five intervals, about one false alarm in 200 runs
        assert_covers(shares[:, agent], 0.2, f"share of agent {agent}", confidence=0.999)
    # The groups in proportion to their free agents, not one half each.
    assert_covers(shares[:, :2].sum(axis=1), 0.4, "share of the group of two", confidence=0.999)


def test_the_agent_just_freed_may_take_the_next_call_only_at_random():
    # Few calls, short talks: nearly always all five agents are free when a call comes.
    def repeats(selection: str) -> list[float]:
        plan = build_plan(centre(selection, rate="6/h", handle=30.0), 11)
        out = []
        for r in range(REPLICATIONS):
            agents = np.array(answers(plan, r))
            out.append(float(np.mean(agents[1:] == agents[:-1])))
        return out

    assert_covers(repeats("random"), 0.2, "P(same agent as the call before)", confidence=0.999)
    assert max(repeats("longest_idle")) < 0.02


@pytest.mark.parametrize("replication", range(3))
def test_random_selection_keeps_the_books(replication):
    # Overloaded, impatient callers, trunk lines, a second type on one of the groups.
    groups = {"front": {"skills": ["calls"], "staffing": 2},
              "back": {"skills": ["calls", "other"], "staffing": 3}}
    sc = centre("random", rate="150/h", extra={"lines": 12}, groups=groups,
                others={"other": {"arrivals": {"rate": "10/h"}, "handle_time": exponential(300.0)}})
    plan = build_plan(sc, 4)
    check_records(plan, simulate_replication(plan, replication))


def test_random_selection_respects_overflow_delays():
    # Overloaded, with an overflow group that may take a call only after 30 s. (The work
    # conservation check knows no overflow delays: the other checks of the books.)
    sc = ccsim.from_dict({
        "name": "random overflow",
        "horizon": {"start": "08:00", "end": "12:00", "interval": "30min"},
        "routing": "overflow",
        "contact_types": {
            "calls": {"arrivals": {"rate": "100/h"}, "handle_time": exponential(240.0),
                      "patience": exponential(120.0), "agent_selection": "random", "lines": 12},
            "other": {"arrivals": {"rate": "20/h"}, "handle_time": exponential(300.0)},
        },
        "agent_groups": {
            "first": {"skills": ["calls"], "staffing": 3},
            "second": {"skills": {"calls": 1, "other": 1}, "staffing": 3},
            "backup": {"skills": {"calls": 2}, "overflow_after": {"calls": "30s"}, "staffing": 2},
        },
    })
    plan = build_plan(sc, 4)
    for r in range(3):
        rec = simulate_replication(plan, r)
        check_waits(plan, rec)
        for check in (check_outcomes, check_skills_and_staffing, check_fcfs, check_lines):
            check(plan, rec)
        calls = rec.ctype == 0
        by_backup = calls & (rec.group == 2)
        assert by_backup.any()
        assert np.all(rec.answer[by_backup] >= rec.entry[by_backup] + 30.0)  # the timer's own sum


def test_the_same_seed_gives_the_same_records():
    sc = centre("random", rate="90/h")
    first = simulate_replication(build_plan(sc, 3), 1)
    again = simulate_replication(build_plan(sc, 3), 1)
    for column in ("arrival", "outcome", "answer", "group", "handle", "patience"):
        assert np.array_equal(getattr(first, column), getattr(again, column), equal_nan=True), column
    assert np.array_equal(first.agents["handled"], again.agents["handled"])
    other = simulate_replication(build_plan(sc, 3), 2)
    assert not np.array_equal(first.agents["handled"], other.agents["handled"])


def test_longest_idle_by_name_is_the_default():
    default = simulate_replication(build_plan(centre(None, rate="90/h"), 3), 0)
    named = simulate_replication(build_plan(centre("longest_idle", rate="90/h"), 3), 0)
    for column in ("arrival", "outcome", "answer", "group", "handle"):
        assert np.array_equal(getattr(default, column), getattr(named, column), equal_nan=True), column


def test_an_unknown_agent_selection_is_located():
    text = ("name: s\nhorizon: {start: \"08:00\", end: \"10:00\", interval: 30min}\n"
            "contact_types:\n  sales:\n    arrivals: {rate: 60/h}\n"
            "    handle_time: {dist: exponential, mean: 3min}\n"
            "    agent_selection: round_robin\n"
            "agent_groups:\n  team: {skills: [sales], staffing: 3}\n")
    with pytest.raises(ScenarioError) as info:
        ccsim.loads(text, source="s.yaml")
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.startswith("s.yaml:7:")
    assert "contact_types.sales.agent_selection" in problem
    assert "'round_robin'" in problem and "'longest_idle'" in problem and "'random'" in problem
