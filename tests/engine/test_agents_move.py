"""Agents lent by inbound groups to an outbound campaign on the inbound service level
(``dialer.agents_move``, ContactCenters' AGENTSMOVE)."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.arrivals import draw_contacts
from ccsim.engine.run import run_draws
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError, loads
from tests.common.events import check_events
from tests.common.invariants import check_outbound

MOVE = """
name: agents move
horizon: {start: "08:00", end: "14:00", interval: 30min}
seed: 4
replications: 12
contact_types:
  service:
    arrivals: {per_interval: [40, 40, 40, 60, 90, 110, 110, 90, 60, 40, 40, 40]}
    handle_time: {dist: exponential, mean: 4min}
    patience: {dist: exponential, mean: 3min}
  renewals:
    direction: outbound
    handle_time: {dist: exponential, mean: 5min}
    patience: {dist: constant, value: 5s}
    dialer:
      policy: progressive
      reach: 0.3
      no_answer_time: {dist: constant, value: 20s}
      agents_move: {lend: [service_team], to: [campaign_team], window: 20min, every: 1min,
                    to_outbound_above: 0.9, to_inbound_below: 0.8}
agent_groups:
  service_team: {skills: [service], staffing: 14}
  campaign_team: {skills: [renewals], staffing: 4}
"""


def level_at(log, points):
    """A group's agents present at each point (its step function, after every event at a time)."""
    times, levels = log
    return np.asarray(levels)[np.searchsorted(times, points, side="right") - 1]


def test_lent_agents_keep_the_groups_staffing_and_follow_the_inbound_service_level():
    """The two groups together always have their 18 scheduled agents; agents are lent in the
    quiet hours and come back for the 10:00-12:00 peak; the campaign gets more calls done than
    with its own 4 agents, the inbound service pays for it (both beyond their CIs)."""
    sc = loads(MOVE)
    plan = build_plan(sc)
    points = np.linspace(1.0, plan.horizon_s - 1.0, 997)
    quiet, peak = (points > 1800) & (points < 3 * 3600), (points > 2.5 * 3600) & (points < 4 * 3600)
    lent_quiet, lent_peak = [], []
    for r in range(8):
        rec = simulate_replication(plan, r)
        check_outbound(plan, rec)
        inbound, campaign = (level_at(rec.present_log[g], points) for g in (0, 1))
        assert np.array_equal(inbound + campaign, np.full(points.size, 18)), "agents lost or made in a move"
        lent_quiet.append((14 - inbound[quiet]).mean())
        lent_peak.append((14 - inbound[peak]).mean())
    assert np.mean(lent_quiet) > 2 and np.mean(lent_peak) < np.mean(lent_quiet) - 1, (lent_quiet, lent_peak)
    moving = ccsim.simulate(sc, workers=1)
    still = ccsim.simulate(sc.with_changes(["contact_types.renewals.dialer.agents_move=null"]), workers=1)
    assert moving.contact_types["renewals"]["answered"].ci95[0] > still.contact_types["renewals"]["answered"].ci95[1]
    assert moving.contact_types["service"]["service_level"].mean < still.contact_types["service"]["service_level"].mean


def test_a_move_is_a_log_out_and_a_log_in_in_the_event_stream():
    plan = build_plan(loads(MOVE))
    events = []
    kinds = {0: "arrival", 1: "answer"}
    del kinds

    def sink(kind, t, c, k, g, a):
        clock = f"{int(t // 3600) + 8:02d}:{int(t % 3600 // 60):02d}:{int(t % 60):02d}"
        events.append({"t": t, "clock": clock, "event": kind, "contact": None if c < 0 else c,
                       "contact_type": None if k < 0 else plan.contact_types[k].name,
                       "group": None if g < 0 else plan.agent_groups[g].name, "agent": None if a < 0 else a})

    run_draws(plan, draw_contacts(plan, 1), 1, sink=sink)
    check_events(events, loads(MOVE), from_snapshot=False)
    moves = [e for e in events if e["event"] == "logout" and e["group"] == "service_team" and 0 < e["t"] < 21600]
    assert moves, "no agent was lent"


@pytest.mark.parametrize("move,where,expected", [
    ("{lend: [nobody], to: [campaign_team]}", "agents_move.lend[0]", "unknown agent group 'nobody'"),
    ("{lend: [service_team], to: [service_team]}", "agents_move", "lends or receives agents, not both"),
    ("{lend: [campaign_team], to: [service_team]}", "agents_move.to[0]", "give it 'renewals' among its skills"),
    ("{lend: [service_team], to: [campaign_team], to_outbound_above: 0.7, to_inbound_below: 0.8}",
     "agents_move", "must not be above"),
    ("{lend: [service_team], to: [campaign_team], every: 0}", "agents_move.every", "positive"),
])
def test_agents_move_fields_are_checked_with_located_errors(move, where, expected):
    text = MOVE.replace("""agents_move: {lend: [service_team], to: [campaign_team], window: 20min, every: 1min,
                    to_outbound_above: 0.9, to_inbound_below: 0.8}""", f"agents_move: {move}")
    with pytest.raises(ScenarioError) as err:
        loads(text, source="move.yaml")
    message = str(err.value)
    assert "move.yaml:" in message and where in message and expected in message, message


def test_groups_on_shifts_cannot_lend_agents():
    text = MOVE.replace("service_team: {skills: [service], staffing: 14}",
                        'service_team: {skills: [service], shifts: [{start: "08:00", end: "14:00", headcount: 14}]}')
    with pytest.raises(ScenarioError, match="staffed per interval only"):
        loads(text)
