"""The event loop: contacts meet agents on a SimPy environment.

Lean by design, because planners run thousands of simulated days:

* No process per caller. Contacts are drawn up front (``arrivals``) and fed to
  the loop in arrival order; the SimPy environment holds only the events that
  really have to wait — agents finishing a contact and staffing changes.
* An agent is its own SimPy event: when it takes a contact it is pushed on the
  environment's queue for the end of the contact's wrap-up, and ``Environment.step``
  calls back ``release``. This avoids allocating an Event per call.
* Lazy abandonment: no timeout per waiting caller. A caller's deadline is
  arrival + patience; an agent looking for work skips callers whose deadline
  has passed (they abandoned at their deadline). This is exact: a caller is
  answered iff an agent chose it before its deadline.
* After-call work needs no event: the agent is simply busy until
  answer + handle + after-call work.

Routing (the foundation's rule): an arriving contact goes to the longest-idle
free agent among the groups that have its skill; a freed agent takes the
longest-waiting contact of its highest-priority skill that has anyone waiting.
When staffing drops at an interval boundary, idle agents leave at once and busy
ones leave when their contact (and wrap-up) ends; no contact is ever dropped.
Arrivals stop at the horizon end; agents of the last interval stay until the
system is empty.

Two optional hooks serve ``ccsim.realtime`` and cost the plain path nothing but
a few ``is None`` tests: ``initial`` starts the loop from a snapshot of the
centre (agents busy or on break, callers already waiting — the first
``initial.n_waiting`` contacts of the draws), and ``sink`` is called as
``sink(kind, t, contact, group)`` for every event (arrival, answer, abandon,
blocked, done, staffing, break_end) as it is processed. Abandonment stays
lazy: an ``abandon`` event is reported when an agent skips the caller, with
the caller's true abandonment time ``t`` (so abandon events can come late).
"""

from __future__ import annotations

from collections import deque
from heapq import heappop, heappush
from itertools import count

import numpy as np
import simpy

from ..plan import DAY_S, Plan
from .arrivals import ContactDraws, draw_contacts
from .journeys import Journeys
from .records import ABANDONED, ANSWERED, BLOCKED, WAITING, Records
from .routing import Router, needs_router
from .snapshot_start import start_from
from .workforce import Workforce

_NORMAL = 1  # simpy.events.NORMAL priority


class Agent:
    """One agent; doubles as the SimPy event fired when its current contact ends."""

    # callbacks/_ok/_value are what Environment.step reads from an event.
    __slots__ = ("callbacks", "_ok", "_value", "group", "idle_since", "todo", "away",
                 # general routing only (engine.routing): contacts in hand, statistics
                 "solo", "solo_ch", "chats", "updated", "version", "draining", "chat_since", "stats")

    def __init__(self, group: GroupState, now: float):
        self.callbacks = None
        self._ok = True
        self._value = None
        self.group = group
        self.idle_since = now
        self.todo = None  # workforce: breaks, aux, logout due when the contact in hand ends
        self.away = None  # workforce: "break" or "aux" while away


class GroupState:
    """Mutable state of an agent group during a run."""

    __slots__ = ("index", "queues", "queue_types", "idle", "present", "target", "leaving",
                 "log_t", "log_n", "closing", "callbacks", "on_break", "on_aux", "log_break",
                 "log_aux", "rostered", "chat_open", "call_open")

    def __init__(self, index: int, queues: list[deque], queue_types: list[int]):
        self.index = index
        self.queues = queues  # waiting contacts of its skills, priority order
        self.queue_types = queue_types
        self.idle: deque[Agent] = deque()  # longest idle at the left
        self.present = 0  # agents logged in (including those finishing before leaving)
        self.target = 0  # scheduled headcount now
        self.leaving = 0  # busy agents who leave when their contact ends
        self.log_t: list[float] = [0.0]
        self.log_n: list[int] = [0]
        self.closing = False  # after a day's end: serve what waits, then leave
        self.callbacks: list[deque] = []  # scheduled callbacks of its skills (caller journeys)
        self.on_break = 0  # logged in but away: planned breaks ...
        self.on_aux = 0  # ... and unplanned unavailable (aux) time
        self.log_break: list[int] = [0]
        self.log_aux: list[int] = [0]
        self.rostered = False  # agents come and go by shifts (workforce), not by staffing
        self.chat_open: dict = {}  # general routing: busy agents with room for a chat ...
        self.call_open: dict = {}  # ... and chatting agents who may take a call (voice_with_chat)

    def log(self, now: float) -> None:
        """Record the agents available (present), on break and on aux from *now* on."""
        self.log_t.append(now)
        self.log_n.append(self.present)
        self.log_break.append(self.on_break)
        self.log_aux.append(self.on_aux)


