"""Agent selection by group rank (``agent_selection: rank``, ``group_rank``): an arriving
contact goes to the best-ranked group with a free agent, ties by longest idle. The first
group then is an Erlang loss system of its own (its share of the calls agrees with Erlang
B, intervals over replications); a lower group answers only when every agent of the better
ones is busy; equal ranks select exactly as longest idle; the books are kept; bad values are
located errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.records import ANSWERED
from ccsim.erlang.b import erlang_b
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError
from tests.common.invariants import check_fcfs, check_outcomes, check_records, check_skills_and_staffing

RATE_PER_MIN, HANDLE_MIN = 2.0, 1.5


def centre(ranks: dict | None, selection: str = "rank", patience: dict | None = None, front: int = 4,
           back: int = 3) -> ccsim.Scenario:
    calls = {"arrivals": {"rate": f"{RATE_PER_MIN}/min"},
             "handle_time": {"dist": "exponential", "mean": f"{HANDLE_MIN}min"},
             "agent_selection": selection}
    if ranks is not None:
        calls["group_rank"] = ranks
    if patience is not None:
        calls["patience"] = patience
    return ccsim.from_dict({
        "name": "rank", "horizon": {"start": "08:00", "end": "16:00", "interval": "1h"}, "seed": 17,
        "contact_types": {"calls": calls},
        "agent_groups": {"front": {"skills": ["calls"], "staffing": front},
                         "back": {"skills": ["calls"], "staffing": back}},
    })


def test_the_first_ranked_group_is_an_erlang_loss_system():
    # No waiting (patience 0): a caller finding no free agent in either group leaves. The
    # best-ranked group sees every call and takes it when it has a free agent, whatever the
    # other group does, so it answers 1 - B(3, a) of the calls.
    sc = centre({"back": 1, "front": 2}, patience={"dist": "constant", "value": 0})
    plan = build_plan(sc)
    back = plan.agent_groups[1].index
    shares, overflow = [], []
    for r in range(40):
        rec = simulate_replication(plan, r)
        check_records(plan, rec)
        shares.append(np.mean((rec.outcome == ANSWERED) & (rec.group == back)))
        overflow.append(np.mean(rec.outcome == ANSWERED))
    a = RATE_PER_MIN * HANDLE_MIN
    want = 1.0 - erlang_b(3, a)
    mean, se = float(np.mean(shares)), float(np.std(shares, ddof=1) / math.sqrt(len(shares)))
    assert abs(mean - want) < 4 * se, (mean, want, se)
    # Both groups together: one loss system of 7 agents.
    mean, se = float(np.mean(overflow)), float(np.std(overflow, ddof=1) / math.sqrt(len(overflow)))
    assert abs(mean - (1.0 - erlang_b(7, a))) < 4 * se


def busy_at(rec, g: int, t: np.ndarray) -> np.ndarray:
    """Contacts group g is busy with at each time of t (answer <= t < answer + work)."""
    mine = (rec.outcome == ANSWERED) & (rec.group == g)
    start = rec.answer[mine]
    end = start + rec.handle[mine] + rec.acw[mine]
    return ((start[None, :] <= t[:, None]) & (t[:, None] < end[None, :])).sum(axis=1)


@pytest.mark.parametrize("ranks", [{"back": 1, "front": 2}, {"front": 1}])
def test_a_lower_group_answers_only_when_the_better_ones_are_all_busy(ranks):
    # {"front": 1}: back is not named and ranks by its skill level (1), as front: a tie, so
    # then any group may answer; with back first, front answers only when back is full.
    sc = centre(ranks, patience={"dist": "exponential", "mean": "2min"})
    plan = build_plan(sc)
    rec = simulate_replication(plan, 0)
    check_outcomes(plan, rec)
    check_fcfs(plan, rec)
    check_skills_and_staffing(plan, rec)
    front, back = 0, 1
    by_front = (rec.outcome == ANSWERED) & (rec.group == front) & (rec.answer == rec.arrival)
    assert by_front.sum() > 20
    full = busy_at(rec, back, rec.answer[by_front]) == 3  # the arriving call's own answer excluded
    if "back" in ranks:
        assert full.all()
    else:
        assert not full.all()


def test_equal_ranks_select_exactly_as_longest_idle():
    plain = build_plan(centre(None, selection="longest_idle", patience={"dist": "exponential", "mean": "1min"}))
    ranked = build_plan(centre({"front": 1, "back": 1}, patience={"dist": "exponential", "mean": "1min"}))
    for r in range(3):
        a, b = simulate_replication(plain, r), simulate_replication(ranked, r)
        assert np.array_equal(a.group, b.group) and np.array_equal(a.answer, b.answer, equal_nan=True)


def test_rank_follows_the_skill_level_when_not_named():
    plan = build_plan(ccsim.from_dict({
        "name": "levels", "horizon": {"start": "08:00", "end": "09:00"},
        "contact_types": {"a": {"arrivals": {"rate": "1/min"}, "handle_time": {"dist": "exponential", "mean": 60},
                                "agent_selection": "rank"},
                          "b": {"arrivals": {"rate": "1/min"}, "handle_time": {"dist": "exponential", "mean": 60}}},
        "agent_groups": {"x": {"skills": {"b": 1, "a": 2}, "staffing": 2},
                         "y": {"skills": ["a"], "staffing": 2}},
    }))
    assert plan.contact_types[0].group_rank == (2, 1)


@pytest.mark.parametrize("calls,where,says", [
    ({"group_rank": {"front": 1}}, "contact_types.calls.group_rank",
     "group_rank orders the groups for 'agent_selection: rank'"),
    ({"agent_selection": "rank", "group_rank": {"frnt": 1}}, "contact_types.calls.group_rank.frnt",
     "unknown agent group 'frnt'"),
    ({"agent_selection": "rank", "group_rank": {"other": 1}}, "contact_types.calls.group_rank.other",
     "does not have 'calls' among its skills"),
    ({"agent_selection": "rank", "group_rank": {"front": 0}}, "contact_types.calls.group_rank.front",
     "greater than or equal to 1"),
    ({"agent_selection": "rnk"}, "contact_types.calls.agent_selection", "'rank'"),
])
def test_bad_ranks_are_located_errors(tmp_path, calls, where, says):
    import yaml

    data = centre(None).raw_data()
    data["contact_types"]["calls"].pop("agent_selection")
    data["contact_types"]["calls"].update(calls)
    data["contact_types"]["o"] = {"arrivals": {"rate": "1/h"}, "handle_time": {"dist": "exponential", "mean": 60}}
    data["agent_groups"]["other"] = {"skills": ["o"], "staffing": 1}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as err:
        ccsim.load(path)
    text = str(err.value)
    assert "s.yaml:" in text and where in text and says in text, text
