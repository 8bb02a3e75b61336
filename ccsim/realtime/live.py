"""Live: run one replication against the wall clock, with a dashboard and an event stream.

The lean loop is paced through its event sink: before an event at simulated time
t is processed, ``Pacer`` sleeps until wall time start + t / speed (speed 60 =
one simulated minute per second). ``LiveState`` keeps what the dashboard shows,
updated from the same events; ``render_dashboard`` draws it in a fixed-size
block of text (80 x 24 by default, a tmux pane). ``EventWriter`` streams every
event as a JSON line, flushed as it happens. Nothing here prints: the caller
passes a ``draw(lines)`` function.
"""

from __future__ import annotations

import json
import math
import time
from collections import deque

from ..engine.records import CB_ACCEPTED
from ..metrics.catalogue import CATALOGUE
from ..metrics.service_level import counted, email_elapsed, email_late, finished, in_time
from ..plan import DAY_S
from ..units import format_clock_exact


class EventWriter:
    """A sink writing one JSON object per event to a text stream, flushed at once.

    ``{"t": s from horizon start, "clock": "HH:MM:SS", "event": kind, "contact": number or
    null, "contact_type": name or null, "group": name or null, "agent": number or null}``
    (the event vocabulary: ``ccsim.engine.events``).
    """

    def __init__(self, stream, plan):
        self.stream, self.plan = stream, plan
        self.types = [ct.name for ct in plan.contact_types]
        self.groups = [g.name for g in plan.agent_groups]

    def __call__(self, kind: str, t: float, contact: int, ctype: int, group: int, agent: int) -> None:
        record = {"t": round(t, 3), "clock": format_clock_exact(self.plan.clock_start + t), "event": kind,
                  "contact": contact if contact >= 0 else None,
                  "contact_type": self.types[ctype] if ctype >= 0 else None,
                  "group": self.groups[group] if group >= 0 else None,
                  "agent": agent if agent >= 0 else None}
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()


