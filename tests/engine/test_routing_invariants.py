"""Properties of general routing and channels, checked with hypothesis on random scenarios.

The foundation's random scenarios (``tests.common.invariants``) get a routing policy,
chats and emails, skill levels with ties, reserves, overflow delays, VIP head
starts, handle-time factors and calls-with-chats, with per-agent statistics on.
Every check rebuilds its quantity from the per-contact records: each contact is
answered by one agent, within its patience, by a group that has its skill; an
agent never holds more chats than allowed, never a call and a chat at once
unless its group allows it, never two calls or emails at once; overflow delays
are respected; conservation and Little's law hold.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccsim
from ccsim.engine import ANSWERED, WAITING
from tests.common.invariants import check_lines, check_littles_law, check_outcomes, check_waits, scenario_dicts

CHANNEL_OF = {"voice": 0, "chat": 1, "email": 2}


@st.composite
def routed_scenarios(draw) -> dict:
    spec = draw(scenario_dicts())
    spec["routing"] = draw(st.sampled_from(["priority", "longest_idle_agent", "overflow"]))
    spec["statistics"] = {"per_agent": True}
    for ct in spec["contact_types"].values():
        channel = draw(st.sampled_from(["voice", "voice", "chat", "email"]))
        ct["channel"] = channel
        if channel == "chat":
            n = draw(st.integers(1, 4))
            ct["concurrency"] = n
            if draw(st.booleans()):
                ct["concurrency_slowdown"] = sorted(draw(st.lists(st.floats(1.0, 2.0), min_size=1, max_size=n)))
        if channel == "email":
            ct.pop("patience", None)
            ct.pop("lines", None)
            ct.pop("at_closing", None)  # emails wait overnight
            ct["service_level"] = {"threshold": draw(st.sampled_from(["30min", "2h"]))}
        if draw(st.integers(0, 3)) == 0:
            ct["priority_boost"] = draw(st.sampled_from([30, 120]))
        if spec["routing"] == "overflow" and draw(st.booleans()):
            ct["overflow_after"] = draw(st.sampled_from([0, 10, 60]))
    for group in spec["agent_groups"].values():
        skills = group["skills"]
        if draw(st.booleans()):  # levels, ties allowed
            group["skills"] = {s: draw(st.integers(1, 2)) for s in skills}
        if draw(st.integers(0, 3)) == 0:
            group["reserve"] = {draw(st.sampled_from(skills)): draw(st.integers(1, 2))}
        if draw(st.integers(0, 3)) == 0:
            group["handle_time_factor"] = {draw(st.sampled_from(skills)): draw(st.sampled_from([0.8, 1.2]))}
        if spec["routing"] == "overflow" and draw(st.integers(0, 3)) == 0:
            group["overflow_after"] = {draw(st.sampled_from(skills)): draw(st.sampled_from([5, 40]))}
        group["voice_with_chat"] = draw(st.booleans())
    return spec


def check_agents(plan, rec):
    """Per agent: chats within concurrency; calls and emails one at a time and never beside a
    chat unless the group allows calls with chats; only the agent's group's skills."""
    answered = rec.outcome == ANSWERED
    who = rec.agents["contact_agent"]
    assert np.array_equal(answered, who >= 0)
    channel = np.array([CHANNEL_OF[ct.channel] for ct in plan.contact_types])[rec.ctype]
    concurrency = np.array([ct.concurrency for ct in plan.contact_types])[rec.ctype]
    start = rec.answer
    end = rec.answer + (rec.handle + rec.acw) - 1e-7  # the engine's own sum, less float round-off
    for a in np.unique(who[answered]):
        mine = np.flatnonzero(who == a)
        g = rec.agents["group"][a]
        assert np.all(rec.group[mine] == g)
        gp = plan.agent_groups[g]
        assert set(rec.ctype[mine].tolist()) <= set(gp.skill_indices)
        # Sweep the agent's contacts in time order (ends before starts at equal times);
        # contacts of no duration occupy the agent at no time.
        lasting = [c for c in mine if end[c] > start[c]]
        events = sorted([(end[c], 0, c) for c in lasting] + [(start[c], 1, c) for c in lasting])
        open_chats, solo = [], []
        for _, is_start, c in events:
            ch = channel[c]
            if not is_start:
                if ch == 1:
                    open_chats.remove(c)
                else:
                    solo.remove(c)
                continue
            if ch == 1:
                open_chats.append(c)
                chats = len(open_chats)
                room = min(concurrency[open_chats])  # the least concurrency of the chats open
                assert chats <= room, f"agent {a}: {chats} chats open, concurrency {room}"
                assert not solo or (gp.voice_with_chat and channel[solo[0]] == 0), f"agent {a}: chat beside {solo}"
            else:
                assert not solo, f"agent {a}: contact {c} started beside contact {solo}"
                assert not open_chats or (gp.voice_with_chat and ch == 0), f"agent {a}: call or email beside chats"
                solo.append(c)


def check_overflow(plan, rec):
    """No group takes a contact before the contact waited that group's delay."""
    answered = np.flatnonzero(rec.outcome == ANSWERED)
    for c in answered:
        gp = plan.agent_groups[rec.group[c]]
        delay = gp.delay[gp.skill_indices.index(rec.ctype[c])]
        assert rec.answer[c] - rec.entry[c] >= delay - 1e-9, (c, delay)


