"""First come, first served within a contact type, whatever holds a group's agents back."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine import ANSWERED, simulate_replication
from ccsim.experiment import plan_for


def reserve_and_chats(reserve: int) -> ccsim.Scenario:
    """One group answering chats (concurrency 2) and calls, keeping agents for calls; a
    backlog of chats builds before 171 agents log in at 01:00."""
    return ccsim.from_dict({
        "name": "reserve and chats", "horizon": {"start": "00:00", "end": "03:00", "interval": "1h"},
        "seed": 5,
        "contact_types": {
            "chat": {"channel": "chat", "concurrency": 2, "arrivals": {"rate": "600/h"},
                     "handle_time": {"dist": "exponential", "mean": "10min"},
                     "patience": {"dist": "exponential", "mean": "2h"}},
            "calls": {"arrivals": {"rate": "300/h"}, "handle_time": {"dist": "exponential", "mean": "5min"},
                      "patience": {"dist": "exponential", "mean": "3min"}},
        },
        "agent_groups": {"team": {"skills": {"chat": 1, "calls": 3}, "reserve": {"calls": reserve},
                                  "staffing": [0, 171, 171]}},
    })


def overtaken(rec, k: int) -> int:
    """Answered contacts of type k answered before one of the same type that entered earlier."""
    answered = np.nonzero((rec.outcome == ANSWERED) & (rec.ctype == k))[0]
    order = answered[np.argsort(rec.answer[answered], kind="stable")]
    entry = rec.entry[order]
    return int((entry[1:] < np.maximum.accumulate(entry)[:-1]).sum())


@pytest.mark.parametrize("reserve", [0, 4])
def test_chats_are_answered_in_order_with_a_reserve_for_calls(reserve):
    plan = plan_for(reserve_and_chats(reserve))
    answered = 0
    for r in range(4):
        rec = simulate_replication(plan, r)
        assert overtaken(rec, 0) == 0 and overtaken(rec, 1) == 0
        answered += int(((rec.outcome == ANSWERED) & (rec.ctype == 0)).sum())
    assert answered > 1000  # the backlog was served


def test_the_check_can_fail():
    """Control: with a key other than the queue entry the same records are out of order."""
    rec = simulate_replication(plan_for(reserve_and_chats(4)), 0)
    rec.entry = rec.entry[::-1].copy()
    assert overtaken(rec, 0) > 0


@pytest.mark.parametrize("delay", ["0.1s", "0.3s", "7.7s", "1min"])
def test_an_overflow_delay_lets_a_contact_go_the_moment_it_runs_out(delay):
    """A contact no primary agent can take goes to an idle secondary agent exactly when its
    overflow delay runs out (the timer and the routing's test use the same sum)."""
    sc = ccsim.from_dict({
        "name": "overflow timer", "horizon": {"start": "08:00", "end": "10:00", "interval": "1h"},
        "seed": 3, "routing": "overflow",
        "contact_types": {"calls": {"arrivals": {"rate": "30/h"}, "overflow_after": delay,
                                    "handle_time": {"dist": "exponential", "mean": "1min"},
                                    "patience": {"dist": "exponential", "mean": "1h"}}},
        "agent_groups": {"first": {"skills": {"calls": 1}, "staffing": 0},
                         "second": {"skills": {"calls": 2}, "staffing": 20}},
    })
    d = sc.contact_types["calls"].overflow_after
    for r in range(3):
        rec = simulate_replication(plan_for(sc), r)
        answered = rec.outcome == ANSWERED
        assert answered.sum() > 30 and (rec.group[answered] == 1).all()
        np.testing.assert_allclose(rec.answer[answered] - rec.entry[answered], d, atol=1e-9)
