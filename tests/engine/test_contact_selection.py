"""What a freed agent takes under ``contact_selection`` (ContactCenters' router families):
``longest_weighted_wait`` — over all the group's skills, the head contact with the longest
wait x the group's weight for its type; ``longest_queue`` — the head of the skill with the
most contacts still waiting. Every pick of a freed agent is checked against the queues
rebuilt from the records; equal weights select exactly as one shared first-come-first-served
level; the books and the per-type queue order are kept; bad values are located errors."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.records import ABANDONED, ANSWERED
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError
from tests.common.invariants import check_records

SKILLS = ["a", "b", "c"]


def centre(selection: str | None, weights: dict | None = None, skills=None) -> ccsim.Scenario:
    def kind(rate):
        return {"arrivals": {"rate": rate}, "handle_time": {"dist": "exponential", "mean": "2min"},
                "patience": {"dist": "exponential", "mean": "4min"}}

    group = {"skills": skills or SKILLS, "staffing": 9}
    if selection is not None:
        group["contact_selection"] = selection
    if weights is not None:
        group["wait_weights"] = weights
    return ccsim.from_dict({
        "name": "contact selection", "horizon": {"start": "08:00", "end": "12:00", "interval": "1h"}, "seed": 23,
        "contact_types": {"a": kind("2.5/min"), "b": kind("1.2/min"), "c": kind("0.6/min")},
        "agent_groups": {"desk": group},
    })


def picks(rec):
    """(time, chosen contact, waiting contacts per type then) of every pick by a freed agent."""
    leave = np.where(rec.outcome == ANSWERED, rec.answer, rec.entry + rec.patience)
    assert np.isin(rec.outcome, [ANSWERED, ABANDONED]).all()
    out = []
    for c in np.flatnonzero((rec.outcome == ANSWERED) & (rec.answer > rec.entry)):
        t = rec.answer[c]
        waiting = (rec.entry <= t) & (leave > t)
        waiting[c] = True
        out.append((t, c, [np.flatnonzero(waiting & (rec.ctype == k)) for k in range(len(SKILLS))]))
    return out


@pytest.mark.parametrize("weights", [{"a": 1, "b": 4, "c": 10}, {"a": 3}])
def test_a_freed_agent_takes_the_longest_weighted_wait(weights):
    plan = build_plan(centre("longest_weighted_wait", weights))
    w = [weights.get(k, 1.0) for k in SKILLS]
    n = 0
    for r in range(4):
        rec = simulate_replication(plan, r)
        check_records(plan, rec)
        for t, c, waiting in picks(rec):
            k = rec.ctype[c]
            assert rec.entry[c] == rec.entry[waiting[k]].min()  # the head of its queue
            mine = w[k] * (t - rec.entry[c])
            for j, ids in enumerate(waiting):
                if ids.size:
                    assert mine >= w[j] * (t - rec.entry[ids].min()) - 1e-9, (t, k, j)
            n += 1
    assert n > 200  # enough picks with a choice to make


def test_a_freed_agent_takes_the_head_of_the_longest_queue():
    plan = build_plan(centre("longest_queue"))
    n = ties = 0
    for r in range(4):
        rec = simulate_replication(plan, r)
        check_records(plan, rec)
        for _, c, waiting in picks(rec):
            k = rec.ctype[c]
            sizes = [ids.size for ids in waiting]
            assert rec.entry[c] == rec.entry[waiting[k]].min()
            assert sizes[k] == max(sizes), sizes
            ties += sizes.count(max(sizes)) > 1
            if sizes.count(max(sizes)) > 1:
                assert k == sizes.index(max(sizes))  # ties: the earlier skill
            n += 1
    assert n > 200


def test_equal_weights_select_as_one_shared_first_come_first_served_level():
    shared = build_plan(centre(None, skills={"a": 1, "b": 1, "c": 1}))
    weighted = build_plan(centre("longest_weighted_wait"))
    for r in range(3):
        x, y = simulate_replication(shared, r), simulate_replication(weighted, r)
        assert np.array_equal(x.answer, y.answer, equal_nan=True) and np.array_equal(x.outcome, y.outcome)


def test_weights_change_who_waits():
    # A heavy weight on c: its callers wait less than under equal weights (20 days, intervals).
    def asa(weights):
        est = ccsim.simulate(centre("longest_weighted_wait", weights), replications=20, seed=3)
        return est.contact_types["c"]["asa"].mean, est.contact_types["a"]["asa"].mean

    c_heavy, a_heavy = asa({"c": 20})
    c_equal, a_equal = asa(None)
    assert c_heavy < 0.5 * c_equal and a_heavy > a_equal


@pytest.mark.parametrize("group,where,says", [
    ({"wait_weights": {"a": 2}}, "agent_groups.desk.wait_weights", "longest_weighted_wait"),
    ({"contact_selection": "longest_weighted_wait", "wait_weights": {"z": 2}}, "agent_groups.desk.wait_weights.z",
     "not one of this group's skills"),
    ({"contact_selection": "longest_weighted_wait", "wait_weights": {"a": 0}}, "agent_groups.desk.wait_weights.a",
     "greater than 0"),
    ({"contact_selection": "shortest_queue"}, "agent_groups.desk.contact_selection", "'longest_queue'"),
])
def test_bad_contact_selection_is_a_located_error(tmp_path, group, where, says):
    import yaml

    data = centre(None).raw_data()
    data["agent_groups"]["desk"].update(group)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as err:
        ccsim.load(path)
    text = str(err.value)
    assert "s.yaml:" in text and where in text and says in text, text
