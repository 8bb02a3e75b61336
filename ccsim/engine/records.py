"""What one replication leaves behind: columnar per-contact records and staffing logs."""

from __future__ import annotations

import numpy as np

# Outcome codes of a contact (``Records.outcome``).
WAITING = 0  # still waiting when the run ended (no agent, no patience limit)
ANSWERED = 1
ABANDONED = 2
BLOCKED = 3
IVR_RESOLVED = 4  # resolved in the IVR (self-service), never reached the queue
BALKED = 5  # left at once on hearing the expected wait
CALLBACK_FAILED = 6  # an accepted callback whose customer did not answer the agent's call
DISCONNECTED = 7  # still waiting at the day's closing, disconnected (at_closing: disconnect)
NOT_REACHED = 8  # an outbound call that reached no one an agent talks to (no answer, machine dropped)
OUTCOME_NAMES = {WAITING: "waiting", ANSWERED: "answered", ABANDONED: "abandoned", BLOCKED: "blocked",
                 IVR_RESOLVED: "ivr_resolved", BALKED: "balked", CALLBACK_FAILED: "callback_failed",
                 DISCONNECTED: "disconnected", NOT_REACHED: "not_reached"}

# Legs of a transfer (ccsim.engine.transfers) not reached: a message left, or back with the first agent.
VOICEMAIL_LEFT = 9
RETURNED = 10
OUTCOME_NAMES.update({VOICEMAIL_LEFT: "voicemail", RETURNED: "returned"})
# A caller still waiting at its type's voicemail limit leaves a message (``voicemail.after``).
MESSAGE = 11
OUTCOME_NAMES[MESSAGE] = "message"

# Kinds of contact (``Records.kind``) and callback states (``Records.callback``).
FIRST, RETRIAL, REPEAT = 0, 1, 2
TRANSFER = 3  # a leg of an issue, transferred from another leg (ccsim.engine.transfers)
CB_NONE, CB_DECLINED, CB_ACCEPTED = 0, 1, 2


class Records:
    """Columnar records of one replication; times in seconds from the horizon start.

    Per contact (first attempts sorted by arrival, then retrials and repeat contacts
    in the order they were created): ``arrival``, ``ctype``, ``outcome``,
    ``answer`` (nan unless answered), ``group`` (-1 unless answered), ``handle``,
    ``acw``, ``patience`` (as drawn). ``wait`` is derived: answer - entry (the queue
    entry, after any IVR) when answered, the patience when abandoned, the wait up to the
    day's closing when disconnected then (``disconnected``: their rows and those waits).
    Per agent group: ``present_log`` (times, agents present from that time on). ``end_s`` is when the last contact left.
    """

    __slots__ = (
        "arrival", "ctype", "outcome", "answer", "group", "handle", "acw", "patience",
        "present_log", "end_s", "forecast_factor", "entry", "journey", "deferred", "away_log",
        "transfers",
        "chat_spans", "agents", "disconnected", "dial_result",
    )

    def __init__(self, arrival, ctype, outcome, answer, group, handle, acw, patience,
                 present_log, end_s, forecast_factor, entry=None, journey=None, deferred=None):
        self.arrival = arrival
        self.ctype = ctype
        self.outcome = outcome
        self.answer = answer
        self.group = group
        self.handle = handle
        self.acw = acw
        self.patience = patience
        self.present_log: list[tuple[np.ndarray, np.ndarray]] = present_log
        self.end_s: float = end_s
        self.forecast_factor = forecast_factor
        # Time the contact joined the queue (after the IVR); the arrival when there is no IVR.
        self.entry = arrival if entry is None else entry
        # Caller-journey columns (None when no contact type has a journey): a dict of arrays
        # customer, contact_no, attempt, kind, callback, resolved (-1 n/a, 0, 1),
        # converted (-1 n/a, 0, 1), predicted (expected wait told, nan if none).
        self.journey: dict[str, np.ndarray] | None = journey
        # Retrials and repeat contacts that would fall after the horizon, per contact type.
        self.deferred = deferred
        # Per group (times, on break, on aux) step functions when the scenario has a
        # workforce (breaks, aux); None otherwise: nobody is ever away.
        self.away_log = None
        # Transfers (a type with transfer rules): per row leg, issue, prev, rule, conference
        # (``engine.transfers.Legs``); None otherwise.
        self.transfers: dict[str, np.ndarray] | None = None
        # Per group (starts, ends) of the spans during which an agent had chats open and no
        # call or email in hand (its chat busy time); None when no contact type is a chat.
        self.chat_spans = None
        # Per-agent statistics when requested: arrays group, present_s, busy_s, handled
        # (time inside the days' statistics windows); None otherwise.
        self.agents = None
        # Callers disconnected at a day's closing (at_closing: disconnect): (rows, waits up to
        # the closing); None when nobody was.
        self.disconnected: tuple[np.ndarray, np.ndarray] | None = None
        # Outbound calls (a type with direction: outbound): who answered each row's call
        # (``engine.dialer``: no answer, right party, wrong party, machine; -1 on inbound rows);
        # None when no type is outbound.
        self.dial_result: np.ndarray | None = None

    @property
    def wait(self) -> np.ndarray:
        """Time in queue (s): to answer (or callback), to abandonment; inf while still waiting;
        0 if blocked, balked or resolved in the IVR."""
        outcome = self.outcome
        answered = (outcome == ANSWERED) | (outcome == CALLBACK_FAILED)
        wait = np.where(answered, self.answer - self.entry, self.patience)
        # Comparisons rather than np.isin: the same rows, at a fraction of the cost.
        wait[(outcome == BLOCKED) | (outcome == IVR_RESOLVED) | (outcome == BALKED) | (outcome == NOT_REACHED)] = 0.0
        wait[outcome == WAITING] = np.inf
        if self.disconnected is not None:
            rows, waited = self.disconnected
            wait[rows] = waited
        return wait

    def __len__(self) -> int:
        return int(self.arrival.size)