def check_email(plan, rec, result):
    """Emails never abandon; arrived = replied + backlog; started inside the day."""
    for ct in plan.contact_types:
        if ct.channel != "email":
            continue
        mine = rec.ctype == ct.index
        assert set(np.unique(rec.outcome[mine]).tolist()) <= {ANSWERED, WAITING}
        assert np.all(rec.answer[mine & (rec.outcome == ANSWERED)] < plan.horizon_s)
        day = result.contact_types[ct.name]
        assert day["backlog_at_end"] == np.count_nonzero(mine & (rec.outcome == WAITING))
        sl = day["service_level"]
        assert math.isnan(sl) or 0.0 <= sl <= 1.0


def check_group_kpis(plan, result):
    for gp in plan.agent_groups:
        day = result.agent_groups[gp.name]
        assert day["busy_hours"] <= day["present_hours"] + 1e-6
        slot = day.get("slot_utilisation", 0.0)
        assert math.isnan(slot) or -1e-9 <= slot <= 1.0 + 1e-9  # prefix-sum round-off
        parts = [day[k] for k in ("occupancy_voice", "occupancy_chat", "occupancy_email") if k in day]
        if parts and not math.isnan(day["occupancy"]):
            assert sum(parts) == np_approx(day["occupancy"])


def np_approx(x):
    import pytest

    return pytest.approx(x, rel=1e-9, abs=1e-9)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routed_scenarios())
def test_routing_and_channels_obey_invariants(spec):
    sc = ccsim.scenario_from_dict(spec)
    est = ccsim.simulate(sc, replications=2, keep_records=True)
    plan = est.plan
    for rec, result in zip(est.records, est.replication_results, strict=True):
        check_outcomes(plan, rec)
        check_waits(plan, rec)
        check_lines(plan, rec)
        check_littles_law(plan, rec)
        check_agents(plan, rec)
        check_overflow(plan, rec)
        check_email(plan, rec, result)
        check_group_kpis(plan, result)
        for ct in plan.contact_types:
            day = result.contact_types[ct.name]
            assert day["offered"] == (day["answered"] + day["abandoned"] + day["blocked"] + day["waiting_at_end"]
                                      + day.get("disconnected", 0.0))


def test_a_chat_without_talk_gives_its_line_back_once():
    """A chat with no talk gives its line back when it is answered; when another chat opens
    on the agent and the open chats are projected again, the line stays given back (it was
    given back twice: a later caller found a line free while one was in use)."""
    spec = {
        "name": "lines", "horizon": {"start": "08:00", "end": "10:00", "interval": "15min"}, "seed": 0,
        "contact_types": {
            "t0": {"arrivals": {"rate": "0/h"}, "handle_time": {"dist": "exponential", "mean": 20.0}},
            "t2": {"arrivals": {"rate": "7/h"}, "handle_time": {"dist": "empirical", "values": [0.0]},
                   "after_call_work": {"dist": "exponential", "mean": 13.0}, "lines": 1,
                   "channel": "chat", "concurrency": 2},
        },
        "agent_groups": {"g0": {"skills": ["t0", "t2"], "staffing": [0, 0, 0, 0, 0, 0, 1, 0]}},
    }
    for seed in range(6):
        est = ccsim.simulate(ccsim.from_dict(spec), replications=3, seed=seed, keep_records=True)
        for rec in est.records:
            check_lines(est.plan, rec)