class LiveState:
    """Counters the dashboard shows, kept up to date from the engine's events.

    Agents are tracked one by one: an agent is busy while it has a contact (a call, an
    email or at least one chat) answered and not done, so a chat agent with three chats
    counts once; present = logged in and not on break or aux.

    The service level so far follows the KPI's rules (``ccsim.metrics.service_level``):
    warm-up arrivals, short abandons and accepted callbacks left out, waits from queue
    entry, emails by reply time. The ASA so far is the KPI's too (``ccsim.metrics.contacts``):
    the mean wait of the contacts the service level counts as answered from the queue
    (emails: time from arrival to the start of handling); the longest wait is that of
    the caller waiting longest now (emails: the oldest in the backlog). A snapshot's
    waiting callers count with the time they had already waited. It needs the run's contact table (*table*, which
    ``run_live`` passes; without it arrivals count from their queue entry, patience is
    deadline − entry, no contact is a callback and emails are replied at their answer).
    *waited*: the time the snapshot's waiting callers had already waited (their
    reported patience includes it).
    """

    def __init__(self, plan, deadline, entry, last=8, table=None, waited=None):
        self.plan = plan
        # The run's contact table columns (read live: retrials and repeats are appended).
        self.deadline, self.entry = deadline, entry
        self.table, self.waited = table, waited
        n = len(plan.contact_types)
        self.now = 0.0
        self.waiting = [set() for _ in range(n)]
        self.answered = [0] * n
        self.abandoned = [0] * n
        self.offered = [0] * n
        # The service level's counts of contacts finished: in the base, and in time of them.
        self.sl_base = [0] * n
        self.sl_in_time = [0] * n
        # ASA so far: the waits of the answered contacts it counts, and how many there are.
        self.asa_sum = [0.0] * n
        self.asa_n = [0] * n
        self.email = [ct.channel == "email" for ct in plan.contact_types]
        self.end_s = (plan.days - 1) * DAY_S + plan.horizon_s  # the last day's horizon end
        groups = len(plan.agent_groups)
        self.busy = [0] * groups
        self.present = [0] * groups
        self.on_break = [0] * groups
        self.on_aux = [0] * groups
        self.open: dict[int, int] = {}  # agent -> contacts open on it
        self.last = deque(maxlen=last)

    def __call__(self, kind: str, t: float, c: int, k: int, g: int, a: int) -> None:
        self.now = max(self.now, t)
        if kind == "arrival":
            self.offered[k] += 1
            self.waiting[k].add(c)
        elif kind == "answer":
            if c >= 0:
                self.waiting[k].discard(c)
                self.answered[k] += 1
                self._answered(t, c, k)
            n = self.open.get(a, 0)
            if n == 0:
                self.busy[g] += 1
            self.open[a] = n + 1
        elif kind == "done":
            n = self.open.get(a, 0)
            if n == 1:
                self.busy[g] -= 1
            if n:
                self.open[a] = n - 1
        elif kind == "abandon":
            self.waiting[k].discard(c)
            self.abandoned[k] += 1
            if self._counts(c) and finished(self.plan.contact_types[k], False, self._patience(c))[0]:
                self.sl_base[k] += 1
        elif kind in ("balked", "ivr_resolved", "callback_accepted", "blocked", "disconnected"):
            self.waiting[k].discard(c)
        elif kind == "login" or kind == "break_end" or kind == "aux_end":
            self.present[g] += 1
            if kind == "break_end":
                self.on_break[g] -= 1
            elif kind == "aux_end":
                self.on_aux[g] -= 1
        elif kind == "logout" or kind == "break_start" or kind == "aux_start":
            self.present[g] -= 1
            if kind == "break_start":
                self.on_break[g] += 1
            elif kind == "aux_start":
                self.on_aux[g] += 1
        if kind != "done":
            self.last.append((t, kind, c, k, g))

    def queue_length(self, k: int) -> int:
        """Callers waiting now (lazy abandonment: those past their deadline are gone)."""
        return sum(1 for c in self.waiting[k] if self.deadline[c] > self.now)

    def longest_wait(self, k: int) -> float:
        """How long the contact of type k waiting longest now has waited (s; nan when none
        waits): callers past their deadline have gone; emails, the oldest in the backlog."""
        now = self.now
        if self.email[k]:
            entries = [self._entry(c) for c in self.waiting[k]]
        else:
            deadline = self.deadline
            entries = [self._entry(c) for c in self.waiting[k] if deadline[c] > now]
        return now - min(entries) if entries else math.nan

    def asa(self, k: int) -> float:
        """ASA of contact type k so far (s), by the KPI's rules; nan before the first answer."""
        n = self.asa_n[k]
        return self.asa_sum[k] / n if n else math.nan

    def _entry(self, c: int) -> float:
        """When contact c entered the queue; a snapshot's caller, as long before the snapshot
        as it had waited (the run's entry column says so already: ``Run.open``)."""
        return self.entry[c]

    # --- the service level so far ------------------------------------------------------------

    def _counts(self, c: int) -> bool:
        """Whether contact c arrived after the warm-up."""
        arrival = self.table.arrival[c] if self.table is not None else self.entry[c]
        return bool(counted(self.plan, arrival))

    def _patience(self, c: int) -> float:
        """The wait of contact c had it abandoned: its patience, as the records give it."""
        t = self.table
        if t is None:
            return self.deadline[c] - self.entry[c]
        patience = t.patience[c] if c >= t.n_first else t.draws.patience[c]
        if self.waited is not None and c < len(self.waited):
            patience = patience + self.waited[c]
        return patience

    def _answered(self, t: float, c: int, k: int) -> None:
        if not self._counts(c):
            return
        ct = self.plan.contact_types[k]
        table = self.table
        entry = self._entry(c)
        if self.email[k]:  # replied when its handling ends, in time by its reply time
            handle = 0.0 if table is None else table.handle[c] if table.handle else table.draws.handle[c]
            self.sl_base[k] += 1
            self.sl_in_time[k] += bool(in_time(ct, email_elapsed(self.plan, ct, entry, t + handle)))
            self.asa_sum[k] += t - entry
            self.asa_n[k] += 1
            return
        if table is not None and table.journeys and table.cb[c] == CB_ACCEPTED:
            return  # an accepted callback left the inbound queue: in neither count (nor in ASA)
        base, on_time = finished(ct, True, t - entry)
        self.sl_base[k] += base
        self.sl_in_time[k] += on_time
        self.asa_sum[k] += t - entry
        self.asa_n[k] += 1

    def service_level(self, k: int) -> float:
        """Service level of contact type k so far, by the KPI's rules. Callers still in the
        queue past their deadline have abandoned (abandonment is found out lazily); emails
        still in the backlog count once older than the threshold."""
        ct = self.plan.contact_types[k]
        base = self.sl_base[k]
        if self.email[k]:
            at = min(self.now, self.end_s)
            base += sum(1 for c in self.waiting[k]
                        if self._counts(c) and email_late(ct, email_elapsed(self.plan, ct, self._entry(c), at)))
        else:
            deadline, now = self.deadline, self.now
            base += sum(1 for c in self.waiting[k]
                        if deadline[c] <= now and self._counts(c) and finished(ct, False, self._patience(c))[0])
        return self.sl_in_time[k] / base if base else math.nan

    def finish(self, end_s: float) -> None:
        """The run is over at *end_s*: every caller still waiting has abandoned by then, and
        the emails not started are the backlog at the last day's horizon end."""
        self.now = max(self.now, end_s, self.end_s)


