"""The SimPy internals the run's loop relies on (``ccsim/engine/run.py``).

The loop pops and pushes SimPy's event heap directly, sets its clock and takes its event
ids, and calls back SimPy events as ``Environment.step`` does. If a SimPy release moves
any of these, this fails loudly instead of the engine going subtly wrong.
"""

from heapq import heappop

import simpy

import ccsim
from ccsim.engine import simulate_replication
from ccsim.experiment import plan_for


def test_environment_members_the_loop_uses():
    env = simpy.Environment()
    assert isinstance(env._queue, list) and env._queue == []
    assert next(env._eid) == 0 and next(env._eid) == 1  # an itertools.count
    env._now = 5.0
    assert env.now == 5.0


def test_a_timeout_is_a_heap_entry_of_time_priority_id_event():
    env = simpy.Environment(initial_time=2.0)
    fired = []
    ev = env.timeout(3.0, value="x")
    ev.callbacks.append(lambda e: fired.append(e._value))
    (t, priority, eid, event), = env._queue
    assert (t, priority, event) == (5.0, simpy.events.NORMAL, ev) and isinstance(eid, int)
    # What the loop does for an entry that is not one of its own agents:
    env._now, _, _, event = heappop(env._queue)
    callbacks, event.callbacks = event.callbacks, None
    for callback in callbacks:
        callback(event)
    assert fired == ["x"] and event._ok and env.now == 5.0
    assert not hasattr(event, "_defused")  # how step() tells a failure nobody handled


def test_simpy_is_pinned_below_its_next_major_version():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert '"simpy>=4.1,<5"' in text


def test_a_run_ends_with_an_empty_heap():
    sc = ccsim.from_dict({
        "name": "contract", "horizon": {"start": "08:00", "end": "09:00", "interval": "30min"},
        "contact_types": {"calls": {"arrivals": {"rate": "60/h"}, "handle_time": {"dist": "exponential",
                                                                                  "mean": "3min"}}},
        "agent_groups": {"agents": {"skills": ["calls"], "staffing": [2, 3]}},
    })
    rec = simulate_replication(plan_for(sc), 0)
    assert len(rec) > 0 and rec.end_s >= 3600.0
