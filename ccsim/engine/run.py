"""One replication: the state of a run (named fields), and the loop.

Lean by design, because planners run thousands of simulated days:

* No process per caller. The day's contacts are drawn up front (``arrivals``) into the
  contact table and fed to the loop in arrival order; the event heap holds only what
  really has to wait — agents finishing a contact, chat ends, overflow timers, shift
  events and staffing changes.
* An agent is its own heap entry: when it takes a call it is pushed for the end of the
  contact's work, and the loop calls ``release`` when it comes up (no Event per call).
* Lazy abandonment: no timeout per waiting caller. A caller's deadline is queue entry +
  patience; whoever looks at a queue skips callers whose deadline has passed (they
  abandoned at their deadline). This is exact: a caller is answered iff an agent chose it
  before its deadline.
* After-call work costs no event: the agent is simply busy until answer + talk + wrap-up.

SimPy stays the event engine: its heap (``Environment._queue``), clock (``_now``) and
event ids (``_eid``) are used here only, in ``Run.__init__`` and ``Run.loop``, because the
loop merges the pre-drawn arrivals with the heap and dispatches the engine's own entries
without a callback list (``tests/engine/test_simpy_contract.py`` fails loudly if a SimPy
release moves them). Everything else (workforce timers, chat ends, overflow) is an entry
of the same heap, called back as ``Environment.step`` would.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from heapq import heappop, heappush
from itertools import count

import numpy as np
import simpy

from ..plan import DAY_S, Plan
from .agent_time import AgentTime
from .agents import Agent, Wake
from .agents_move import AgentMover
from .arrivals import ContactDraws, draw_contacts
from .chats import ChatWork
from .contacts import Contacts
from .dialer import Dialer
from .dispatch import Dispatch
from .events import ARRIVAL, BLOCKED
from .headcount import Headcount
from .journeys import RETRY, Journeys, decisions_read
from .lines import Lines
from .records import ABANDONED, MESSAGE, Records
from .records import BLOCKED as BLOCKED_OUTCOME
from .routing_setup import RoutingSetup
from .snapshot_start import start_from
from .transfers import Transfers
from .workforce import Workforce

_NORMAL = 1  # simpy.events.NORMAL priority
INF = float("inf")


def simulate_replication(plan: Plan, replication: int) -> Records:
    """Run one replication (one simulated day, or ``days`` days) of *plan*; return its records."""
    with _no_cyclic_collection():
        return run_draws(plan, draw_contacts(plan, replication), replication)


@contextmanager
def _no_cyclic_collection():
    """Hold Python's cyclic garbage collector off while a replication runs.

    A day allocates its contact table (lists of tens of thousands of numbers) and a
    heap entry per event; the collector would traverse those young, live lists again
    and again (10-15 % of a day with caller journeys) and find no garbage: the loop
    makes no reference cycles, and the run's own (``Run.close``) are broken when it ends.
    Collection is switched back on afterwards (if it was on), whatever happens.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def run_draws(plan: Plan, draws: ContactDraws, replication: int = 0, initial=None, sink=None) -> Records:
    """Run the event loop on given contacts (used directly by tests and ``ccsim.realtime``).

    initial: optional start state (``ccsim.realtime.state.InitialState``): the run starts
        at ``initial.start_s`` with its agents and its waiting callers.
    sink: optional ``sink(kind, t, contact, ctype, group, agent)`` called for every event
        (``ccsim.engine.events``).
    """
    run = Run(plan, draws, replication, initial, sink)
    try:
        return run.loop()
    finally:
        run.close()


