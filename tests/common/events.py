"""The books an event stream keeps (docs/realtime.md, "Event stream").

The command matrix streams the events of every command on every bundled scenario
through these checks, and the scenario fuzzer those of its valid scenarios.
"""

from __future__ import annotations

import re
from collections import Counter

# The vocabulary of docs/realtime.md (ccsim.engine.events): what each event names.
CONTACT_EVENTS = {"arrival", "abandon", "blocked", "balked", "ivr_resolved", "callback_accepted", "disconnected"}
AGENT_EVENTS = {"login", "logout", "break_start", "break_end", "aux_start", "aux_end"}
EVENTS = CONTACT_EVENTS | AGENT_EVENTS | {"answer", "done"}
KEYS = {"t", "clock", "event", "contact", "contact_type", "group", "agent"}
CLOCK = re.compile(r"^\d{2,}:\d{2}:\d{2}$")  # past 24:00 on later days
ENDS = {"answer", "abandon", "blocked", "balked", "ivr_resolved", "disconnected"}  # how a contact leaves the queue


def places_per_agent(scenario, group: str) -> int:
    """Contacts an agent of the group may hold at once: its chats' concurrency, plus a
    call beside them with voice_with_chat (docs/channels.md); 1 otherwise."""
    spec = scenario.agent_groups[group]
    channels = {name: scenario.contact_types[name] for name in spec.skills}
    chats = [ct.concurrency or 1 for ct in channels.values() if ct.channel == "chat"]
    calls = any(ct.channel == "voice" for ct in channels.values())
    places = max(chats, default=1)
    return places + 1 if chats and calls and spec.voice_with_chat else places


def check_events(events: list[dict], scenario, from_snapshot: bool) -> None:
    """The stream keeps its books (docs/realtime.md, "Event stream").

    - every line is one event of the vocabulary, with its seven keys; contact events
      name the contact and its type and no agent, agent events their group and agent,
      answers and dones both (a contact begun before a snapshot: contact null);
    - events come in time order, except abandons (emitted lazily);
    - a contact arrives once, and leaves the queue once at most (answered, abandoned,
      blocked, balked or resolved in the IVR), after its arrival (callers waiting at a
      snapshot have no arrival); an agent belongs to one group;
    - agents: see ``check_agents``.
    """
    types, groups = set(scenario.contact_types), set(scenario.agent_groups)
    last_t = -1.0
    arrived, left, group_of = {}, {}, {}
    for i, e in enumerate(events):
        where = f"event {i} {e}"
        assert set(e) == KEYS, where
        kind, c = e["event"], e["contact"]
        assert kind in EVENTS, where
        assert isinstance(e["t"], int | float) and e["t"] >= 0 and CLOCK.match(e["clock"]), where
        if kind != "abandon":
            assert e["t"] >= last_t - 1e-9, f"{where}: before the event at {last_t} s"
            last_t = max(last_t, e["t"])
        if kind in CONTACT_EVENTS or (kind in ("answer", "done") and not (from_snapshot and c is None)):
            assert isinstance(c, int) and e["contact_type"] in types, where
        else:
            assert c is None and e["contact_type"] is None, where
        if kind in CONTACT_EVENTS:
            assert e["group"] is None and e["agent"] is None, where
        else:
            assert e["group"] in groups and isinstance(e["agent"], int), where
            assert group_of.setdefault(e["agent"], e["group"]) == e["group"], f"{where}: agent changed group"
        if c is None:
            continue
        if kind == "arrival":
            assert c not in arrived, f"{where}: arrived twice"
            arrived[c] = e["t"]
        elif kind in ENDS:
            assert c not in left, f"{where}: already left the queue by {left.get(c)}"
            left[c] = kind
            assert c in arrived or from_snapshot, f"{where}: without an arrival"
            if kind != "abandon":  # an abandon's t is the caller's own time, before or after
                assert e["t"] >= arrived.get(c, 0.0) - 1e-9, f"{where}: before its arrival"
    check_agents(events, scenario)


def check_agents(events: list[dict], scenario) -> None:
    """Agents present = logins - logouts - those away (break, aux); busy = holding a contact.

    At every time (after all its events: a done and the next answer may share it):
    a group's busy agents never exceed its agents present (docs/realtime.md), every
    agent holding a contact is present (breaks, aux and log-outs never interrupt a
    contact: docs/scenario.md), and no agent holds more contacts than its places.
    Every group ends with as many dones as answers."""
    places = {g: places_per_agent(scenario, g) for g in scenario.agent_groups}
    logged_in, away, holding, group_of = set(), set(), Counter(), {}
    present, busy = Counter(), Counter()  # per group, kept up to date event by event
    answers, dones = Counter(), Counter()
    touched = set()  # agents whose events share the current time

    def check(t):  # only the agents just touched can have changed, and their groups
        for a in touched:
            g, n = group_of[a], holding[a]
            if n:
                assert a in logged_in and a not in away, (
                    f"agent {a} ({g}) holds {n} contact(s) at {t} s while {'away' if a in away else 'logged out'}")
                assert n <= places[g], f"agent {a} holds {n} contacts at {t} s"
            assert busy[g] <= present[g], f"{g} at {t} s: {busy[g]} agents busy, {present[g]} present"
        touched.clear()

    timed = [e for e in events if e["agent"] is not None]
    for i, e in enumerate(timed):
        kind, a, g = e["event"], e["agent"], e["group"]
        group_of[a] = g
        was_present, was_busy = a in logged_in and a not in away, holding[a] > 0
        if kind == "login":
            logged_in.add(a)
        elif kind == "logout":
            logged_in.discard(a)
        elif kind in ("break_start", "aux_start"):
            away.add(a)
        elif kind in ("break_end", "aux_end"):
            away.discard(a)
        elif kind == "answer":
            holding[a] += 1
            answers[g] += 1
        elif kind == "done":
            holding[a] -= 1
            dones[g] += 1
            assert holding[a] >= 0, f"event {e}: agent {a} done with nothing in hand"
        present[g] += (a in logged_in and a not in away) - was_present
        busy[g] += (holding[a] > 0) - was_busy
        touched.add(a)
        if i + 1 == len(timed) or timed[i + 1]["t"] > e["t"]:
            check(e["t"])
    for g in scenario.agent_groups:
        assert dones[g] == answers[g], f"{g}: {answers[g]} answers but {dones[g]} done"


def check_done_names_its_contact(events: list[dict]) -> None:
    """Every answer has a later done for the same contact and agent, and every done closes
    one answer (a contact begun before a snapshot: answer and done with contact null)."""
    open_contacts, open_unnamed = {}, Counter()
    for i, e in enumerate(events):
        if e["event"] not in ("answer", "done"):
            continue
        c, agent = e["contact"], e["agent"]
        if c is None:
            open_unnamed[agent] += 1 if e["event"] == "answer" else -1
            assert open_unnamed[agent] >= 0, f"event {i} {e}: done without an answer"
        elif e["event"] == "answer":
            assert c not in open_contacts, f"event {i} {e}: answered twice"
            open_contacts[c] = (e["t"], agent)
        else:
            assert c in open_contacts, f"event {i} {e}: done without an answer"
            t, by = open_contacts.pop(c)
            assert e["t"] >= t - 1e-9 and agent == by, f"event {i} {e}: answered at {t} s by agent {by}"
    assert not open_contacts, f"answered, never done: {sorted(open_contacts)[:10]}"
    assert not +open_unnamed, f"begun before the snapshot, never done: {dict(+open_unnamed)}"
