"""Callers still waiting at a day's closing: served (the default) or disconnected.

With `at_closing: disconnect` the callers of the type still in the queue when the
day's horizon ends leave then, counted as `disconnected` (not abandoned: their
patience had not run out), their trunk lines given back; the agents finish the
contacts in hand and take nobody else of the type. Everything before the closing is
the same run as with `serve`: the same contacts are answered at the same times.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.engine.records import ABANDONED, ANSWERED, DISCONNECTED, WAITING
from ccsim.engine.run import simulate_replication
from ccsim.plan import DAY_S, build_plan
from tests.common.events import check_events
from tests.common.invariants import check_lines, check_littles_law, check_outcomes, check_waits


def check_run(plan, rec) -> None:
    """The record checks that hold with chats on the agents (several contacts at once)."""
    if plan.days == 1:  # (arrivals within the one day's horizon)
        check_outcomes(plan, rec)
    check_waits(plan, rec)
    check_lines(plan, rec)
    check_littles_law(plan, rec)


def overloaded(at_closing: str, days: int = 1, patience: bool = True, lines: int | None = None) -> ccsim.Scenario:
    calls = {"arrivals": {"rate": "150/h"}, "handle_time": {"dist": "exponential", "mean": "4min"},
             "at_closing": at_closing}
    if patience:
        calls["patience"] = {"dist": "exponential", "mean": "20min"}
    if lines:
        calls["lines"] = lines
    return ccsim.scenario_from_dict({
        "name": "closing", "seed": 4,
        "horizon": {"start": "08:00", "end": "11:00", "interval": "30min", "days": days},
        "contact_types": {"calls": calls,
                          "chats": {"channel": "chat", "concurrency": 2, "arrivals": {"rate": "20/h"},
                                    "handle_time": {"dist": "exponential", "mean": "6min"},
                                    "at_closing": at_closing}},
        "agent_groups": {"agents": {"skills": ["calls", "chats"], "staffing": 8}},
    })


@pytest.mark.parametrize("days", [1, 2])
def test_callers_waiting_at_closing_are_disconnected_and_nobody_is_answered_after(days):
    plan = build_plan(overloaded("disconnect", days))
    for r in range(3):
        rec = simulate_replication(plan, r)
        check_run(plan, rec)
        day = (rec.arrival // DAY_S).astype(int)
        closing = day * DAY_S + plan.horizon_s
        gone = rec.outcome == DISCONNECTED
        assert gone.sum() > 10  # 150 calls an hour on 8 agents: a queue at every closing
        for d in range(days):
            assert gone[day == d].any(), f"day {d}: nobody disconnected"
        answered = rec.outcome == ANSWERED
        assert np.all(rec.answer[answered] <= closing[answered]), "answered after the day's closing"
        assert not np.any(rec.outcome == WAITING)
        # Disconnected callers waited up to the closing, less than their patience allowed.
        np.testing.assert_allclose(rec.entry[gone] + rec.wait[gone], closing[gone], rtol=0, atol=1e-6)


def test_before_the_closing_the_run_is_the_same_as_when_the_queue_is_served():
    serve, disconnect = build_plan(overloaded("serve")), build_plan(overloaded("disconnect"))
    for r in range(2):
        a, b = simulate_replication(serve, r), simulate_replication(disconnect, r)
        assert np.array_equal(a.arrival, b.arrival)
        before = np.nan_to_num(a.answer, nan=np.inf) <= serve.horizon_s
        assert before.any() and not before.all()  # the served queue is answered after closing too
        assert np.array_equal(a.answer[before], b.answer[before])
        early_abandon = (a.outcome == ABANDONED) & (a.entry + a.wait <= serve.horizon_s)
        assert np.all(b.outcome[early_abandon] == ABANDONED)
        # Those the served run answered after the closing are the disconnected ones, exactly,
        # and those it let abandon after the closing (still waiting at it).
        after = ~before & (a.outcome == ANSWERED)
        late_abandon = (a.outcome == ABANDONED) & (a.entry + a.wait > serve.horizon_s)
        assert np.array_equal(b.outcome == DISCONNECTED, after | late_abandon)


def test_kpis_count_disconnected_callers_apart_and_in_the_service_level_base():
    est = ccsim.simulate(overloaded("disconnect"), replications=4)
    calls = est.contact_types["calls"]
    parts = sum(calls[k].values for k in ("answered", "abandoned", "blocked", "waiting_at_end", "disconnected"))
    assert np.array_equal(calls["offered"].values, parts)
    assert calls["disconnected"].mean > 0
    assert np.array_equal(calls["sl_counted"].values,
                          calls["answered"].values + calls["abandoned"].values + calls["disconnected"].values)
    assert est.total["disconnected"].mean == pytest.approx(
        calls["disconnected"].mean + est.contact_types["chats"]["disconnected"].mean)
    # A scenario that serves its queue at closing reports no such KPI.
    assert "disconnected" not in ccsim.simulate(overloaded("serve"), replications=2).contact_types["calls"]


def test_lines_are_given_back_at_the_closing():
    # Without patience the queue grows all day; its lines must be free again the next morning.
    plan = build_plan(overloaded("disconnect", days=2, patience=False, lines=25))
    rec = simulate_replication(plan, 0)
    check_run(plan, rec)
    first_hour_day2 = (rec.arrival >= DAY_S) & (rec.arrival < DAY_S + 600) & (rec.ctype == 0)
    assert first_hour_day2.any()
    assert not np.any(rec.outcome[first_hour_day2] == 3), "blocked next morning by yesterday's lines"


def test_the_event_stream_tells_each_disconnection(tmp_path):
    path = tmp_path / "closing.yaml"
    data = overloaded("disconnect").raw_data()
    path.write_text(json.dumps(data))
    events = tmp_path / "ev.jsonl"
    out = CliRunner().invoke(main, ["run", str(path), "-r", "1", "--events", str(events)])
    assert out.exit_code == 0, out.output
    stream = [json.loads(line) for line in events.read_text().splitlines()]
    check_events(stream, ccsim.load(path), from_snapshot=False)
    told = sum(e["event"] == "disconnected" for e in stream)
    rec = simulate_replication(build_plan(ccsim.load(path)), 0)
    assert told == np.count_nonzero(rec.outcome == DISCONNECTED) > 0


def test_emails_are_never_disconnected(tmp_path):
    path = tmp_path / "email.yaml"
    path.write_text("""\
name: email closing
horizon: {start: "08:00", end: "10:00"}
contact_types:
  mail:
    channel: email
    arrivals: {rate: 10/h}
    handle_time: {dist: exponential, mean: 10min}
    at_closing: disconnect
agent_groups:
  desk: {skills: [mail], staffing: 1}
""")
    out = CliRunner().invoke(main, ["validate", str(path)])
    assert out.exit_code == 2
    assert "email.yaml" in out.output and "contact_types.mail" in out.output
    assert "emails wait in the backlog overnight" in out.output