class Run(RoutingSetup, Dispatch, ChatWork, AgentTime, Headcount, Lines):
    """The state of one replication."""

    __slots__ = (
        "rank_tiers", "plan", "env", "heap", "eid", "sink", "contacts", "arrival", "ctype", "handle", "acw", "work",
        "deadline", "entry", "answer", "group", "agent_of", "fate", "queues", "groups", "groups_of",
        "lines", "line_pool", "in_system", "line_heaps", "line_heap_cap", "line_release", "channel", "concurrency",
        "slowdown", "scored", "line_hold",
        "offer_to", "choice_of", "select", "offer_of", "plain_offer", "has_delay", "delays", "due_callbacks",
        "chat_end_callbacks", "per_agent", "agents", "busy_spans", "present_spans", "span_start", "span_end",
        "any_chat", "snapshot_chats", "journeys", "has_journey", "journey_serve", "workforce", "end_hooks", "initial",
        "stream_t", "stream_c", "ivr_first", "fast_arrival", "direct_arrival", "agent_draws", "offer_open",
        "offer_fallback", "dialers", "transfers", "transfer_at",
    )

    def __init__(self, plan: Plan, draws: ContactDraws, replication: int, initial=None, sink=None):
        self.plan = plan
        env = self.env = simpy.Environment()
        self.heap = env._queue  # SimPy's own event heap: the loop pushes and pops it directly
        self.eid = env._eid  # SimPy's event ids: ties at one time go in scheduling order
        self.sink = sink
        self.initial = initial
        types = plan.contact_types
        n_types = len(types)

        # The contact table and its columns (the same lists: nothing is copied).
        self.lines = [ct.lines for ct in types]
        self.line_hold = [ct.line_hold for ct in types]  # s after the caller leaves (hold_line adds it)
        outbound = any(ct.outbound is not None for ct in types)
        t = self.contacts = Contacts.from_draws(draws, any(self.lines), self.any_chat_or_factor(plan), outbound,
                                                decisions_read(plan))
        self.arrival, self.ctype, self.handle, self.acw, self.work = t.arrival, t.ctype, t.handle, t.acw, t.work
        self.deadline, self.entry, self.answer, self.group = t.deadline, t.entry, t.answer, t.group
        self.agent_of, self.fate, self.line_release = t.agent, t.fate, t.line_release
        if initial is not None and initial.n_waiting and t.entry is t.arrival:
            t.entry = list(t.arrival)  # snapshot callers joined their queue before the snapshot
        self.entry = t.entry
        # Lines are counted per pool (a type's own limit, or a pool shared by several types):
        # holders and pending give-backs of pool p in in_system[p] and line_heaps[p].
        self.line_pool = [ct.line_pool for ct in types]
        self.in_system = [0] * len(plan.line_pools)
        self.line_heaps: list[list] = [[] for _ in plan.line_pools]
        self.line_heap_cap = [4 * n + 64 for n in plan.line_pools]  # stale holds kept before a clean-up

        self.set_up_routing(plan, replication)
        self.due_callbacks = [self.overflow_due]
        self.chat_end_callbacks = [self.chat_end]
        self.end_hooks: list = []  # called as hook(agent, contact, now) when an agent is through with a contact

        # Agents' time.
        self.per_agent = plan.per_agent
        self.agents: list[Agent] = []
        self.busy_spans: list[tuple] = []  # chat-only spans per agent (calls and emails: the table)
        self.present_spans: list[tuple] = []
        self.span_start: list[list] = [[] for _ in self.groups]
        self.span_end: list[list] = [[] for _ in self.groups]
        self.snapshot_chats = 0  # chats open at a snapshot are numbered -1, -2, ...

        # Workforce: rosters (shifts with breaks), absenteeism and aux time, when a group has them.
        self.workforce = None
        if any(gp.shifts is not None or gp.absenteeism > 0 or gp.aux > 0 for gp in plan.agent_groups):
            self.workforce = Workforce(plan, self, replication)
        # Caller journeys (IVR, balking, retrials, callbacks, resolution, ...): only when used.
        self.has_journey = [ct.journey is not None for ct in types]
        # Types whose answer the journeys must see (a callback to make, a resolution or a
        # conversion to draw, the wait to announce next); the others are answered plainly.
        self.journey_serve = [ct.journey is not None and (
            ct.journey.callback_over is not None or ct.journey.fcr is not None
            or ct.journey.conversion_p is not None or ct.journey.predictor == "last_to_enter_service"
            or ct.journey.message_callback)
            for ct in types]
        self.journeys = None
        if draws.journey is not None:
            journeys = self.journeys = Journeys(plan, self, replication)
            scheduled = [ct.journey is not None and ct.journey.callback_scheduled for ct in types]
            for gp, g in zip(plan.agent_groups, self.groups, strict=True):
                g.callbacks = [journeys.callback_queues[k] for k in gp.skill_indices if scheduled[k]]
        # The stream of first attempts the loop merges with the heaps: by arrival, or — when
        # every IVR caller goes from arrival straight into the IVR (no trunk lines to take, no
        # sink to tell, no snapshot) — by queue entry, so the IVR costs no event.
        n_first = self.contacts.n_first
        self.ivr_first = [ct.journey is not None and ct.journey.ivr_time is not None for ct in types]
        merged = None
        if self.journeys is not None and sink is None and initial is None and not any(self.lines):
            merged = self.journeys.entries_after_ivr(n_first)
        if merged is None:
            self.stream_t, self.stream_c = self.arrival, None
        else:
            self.stream_t, self.stream_c = merged
            self.ivr_first = [False] * n_types  # done before the queue entry the stream holds
        # An arrival takes the loop's inlined hot path when its type is offered under the
        # foundation's rule, no sink is told, and its journey (if any) has nothing to do before
        # the queue but retrials after it (no IVR, balking or callback offer; an answer the
        # journeys need not see).
        self.fast_arrival = [self.plain_offer[k] and sink is None and (ct.journey is None or (
            ct.journey.ivr_time is None and ct.journey.balk_over is None and ct.journey.callback_over is None
            and not self.journey_serve[k])) for k, ct in enumerate(types)]
        # Any other arrival the loop offers itself, through the type's agent selection, when its
        # journey (if any) is retrials only and it is not an email (Journeys.enter moves an
        # email's queue entry from when it came in to its arrival).
        self.direct_arrival = [ct.journey is None or (
            ct.journey.ivr_time is None and ct.journey.balk_over is None and ct.journey.callback_over is None
            and not self.journey_serve[k] and ct.channel != "email") for k, ct in enumerate(types)]
        # Transfers: their part sees the answers of the types with rules and of their targets
        # (Dispatch.serve), so those types never take the inlined arrival path.
        self.transfers = None
        self.transfer_at = [False] * n_types
        if any(ct.transfers for ct in types):
            self.transfers = Transfers(plan, self, replication)
            self.transfer_at = self.transfers.at
            self.fast_arrival = [f and not x for f, x in zip(self.fast_arrival, self.transfer_at, strict=True)]
        # Outbound types: a dialer each, which looks whenever an agent of its groups takes work.
        self.dialers = [Dialer(self, ct.index, replication) for ct in types if ct.outbound is not None]
        for d in self.dialers:  # agents_move: inbound agents lent to the campaign on service level
            if d.op.agents_move is not None:
                d.mover = AgentMover(self, d.k)
        for d in self.dialers:
            for g in {id(g): g for g in d.serving + d.watch}.values():
                g.dialers.append(d)
        # A freed agent of a group of calls and emails takes the inlined hot path of release()
        # (its contact selection called directly; the foundation's rule itself inlined for a plain
        # group) when there is nothing else to mind: no sink to tell, no end-of-contact hook, no
        # dialer or lent agent (and, checked there, no scheduled callback waiting).
        for g in self.groups:
            g.direct = (sink is None and not self.end_hooks and not g.dialers and not g.movers
                        and not g.max_chats and not g.blended)
            g.fast = g.plain and g.direct

    @staticmethod
    def any_chat_or_factor(plan: Plan) -> bool:
        return (any(ct.channel == "chat" for ct in plan.contact_types)
                or any(f != 1.0 for gp in plan.agent_groups for f in gp.factor)
                or any(ct.transfers for ct in plan.contact_types))

    def overflow_wake(self, k: int) -> Wake:
        return Wake(self.due_callbacks, k)

    # --- the run ---------------------------------------------------------------------------------

    def open(self) -> int:
        """Log the day's first agents in, schedule staffing changes; return the first arrival."""
        plan, env, initial = self.plan, self.env, self.initial
        for gp, g in zip(plan.agent_groups, self.groups, strict=True):
            if gp.shifts is not None:
                g.rostered = True
                g.log(0.0)
            elif initial is None:
                self.set_staffing(g, self.staffing_of(g, 0, 0), 0.0)
            else:
                g.log(0.0)  # nobody before the snapshot; its agents arrive at start_s (below)
        if self.workforce is not None:
            self.workforce.start(None if initial is None else initial.start_s)
        for dialer in self.dialers:
            dialer.schedule(plan.days, 0.0 if initial is None else float(initial.start_s))
        disconnect = [ct.index for ct in plan.contact_types if ct.disconnect_at_closing]
        calendar = plan.calendar
        for day in range(plan.days):
            base = day * DAY_S
            hours = (0.0, plan.horizon_s) if calendar is None else calendar.hours[day]
            if disconnect and hours is not None:  # before the day's close: its callers are gone
                env.timeout(base + hours[1], value=disconnect).callbacks.append(self.disconnect_waiting)
            for i in range(0 if day else 1, plan.n_intervals):
                if day == 0 and initial is not None and i * plan.interval_s <= initial.start_s:
                    continue  # before a (multi-day) snapshot's time: its state says who is in
                changed = (day > 0 and i == 0 or self.workforce is not None or initial is not None
                           or calendar is not None or any(gp.staffing[i] != gp.staffing[i - 1]
                                                          for gp in plan.agent_groups if gp.shifts is None))
                if changed:
                    env.timeout(base + i * plan.interval_s, value=(day, i)).callbacks.append(self.on_boundary)
            if hours is not None and (day < plan.days - 1 and plan.horizon_s < DAY_S or hours[1] < plan.horizon_s):
                env.timeout(base + hours[1]).callbacks.append(self.on_close)
        if initial is None:
            return 0
        env._now = float(initial.start_s)
        if initial.n_waiting:
            # Snapshot callers joined their queue before the snapshot: routing keys and overflow
            # delays count from then (the records get the same times, see realtime.state).
            joined = (initial.start_s - np.asarray(initial.waited)).tolist()
            self.entry[:initial.n_waiting] = joined
        return start_from(self, initial)

    def loop(self) -> Records:
        """Run to the end: every contact served, abandoned or blocked, every agent gone home."""
        j = self.open()
        env, heap = self.env, self.heap
        journeys = self.journeys
        later = journeys.later if journeys is not None else []
        ctype, lines, queues = self.ctype, self.lines, self.queues
        deadline, answer, group, agent_of, work, handle = (self.deadline, self.answer, self.group, self.agent_of,
                                                            self.work, self.handle)
        groups_of, fate = self.groups_of, self.fate
        has_journey, sink, eid = self.has_journey, self.sink, self.eid
        ivr = self.ivr_first
        release, serve = self.release, self.serve
        times, ids = self.stream_t, self.stream_c
        fast_arrival, direct_arrival = self.fast_arrival, self.direct_arrival
        offer_of, has_delay = self.offer_of, self.has_delay
        in_system, line_heaps, line_heap_cap = self.in_system, self.line_heaps, self.line_heap_cap
        line_pool = self.line_pool
        line_release, line_hold = self.line_release, self.line_hold
        seq = journeys.seq if journeys is not None else count()
        retrial_delay = (self.contacts.retrial_delay if journeys is not None else None) or []  # read on retrials
        n = len(times)
        while True:
            # Merge the pre-drawn arrivals (times[j]: contact ids[j], or j itself when the stream
            # is in contact order) with the event heap and, with caller journeys, the heap of
            # later events; events due at the same instant as an arrival go first (staffing
            # changes at boundaries).
            if j < n and (not heap or times[j] < heap[0][0]) and (not later or times[j] <= later[0][0]):
                now = env._now = times[j]
                i = j if ids is None else ids[j]
                j += 1
                k = ctype[i]
                if sink is not None:
                    sink(ARRIVAL, now, i, k, -1, -1)
                if lines[k]:
                    # line_free()'s quick answer inlined: below the limit counting those who left
                    # but were not given back yet, a line of the type's pool is free.
                    p = line_pool[k]
                    if ((in_system[p] >= lines[k] or len(line_heaps[p]) > line_heap_cap[p])
                            and not self.line_free(k, now)):
                        fate[i] = BLOCKED_OUTCOME
                        if sink is not None:
                            sink(BLOCKED, now, i, k, -1, -1)
                        if has_journey[k]:
                            journeys.maybe_retry(i, now)  # type: ignore[union-attr]  # a journey type
                        continue
                    in_system[p] += 1  # its line is held until it is answered or gives up (below)
                q = queues[k]
                if not direct_arrival[k]:
                    if has_journey[k]:
                        if ivr[k]:
                            journeys.after_lines(i, now)  # type: ignore[union-attr]  # the IVR first
                        else:
                            journeys.enter(i, now)  # type: ignore[union-attr]
                    elif not self.join(i, k, now):
                        q.append(i)
                        if lines[k]:
                            self.hold_line(k, i, deadline[i])
                    continue
                # join() inlined (and, for a type whose journey is retrials only, Journeys.enter):
                # the per-call hot path.
                if q or not fast_arrival[k]:
                    if q and self.head(q, now) is not None:  # first come, first served within the type
                        if has_delay[k]:
                            self.schedule_overflow(i, k, now)
                    elif offer_of[k](self, i, k, now):  # the type's agent selection
                        continue
                else:
                    # longest_idle() inlined: no one waits of this type, so the call goes to the
                    # longest-idle free agent, if any.
                    best = None
                    for g in groups_of[k]:
                        if g.idle:
                            a = g.idle[0]
                            if best is None or a.idle_since < best.idle_since:
                                best = a
                    if best is not None:
                        g = best.group
                        g.idle.popleft()
                        answer[i] = now
                        group[i] = g.index
                        agent_of[i] = best.number
                        if lines[k]:  # hold_line() inlined: its line until the talk ends
                            until = now + handle[i] + line_hold[k]
                            line_release[i] = until
                            heappush(line_heaps[line_pool[k]], (until, i))
                        best.contact = i
                        heappush(heap, (now + work[i], _NORMAL, next(eid), best))
                        continue
                # It waits.
                q.append(i)
                if lines[k]:
                    self.hold_line(k, i, deadline[i])
                if has_journey[k] and deadline[i] < INF and journeys.will_retry(i):  # type: ignore[union-attr]
                    # Checked when its patience runs out (plus the retrial delay): by then it
                    # was answered, or it abandoned and calls again.
                    heappush(later, (deadline[i] + retrial_delay[i], next(seq), RETRY, i))
            elif later and (not heap or later[0][0] < heap[0][0]):
                item = heappop(later)
                env._now = item[0]
                journeys.fire(item)  # type: ignore[union-attr]  # later events come from journeys
            elif heap:
                # Environment.step inlined: an agent's entry is the end of its contact.
                now, _, _, event = heappop(heap)
                env._now = now
                cls = event.__class__
                if cls is Agent:
                    g = event.group
                    if (not g.fast or event.todo or event.draining or g.leaving
                            or (g.callbacks and journeys.callbacks_waiting)):  # type: ignore[union-attr]
                        release(event, now)
                        continue
                    # Dispatch.release() inlined for a plain group with nothing else to mind (see
                    # there): the per-call hot path. The agent takes the first live caller of its
                    # first queue with one (those whose patience ran out left), else goes idle.
                    event.contact = -1
                    for qi, q in enumerate(g.queues):
                        while q and deadline[q[0]] <= now:
                            q.popleft()
                        if q:
                            serve(q.popleft(), g.queue_types[qi], g, event, now)
                            break
                    else:
                        if g.closing:
                            self.leave(event, now)
                        else:
                            event.idle_since = now
                            g.idle.append(event)
                elif cls is Wake:  # the run's own entries: one callback each, never failed
                    event.callbacks[0](event)
                else:
                    callbacks, event.callbacks = event.callbacks, None
                    for callback in callbacks:
                        callback(event)
                    if not event._ok and not hasattr(event, "_defused"):
                        raise event._value  # a failed SimPy event nobody defused
            elif self.transfers is not None and self.transfers.stalled():
                continue  # warm transfers nobody could answer: not reached now, their first agents go on
            else:
                break
        return self.finish()

    def close(self) -> None:
        """Drop the run's state once its records are made: the run refers to itself (bound
        methods in its callback lists, journeys and workforce holding the run), so without
        this its contact table would wait for the cyclic collector."""
        transfers = getattr(self, "transfers", None)
        if transfers is not None:
            transfers.close()
        journeys, workforce = self.journeys, self.workforce
        for cls in type(self).__mro__:
            for name in getattr(cls, "__slots__", ()):
                if hasattr(self, name):
                    delattr(self, name)
        for part in (journeys, workforce):
            if part is not None:
                vars(part).clear()

    def finish(self) -> Records:
        """The replication's records."""
        t = self.contacts
        if self.transfers is not None:  # legs' deadlines and fates are in the columns
            outcome, answer, deadline = self.transfers.outcomes()
        else:
            outcome, answer, deadline = t.outcomes()
        vm = [ct.voicemail_s for ct in self.plan.contact_types]
        if any(v < INF for v in vm):  # voicemail: the abandons that waited to the limit left a message
            limit = np.array(vm)[np.asarray(self.ctype, dtype=np.int64)]
            waited = deadline - np.asarray(self.entry, dtype=float)
            outcome = outcome.copy()
            outcome[(outcome == ABANDONED) & (waited >= limit * (1.0 - 1e-12))] = MESSAGE
        present_log = [(np.array(g.log_t), np.array(g.log_n)) for g in self.groups]
        # Abandonments are lazy (no events), so the last contact may leave after the last event.
        abandon_times = deadline[(outcome == ABANDONED) | (outcome == MESSAGE)]  # messages leave at the limit
        end_s = max(float(self.env._now), float(abandon_times.max()) if abandon_times.size else 0.0)
        j = self.journeys
        if j is None:
            rec = t.records(outcome, answer, present_log, end_s)
        else:
            rec = t.records(outcome, answer, present_log, end_s, np.array(j.deferred), j.deferred_customers)
        if self.workforce is not None:
            rec.away_log = [(np.array(g.log_break), np.array(g.log_aux)) for g in self.groups]
        self.finish_agents(rec, end_s)
        return rec

