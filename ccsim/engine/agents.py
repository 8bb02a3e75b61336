"""Agents and agent groups during a run: core slots, plus optional parts when used.

An ``Agent`` is its own entry on the event heap: when it takes a call or an email it is
pushed for the end of the contact's work (talk + wrap-up), and the run's loop calls
``release`` when it comes up — no SimPy event is allocated per contact. Chats open on an
agent are ``Chat`` objects (their end events are ``Wake`` entries); rostered agents carry
what falls due for them (``Due``) and their state (``AgentState``).
"""

from __future__ import annotations

from collections import deque
from enum import IntEnum


class AgentState(IntEnum):
    """Where an agent is."""

    WORKING = 0  # logged in and available: idle or handling contacts
    ON_BREAK = 1  # a planned break
    ON_AUX = 2  # unplanned unavailable time
    GONE = 3  # logged out (end of shift, staffing drop, end of day)


class Due(IntEnum):
    """What falls due for an agent (taken when the contact in hand ends)."""

    BREAK = 1
    AUX = 2
    LOGOUT = 3


class Chat:
    """A chat open on an agent. Work and talk left progress at the agent's current rate."""

    __slots__ = ("contact", "work_left", "ctype", "talk_left", "talk_end")

    def __init__(self, contact: int, work_left: float, ctype: int, talk_left: float, talk_end: float):
        self.contact = contact  # < 0: a chat already open at a snapshot (not a contact of the run)
        self.work_left = work_left  # s of work (talk + wrap-up) at rate 1
        self.ctype = ctype
        self.talk_left = talk_left  # s of talk at rate 1 (the chat's line is held until it ends)
        self.talk_end = talk_end  # projected (then actual) end of its talk


class Agent:
    """One agent. ``contact``: the call or email in hand (-1 if none); ``chats``: chats open."""

    __slots__ = ("group", "number", "idle_since", "contact", "channel", "chats", "updated", "version",
                 "draining", "chat_since", "todo", "state", "since", "room")

    def __init__(self, group: GroupState, number: int, now: float):
        self.group = group
        self.number = number  # per run, in order of login
        self.idle_since = now
        self.contact = -1
        self.channel = 0  # channel of the contact in hand (VOICE, EMAIL)
        self.chats: list[Chat] = []
        self.updated = 0.0  # chats' work is progressed up to this time
        self.version = 0  # chats' end events of an older version are stale
        self.draining = False  # leaves when its last contact ends
        self.chat_since = -1.0  # start of the current span with chats open and nothing else
        self.todo: list | None = None  # (Due, length s) items waiting for the contact in hand to end
        self.state = AgentState.WORKING
        self.since = now  # logged in and available since (per-agent present time)
        self.room = 10  # chats it may hold with those open (the least concurrency among them)


class Wake:
    """An entry of the event heap with a callback and a value (chat end, overflow due, break end).

    ``callbacks`` / ``_ok`` / ``_value`` are what SimPy's events carry; ``callbacks`` holds
    exactly one callable, which the run's loop calls with the entry (never failed, so
    nothing to defuse).
    """

    __slots__ = ("callbacks", "_ok", "_value")

    def __init__(self, callbacks: list, value):
        self.callbacks = callbacks
        self._ok = True
        self._value = value


class GroupState:
    """Mutable state of an agent group during a run."""

    __slots__ = ("index", "queues", "queue_types", "idle", "present", "target", "leaving", "log_t", "log_n",
                 "closing", "callbacks", "on_break", "on_aux", "log_break", "log_aux", "rostered", "chat_open",
                 "call_open", "plain", "fast", "direct", "choices", "emails", "max_chats", "blended", "dialers",
                 "movers")

    def __init__(self, index: int, queues: list[deque], queue_types: list[int]):
        self.index = index
        self.queues = queues  # waiting contacts of its skills, priority order
        self.queue_types = queue_types
        self.idle: deque[Agent] = deque()  # longest idle at the left
        self.present = 0  # agents logged in and available (including those finishing before leaving)
        self.target = 0  # scheduled headcount now
        self.leaving = 0  # busy agents who leave when their contact ends
        self.log_t: list[float] = []
        self.log_n: list[int] = []
        self.log_break: list[int] = []
        self.log_aux: list[int] = []
        self.closing = False  # after a day's end: serve what waits, then leave
        self.callbacks: list[deque] = []  # scheduled callbacks of its skills (caller journeys)
        self.on_break = 0  # logged in but away: planned breaks ...
        self.on_aux = 0  # ... and unplanned unavailable (aux) time
        self.rostered = False  # agents come and go by shifts (workforce), not by staffing
        self.chat_open: dict = {}  # busy agents with room for a chat ...
        self.call_open: dict = {}  # ... and chatting agents who may take a call (voice_with_chat)
        # Contact selection (chosen when the run is built, see selectors): plain = the
        # foundation's rule (first waiting contact of the first skill in priority order).
        self.plain = True
        self.fast = False  # plain, and nothing else to mind when an agent is freed (see Run)
        self.direct = False  # calls and emails only, and nothing else to mind when freed (see Run)
        self.choices: list[list] = []  # skills by level (general selection)
        self.emails: list[list] = []  # email skills by level (deferrable work)
        self.max_chats = 0
        self.blended = False  # voice_with_chat
        self.dialers: list = []  # outbound dialers that look when an agent of the group takes work
        self.movers: list = []  # agents_move: movers that may take a freed lent agent back home

    def log(self, now: float) -> None:
        """Record the agents available (present), on break and on aux from *now* on."""
        self.log_t.append(now)
        self.log_n.append(self.present)
        self.log_break.append(self.on_break)
        self.log_aux.append(self.on_aux)
