"""Caller journeys inside the event loop: IVR, balking, retrials, virtual-hold callbacks,
resolution with repeat contacts, and conversion.

Built only when a contact type has a journey feature. The journey state of each contact
(customer, attempt, callback, resolution, ...) is in the run's contact table; contacts
created here (retrials, repeat contacts) are created through ``Contacts.new``.

Events that journeys add (queue entry after the IVR, a retrial check, a new
contact) wait in their own heap, ``later``, merged by the engine's loop with
the arrival stream and SimPy's event heap. A retrial after abandonment needs no
abandonment event either: at queue entry we know the caller's deadline, so a
check is scheduled at deadline + retrial delay, and at that moment the caller
has either been answered (nothing to do) or abandoned at its deadline.

Retrials and repeat contacts that would fall in the night of a multi-day
horizon come back the next morning, as long after opening as they fell after
closing; after the last day they are counted as ``deferred``.
"""

from __future__ import annotations

import math
from collections import deque
from heapq import heappush
from itertools import count

import numpy as np

from ..plan import DAY_S, Plan
from . import events as ev
from .arrivals import (
    U_BALK,
    U_CALLBACK,
    U_CONVERT,
    U_REACH,
    U_REPEAT,
    U_RESOLVED,
    U_RETRIAL,
    U_SELF_SERVICE,
)
from .later import LaterDraws
from .records import (
    BALKED,
    BLOCKED,
    CALLBACK_FAILED,
    CB_ACCEPTED,
    CB_DECLINED,
    IVR_RESOLVED,
    REPEAT,
    RETRIAL,
)

ARRIVE, ENTER, RETRY, MESSAGE_LEFT = 0, 1, 2, 3
INF = math.inf


def decisions_read(plan: Plan) -> set[int]:
    """The journey decisions (``U_...``) a run of *plan* may read: the contact table keeps
    only those (a column never read is None, so a read this misses fails loudly)."""
    read = set()
    for ct in plan.contact_types:
        jp = ct.journey
        if jp is None:
            continue
        if jp.ivr_time is not None:
            read.add(U_SELF_SERVICE)
        if jp.balk_over is not None:
            read.add(U_BALK)
        if jp.callback_over is not None:
            read |= {U_CALLBACK, U_REACH}  # an accepted callback may not reach the customer
        if jp.message_callback:
            read.add(U_REACH)
        if jp.retrial_p > 0:
            read.add(U_RETRIAL)
        if jp.fcr is not None:
            read |= {U_RESOLVED, U_REPEAT}
        if jp.conversion_p is not None:
            read.add(U_CONVERT)
    return read


