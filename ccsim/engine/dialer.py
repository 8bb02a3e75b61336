"""Outbound dialling: one ``Dialer`` per outbound contact type, a work source of the run.

Every call the dialer places is a row of the contact table, of the outbound type:
``arrival`` is when it was dialled, ``entry`` when the party answered (the greeting),
and ``dial_result`` says who answered. A live party (the right one or a wrong one) or
an answering machine an agent may leave a message on joins the type's queue at the
greeting with its patience (a machine: the time a message may still start) and is then
routed like any contact; a call that reaches no one an agent talks to (no answer, or a
machine dropped by detection) is decided at once: outcome ``NOT_REACHED``.

When it looks (see ``Dispatch.take_work``: after an agent of its groups takes work or
goes idle, when agents log in or come back, at its opening, and when a call it placed
reached no one), the dialer places as many calls as its policy says
(``scenario.outbound``). In preview dialling the agent is the one who dials: the record
is taken by a free agent, who reads it, dials and waits for the ring; the row is answered
at once by that agent, its handle time holding the preview, the ring and the talk.
"""

from __future__ import annotations

import math
from heapq import heappush

from ..plan import DAY_S
from ..plan.streams import stream
from .agents import Wake
from .events import ANSWER, ARRIVAL
from .records import NOT_REACHED as NOT_REACHED_OUTCOME
from .selectors import Uniforms

_NORMAL = 1  # simpy.events.NORMAL priority
SAFETY = 0.8  # pacing aims at this share of the abandoned-call limit (room for chance)
NAN = math.nan
INF = math.inf

# Who answered a dialled call (``Records.dial_result``; -1 on rows of inbound types).
NO_ANSWER, RIGHT_PARTY, WRONG_PARTY, MACHINE = 0, 1, 2, 3
DIAL_RESULTS = {NO_ANSWER: "no_answer", RIGHT_PARTY: "right_party", WRONG_PARTY: "wrong_party",
                MACHINE: "answering_machine"}


class Durations:
    """Durations of one sampler drawn in blocks, one at a time (by the interval of *t* when the
    sampler has one distribution per interval)."""

    __slots__ = ("sampler", "rng", "block", "pos", "by_period")
    BLOCK = 256

    def __init__(self, sampler, rng):
        self.sampler = sampler
        self.rng = rng
        self.block: list[float] = []
        self.pos = 0
        periods = getattr(sampler, "samplers", None) if getattr(sampler, "periodic", False) else None
        self.by_period = None if periods is None else [Durations(s, rng) for s in periods]

    def next(self, t: float) -> float:
        if self.by_period is not None:
            return self.by_period[self.sampler.period(t)].next(t)
        if self.pos == len(self.block):
            self.block = self.sampler.draw(self.rng, self.BLOCK).tolist()
            self.pos = 0
        x = self.block[self.pos]
        self.pos += 1
        return x


