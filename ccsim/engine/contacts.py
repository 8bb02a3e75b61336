"""The contact table of one replication: every per-contact column in one place.

A contact comes to exist only through ``Contacts``: the day's first attempts, drawn up
front in arrival order, through ``Contacts.from_draws`` (one block); everything created
during the run — retrials, repeat contacts, and later transfer legs and outbound calls —
through ``Contacts.new``. Snapshot callers are the first rows of the up-front block.
Journeys, routing, workforce, event sinks and records all read these columns; nobody
keeps a copy, so a column read at any time covers every contact created so far.

Columns are plain Python lists (indexing a list is what the event loop does per event;
numpy indexing of one element costs ten times more). Times are seconds from the horizon
start.
"""

from __future__ import annotations

import math

import numpy as np

from .arrivals import N_DECISIONS, U_REACH, U_REPEAT, U_RETRIAL, U_SELF_SERVICE, ContactDraws
from .records import ABANDONED, ANSWERED, FIRST, WAITING, Records

INF = math.inf
NAN = math.nan
# The journey numbers of a row no journey reads (an outbound call in a run with caller journeys).
_NO_JOURNEY = ((0.0,) * N_DECISIONS, 0.0, 0.0, 0.0, 0.0, 0.0)


class Contacts:
    """Struct of lists: one entry per contact, in the order contacts were created.

    Always present: ``arrival``, ``ctype``, ``handle`` (talk), ``acw`` (wrap-up), ``work``
    (the agent's busy time: talk + wrap-up, scaled as one by a handle-time factor),
    ``patience``, ``deadline`` (when the caller hangs up if still waiting: queue entry +
    patience; inf for a contact that never abandons or has not joined a queue yet),
    ``entry`` (queue entry: after the IVR; for emails received overnight, when they came
    in), ``answer`` (nan until answered), ``group`` and ``agent`` (-1 until answered),
    ``fate`` (outcome decided during the run: blocked, balked, resolved in the IVR, failed
    callback; 0 otherwise — answered and abandoned are derived at the end).

    With caller journeys (``journeys=True``) also: ``customer``, ``contact_no``,
    ``attempt``, ``kind``, ``cb`` (callback state), ``resolved``, ``converted``,
    ``predicted`` (expected wait announced), and the journey's random numbers per contact
    (``decisions``: a column per decision read, ``decisions[U_...][c]``; ``ivr``, ``retrial_delay``,
    ``repeat_delay``, ``callback_handle``, ``rating_noise``).
    """

    __slots__ = (
        "arrival", "ctype", "handle", "acw", "work", "patience", "deadline", "entry", "answer", "group", "agent",
        "fate", "journeys", "customer", "contact_no", "attempt", "kind", "cb", "resolved", "converted",
        "predicted", "decisions", "ivr", "retrial_delay", "repeat_delay", "callback_handle", "rating_noise",
        "draws", "line_release", "n_first", "times_changed", "keeps_patience", "has_lines",
        "legs",
        "disconnected", "outbound", "dial_result",
    )

    def __init__(self, draws: ContactDraws, lines: bool, times: bool, outbound: bool = False,
                 decisions_read=range(N_DECISIONS)):
        self.draws = draws  # the up-front block, kept to build records without copies
        n = self.n_first = int(draws.arrival.size)
        journeys = draws.journey is not None
        # Outbound calls are rows created during the run (``dialled``): every column grows.
        self.outbound = outbound
        times = times or outbound
        self.arrival: list[float] = draws.arrival.tolist()
        self.ctype: list[int] = draws.ctype.tolist()
        self.work: list[float] = (draws.handle + draws.acw).tolist()  # agent busy time: talk + wrap-up
        # Talk, wrap-up and patience as lists only where the run reads or rewrites them (trunk
        # lines, chats, handle-time factors, journeys); otherwise the drawn arrays serve.
        # (An empty list where not kept: reading it would be a bug, and fails loudly.)
        self.keeps_patience = journeys or outbound
        self.handle: list[float] = draws.handle.tolist() if times or lines or journeys else []
        self.acw: list[float] = draws.acw.tolist() if times or journeys else []
        self.patience: list[float] = draws.patience.tolist() if self.keeps_patience else []
        # arrival + patience as numpy adds them: the same doubles as a Python float sum.
        self.deadline: list[float] = (draws.arrival + draws.patience).tolist()
        self.entry: list[float] = self.arrival if draws.entry is None else draws.entry.tolist()
        if outbound and self.entry is self.arrival:
            self.entry = list(self.arrival)  # a dialled call's party answers after the dialling
        self.dial_result: list[int] = [-1] * n if outbound else []
        self.answer: list[float] = [NAN] * n
        self.group: list[int] = [-1] * n
        self.agent: list[int] = [-1] * n
        self.fate: list[int] = [0] * n
        self.legs = None  # transfers: how rows chain into issues (engine.transfers.Legs), set there
        self.line_release: list[float] = [0.0] * n if lines else []
        self.has_lines = lines
        self.disconnected: list[tuple[int, float]] = []  # (contact, wait until then) at closings
        self.times_changed = times  # handle / acw rewritten during the run (factors, chats)
        j = draws.journey
        self.journeys = j is not None
        if j is not None:
            if self.entry is self.arrival:
                self.entry = list(self.arrival)  # journeys move the entry past the IVR
            self.customer: list[int] = list(range(n))
            self.contact_no: list[int] = [1] * n
            self.attempt: list[int] = [1] * n
            self.kind: list[int] = [FIRST] * n
            self.cb: list[int] = [0] * n
            self.resolved: list[int] = [-1] * n
            self.converted: list[int] = [-1] * n
            self.predicted: list[float] = [NAN] * n
            # One list per decision (decisions[U_...][c]), and only for those the run's journeys
            # read (``decisions_read``; None for the others, never read): converting 5,000 uniforms
            # to floats costs about 0.2 ms, and a day of retrials alone reads one of the eight.
            self.decisions: list[list[float] | None] = [
                j.decisions[:, u].tolist() if u in decisions_read else None for u in range(N_DECISIONS)]
            # The other numbers likewise only where read: IVR time with an IVR, retrial delay with
            # retrials, repeat delay with resolution, callback talk with callbacks (None: never
            # read, and not appended to). Rating noise is never read during the run: the list
            # holds the contacts created in it (the records add them to the drawn array).
            read = decisions_read
            self.ivr: list[float] | None = j.ivr.tolist() if U_SELF_SERVICE in read else None
            self.retrial_delay: list[float] | None = j.retrial_delay.tolist() if U_RETRIAL in read else None
            self.repeat_delay: list[float] | None = j.repeat_delay.tolist() if U_REPEAT in read else None
            self.callback_handle: list[float] | None = j.callback_handle.tolist() if U_REACH in read else None
            self.rating_noise: list[float] = []

    @classmethod
    def from_draws(cls, draws: ContactDraws, lines: bool = False, times: bool = True,
                   outbound: bool = False, decisions_read=range(N_DECISIONS)) -> Contacts:
        """The table holding the day's first attempts (and a snapshot's callers, first).

        lines: some type has trunk lines; times: talk and wrap-up may be rewritten during
        the run (chats, handle-time factors); outbound: some type is dialled (rows are added);
        decisions_read: the journey decisions (``U_...``) the run reads (default: all)."""
        return cls(draws, lines, times, outbound, decisions_read)

    def dialled(self, t: float, k: int, result: int) -> int:
        """A call of outbound type *k* dialled at *t*, answered by *result*; return its row.

        Its party has not answered yet (entry nan); talk, wrap-up and patience are set when
        it does (``engine.dialer``)."""
        c = len(self.arrival)
        row = _NO_JOURNEY if self.journeys else ()
        self.new(t, k, 0.0, 0.0, INF, c, 1, 1, FIRST, row)
        self.entry[c] = NAN
        self.dial_result[c] = result
        return c

    def __len__(self) -> int:
        return len(self.arrival)

    def new(self, t: float, k: int, handle: float, acw: float, patience: float, customer: int,
            contact_no: int, attempt: int, kind: int, row: tuple) -> int:
        """Create a contact arriving at *t* of type *k*; return its number.

        row: its journey random numbers (decisions, ivr, retrial delay, repeat delay,
        callback handle, rating noise). It joins no queue yet: its deadline is set when it
        does.
        """
        c = len(self.arrival)
        self.arrival.append(t)
        self.ctype.append(k)
        self.handle.append(handle)
        self.acw.append(acw)
        self.work.append(handle + acw)
        self.patience.append(patience)
        self.deadline.append(INF)
        if self.entry is not self.arrival:
            self.entry.append(t)
        self.answer.append(NAN)
        self.group.append(-1)
        self.agent.append(-1)
        self.fate.append(0)
        if self.legs is not None:
            self.legs.new(c)
        if self.has_lines:
            self.line_release.append(0.0)
        if self.outbound:
            self.dial_result.append(-1)
        if self.journeys:
            decisions, ivr, retrial, repeat, callback, noise = row
            self.customer.append(customer)
            self.contact_no.append(contact_no)
            self.attempt.append(attempt)
            self.kind.append(kind)
            self.cb.append(0)
            self.resolved.append(-1)
            self.converted.append(-1)
            self.predicted.append(NAN)
            for column, u in zip(self.decisions, decisions, strict=True):
                if column is not None:
                    column.append(u)
            if self.ivr is not None:
                self.ivr.append(ivr)
            if self.retrial_delay is not None:
                self.retrial_delay.append(retrial)
            if self.repeat_delay is not None:
                self.repeat_delay.append(repeat)
            if self.callback_handle is not None:
                self.callback_handle.append(callback)
            self.rating_noise.append(noise)
        return c

    # --- the run's records -------------------------------------------------------------------

    def outcomes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(outcome codes, answer times, deadlines) as arrays: answered if an agent took the
        contact, abandoned if it had a finite deadline and none did, else the fate decided
        during the run (blocked, balked, ...), else still waiting."""
        answer = np.array(self.answer, dtype=np.float64)
        if self.journeys or self.outbound:
            deadline = np.array(self.deadline, dtype=np.float64)
        else:  # deadlines never move without journeys: as drawn (the same doubles as the list)
            deadline = self.draws.arrival + self.draws.patience
        outcome = np.full(answer.size, WAITING, dtype=np.int8)
        answered = ~np.isnan(answer)
        outcome[answered] = ANSWERED
        outcome[~answered & np.isfinite(deadline)] = ABANDONED
        if self.journeys or self.has_lines or self.disconnected or self.outbound:  # fates are decided only by these
            fate = np.array(self.fate, dtype=np.int8)
            decided = fate != 0
            outcome[decided] = fate[decided]
        return outcome, answer, deadline

    def _column(self, first: np.ndarray, values: list, dtype) -> np.ndarray:
        """A column whose first attempts' entries never change: the drawn array, plus the
        contacts created during the run (converting 20,000 Python numbers costs a millisecond)."""
        tail = values[self.n_first:]
        if not tail:
            return first
        return np.concatenate((first, np.array(tail, dtype=dtype)))

    def records(self, outcome: np.ndarray, answer: np.ndarray, present_log, end_s: float,
                deferred=None, deferred_customers=()) -> Records:
        """Columnar records of every contact (first attempts, then those created in the run)."""
        draws = self.draws
        n = self.n_first
        journey = None
        if draws.journey is not None:
            col = self._column
            journey = {
                "customer": col(np.arange(n, dtype=np.int64), self.customer, np.int64),
                "contact_no": col(np.ones(n, dtype=np.int32), self.contact_no, np.int32),
                "attempt": col(np.ones(n, dtype=np.int32), self.attempt, np.int32),
                "kind": col(np.full(n, FIRST, dtype=np.int8), self.kind, np.int8),
                "callback": np.array(self.cb, dtype=np.int8),
                "resolved": np.array(self.resolved, dtype=np.int8),
                "converted": np.array(self.converted, dtype=np.int8),
                "predicted": np.array(self.predicted, dtype=np.float64),
                "rating_noise": (np.concatenate((draws.journey.rating_noise, np.array(self.rating_noise)))
                                 if self.rating_noise else draws.journey.rating_noise),
                "deferred_customers": np.array(sorted(set(deferred_customers)), dtype=np.int64),
            }
        # Columns nobody rewrote are the up-front arrays themselves (no copy).
        same_times = not self.times_changed and not self.journeys
        entry = np.array(self.entry, dtype=np.float64) if self.entry is not self.arrival else draws.entry
        patience = (self._column(draws.patience, self.patience, np.float64) if self.keeps_patience
                    else draws.patience)
        rec = Records(
            arrival=self._column(draws.arrival, self.arrival, np.float64),
            ctype=self._column(draws.ctype, self.ctype, np.int32),
            outcome=outcome, answer=answer, group=np.array(self.group, dtype=np.int32),
            handle=draws.handle if same_times else np.array(self.handle, dtype=np.float64),
            acw=draws.acw if same_times else np.array(self.acw, dtype=np.float64),
            patience=patience, present_log=present_log, end_s=end_s, forecast_factor=draws.forecast_factor, entry=entry,
            journey=journey, deferred=deferred,
        )
        if self.outbound:
            rec.dial_result = np.array(self.dial_result, dtype=np.int8)
        if self.legs is not None:
            rec.transfers = self.legs.columns()
        if self.disconnected:  # their wait is how long they had waited at the closing
            who, waited = zip(*self.disconnected, strict=True)
            rec.disconnected = (np.array(who, dtype=np.int64), np.array(waited, dtype=np.float64))
        return rec
