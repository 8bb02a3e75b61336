"""Snapshots of centres with email and general routing: ages and waits carry over."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine.records import ANSWERED, WAITING
from ccsim.metrics import compute_results
from ccsim.realtime import run_from_snapshot, whatif
from ccsim.realtime.snapshot import snapshot_from_dict
from ccsim.scenario import ScenarioError


def centre(**top) -> ccsim.Scenario:
    return ccsim.from_dict({
        "name": "mail and phones", "horizon": {"start": "08:00", "end": "18:00", "interval": "30min"},
        "seed": 3, "replications": 4, **top,
        "contact_types": {
            "calls": {"arrivals": {"rate": "40/h"}, "handle_time": {"dist": "exponential", "mean": "4min"},
                      "patience": {"dist": "exponential", "mean": "4min"}},
            "email": {"channel": "email", "arrivals": {"rate": "10/h"},
                      "handle_time": {"dist": "exponential", "mean": "6min"},
                      "service_level": {"target": 0.9, "threshold": "4h"}},
        },
        "agent_groups": {"team": {"skills": ["calls", "email"], "staffing": 4}},
    })


def test_a_snapshot_email_backlog_keeps_its_age_and_never_jumps_a_waiting_call():
    sc = centre()
    ages = ["5h", "3h", "2h", "90min", "1h", "20min"]
    snap = snapshot_from_dict({"time": "14:10", "contact_types": {"email": {"waiting": ages},
                                                                   "calls": {"waiting": ["1min"]}},
                               "agent_groups": {"team": {"idle": 0, "busy": ["2min", "1min"]}}}, scenario=sc)
    for r in range(3):
        plan, rec, state = run_from_snapshot(sc, snap, r)
        email = plan.contact_types[1].index
        first = np.flatnonzero(rec.ctype[:state.n_waiting] == email)
        assert first.size == len(ages)
        # Their ages are kept: joined the queue 5 h ... 20 min before 14:10.
        joined = np.sort(rec.entry[first])
        expected = np.sort(state.start_s - np.array([5, 3, 2, 1.5, 1, 1 / 3]) * 3600)
        np.testing.assert_allclose(joined, expected)
        assert set(rec.outcome[first].tolist()) <= {ANSWERED, WAITING}
        # The waiting call goes before any email: emails are deferrable.
        call = np.flatnonzero(rec.ctype[:state.n_waiting] != email)
        assert rec.answer[call[0]] <= np.nanmin(rec.answer[first])
        result = compute_results(plan, rec)
        day = result.contact_types["email"]
        # The 5-hour-old email missed 4 h before the snapshot: it counts against the service level.
        assert day["service_level"] < 1.0
        assert day["offered"] == day["answered"] + day["backlog_at_end"]


def test_a_snapshot_caller_who_waited_past_the_overflow_delay_may_overflow_at_once():
    sc = ccsim.from_dict({
        "name": "overflow now", "horizon": {"start": "08:00", "end": "12:00", "interval": "30min"},
        "routing": "overflow", "seed": 2,
        "contact_types": {"sales": {"arrivals": {"rate": "0/h"}, "overflow_after": "30s",
                                    "handle_time": {"dist": "constant", "value": 300}}},
        "agent_groups": {"sellers": {"skills": ["sales"], "staffing": 1},
                         "helpers": {"skills": {"sales": 2}, "staffing": 1}},
    })
    snap = snapshot_from_dict({"time": "10:00", "contact_types": {"sales": {"waiting": ["40s", "10s"]}},
                               "agent_groups": {"sellers": {"idle": 0, "busy": ["1min"]},
                                                "helpers": {"idle": 1}}}, scenario=sc)
    plan, rec, state = run_from_snapshot(sc, snap, 0)
    # The caller who waited 40 s is past the 30 s delay: the idle helper takes it at once;
    # the one who waited 10 s goes to the helpers 20 s later only if nobody else is free.
    assert rec.answer[0] == state.start_s and rec.group[0] == 1
    assert rec.answer[1] > state.start_s


def chat_team(concurrency=3, agents=2):
    return ccsim.from_dict({
        "name": "chat", "horizon": {"start": "08:00", "end": "12:00"}, "seed": 6,
        "contact_types": {"chat": {"channel": "chat", "concurrency": concurrency, "arrivals": {"rate": "0/h"},
                                   "handle_time": {"dist": "constant", "value": 600}},
                          "calls": {"arrivals": {"rate": "0/h"}, "handle_time": {"dist": "constant", "value": 60}}},
        "agent_groups": {"team": {"skills": ["chat"], "staffing": agents},
                         "phones": {"skills": ["calls"], "staffing": 1}},
    })


def test_chats_open_at_a_snapshot_occupy_their_agents_and_the_next_chat_goes_to_the_least_busy():
    sc = chat_team()
    snap = snapshot_from_dict({"time": "10:00", "contact_types": {"chat": {"waiting": ["30s", "10s"]}},
                               "agent_groups": {"team": {"idle": 0, "chats": [["2min", "1min", "30s"], ["4min"]]}}},
                              scenario=sc)
    plan, rec, state = run_from_snapshot(sc, snap, 0)
    assert [len(c) for c in state.groups[0].chats] == [3, 1] and state.groups[0].target == 2
    # Constant 600 s chats: 480, 540 and 570 s left on the first agent, 360 s on the second.
    left = sorted(talk for agent in state.groups[0].chats for _, talk, _ in agent)
    assert left == pytest.approx([360.0, 480.0, 540.0, 570.0])
    # Both waiting chats go at once to the agent with one chat open (the other is full).
    assert len(rec) == 2  # the open chats are not contacts of the run
    np.testing.assert_array_equal(rec.answer, [state.start_s, state.start_s])
    result = compute_results(plan, rec)
    assert result.agent_groups["team"]["occupancy"] > 0.0


def test_a_full_chat_agent_takes_the_next_chat_when_one_ends():
    sc = chat_team(concurrency=2, agents=1)
    snap = snapshot_from_dict({"time": "10:00", "contact_types": {"chat": {"waiting": ["20s"]}},
                               "agent_groups": {"team": {"idle": 0, "chats": [["5min", "8min"]]}}}, scenario=sc)
    plan, rec, state = run_from_snapshot(sc, snap, 0)
    # 300 s and 120 s of talk left, at the slowdown-free rate: the 8-minute chat ends first.
    assert rec.answer[0] == pytest.approx(state.start_s + 120.0)


def test_snapshot_chats_are_checked_against_the_group():
    sc = chat_team(concurrency=2)
    for group, chats, message in (("phones", [["1min"]], "has no chat skill"),
                                  ("team", [["1min", "2min", "3min"]], "expected 1 to 2 open chats")):
        with pytest.raises(ScenarioError, match=message):
            snapshot_from_dict({"time": "10:00", "agent_groups": {group: {"chats": chats}}}, scenario=sc)


def test_the_bundled_omnichannel_snapshot_and_its_actions():
    from pathlib import Path

    from ccsim.realtime import loads_snapshot

    root = Path(__file__).resolve().parents[2]
    sc = ccsim.load(root / "scenarios" / "omnichannel.yaml")
    snap = loads_snapshot((root / "scenarios" / "snapshot_omnichannel.yaml").read_text(), "snap.yaml", sc)
    result = whatif(sc, snap, ["agent_groups.advisors.staffing+=4@13:30",
                               "agent_groups.chat_team.voice_with_chat=true"], replications=4)
    base, more, blended = result.variants.values()
    # Four advisors rostered from 13:30 to 20:00: up to 26 agent-hours more present, fewer when
    # one of them is absent (the group's absenteeism applies to a shift added later) or on aux.
    hours = [v.agent_groups["advisors"]["present_hours"].values for v in (more, base)]
    extra = hours[0] - hours[1]
    assert np.all((extra > 12) & (extra < 26.5)) and extra.max() > 23
    assert more.contact_types["support"]["service_level"].mean > base.contact_types["support"]["service_level"].mean
    # The chat team may now take support calls beside its chats.
    assert (blended.agent_groups["chat_team"]["handled_support"].mean
            > base.agent_groups["chat_team"]["handled_support"].mean)
    with pytest.raises(ValueError, match="a group with shifts takes 'staffing\\+=N'"):
        whatif(sc, snap, ["agent_groups.advisors.staffing-=2"], replications=1)


def test_whatif_on_an_email_backlog_compares_adding_agents():
    sc = centre()
    snap = snapshot_from_dict({"time": "15:00", "contact_types": {"email": {"waiting": ["4h"] * 10 + ["1h"] * 20}}},
                              scenario=sc)
    result = whatif(sc, snap, ["agent_groups.team.staffing+=2"], replications=4)
    base, more = result.variants.values()
    assert more.contact_types["email"]["backlog_at_end"].mean < base.contact_types["email"]["backlog_at_end"].mean