def simulate_replication(plan: Plan, replication: int) -> Records:
    """Run one replication (one simulated day, or ``days`` days) of *plan*; return its records."""
    return run_draws(plan, draw_contacts(plan, replication), replication)


def run_draws(plan: Plan, draws: ContactDraws, replication: int = 0, initial=None, sink=None) -> Records:
    """Run the event loop on given contacts (used directly by tests).

    initial: optional start state (``ccsim.realtime.state.InitialState``): the loop
        starts at ``initial.start_s`` with its agents and its waiting callers.
    sink: optional ``sink(kind, t, contact, group)`` called for every event.
    """
    env = simpy.Environment()
    heap = env._queue  # SimPy's own event heap; pushed to directly below (see schedule)
    eid = env._eid if hasattr(env, "_eid") else count()
    n_types = len(plan.contact_types)

    arrival = draws.arrival.tolist()
    ctype = draws.ctype.tolist()
    handle = draws.handle.tolist()
    work = (draws.handle + draws.acw).tolist()  # agent busy time per contact
    deadline = (draws.arrival + draws.patience).tolist()
    n = len(arrival)
    answer = [float("nan")] * n
    served_by = [-1] * n
    fate = [0] * n  # outcomes decided during the run: blocked, balked, IVR, failed callback

    queues = [deque() for _ in range(n_types)]
    groups = [
        GroupState(g.index, [queues[k] for k in g.skill_indices], list(g.skill_indices))
        for g in plan.agent_groups
    ]
    groups_of = [[groups[i] for i in ct.group_indices] for ct in plan.contact_types]

    # Trunk lines: a contact holds a line from arrival until it leaves the queue or its talk ends.
    lines = [ct.lines for ct in plan.contact_types]
    in_system = [0] * n_types
    line_heaps: list[list] = [[] for _ in range(n_types)]
    line_release = [0.0] * n if any(lines) else None

    def hold_line(k: int, c: int, until: float) -> None:
        line_release[c] = until
        heappush(line_heaps[k], (until, c))

    def line_free(k: int, now: float) -> bool:
        """Release lines whose holders have left; is a line free for a new contact?"""
        h = line_heaps[k]
        while h and h[0][0] <= now:
            until, c = heappop(h)
            if line_release[c] == until:  # the contact's current release, not a stale one
                in_system[k] -= 1
                line_release[c] = -1.0  # released: a second entry at the same time is stale too
        return in_system[k] < lines[k]

    # Caller journeys (IVR, balking, retrials, callbacks, resolution, ...): only when used.
    has_journeys = draws.journey is not None
    journeys = None
    journey_of = [ct.journey is not None for ct in plan.contact_types]

    # General routing (policies, chat, email, reserves, overflow, ...): only when used.
    router = None
    if needs_router(plan):
        router = Router(plan, env, groups, queues, arrival, ctype, handle, work, draws.acw.tolist(), deadline,
                        answer, served_by, lines, hold_line, sink)
        if draws.entry is not None:  # emails received overnight: keys count from then
            router.entry = draws.entry.tolist()

    def make_agent(g: GroupState, now: float) -> Agent:
        agent = Agent(g, now)
        if router is not None:
            router.new_agent(agent)
        return agent

    def release(agent: Agent) -> None:
        """The agent's contact (and wrap-up) is over: leave, take the next contact, or idle."""
        now = env._now
        g = agent.group
        if sink is not None:
            sink("done", now, -1, g.index)
        if g.leaving:
            g.leaving -= 1
            g.present -= 1
            g.log(now)
            return
        if agent.todo:
            workforce.do_next(agent, now)
            return
        take_work(agent, g, now)

    release_callbacks = [release if router is None else router.release]  # shared: step only swaps it

    def take_work(agent: Agent, g: GroupState, now: float) -> None:
        if g.callbacks:  # scheduled callbacks: overdue ones first, the rest when idle
            c = journeys.due_callback(g, now, overdue_only=True)
            if c is not None:
                agent.callbacks = release_callbacks
                heappush(heap, (now + journeys.serve(c, g, now), _NORMAL, next(eid), agent))
                return
        for qi, q in enumerate(g.queues):
            while q:
                c = q.popleft()
                if deadline[c] > now:
                    serve(c, g.queue_types[qi], g, agent, now)
                    return
                # else: patience ran out before an agent came; abandoned at its deadline
                if sink is not None:
                    sink("abandon", deadline[c], c, -1)
        if g.callbacks:
            c = journeys.due_callback(g, now, overdue_only=False)
            if c is not None:
                agent.callbacks = release_callbacks
                heappush(heap, (now + journeys.serve(c, g, now), _NORMAL, next(eid), agent))
                return
        if g.closing:  # the day is over and nothing waits: go home
            g.present -= 1
            g.log(now)
            return
        agent.idle_since = now
        g.idle.append(agent)

    def offer(c: int, k: int, now: float) -> bool:
        """Give contact c to the longest-idle free agent among its groups, if any."""
        best = None
        for g in groups_of[k]:
            if g.idle:
                a = g.idle[0]
                if best is None or a.idle_since < best.idle_since:
                    best = a
        if best is None:
            return False
        best.group.idle.popleft()
        serve(c, k, best.group, best, now)
        return True

    def serve(c: int, k: int, g: GroupState, agent: Agent, now: float) -> None:
        """An agent of g answers contact c of type k: record it; the agent is busy until its work ends."""
        if has_journeys:
            busy = journeys.serve(c, g, now)
        else:
            answer[c] = now
            served_by[c] = g.index
            busy = work[c]
            if lines[k]:
                hold_line(k, c, now + handle[c])
        if sink is not None:
            sink("answer", now, c, g.index)
        agent.callbacks = release_callbacks
        heappush(heap, (now + busy, _NORMAL, next(eid), agent))

    def set_staffing(g: GroupState, target: int, now: float) -> None:
        diff = target - g.target
        g.target = target
        if diff > 0:
            cancelled = min(g.leaving, diff)
            g.leaving -= cancelled
            for _ in range(diff - cancelled):
                g.present += 1
                agent = make_agent(g, now)
                if workforce is not None:
                    workforce.joined(agent, now)
                take_work(agent, g, now)
        elif diff < 0:
            remove = -diff
            while remove and g.idle:
                gone = g.idle.pop()  # the most recently idle leave first
                g.present -= 1
                remove -= 1
                if router is not None:
                    router.agent_off(gone, now)
                if workforce is not None:
                    workforce.left(gone)
            g.leaving += remove
        g.log(now)
        if sink is not None:
            sink("staffing", now, -1, g.index)

    def on_boundary(event) -> None:
        day, i = event._value
        now = env._now
        for g in groups:
            if g.rostered:
                if i == 0 and day > 0:
                    g.closing = False
                continue
            if i == 0 and day > 0:  # a new day opens; yesterday's last agents finish and go
                if g.closing:
                    g.closing = False
                    g.leaving = g.present
                    g.target = 0
                set_staffing(g, staffing_of(g, day, 0), now)
            elif staffing_of(g, day, i) != g.target:
                set_staffing(g, staffing_of(g, day, i), now)

    def on_close(event) -> None:
        """A day's horizon ends: agents serve what still waits, then leave."""
        now = env._now
        for g in groups:
            g.closing = True
            g.target = 0
            g.leaving = 0
            while g.idle:
                gone = g.idle.pop()
                g.present -= 1
                if router is not None:
                    router.agent_off(gone, now)
                if workforce is not None:
                    workforce.left(gone)
            g.log(now)

    if router is not None:
        take_work = router.take_work
        offer = router.offer
        router.release_callbacks = release_callbacks

    # Workforce: rosters (shifts with breaks), absenteeism and aux time, when a group has them.
    workforce = None
    if any(gp.shifts is not None or gp.absenteeism > 0 or gp.aux > 0 for gp in plan.agent_groups):
        workforce = Workforce(plan, env, groups, replication, take_work, make_agent)
        workforce.router = router
        if router is not None:
            router.workforce = workforce
    staffing_of = workforce.staffing_of if workforce is not None else (
        lambda g, day, i: plan.agent_groups[g.index].staffing[i])

    for gp, g in zip(plan.agent_groups, groups, strict=True):
        g.log_t.clear()
        g.log_n.clear()
        g.log_break.clear()
        g.log_aux.clear()
        if gp.shifts is not None:
            g.rostered = True
            g.log(0.0)
        elif initial is None:
            set_staffing(g, staffing_of(g, 0, 0), 0.0)
        else:
            g.log(0.0)  # nobody before the snapshot; its agents arrive at start_s (below)
    if workforce is not None:
        workforce.start(None if initial is None else initial.start_s)
    for day in range(plan.days):
        base = day * DAY_S
        for i in range(0 if day else 1, plan.n_intervals):
            changed = day > 0 and i == 0 or workforce is not None or initial is not None or any(
                gp.staffing[i] != gp.staffing[i - 1] for gp in plan.agent_groups if gp.shifts is None)
            if changed:
                env.timeout(base + i * plan.interval_s, value=(day, i)).callbacks.append(on_boundary)
        if day < plan.days - 1 and plan.horizon_s < DAY_S:
            env.timeout(base + plan.horizon_s).callbacks.append(on_close)

    if has_journeys:
        journeys = Journeys(plan, draws, replication, env, arrival, ctype, handle, work, deadline,
                            answer, served_by, fate, queues, groups_of, lines, line_free, hold_line,
                            line_release, in_system, offer)
        later = journeys.later
        for gp, g in zip(plan.agent_groups, groups, strict=True):
            g.callbacks = [journeys.callback_queues[k] for k in gp.skill_indices
                           if journey_of[k] and plan.contact_types[k].journey.callback_scheduled]
        if draws.entry is not None:
            journeys.entry[:n] = draws.entry.tolist()
        if router is not None:
            router.journeys = journeys
            router.entry = journeys.entry
            router.acw = journeys.acw
    else:
        later = []

    i = 0
    if initial is not None and initial.n_waiting:
        # Snapshot callers joined their queue before the snapshot: routing keys and overflow
        # delays count from then (the records get the same times, see realtime.state).
        joined = (initial.start_s - np.asarray(initial.waited)).tolist()
        if journeys is not None:
            journeys.entry[:initial.n_waiting] = joined
        if router is not None:
            if router.entry is arrival:
                router.entry = list(arrival)
            router.entry[:initial.n_waiting] = joined
    if initial is not None:
        i = start_from(initial, env, groups, queues, take_work, release_callbacks, release_callbacks[0], offer,
                        has_journeys, journey_of, lines, in_system, hold_line, deadline, sink, make_agent,
                       None if workforce is None else workforce.plan_agent,
                       None if router is None else router.open_snapshot_chats)
    step = env.step
    while True:
        # Merge the pre-drawn arrival stream with SimPy's event heap (and, with caller
        # journeys, the heap of later events); events due at the same instant as an
        # arrival go first (staffing changes at boundaries).
        if i < n and (not heap or arrival[i] < heap[0][0]) and (not later or arrival[i] <= later[0][0]):
            now = env._now = arrival[i]
            k = ctype[i]
            if sink is not None:
                sink("arrival", now, i, -1)
            if has_journeys and journey_of[k]:
                journeys.arrive(i, now)
                i += 1
                continue
            if lines[k]:
                if not line_free(k, now):
                    fate[i] = BLOCKED
                    if sink is not None:
                        sink("blocked", now, i, -1)
                    if has_journeys:
                        journeys.after_block(i, now)
                    i += 1
                    continue
                in_system[k] += 1
                hold_line(k, i, deadline[i])
            if router is not None:
                if not offer(i, k, now):
                    queues[k].append(i)
                i += 1
                continue
            # offer() inlined: this is the per-call hot path (a call costs ~1 µs here).
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
                served_by[i] = g.index
                if lines[k]:
                    hold_line(k, i, now + handle[i])
                best.callbacks = release_callbacks
                heappush(heap, (now + work[i], _NORMAL, next(eid), best))
                if sink is not None:
                    sink("answer", now, i, g.index)
            else:
                queues[k].append(i)
            i += 1
        elif later and (not heap or later[0][0] < heap[0][0]):
            journeys.fire(heappop(later))
        elif heap:
            step()
        else:
            break

    answer_arr = np.array(answer)
    fate_arr = np.array(fate, dtype=np.int8)
    patience = draws.patience if not has_journeys else journeys.patience_array()
    outcome = np.full(len(answer), WAITING, dtype=np.int8)
    answered = ~np.isnan(answer_arr)
    outcome[answered] = ANSWERED
    deadline_arr = np.array(deadline)
    outcome[~answered & np.isfinite(deadline_arr)] = ABANDONED
    outcome[fate_arr != 0] = fate_arr[fate_arr != 0]
    present_log = [(np.array(g.log_t), np.array(g.log_n)) for g in groups]
    away_log = [(np.array(g.log_break), np.array(g.log_aux)) for g in groups] if workforce else None
    # Abandonments are lazy (no events), so the last contact may leave after the last event.
    abandon_times = deadline_arr[outcome == ABANDONED]
    end_s = max(float(env._now), float(abandon_times.max()) if abandon_times.size else 0.0)
    if not has_journeys:
        rec = Records(
            arrival=draws.arrival, ctype=draws.ctype, outcome=outcome, answer=answer_arr,
            group=np.array(served_by, dtype=np.int32),
            handle=draws.handle if router is None else np.array(handle),
            acw=draws.acw if router is None else np.array(router.acw),
            patience=patience, present_log=present_log, end_s=end_s,
            forecast_factor=draws.forecast_factor, entry=draws.entry,
        )
    else:
        rec = journeys.records(outcome, answer_arr, served_by, present_log, end_s)
    rec.away_log = away_log
    if router is not None:
        router.finish(rec, end_s)
    return rec