class Journeys:
    """Journey state and actions of one replication; per-contact state lives in the contact table."""

    def __init__(self, plan: Plan, run, replication: int):
        self.plan, self.run, self.env = plan, run, run.env
        t = self.contacts = run.contacts
        self.arrival, self.ctype, self.handle, self.work = t.arrival, t.ctype, t.handle, t.work
        self.deadline, self.answer, self.served_by, self.fate = t.deadline, t.answer, t.group, t.fate
        self.acw, self.patience, self.entry = t.acw, t.patience, t.entry
        self.decisions, self.callback_handle = t.decisions, t.callback_handle
        self.queues, self.groups_of, self.lines = run.queues, run.groups_of, run.lines
        self.deferred_customers: list[int] = []
        self.later: list = []
        self.seq = count()
        types = plan.contact_types
        self.journey = [ct.journey for ct in types]
        self.deferred = [0] * len(types)
        self.last_wait = [0.0] * len(types)
        self.mean_work = [ct.handle.mean + (ct.after_call_work.mean if ct.after_call_work else 0.0)
                          for ct in types]
        factor = [g.resolution_factor for g in plan.agent_groups]
        # P(resolved at this contact) by type and answering group: the type's FCR times the
        # group's resolution factor, at most 1 (None: the type draws no resolution).
        self.fcr_of = [None if jp is None or jp.fcr is None else [min(1.0, jp.fcr * f) for f in factor]
                       for jp in self.journey]
        self.later_draws = [LaterDraws(ct, plan.seed, replication) for ct in types]
        # Per type: which of (handle, acw, patience) a retrial brings from the attempt before
        # (None: it draws all three afresh). Contacts of such types created during the run keep
        # their values as drawn here, before a handle-time factor or a callback rewrites them;
        # the first attempts' are the up-front arrays.
        self.keep = [None if jp is None or not jp.retrial_keep else
                     tuple(name in jp.retrial_keep for name in ("handle_time", "after_call_work", "patience"))
                     for jp in self.journey]
        self.drawn: dict[int, tuple[float, float, float]] = {}
        self.callback_queues: list[deque[int]] = [deque() for _ in types]  # scheduled callbacks per type
        self.callback_due: dict[int, float] = {}
        self.callbacks_waiting = 0  # scheduled callbacks not yet made, all types

    # --- contacts arriving and joining the queue ------------------------------------------

    def entries_after_ivr(self, n: int):
        """The day's first attempts in the order the loop meets them when every IVR type's
        caller goes from arrival straight into the IVR (no trunk line to take, no sink to tell
        of the arrival): ``(times, contacts)`` by queue entry — arrival plus IVR time for IVR
        types, arrival for the others — with the callers the IVR resolves left out (their
        outcome is set here). The IVR then costs no event. None when no type has an IVR.
        """
        types = self.plan.contact_types
        ivr_types = {k: ct.journey.self_service for k, ct in enumerate(types)
                     if ct.journey is not None and ct.journey.ivr_time is not None}
        if not ivr_types or n == 0:
            return None
        draws = self.run.contacts.draws
        ctype = draws.ctype
        j = draws.journey
        arrival = draws.arrival
        times = arrival.copy()
        solved = np.zeros(n, dtype=bool)
        for k, self_service in ivr_types.items():
            mine = ctype == k
            times[mine] = arrival[mine] + j.ivr[mine]  # the same doubles as now + ivr[c]
            solved |= mine & (j.decisions[:, U_SELF_SERVICE] < self_service)
        resolved, fate, entry = self.contacts.resolved, self.fate, self.entry
        for c, leave_ivr in zip(np.flatnonzero(solved).tolist(), times[solved].tolist(), strict=True):
            fate[c] = IVR_RESOLVED
            resolved[c] = 1
            entry[c] = leave_ivr
        order = np.flatnonzero(~solved)
        order = order[np.argsort(times[order], kind="stable")]
        return times[order].tolist(), order.tolist()

    def arrive(self, c: int, now: float) -> None:
        """A contact created during the run arrives: a line if its type has lines, then on."""
        k = self.ctype[c]
        run = self.run
        if self.lines[k]:
            if not run.line_free(k, now):
                self.fate[c] = BLOCKED
                if run.sink is not None:
                    run.sink(ev.BLOCKED, now, c, k, -1, -1)
                self.maybe_retry(c, now)
                return
            run.take_line(k)  # its line is held until it leaves (set where that is known)
        self.after_lines(c, now)

    def after_lines(self, c: int, now: float) -> None:
        """The contact has a line (or its type needs none): the IVR, or straight to the queue."""
        k = self.ctype[c]
        jp = self.journey[k]
        run = self.run
        if jp is not None and jp.ivr_time is not None:
            leave_ivr = now + self.contacts.ivr[c]
            if self.decisions[U_SELF_SERVICE][c] < jp.self_service:
                self.fate[c] = IVR_RESOLVED
                self.contacts.resolved[c] = 1
                self.entry[c] = leave_ivr
                if self.lines[k]:
                    run.hold_line(k, c, leave_ivr)
                if run.sink is not None:  # decided as the caller enters the IVR
                    run.sink(ev.IVR_RESOLVED, now, c, k, -1, -1)
                return
            if self.lines[k]:
                run.hold_line(k, c, INF)  # in the IVR: until it enters the queue (or leaves)
            heappush(self.later, (leave_ivr, next(self.seq), ENTER, c))
            return
        self.enter(c, now)

    def enter(self, c: int, now: float) -> None:
        k = self.ctype[c]
        jp = self.journey[k]
        run = self.run
        self.entry[c] = now
        dl = now + self.patience[c]
        self.deadline[c] = dl
        q = self.queues[k]
        if q and run.head(q, now) is not None:  # Dispatch.join inlined: FCFS behind those waiting
            if run.has_delay[k]:
                run.schedule_overflow(c, k, now)
        elif run.offer_of[k](run, c, k, now):
            return  # answered: the line is held for the talk
        if self.lines[k]:
            run.hold_line(k, c, dl)
        cb = self.contacts.cb
        if jp is not None and (jp.balk_over is not None or jp.callback_over is not None):
            ew = self.predict(k, now)
            self.contacts.predicted[c] = ew
            dec = self.decisions
            if jp.balk_over is not None and ew > jp.balk_over and dec[U_BALK][c] < jp.balk_p:
                self.fate[c] = BALKED
                if self.lines[k]:
                    run.hold_line(k, c, now)
                if run.sink is not None:
                    run.sink(ev.BALKED, now, c, k, -1, -1)
                self.maybe_retry(c, now)
                return
            if jp.callback_over is not None and ew > jp.callback_over:
                if dec[U_CALLBACK][c] < jp.callback_accept:
                    # The customer hangs up and waits to be called: never abandons.
                    cb[c] = CB_ACCEPTED
                    self.deadline[c] = INF
                    if self.lines[k]:
                        run.hold_line(k, c, now)
                    if jp.callback_scheduled:  # leaves the queue for the callback list
                        self.callback_due[c] = now + jp.callback_window
                        self.callback_queues[k].append(c)
                        self.callbacks_waiting += 1
                        if run.sink is not None:
                            run.sink(ev.CALLBACK_ACCEPTED, now, c, k, -1, -1)
                        return
                else:
                    cb[c] = CB_DECLINED
        q.append(c)
        if cb[c] != CB_ACCEPTED and dl < INF and self.will_retry(c):
            heappush(self.later, (dl + self.contacts.retrial_delay[c], next(self.seq), RETRY, c))
        if jp is not None and jp.message_callback and cb[c] != CB_ACCEPTED and dl < INF:
            limit = self.plan.contact_types[k].voicemail_s
            if self.patience[c] >= limit:  # still waiting at the limit unless answered: a message then
                heappush(self.later, (now + limit, next(self.seq), MESSAGE_LEFT, c))

    def due_callback(self, g, now: float, overdue_only: bool) -> int | None:
        """The scheduled callback group g should make now, if any (oldest first)."""
        best, best_q = None, None
        for q in g.callbacks:
            if q and (best is None or self.callback_due[q[0]] < self.callback_due[best]):
                best, best_q = q[0], q
        if best is None or best_q is None or (overdue_only and self.callback_due[best] > now):
            return None
        best_q.popleft()
        self.callbacks_waiting -= 1
        return best

    def predict(self, k: int, now: float) -> float:
        """The expected wait the centre announces (see docs: wait predictors)."""
        jp = self.journey[k]
        if jp is not None and jp.predictor == "last_to_enter_service":
            return self.last_wait[k]
        deadline = self.deadline
        ahead = sum(1 for x in self.queues[k] if deadline[x] > now)
        agents = sum(g.present for g in self.groups_of[k])
        return INF if agents == 0 else (ahead + 1) * self.mean_work[k] / agents

    # --- an agent answers --------------------------------------------------------------------

    def serve(self, c: int, g, now: float) -> float:
        """Record the answer of c by group g; return how long the agent is busy."""
        self.answer[c] = now
        self.served_by[c] = g.index
        k = self.ctype[c]
        jp = self.journey[k]
        busy = self.work[c]
        self.last_wait[k] = now - self.entry[c]
        t = self.contacts
        if t.cb[c] == CB_ACCEPTED:
            if self.decisions[U_REACH][c] < jp.callback_reach:
                talk = self.callback_handle[c]
                self.handle[c] = talk
                busy = self.work[c] = talk + self.acw[c]
            else:  # the customer does not pick up: the agent spent the dialling time
                self.fate[c] = CALLBACK_FAILED
                busy = self.work[c] = self.handle[c] = jp.dial_time
                self.acw[c] = 0.0
                self.maybe_retry(c, now + busy)
                return busy
        elif self.lines[k]:
            self.run.hold_line(k, c, now + self.handle[c])
        if jp is not None:
            dec = self.decisions
            fcr = self.fcr_of[k]
            if fcr is not None:
                if dec[U_RESOLVED][c] < fcr[g.index]:
                    t.resolved[c] = 1
                else:
                    t.resolved[c] = 0
                    if jp.repeat_p > 0 and t.contact_no[c] < jp.repeat_max and dec[U_REPEAT][c] < jp.repeat_p:
                        target = k if jp.repeat_as is None else jp.repeat_as
                        self.schedule(now + busy + t.repeat_delay[c], target, t.customer[c],
                                      t.contact_no[c] + 1, 1, REPEAT)
            if jp.conversion_p is not None:
                p = jp.conversion_p + jp.conversion_slope * (now - self.entry[c]) / 60.0
                t.converted[c] = 1 if dec[U_CONVERT][c] < p else 0
        return busy

    # --- retrials and new contacts -----------------------------------------------------------

    def will_retry(self, c: int) -> bool:
        jp = self.journey[self.ctype[c]]
        return (jp is not None and jp.retrial_p > 0 and self.contacts.attempt[c] < jp.retrial_max
                and self.decisions[U_RETRIAL][c] < jp.retrial_p)

    def maybe_retry(self, c: int, now: float) -> None:
        if self.will_retry(c):
            t = self.contacts
            self.schedule(now + t.retrial_delay[c], self.ctype[c], t.customer[c], t.contact_no[c],
                          t.attempt[c] + 1, RETRIAL, c)

    def fire(self, item) -> None:
        t, _, action, c = item
        if action == ARRIVE:
            if self.run.sink is not None:
                self.run.sink(ev.ARRIVAL, t, c, self.ctype[c], -1, -1)
            self.arrive(c, t)
        elif action == ENTER:
            self.enter(c, t)
        elif action == MESSAGE_LEFT:
            if math.isnan(self.answer[c]) and self.fate[c] == 0:  # not answered: the message is left
                self.call_back_message(c, t)
        elif (math.isnan(self.answer[c]) and self.fate[c] == 0  # RETRY: it did abandon (a message: no)
              and self.patience[c] < self.plan.contact_types[self.ctype[c]].voicemail_s):
            tab = self.contacts
            self.schedule(t, self.ctype[c], tab.customer[c], tab.contact_no[c], tab.attempt[c] + 1, RETRIAL, c)

    def call_back_message(self, c: int, t: float) -> None:
        """Caller c left a message at t asking to be called back: a scheduled callback of the same
        customer (the next attempt), in its type's callback list until an agent makes it."""
        k = self.ctype[c]
        jp = self.journey[k]
        tab = self.contacts
        handle, acw, _, decisions, ivr, retrial, repeat, callback, noise = self.later_draws[k].next(t)
        back = tab.new(t, k, handle, acw, INF, tab.customer[c], tab.contact_no[c], tab.attempt[c] + 1, RETRIAL,
                       (decisions, ivr, retrial, repeat, callback, noise))
        tab.cb[back] = CB_ACCEPTED  # never abandons: the customer waits to be called
        self.callback_due[back] = t + jp.message_window
        self.callback_queues[k].append(back)
        self.callbacks_waiting += 1
        sink = self.run.sink
        if sink is not None:
            sink(ev.ARRIVAL, t, back, k, -1, -1)
            sink(ev.CALLBACK_ACCEPTED, t, back, k, -1, -1)

    def drawn_times(self, c: int) -> tuple[float, float, float]:
        """(handle, acw, patience) of contact c as drawn, of a type whose retrials keep some."""
        if c < self.contacts.n_first:
            d = self.contacts.draws
            return float(d.handle[c]), float(d.acw[c]), float(d.patience[c])
        return self.drawn[c]

    def schedule(self, t: float, k: int, customer: int, contact_no: int, attempt: int, kind: int,
                 before: int = -1) -> None:
        """Create a contact arriving at t (next opening if the centre is closed then).

        before: the attempt a retrial follows (-1 for a repeat contact)."""
        plan = self.plan
        if plan.calendar is not None:  # closed (a night, a closed day): into the next opening hours
            opens = plan.calendar.next_open(t)
            t = opens if opens is not None else plan.days * DAY_S
        day = int(t // DAY_S)
        offset = t - day * DAY_S
        if offset >= plan.horizon_s:
            # Closed: the customer calls the next morning, as long after opening as the
            # call fell after closing (spread over the morning, not all at the opening).
            day += 1
            t = day * DAY_S + (offset - plan.horizon_s) % plan.horizon_s
        if day >= plan.days:
            self.deferred[k] += 1
            self.deferred_customers.append(customer)
            return
        # The fresh row is read even for what the retrial keeps, so that every later contact
        # uses the same row in every variant (common random numbers).
        handle, acw, patience, decisions, ivr, retrial, repeat, callback, noise = self.later_draws[k].next(t)
        keep = self.keep[k]
        if keep is not None:
            if before >= 0:
                was = self.drawn_times(before)
                handle = was[0] if keep[0] else handle
                acw = was[1] if keep[1] else acw
                patience = was[2] if keep[2] else patience
            self.drawn[len(self.contacts)] = (handle, acw, patience)
        c = self.contacts.new(t, k, handle, acw, patience, customer, contact_no, attempt, kind,
                              (decisions, ivr, retrial, repeat, callback, noise))
        heappush(self.later, (t, next(self.seq), ARRIVE, c))