def short_time(seconds: float) -> str:
    """A wait in at most 6 characters, in the unit a person reads it in: '45s', '3.2min', '1.6h'."""
    if not math.isfinite(seconds):
        return "-"
    if seconds < 119.5:
        return f"{seconds:.0f}s"
    if seconds < 3600.0:
        return f"{seconds / 60:.1f}min"
    return f"{seconds / 3600:.1f}h"


def render_dashboard(state: LiveState, width: int = 80, height: int = 24, speed: float | None = None) -> list[str]:
    """The dashboard as at most *height* lines of at most *width* characters."""
    plan = state.plan
    clock = format_clock_exact(plan.clock_start + state.now)
    head = f" ccsim live — {plan.name} — {clock}" + (f" — x{speed:g}" if speed else "")
    asa = CATALOGUE["asa"].label
    lines = [head, "-" * width, f"{'contact type':<14}{'queue':>6}{'longest':>8}{asa:>7}{'offered':>8}"
             f"{'answered':>9}{'abandon':>8}{'SL':>7}{'target':>7}"]
    for ct in plan.contact_types:
        k = ct.index
        sl = state.service_level(k)
        ab = state.abandoned[k] / state.offered[k] if state.offered[k] else 0.0
        mark = " " if math.isnan(sl) or sl >= ct.sl_target else "!"
        lines.append(f"{ct.name[:13]:<14}{state.queue_length(k):>6}{short_time(state.longest_wait(k)):>8}"
                     f"{short_time(state.asa(k)):>7}{state.offered[k]:>8}{state.answered[k]:>9}"
                     f"{ab * 100:>7.1f}%{'-' if math.isnan(sl) else f'{sl * 100:.1f}%':>7}"
                     f"{ct.sl_target * 100:>5.0f}%{mark}")
    lines.append("")
    lines.append(f"{'agent group':<14}{'busy':>6}{'idle':>6}{'break':>7}{'aux':>6}")
    for gp in plan.agent_groups:
        gi = gp.index
        idle = max(0, state.present[gi] - state.busy[gi])
        lines.append(f"{gp.name[:13]:<14}{state.busy[gi]:>6}{idle:>6}{state.on_break[gi]:>7}{state.on_aux[gi]:>6}")
    lines.append("")
    lines.append("last events:")
    room = height - len(lines) - 1
    events = list(state.last)[-max(room, 0):] if room > 0 else []
    for t, kind, c, k, g in events:
        who = plan.contact_types[k].name if k >= 0 else plan.agent_groups[g].name if g >= 0 else ""
        lines.append(f"  {format_clock_exact(plan.clock_start + t)} {kind:<10} {who}"
                     + (f" #{c}" if c >= 0 else ""))
    lines.append("Ctrl-C stops")
    return [line[:width] for line in lines[:height]]


