"""Transfers and conferences inside the event loop (a part of ``Run``, built only when a
contact type has transfer rules).

When an agent answers a contact of a type with rules, the rules are tried in order (a
uniform each; a rule limited to some groups applies only after their service): the first
that applies is the transfer, made when the talk ends and the initiation ``delay`` has
passed. The caller becomes a new leg — a new row of the contact table, of the target type,
with that type's handle time, wrap-up and patience — and joins the target type's queue
(first come, first served behind the callers there, offered to its agents as any caller).

* cold: the first agent is through at once (its wrap-up follows);
* warm: the first agent stays on the line until the second answers, then both are in
  conference for the rule's ``conference`` time; the first agent's wrap-up follows, the
  second goes on with the leg's talk. The first agent waits at most ``wait_limit`` (and no
  longer than the caller's patience in the new queue).

A leg not reached ends as the rule says: ``abandon`` (abandoned, as any caller whose
patience ran out), ``voicemail`` (the caller leaves a message: outcome ``voicemail``) or,
for warm transfers, ``back`` (outcome ``returned``: the first agent takes the caller back
and tries the type's rules after this one; with none applying, it finishes the contact).
A leg made after a day's closing to a type that disconnects at closing is disconnected at
once; a warm leg disconnected at closing frees its first agent then.

The first agent's talk (``handle``) of a transferred leg runs to the hand-over: talk,
initiation, wait for the second agent and conference; the second's includes the
conference too (both agents were busy). A transferred caller keeps the trunk line it came
in on until its last leg ends; legs take no line of their own.

Each leg is counted under its own type (offered, answered, abandoned, ...); ``Legs``
records how legs chain into one issue (the records' ``transfers`` columns), from which the
KPIs of each leg and of the whole journey are computed (``metrics.transfers``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from heapq import heappush

import numpy as np

from ..plan import DAY_S, Plan
from ..plan.streams import stream
from ..plan.transfers import BACK, VOICEMAIL
from ..scenario.transfers import MAX_LEGS
from . import events as ev
from .agents import Agent, Wake
from .later import LaterDraws
from .records import ABANDONED, ANSWERED, DISCONNECTED, RETURNED, TRANSFER, VOICEMAIL_LEFT, WAITING
from .selectors import Uniforms

INF = math.inf
NAN = math.nan
_NORMAL = 1  # simpy.events.NORMAL priority
_AFTER = 2  # after every NORMAL entry of the same instant (the closing's disconnections first)
BLOCK = 256


class Legs:
    """How the rows of the contact table chain into issues (a column each, one entry per row):
    ``leg`` (1 for an issue's first contact, 2 for its first transfer, ...), ``issue`` (the row
    of the issue's first contact), ``prev`` (the leg it was transferred from; -1), ``rule``
    (the index of the rule of ``prev``'s type that made it; -1) and ``conference`` (s of
    conference when a warm transfer's second agent answered it; 0)."""

    __slots__ = ("leg", "issue", "prev", "rule", "conference")

    def __init__(self, n: int):
        self.leg: list[int] = [1] * n
        self.issue: list[int] = list(range(n))
        self.prev: list[int] = [-1] * n
        self.rule: list[int] = [-1] * n
        self.conference: list[float] = [0.0] * n

    def new(self, c: int) -> None:
        """Row c was created (a first contact of its own issue unless ``Transfers`` says otherwise)."""
        self.leg.append(1)
        self.issue.append(c)
        self.prev.append(-1)
        self.rule.append(-1)
        self.conference.append(0.0)

    def columns(self) -> dict[str, np.ndarray]:
        return {
            "leg": np.array(self.leg, dtype=np.int32),
            "issue": np.array(self.issue, dtype=np.int64),
            "prev": np.array(self.prev, dtype=np.int64),
            "rule": np.array(self.rule, dtype=np.int32),
            "conference": np.array(self.conference, dtype=np.float64),
        }


class _Times:
    """Durations of one sampler drawn in blocks from its own stream."""

    __slots__ = ("sampler", "rng", "block", "pos")

    def __init__(self, sampler, rng):
        self.sampler, self.rng = sampler, rng
        self.block: list[float] = []
        self.pos = 0

    def next(self) -> float:
        if self.pos == len(self.block):
            rng = self.rng if self.sampler.uses_rng else None
            self.block = self.sampler.draw(rng, BLOCK).tolist()
            self.pos = 0
        x = self.block[self.pos]
        self.pos += 1
        return x


class Transfers:
    """Transfer state of one replication (per-contact columns in the contact table)."""

    def __init__(self, plan: Plan, run, replication: int):
        self.plan, self.run = plan, run
        t = self.contacts = run.contacts
        t.legs = self.legs = Legs(len(t))
        if not t.keeps_patience:  # a leg's patience is set when it joins (wait limits)
            t.patience = t.draws.patience.tolist()
            t.keeps_patience = True
        types = plan.contact_types
        self.rules = [ct.transfers for ct in types]
        targets = {r.to for ct in types for r in ct.transfers}
        # Answers the transfers must see: types with rules, and the targets (a warm leg's answer).
        self.at = [bool(ct.transfers) or ct.index in targets for ct in types]
        self.uniforms = [Uniforms(stream(plan.seed, replication, f"transfers/{ct.name}")) if ct.transfers else None
                         for ct in types]
        self.delay = [[_Times(r.delay, stream(plan.seed, replication, f"transfers/{ct.name}/{i}/delay"))
                       if r.delay is not None else None for i, r in enumerate(ct.transfers)] for ct in types]
        self.conf = [[_Times(r.conference, stream(plan.seed, replication, f"transfers/{ct.name}/{i}/conference"))
                      if r.conference is not None else None for i, r in enumerate(ct.transfers)] for ct in types]
        # A leg's talk, wrap-up, patience (and journey numbers) from streams of its own, apart
        # from the type's retrials ("transfer:" is no part of any type's name).
        self.draws = {k: LaterDraws(replace(types[k], name=f"transfer:{types[k].name}"), plan.seed, replication)
                      for k in sorted(targets)}
        self.warm: dict[int, tuple[Agent, int, int, int]] = {}  # leg -> (first agent, its contact, type, rule)
        self.on_start = [self.start]
        self.on_due = [self.due]
        self.on_closing = [self.closing]
        if any(types[k].disconnect_at_closing for k in targets):
            start = 0.0 if run.initial is None else float(run.initial.start_s)  # a snapshot's start
            for day in range(plan.days):
                hours = (0.0, plan.horizon_s) if plan.calendar is None else plan.calendar.hours[day]
                if hours is None:  # a closed day has no closing
                    continue
                close = day * DAY_S + hours[1]
                if close >= start:
                    heappush(run.heap, (close, _AFTER, next(run.eid), Wake(self.on_closing, day)))

    # --- an agent answers --------------------------------------------------------------------

    def serve(self, c: int, k: int, g, agent: Agent, now: float) -> None:
        """Agent of g answers c of type k (``Dispatch.serve`` for the types transfers see)."""
        run, t = self.run, self.contacts
        w = self.warm.pop(c, None)
        if w is not None:
            self.confer(c, w, now)
        i = self.pick(c, k, g.index, 0)
        if i < 0:  # no transfer: the contact ends with this agent, as Dispatch.serve has it
            journeys = run.journeys
            if journeys is not None and run.journey_serve[k]:
                busy = journeys.serve(c, g, now)
            else:
                t.answer[c] = now
                t.group[c] = g.index
                busy = t.work[c]
            self.hold(c, now + t.handle[c])
            run.agent_of[c] = agent.number
            if run.sink is not None:
                run.sink(ev.ANSWER, now, c, k, g.index, agent.number)
            agent.contact = c
            heappush(run.heap, (now + busy, _NORMAL, next(run.eid), agent))
            return
        # Transferred: no resolution or conversion drawn here (the issue ends at a later leg).
        t.answer[c] = now
        t.group[c] = g.index
        run.agent_of[c] = agent.number
        self.hold(c, INF)
        if run.sink is not None:
            run.sink(ev.ANSWER, now, c, k, g.index, agent.number)
        agent.contact = c
        self.initiate(c, k, i, agent, now + t.handle[c])

    def pick(self, c: int, k: int, g: int, first: int) -> int:
        """The rule of type k that applies to contact c served by group g, from rule *first*; -1 if none.
        Every rule tried draws its uniform (the same numbers whatever the groups)."""
        rules = self.rules[k]
        if not rules or self.legs.leg[c] >= MAX_LEGS:
            return -1
        u = self.uniforms[k]
        for i in range(first, len(rules)):
            r = rules[i]
            x = u.next()  # type: ignore[union-attr]  # a type with rules has its uniforms
            if x < r.p and (r.groups is None or g in r.groups):
                return i
        return -1

    def initiate(self, c: int, k: int, i: int, agent: Agent, talk_end: float) -> None:
        """Agent's talk with c ends at *talk_end*: the transfer by rule i of type k starts then."""
        run = self.run
        rule = self.rules[k][i]
        d = self.delay[k][i]
        t1 = talk_end + (d.next() if d is not None else 0.0)
        if not rule.warm:  # cold: through at the hand-over, then the wrap-up
            self.talk_until(c, t1, agent)
        heappush(run.heap, (t1, _NORMAL, next(run.eid), Wake(self.on_start, (c, k, i, agent if rule.warm else None))))

    def start(self, event) -> None:
        """The hand-over: the caller joins the target type's queue as a new leg."""
        c, k, i, agent = event._value
        run, t = self.run, self.contacts
        now = run.env._now
        rule = self.rules[k][i]
        kt = rule.to
        leg = self.new_leg(c, kt, i, now)
        ct = self.plan.contact_types[kt]
        if ct.disconnect_at_closing and self.after_closing(now):
            # After the day's closing, to a type that disconnects those waiting then.
            t.fate[leg] = DISCONNECTED
            t.deadline[leg] = now
            t.disconnected.append((leg, 0.0))
            if run.sink is not None:
                run.sink(ev.ARRIVAL, now, leg, kt, -1, -1)
                run.sink(ev.DISCONNECTED, now, leg, kt, -1, -1)
            if agent is not None:
                self.finish_first(agent, c, now)
            else:
                self.hold(leg, now)
            return
        wait = t.patience[leg] if agent is None else min(t.patience[leg], rule.wait_limit)
        t.patience[leg] = wait  # the wait of a leg not reached (the records' wait)
        dl = t.deadline[leg] = now + wait
        t.entry[leg] = now
        if agent is not None:
            self.warm[leg] = (agent, c, k, i)
        if run.sink is not None:
            run.sink(ev.ARRIVAL, now, leg, kt, -1, -1)
        if run.join(leg, kt, now):
            return  # answered at once (a warm leg: the conference began)
        run.queues[kt].append(leg)
        self.hold(leg, dl)
        if dl < INF and (agent is not None or rule.not_reached == VOICEMAIL):
            heappush(run.heap, (dl, _NORMAL, next(run.eid), Wake(self.on_due, leg)))

    def new_leg(self, c: int, k: int, i: int, now: float) -> int:
        """A row for the caller of c, transferred by rule i to type k at *now*."""
        t = self.contacts
        handle, acw, patience, decisions, ivr, retrial, repeat, callback, noise = self.draws[k].next()
        if t.journeys:
            leg = t.new(now, k, handle, acw, patience, t.customer[c], t.contact_no[c], t.attempt[c], TRANSFER,
                        (decisions, ivr, retrial, repeat, callback, noise))
        else:
            leg = t.new(now, k, handle, acw, patience, 0, 1, 1, TRANSFER, ())
        if t.has_lines:
            t.line_release[leg] = -1.0  # a leg takes no line: the caller keeps the first leg's
        legs = self.legs
        legs.leg[leg] = legs.leg[c] + 1
        legs.issue[leg] = legs.issue[c]
        legs.prev[leg] = c
        legs.rule[leg] = i
        return leg

    def confer(self, leg: int, w: tuple, now: float) -> None:
        """A warm transfer's second agent answers *leg*: both agents with the caller for the
        conference, then the first agent's wrap-up; the second goes on with the leg's talk."""
        agent, c, k, i = w
        t = self.contacts
        d = self.conf[k][i]
        conf = d.next() if d is not None else 0.0
        self.legs.conference[leg] = conf
        self.talk_until(c, now + conf, agent)
        t.handle[leg] += conf
        t.work[leg] = t.handle[leg] + t.acw[leg]

    # --- a leg not reached ---------------------------------------------------------------------

    def due(self, event) -> None:
        """A leg's wait ran out (its patience or the warm wait limit): not reached, unless answered."""
        leg = event._value
        t = self.contacts
        now = self.run.env._now
        if not math.isnan(t.answer[leg]):
            return
        w = self.warm.pop(leg, None)
        if t.fate[leg] != 0:  # disconnected at closing meanwhile (its first agent freed then)
            return
        prev = self.legs.prev[leg]
        rule = self.rules[t.ctype[prev]][self.legs.rule[leg]]
        if w is None:  # cold, to voicemail
            t.fate[leg] = VOICEMAIL_LEFT
            return
        agent, c, k, i = w
        if rule.not_reached == BACK:
            t.fate[leg] = RETURNED
            j = self.pick(c, k, agent.group.index, i + 1)
            if j >= 0:
                self.hold(c, INF)
                self.initiate(c, k, j, agent, now)
                return
        elif rule.not_reached == VOICEMAIL:
            t.fate[leg] = VOICEMAIL_LEFT
        self.finish_first(agent, c, now)

    def stalled(self) -> bool:
        """Nothing is left to happen but warm transfers wait for second agents nobody will
        free (each first agent waiting on another): those are not reached now. True if
        any was (its first agent then goes on, and the run with it)."""
        t = self.contacts
        now = self.run.env._now
        waiting = [leg for leg in self.warm if math.isnan(t.answer[leg]) and t.fate[leg] == 0]
        for leg in waiting:
            t.deadline[leg] = now
            t.patience[leg] = now - t.entry[leg]
            self.due(Wake(self.on_due, leg))
        return bool(waiting)

    def finish_first(self, agent: Agent, c: int, now: float) -> None:
        """The first agent of a warm transfer is through with c at *now*: its wrap-up follows."""
        self.hold(c, now)
        self.talk_until(c, now, agent)

    def talk_until(self, c: int, end: float, agent: Agent) -> None:
        """The agent's talk with c runs to *end*; the agent is free after its wrap-up.

        The agent's heap entry is answer + work, the sum the records make of its busy time,
        with the talk rounded up where that sum would fall an ulp before *end* (never
        before the clock: time must not run backwards)."""
        t = self.contacts
        answer, acw = t.answer[c], t.acw[c]
        handle = end - answer
        while answer + handle < end:
            handle = math.nextafter(handle, INF)
        t.handle[c] = handle
        work = t.work[c] = handle + acw
        while answer + work < end:
            work = t.work[c] = math.nextafter(work, INF)
        heappush(self.run.heap, (answer + work, _NORMAL, next(self.run.eid), agent))

    def after_closing(self, now: float) -> bool:
        """Whether *now* is after the day's closing (the horizon's end, or the calendar's hours)."""
        plan = self.plan
        if plan.calendar is not None:
            return not plan.calendar.is_open_at(now)
        return now - (now // DAY_S) * DAY_S >= plan.horizon_s

    def closing(self, event) -> None:
        """After a day's closing disconnections: warm legs disconnected free their first agents."""
        now = self.run.env._now
        fate = self.contacts.fate
        for leg in [x for x in self.warm if fate[x] == DISCONNECTED]:
            agent, c, _, _ = self.warm.pop(leg)
            self.finish_first(agent, c, now)

    # --- lines, records -----------------------------------------------------------------------

    def hold(self, c: int, until: float) -> None:
        """The caller of row c keeps the line its issue came in on until *until*."""
        run = self.run
        first = self.legs.issue[c]
        k = run.ctype[first]
        if not run.lines[k]:
            return
        if until == INF:  # held until later notice: no heap entry (the older ones go stale)
            if run.line_release[first] >= 0.0:
                run.line_release[first] = INF
            return
        run.hold_line(k, first, until)

    def outcomes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The records' outcomes and deadlines, as ``Contacts.outcomes`` finds them, from the
        table's columns (legs' deadlines and fates are set during the run)."""
        t = self.contacts
        deadline = np.array(t.deadline, dtype=np.float64)
        answer = np.array(t.answer, dtype=np.float64)
        answered = ~np.isnan(answer)
        outcome = np.full(answered.size, WAITING, dtype=np.int8)
        outcome[answered] = ANSWERED
        outcome[~answered & np.isfinite(deadline)] = ABANDONED
        fate = np.array(t.fate, dtype=np.int8)
        decided = fate != 0
        outcome[decided] = fate[decided]
        return outcome, answer, deadline

    def close(self) -> None:
        """Drop references to the run (it refers to this part: a cycle otherwise)."""
        self.run = None  # type: ignore[assignment]
        self.warm.clear()
        self.on_start = self.on_due = self.on_closing = []
