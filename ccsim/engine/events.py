"""The engine's event vocabulary, for ``--events``, the live dashboard and any other sink.

A sink is called as ``sink(kind, t, contact, ctype, group, agent)`` for every event as
the run processes it (``t`` in seconds from the horizon start; -1 where a field does not
apply). The engine calls no sink when none is given: events cost a plain run nothing but
an ``is None`` test.

Contacts:

* ``arrival`` — a contact arrives (a snapshot's waiting callers arrive at the snapshot);
* ``answer`` — an agent of ``group`` (number ``agent``) takes it;
* ``done`` — the agent is through with it (talk and wrap-up over), same contact and agent;
* ``abandon`` — the caller hung up; abandonment is lazy, so the event comes when an agent
  or the routing finds the caller gone, carrying the true time ``t`` of the hang-up;
* ``blocked`` — every trunk line of the type was taken;
* ``balked`` — left at once on hearing the expected wait; ``ivr_resolved`` — self-service;
  ``callback_accepted`` — took a scheduled callback and left the queue;
  ``disconnected`` — still waiting at the day's closing, disconnected (``at_closing``).

Agents (``contact`` and ``ctype`` -1):

* ``login`` / ``logout`` — an agent starts or ends being available to the group (shift
  start and end, staffing changes, end of the day);
* ``break_start`` / ``break_end``, ``aux_start`` / ``aux_end`` — away and back.

So at any time: agents present in a group = logins − logouts − away; agents busy =
agents with an answered contact not yet done; busy never exceeds present.
"""

from __future__ import annotations

from typing import Protocol

ARRIVAL = "arrival"
ANSWER = "answer"
DONE = "done"
ABANDON = "abandon"
BLOCKED = "blocked"
BALKED = "balked"
IVR_RESOLVED = "ivr_resolved"
CALLBACK_ACCEPTED = "callback_accepted"
DISCONNECTED = "disconnected"
LOGIN = "login"
LOGOUT = "logout"
BREAK_START = "break_start"
BREAK_END = "break_end"
AUX_START = "aux_start"
AUX_END = "aux_end"

CONTACT_EVENTS = (ARRIVAL, ANSWER, DONE, ABANDON, BLOCKED, BALKED, IVR_RESOLVED, CALLBACK_ACCEPTED, DISCONNECTED)
AGENT_EVENTS = (LOGIN, LOGOUT, BREAK_START, BREAK_END, AUX_START, AUX_END)
EVENT_KINDS = CONTACT_EVENTS + AGENT_EVENTS


class Sink(Protocol):
    """Anything called with each event as it happens."""

    def __call__(self, kind: str, t: float, contact: int, ctype: int, group: int, agent: int) -> None: ...
