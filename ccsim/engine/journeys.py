"""Caller journeys inside the event loop: IVR, balking, retrials, virtual-hold callbacks,
resolution with repeat contacts, and conversion.

Used only when a contact type has a journey feature; otherwise the engine's lean
path runs untouched (and gives exactly the foundation's results).

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
from .arrivals import U_BALK, U_CALLBACK, U_CONVERT, U_REACH, U_REPEAT, U_RESOLVED, U_RETRIAL, U_SELF_SERVICE
from .later import LaterDraws
from .records import (
    BALKED,
    BLOCKED,
    CALLBACK_FAILED,
    CB_ACCEPTED,
    CB_DECLINED,
    FIRST,
    IVR_RESOLVED,
    REPEAT,
    RETRIAL,
    Records,
)

ARRIVE, ENTER, RETRY = 0, 1, 2
INF = math.inf


class Journeys:
    """Journey state and actions of one replication (plain lists indexed by contact)."""

    def __init__(self, plan: Plan, draws, replication, env, arrival, ctype, handle, work, deadline,
                 answer, served_by, fate, queues, groups_of, lines, line_free, hold_line,
                 line_release, in_system, offer):
        self.plan, self.env = plan, env
        self.arrival, self.ctype, self.handle, self.work = arrival, ctype, handle, work
        self.deadline, self.answer, self.served_by, self.fate = deadline, answer, served_by, fate
        self.queues, self.groups_of, self.lines = queues, groups_of, lines
        self.line_free, self.hold_line, self.line_release = line_free, hold_line, line_release
        self.in_system, self.offer = in_system, offer
        n = len(arrival)
        j = draws.journey
        self.decisions = j.decisions.tolist()
        self.ivr = j.ivr.tolist()
        self.retrial_delay = j.retrial_delay.tolist()
        self.repeat_delay = j.repeat_delay.tolist()
        self.callback_handle = j.callback_handle.tolist()
        self.rating_noise = j.rating_noise.tolist()
        self.forecast_factor = draws.forecast_factor
        self.deferred_customers: list[int] = []
        self.acw = draws.acw.tolist()
        self.patience = draws.patience.tolist()
        self.entry = list(arrival)
        self.customer = list(range(n))
        self.contact_no = [1] * n  # contact number within the customer's issue
        self.attempt = [1] * n  # attempt number within the contact (retrials)
        self.kind = [FIRST] * n
        self.cb = [0] * n
        self.resolved = [-1] * n
        self.converted = [-1] * n
        self.predicted = [math.nan] * n
        self.later: list = []
        self.seq = count()
        types = plan.contact_types
        self.journey = [ct.journey for ct in types]
        self.deferred = [0] * len(types)
        self.last_wait = [0.0] * len(types)
        self.mean_work = [ct.handle.mean + (ct.after_call_work.mean if ct.after_call_work else 0.0)
                          for ct in types]
        self.factor = [g.resolution_factor for g in plan.agent_groups]
        self.later_draws = [LaterDraws(ct, plan.seed, replication) for ct in types]
        self.callback_queues = [deque() for _ in types]  # scheduled callbacks per type
        self.callback_due: dict[int, float] = {}

    # --- contacts arriving and joining the queue ------------------------------------------

    def arrive(self, c: int, now: float) -> None:
        k = self.ctype[c]
        jp = self.journey[k]
        if self.lines[k]:
            if not self.line_free(k, now):
                self.fate[c] = BLOCKED
                self.maybe_retry(c, now)
                return
            self.in_system[k] += 1
            self.hold_line(k, c, INF)  # until it leaves; set precisely below
        if jp is not None and jp.ivr_time is not None:
            leave_ivr = now + self.ivr[c]
            if self.decisions[c][U_SELF_SERVICE] < jp.self_service:
                self.fate[c] = IVR_RESOLVED
                self.resolved[c] = 1
                self.entry[c] = leave_ivr
                if self.lines[k]:
                    self.hold_line(k, c, leave_ivr)
                return
            heappush(self.later, (leave_ivr, next(self.seq), ENTER, c))
            return
        self.enter(c, now)

    def after_block(self, c: int, now: float) -> None:
        self.maybe_retry(c, now)

    def enter(self, c: int, now: float) -> None:
        k = self.ctype[c]
        jp = self.journey[k]
        self.entry[c] = now
        dl = now + self.patience[c]
        self.deadline[c] = dl
        if self.lines[k]:
            self.hold_line(k, c, dl)
        if self.offer(c, k, now):
            return
        if jp is not None and (jp.balk_over is not None or jp.callback_over is not None):
            ew = self.predict(k, now)
            self.predicted[c] = ew
            u = self.decisions[c]
            if jp.balk_over is not None and ew > jp.balk_over and u[U_BALK] < jp.balk_p:
                self.fate[c] = BALKED
                if self.lines[k]:
                    self.hold_line(k, c, now)
                self.maybe_retry(c, now)
                return
            if jp.callback_over is not None and ew > jp.callback_over:
                if u[U_CALLBACK] < jp.callback_accept:
                    # The customer hangs up and waits to be called: never abandons.
                    self.cb[c] = CB_ACCEPTED
                    self.deadline[c] = INF
                    if self.lines[k]:
                        self.hold_line(k, c, now)
                    if jp.callback_scheduled:  # leaves the queue for the callback list
                        self.callback_due[c] = now + jp.callback_window
                        self.callback_queues[k].append(c)
                        return
                else:
                    self.cb[c] = CB_DECLINED
        self.queues[k].append(c)
        if self.cb[c] != CB_ACCEPTED and dl < INF and self.will_retry(c):
            heappush(self.later, (dl + self.retrial_delay[c], next(self.seq), RETRY, c))

    def due_callback(self, g, now: float, overdue_only: bool):
        """The scheduled callback group g should make now, if any (oldest first)."""
        best, best_q = None, None
        for q in g.callbacks:
            if q and (best is None or self.callback_due[q[0]] < self.callback_due[best]):
                best, best_q = q[0], q
        if best is None or (overdue_only and self.callback_due[best] > now):
            return None
        best_q.popleft()
        return best

    def predict(self, k: int, now: float) -> float:
        """The expected wait the centre announces (see docs: wait predictors)."""
        if self.journey[k].predictor == "last_to_enter_service":
            return self.last_wait[k]
        deadline = self.deadline
        ahead = sum(1 for x in self.queues[k] if deadline[x] > now)
        agents = sum(g.present for g in self.groups_of[k])
        return INF if agents == 0 else (ahead + 1) * self.mean_work[k] / agents

    # --- an agent answers --------------------------------------------------------------------

    def serve(self, c: int, g, now: float) -> float:
        """Record the answer of c by group g; return how long the agent is busy."""
        self.answer_at(c, g.index, now)
        k = self.ctype[c]
        jp = self.journey[k]
        busy = self.work[c]
        self.last_wait[k] = now - self.entry[c]
        if self.cb[c] == CB_ACCEPTED:
            if self.decisions[c][U_REACH] < jp.callback_reach:
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
            self.hold_line(k, c, now + self.handle[c])
        if jp is not None:
            u = self.decisions[c]
            if jp.fcr is not None:
                if u[U_RESOLVED] < min(1.0, jp.fcr * self.factor[g.index]):
                    self.resolved[c] = 1
                else:
                    self.resolved[c] = 0
                    if jp.repeat_p > 0 and self.contact_no[c] < jp.repeat_max and u[U_REPEAT] < jp.repeat_p:
                        target = k if jp.repeat_as is None else jp.repeat_as
                        self.schedule(now + busy + self.repeat_delay[c], target, self.customer[c],
                                      self.contact_no[c] + 1, 1, REPEAT)
            if jp.conversion_p is not None:
                p = jp.conversion_p + jp.conversion_slope * (now - self.entry[c]) / 60.0
                self.converted[c] = 1 if u[U_CONVERT] < p else 0
        return busy

    def answer_at(self, c: int, group: int, now: float) -> None:
        self.answer[c] = now
        self.served_by[c] = group

    # --- retrials and new contacts -----------------------------------------------------------

    def will_retry(self, c: int) -> bool:
        jp = self.journey[self.ctype[c]]
        return (jp is not None and jp.retrial_p > 0 and self.attempt[c] < jp.retrial_max
                and self.decisions[c][U_RETRIAL] < jp.retrial_p)

    def maybe_retry(self, c: int, now: float) -> None:
        if self.will_retry(c):
            self.schedule(now + self.retrial_delay[c], self.ctype[c], self.customer[c],
                          self.contact_no[c], self.attempt[c] + 1, RETRIAL)

    def fire(self, item) -> None:
        t, _, action, c = item
        self.env._now = t
        if action == ARRIVE:
            self.arrive(c, t)
        elif action == ENTER:
            self.enter(c, t)
        elif math.isnan(self.answer[c]) and self.fate[c] == 0:  # RETRY: it did abandon
            self.schedule(t, self.ctype[c], self.customer[c], self.contact_no[c], self.attempt[c] + 1, RETRIAL)

    def schedule(self, t: float, k: int, customer: int, contact_no: int, attempt: int, kind: int) -> None:
        """Create a contact arriving at t (next opening if the centre is closed then)."""
        plan = self.plan
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
        handle, acw, patience, decisions, ivr, retrial, repeat, callback, noise = self.later_draws[k].next()
        c = len(self.arrival)
        for column, value in (
            (self.arrival, t), (self.ctype, k), (self.handle, handle), (self.work, handle + acw),
            (self.deadline, INF), (self.answer, math.nan), (self.served_by, -1), (self.fate, 0),
            (self.decisions, decisions), (self.ivr, ivr), (self.retrial_delay, retrial),
            (self.repeat_delay, repeat), (self.callback_handle, callback), (self.acw, acw),
            (self.rating_noise, noise),
            (self.patience, patience), (self.entry, t), (self.customer, customer),
            (self.contact_no, contact_no), (self.attempt, attempt), (self.kind, kind), (self.cb, 0),
            (self.resolved, -1), (self.converted, -1), (self.predicted, math.nan),
        ):
            column.append(value)
        if self.line_release is not None:
            self.line_release.append(0.0)
        heappush(self.later, (t, next(self.seq), ARRIVE, c))

    # --- the run's records -------------------------------------------------------------------

    def patience_array(self) -> np.ndarray:
        return np.array(self.patience)

    def records(self, outcome, answer, served_by, present_log, end_s) -> Records:
        journey = {
            "customer": np.array(self.customer, dtype=np.int64),
            "contact_no": np.array(self.contact_no, dtype=np.int32),
            "attempt": np.array(self.attempt, dtype=np.int32),
            "kind": np.array(self.kind, dtype=np.int8),
            "callback": np.array(self.cb, dtype=np.int8),
            "resolved": np.array(self.resolved, dtype=np.int8),
            "converted": np.array(self.converted, dtype=np.int8),
            "predicted": np.array(self.predicted),
            "rating_noise": np.array(self.rating_noise),
            "deferred_customers": np.array(sorted(set(self.deferred_customers)), dtype=np.int64),
        }
        return Records(
            arrival=np.array(self.arrival), ctype=np.array(self.ctype, dtype=np.int32), outcome=outcome,
            answer=answer, group=np.array(served_by, dtype=np.int32), handle=np.array(self.handle),
            acw=np.array(self.acw), patience=np.array(self.patience), present_log=present_log,
            end_s=end_s, forecast_factor=self.forecast_factor, entry=np.array(self.entry), journey=journey,
            deferred=np.array(self.deferred),
        )