class Dialer:
    """The dialer of outbound type *k* in one replication."""

    __slots__ = (
        "run", "k", "op", "serving", "watch", "policy", "kappa", "extra", "min_free", "keep_free", "left",
        "enabled", "pending", "u", "handle", "acw", "patience", "wrong_handle", "machine_handle", "ring",
        "no_answer", "preview", "callbacks", "interval_s", "n_intervals", "live", "bad", "unsettled",
        "limit", "grace", "p_live", "mover",
    )

    def __init__(self, run, k: int, replication: int):
        plan = run.plan
        ct = plan.contact_types[k]
        op = self.op = ct.outbound
        self.run = run
        self.k = k
        self.serving = run.groups_of[k]  # who takes its calls: the target set
        self.watch = [run.groups[i] for i in op.watch]  # whose free agents min_free counts: the test set
        self.policy = op.policy
        self.kappa, self.extra = op.kappa, op.extra
        self.min_free, self.keep_free = op.min_free, op.keep_free
        self.left = op.campaign_size  # records not dialled yet
        self.enabled = False
        self.pending = 0  # calls ringing: dialled, outcome not known yet
        name = ct.name

        def durations(sampler, what):
            if sampler is None:
                return None
            return Durations(sampler, stream(plan.seed, replication, f"dialer/{name}/{what}"))

        self.u = Uniforms(stream(plan.seed, replication, f"dialer/{name}/outcome"))
        self.handle = durations(ct.handle, "handle")
        self.acw = durations(ct.after_call_work, "after_call_work")
        self.patience = durations(ct.patience, "patience")
        self.wrong_handle = durations(op.wrong_handle, "wrong_party")
        self.machine_handle = durations(op.machine_handle, "answering_machine")
        self.ring = durations(op.ring, "ring")
        self.no_answer = durations(op.no_answer, "no_answer")
        self.preview = durations(op.preview, "preview")
        self.callbacks = [self.greeting]
        self.interval_s, self.n_intervals = plan.interval_s, plan.n_intervals
        # Pacing (and the abandoned share the regulators count): live parties reached today, those
        # not connected within the grace, and the live ones not settled yet (ringing or waiting).
        self.limit = op.abandon_limit
        self.grace = op.grace_s
        self.live = 0
        self.bad = 0
        self.unsettled: list[int] = []
        self.p_live = 1.0
        self.mover = None  # engine.agents_move.AgentMover when the dialer lends agents (agents_move)

    # --- the dialer's hours --------------------------------------------------------------------

    def schedule(self, days: int, from_s: float = 0.0) -> None:
        """Open and close the dialer each day (its hours within the horizon); a run starting
        from a snapshot at *from_s* opens it then if its hours have begun."""
        env = self.run.env
        op = self.op
        calendar = self.run.plan.calendar
        for day in range(days):
            base = day * DAY_S
            start, end = base + op.start_s, base + op.end_s
            if calendar is not None:  # within the day's opening hours; none on a closed day
                hours = calendar.hours[day]
                if hours is None:
                    continue
                start, end = max(start, base + hours[0]), min(end, base + hours[1])
            start = max(start, from_s)
            if end <= start:
                continue
            env.timeout(start).callbacks.append(self.open)
            env.timeout(end).callbacks.append(self.close)

    def open(self, event) -> None:
        self.enabled = True
        self.live = self.bad = 0  # the abandoned share is measured per day
        self.unsettled = []
        now = self.run.env.now
        if self.mover is not None:
            self.mover.open(now, (now // DAY_S) * DAY_S + self.op.end_s)
        self.dial(now)

    def close(self, event) -> None:
        self.enabled = False  # calls ringing still come back and are served
        if self.mover is not None:
            self.mover.close(self.run.env.now)

    # --- placing calls ---------------------------------------------------------------------------

    def interval(self, now: float) -> int:
        return min(max(int((now % DAY_S) // self.interval_s), 0), self.n_intervals - 1)

    def dial(self, now: float) -> None:
        """Place the calls the policy asks for now."""
        if not self.enabled or self.left <= 0:
            return
        if self.min_free:
            free_watch = 0
            for g in self.watch:
                free_watch += len(g.idle)
            if free_watch < self.min_free:
                return
        free = 0
        for g in self.serving:
            free += len(g.idle)
        free -= self.keep_free
        if free < 1:
            return
        if self.policy == "preview":
            self.start_previews(free, now)
            return
        x = self.kappa * free
        calls = int(math.floor(x + 0.5)) + self.extra - self.pending  # Java's Math.round
        if calls <= 0:
            return
        if self.limit is not None:
            base = max(0, free - self.pending)  # one per free agent: no mismatch of their own
            if calls > base:
                calls = base + self.paced(calls - base, base, free, now)
        calls = int(min(calls, self.left))
        for _ in range(calls):
            self.place(now)

    def draw_result(self, now: float) -> int:
        op = self.op
        i = self.interval(now)
        u = self.u.next()
        reach, wrong, machine = op.reach[i], op.wrong[i], op.machine[i]
        self.p_live = reach + wrong
        if u < reach:
            return RIGHT_PARTY
        if u < reach + wrong:
            return WRONG_PARTY
        if u < reach + wrong + machine:
            return MACHINE
        return NO_ANSWER

    def place(self, now: float) -> None:
        """Dial one record: a row now, its outcome at the greeting (or when the ringing stops)."""
        self.left -= 1
        result = self.draw_result(now)
        run = self.run
        c = run.contacts.dialled(now, self.k, result)
        timer = self.ring if result != NO_ANSWER else self.no_answer
        delay = timer.next(now) if timer is not None else 0.0
        if delay <= 0.0:
            self.answered(c, result, now)
            return
        self.pending += 1
        heappush(run.heap, (now + delay, _NORMAL, next(run.eid), Wake(self.callbacks, c)))

    def greeting(self, event) -> None:
        """A call placed earlier stops ringing: someone answered, or no one."""
        self.pending -= 1
        c = event._value
        run = self.run
        now = run.env.now
        self.answered(c, run.contacts.dial_result[c], now)
        if run.fate[c]:  # reached no one an agent talks to: room to dial again
            self.dial(now)

    def answered(self, c: int, result: int, now: float) -> None:
        """Row c's call is answered by *result* at *now*: a party for the queue, or nothing."""
        run = self.run
        k = self.k
        run.entry[c] = now
        if result == NO_ANSWER or (result == MACHINE and self.machine_handle is None):
            run.fate[c] = NOT_REACHED_OUTCOME
            return
        if result != MACHINE:  # a live party: counted by the pacing from its greeting on
            self.live += 1
            self.unsettled.append(c)
        if result == RIGHT_PARTY:
            handle = self.handle.next(now)
            acw = self.acw.next(now) if self.acw is not None else 0.0
            patience = self.patience.next(now)
        elif result == WRONG_PARTY:
            handle, acw, patience = self.wrong_handle.next(now), 0.0, self.patience.next(now)
        else:
            handle, acw, patience = self.machine_handle.next(now), 0.0, self.op.machine_wait
        tab = run.contacts
        tab.handle[c], tab.acw[c], tab.work[c] = handle, acw, handle + acw
        tab.patience[c] = patience
        run.deadline[c] = now + patience
        if run.sink is not None:
            run.sink(ARRIVAL, now, c, k, -1, -1)
        if not run.join(c, k, now):
            run.queues[k].append(c)

    # --- preview: the agent dials ----------------------------------------------------------------

    def start_previews(self, free: int, now: float) -> None:
        """Give records to up to *free* free agents of the type's groups (longest idle first)."""
        while free > 0 and self.left > 0:
            best = None
            for g in self.serving:
                if g.idle:
                    a = g.idle[0]
                    if best is None or a.idle_since < best.idle_since:
                        best = a
            if best is None:
                return
            best.group.idle.popleft()
            free -= 1
            self.left -= 1
            self.preview_one(best, now)

    def preview_one(self, agent, now: float) -> None:
        """The agent reads a record, dials, and talks if someone answers: one busy span."""
        run = self.run
        k = self.k
        result = self.draw_result(now)
        reading = self.preview.next(now) if self.preview is not None else 0.0
        timer = self.ring if result != NO_ANSWER else self.no_answer
        ringing = timer.next(now) if timer is not None else 0.0
        c = run.contacts.dialled(now, k, result)
        talk = acw = 0.0
        if result == RIGHT_PARTY:
            talk = self.handle.next(now)
            acw = self.acw.next(now) if self.acw is not None else 0.0
        elif result == WRONG_PARTY:
            talk = self.wrong_handle.next(now)
        elif result == MACHINE and self.machine_handle is not None:
            talk = self.machine_handle.next(now)
        else:
            run.fate[c] = NOT_REACHED_OUTCOME  # the agent's time is still its busy time (the row)
        tab = run.contacts
        handle = reading + ringing + talk
        tab.handle[c], tab.acw[c], tab.work[c] = handle, acw, handle + acw
        tab.patience[c] = self.patience.next(now)  # as drawn: connected at once, it never waits
        run.entry[c] = now
        g = agent.group
        run.answer[c] = now
        run.group[c] = g.index
        run.agent_of[c] = agent.number
        if run.sink is not None:  # the record reaches the agent, who works it whoever answers
            run.sink(ARRIVAL, now, c, k, -1, -1)
            run.sink(ANSWER, now, c, k, g.index, agent.number)
        agent.contact = c
        heappush(run.heap, (now + handle + acw, _NORMAL, next(run.eid), agent))

    # --- pacing ----------------------------------------------------------------------------------

    def paced(self, surplus: int, base: int, free: int, now: float) -> int:
        """How many of *surplus* calls beyond one per free agent pacing allows now.

        The day's abandons so far (live parties not connected within the grace), plus those
        expected from the calls in flight — the live parties expected among the calls ringing
        and the new ones, and those waiting now, beyond the agents free — must stay within
        ``SAFETY`` x the limit of the live parties reached so far and expected from the new
        calls. Calls of one per free agent never overflow on their own; beyond them, the
        dialer places the most calls this allows.
        """
        run = self.run
        answer, entry, grace = run.answer, run.entry, self.grace
        still = []
        for c in self.unsettled:
            a = answer[c]
            if a == a:  # connected
                if a - entry[c] > grace:
                    self.bad += 1
            elif now - entry[c] > grace:
                self.bad += 1  # hung up, or waiting past the grace: abandoned as the rule counts it
            else:
                still.append(c)
        self.unsettled = still
        p = self.p_live
        budget = self.limit * SAFETY
        allowed = 0
        for s in range(1, surplus + 1):
            placed = base + s
            overflow = p * (self.pending + placed) + len(still) - free
            if self.bad + max(overflow, 0.0) > budget * (self.live + p * placed):
                break
            allowed = s
        return allowed