class Pacer:
    """Sink that holds the loop back to wall time: event at t waits until start + (t - t0) / speed."""

    def __init__(self, speed: float, t0: float, on_tick=None, tick_s: float = 0.25, clock=time.monotonic,
                 sleep=time.sleep, stop_after_s: float | None = None):
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self.speed, self.t0, self.on_tick, self.tick_s = speed, t0, on_tick, tick_s
        self.clock, self.sleep = clock, sleep
        self.start = clock()
        self.last_tick = -math.inf
        self.stop_after_s = stop_after_s
        self.sim_now = t0
        # Why the run ended early: "duration" (stop_after_s), "interrupt" (Ctrl-C or SIGTERM);
        # None when it ran to its end (set by run_live).
        self.stopped_by: str | None = None

    def __call__(self, kind: str, t: float, *_) -> None:
        due = self.start + (t - self.t0) / self.speed
        while True:
            now = self.clock()
            if self.stop_after_s is not None and now - self.start >= self.stop_after_s:
                raise StopLive()
            if now - self.last_tick >= self.tick_s:
                self.last_tick = now
                if self.on_tick is not None:
                    self.on_tick(min(t, self.t0 + (now - self.start) * self.speed))
            if now >= due:
                break
            wake = min(due, self.last_tick + self.tick_s)
            if self.stop_after_s is not None:
                wake = min(wake, self.start + self.stop_after_s)
            self.sleep(max(0.0, wake - now))
        self.sim_now = t

    def simulated_elapsed(self) -> float:
        return self.sim_now - self.t0


class StopLive(Exception):
    """Raised from the pacing sink to end a live run early (a time limit)."""


def run_live(plan, draws, replication=0, *, speed: float = 60.0, initial=None, draw=None, events=None,
             stop_after_s: float | None = None, width: int = 80, height: int = 24):
    """Run one replication paced to the wall clock; return (LiveState, Records or None, Pacer).

    draw: called with the dashboard's lines about four times a second.
    events: an ``EventWriter`` (or any sink) fed every event.
    stop_after_s: stop after this much wall time (Records is then None).
    Ctrl-C (KeyboardInterrupt) stops the run too; the state so far is returned, and
    ``pacer.stopped_by`` says which ("duration" or "interrupt"; None at the run's end).
    """
    from ..engine.run import Run

    t0 = initial.start_s if initial is not None else 0.0

    def tick(sim_t):
        state.now = max(state.now, sim_t)
        if draw is not None:
            draw(render_dashboard(state, width, height, speed))

    pacer = Pacer(speed, t0, on_tick=tick, stop_after_s=stop_after_s)

    def sink(kind, t, c, k, g, a):
        pacer(kind, t)
        state(kind, t, c, k, g, a)
        if events is not None:
            events(kind, t, c, k, g, a)

    run = Run(plan, draws, replication, initial, sink)
    state = LiveState(plan, run.deadline, run.entry, table=run.contacts,
                      waited=None if initial is None else list(initial.waited))
    if initial is not None:
        for c in range(initial.n_waiting):  # callers already waiting count as offered now
            k = initial.ctype[c]
            state.offered[k] += 1
            state.waiting[k].add(c)
    records = None
    try:
        records = run.loop()
    except KeyboardInterrupt:
        pacer.stopped_by = "interrupt"
    except StopLive:
        pacer.stopped_by = "duration"
    tick(pacer.sim_now)
    if records is not None:
        state.finish(records.end_s)
    return state, records, pacer
