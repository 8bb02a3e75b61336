"""From a live run to a snapshot: the centre as the live run has it at one moment.

``ccsim serve`` runs a what-if "from now": the live run's callers waiting (with how
long they have waited), promised callbacks, agents per group busy (talk so far),
chatting, on break or away (until when) and idle, and the clock, turned into the
same ``Snapshot`` that ``ccsim whatif --snapshot`` reads. Only counts and durations:
no contact or agent number leaves this module.

``Floor`` is an event sink (``ccsim.engine.events``) fed beside ``LiveState``; it keeps
what the snapshot needs and ``LiveState`` does not (each agent's state and the
contacts in its hands since when). ``capture_snapshot`` reads both, and the run's
event heap for when agents on break come back, at a moment between two events.
``capture_at`` runs a live run unpaced up to a clock time and captures it there.

What a snapshot cannot say is said as near as it can be: an agent away on aux time
is on break until it is back; an agent in after-call work is busy, its talk so far
counted to now; a caller still in the IVR is waiting, 0 s so far. The rest of the
day's staffing is the live run's (a snapshot's ``absent`` and absentees out), and its
re-forecast carries over.
"""

from __future__ import annotations

import math
from collections import deque

from ..engine import events as ev
from ..engine.agents import Agent, AgentState, Wake
from ..plan import DAY_S
from ..units import format_clock_exact
from .snapshot import Snapshot, snapshot_from_dict

WORKING, ON_BREAK, ON_AUX, GONE = "working", "break", "aux", "gone"


class CaptureError(ValueError):
    """The live run cannot be captured now (ended, several days); the message says why."""


class Floor:
    """Event sink: each agent's group and state, the contacts in its hands since when,
    and the callbacks promised and not yet made.

    *source*: the snapshot the live run started from (its busy and chatting agents had
    been talking for a while when the run began at *start_s*, s from the plan's start).
    """

    def __init__(self, plan, source: Snapshot | None = None, start_s: float = 0.0):
        self.plan = plan
        self.start_s = float(start_s)
        self.last_t = float(start_s)  # time of the last event seen
        self.group: dict[int, int] = {}  # agent -> group
        self.state: dict[int, str] = {}  # agent -> WORKING, ON_BREAK, ON_AUX, GONE
        # agent -> [[contact (< 0: begun before the run), chat?, since s], ...]
        self.in_hand: dict[int, list[list]] = {}
        self.promised: dict[int, tuple[int, float]] = {}  # contact -> (type, promised at s)
        self._chat = [ct.channel == "chat" for ct in plan.contact_types]
        # The source's agents answer at start_s, in its order: busy ones, then each chat.
        self._begun: dict[int, deque] = {}
        for gp in plan.agent_groups:
            now = source.agent_groups.get(gp.name) if source is not None else None
            if now is not None:
                self._begun[gp.index] = deque([(s, False) for s in now.busy]
                                              + [(s, True) for chats in now.chats for s in chats])

    def __call__(self, kind: str, t: float, c: int, k: int, g: int, a: int) -> None:
        self.last_t = max(self.last_t, t)
        if kind == ev.ANSWER:
            if c < 0 and k < 0:  # a contact begun before the run (the source snapshot's)
                begun = self._begun.get(g)
                so_far, chat = begun.popleft() if begun else (0.0, False)
                self.in_hand.setdefault(a, []).append([c, chat, t - so_far])
            else:
                self.in_hand.setdefault(a, []).append([c, self._chat[k], t])
                self.promised.pop(c, None)
        elif kind == ev.DONE:
            held = self.in_hand.get(a)
            if held:
                i = next((i for i, item in enumerate(held) if item[0] == c or (c < 0 and item[0] < 0)), 0)
                del held[i]
        elif kind == ev.CALLBACK_ACCEPTED:
            self.promised[c] = (k, t)
        elif kind == ev.DISCONNECTED:
            self.promised.pop(c, None)
        elif kind == ev.LOGIN:
            self.group[a], self.state[a] = g, WORKING
        elif kind == ev.LOGOUT:
            self.state[a] = GONE
        elif kind == ev.BREAK_START:
            self.state[a] = ON_BREAK
        elif kind == ev.AUX_START:
            self.state[a] = ON_AUX
        elif kind in (ev.BREAK_END, ev.AUX_END):
            self.state[a] = WORKING


def away_until(heap) -> dict[int, float]:
    """When each agent on break or aux comes back (s), from the run's event heap: the
    snapshot's own breaks (a ``Wake`` of the agent) and the workforce's (of ``(agent,)``)."""
    back: dict[int, float] = {}
    for entry in heap:
        obj = entry[-1]
        if not isinstance(obj, Wake):
            continue
        value = obj._value
        if isinstance(value, tuple) and len(value) == 1:
            value = value[0]
        if isinstance(value, Agent) and value.state in (AgentState.ON_BREAK, AgentState.ON_AUX):
            back[value.number] = min(back.get(value.number, math.inf), float(entry[0]))
    return back


def check_capturable(plan) -> None:
    """CaptureError when a snapshot cannot hold the live run's moment (a multi-day run, with
    snapshots that name no day)."""
    if plan.days != 1 and "day" not in Snapshot.model_fields:
        raise CaptureError(f"the live run covers {plan.days} days and a snapshot holds one day only: run the "
                           "what-if from the snapshot, or serve one day of the scenario (horizon.days: 1)")


def capture_snapshot(plan, live, floor: Floor, at_s: float, scenario, source: Snapshot | None = None,
                     next_t: float = math.inf, run=None) -> Snapshot:
    """The snapshot of the live run at *at_s* (s from the plan's start, a whole clock second).

    *live*: the run's ``LiveState``; *floor*: its ``Floor``; both have seen every event
    before *at_s* and none after. *next_t*: the time of the event the run holds (an agent
    whose return from break is that event is not on the heap any more). *run*: the
    engine's ``Run`` (its event heap says when agents away come back, its headcount the
    rest of the day's staffing, absentees out; without it, the plan's). *source*: the
    snapshot the run started from (its day and re-forecast carry over). Validated
    against *scenario*: SnapshotError if the moment cannot be a snapshot (the centre
    closed, between two days, ...).
    """
    check_capturable(plan)
    if not floor.last_t <= at_s <= next_t:
        raise CaptureError(f"the moment {at_s:g} s is not between the last event ({floor.last_t:g} s) and the next")
    day = int(at_s // DAY_S)  # days after the source's (a multi-day run)
    in_day = at_s - day * DAY_S
    i = min(int(in_day // plan.interval_s), plan.n_intervals - 1)
    types: dict[str, dict] = {}
    for ct in plan.contact_types:
        k = ct.index
        waiting: list[float] = []
        callbacks: list[float] = []
        for c in live.waiting[k]:
            deadline = live.deadline[c]
            if not (deadline > at_s or live.email[k]):
                continue  # gone by now (abandonment is found out lazily)
            waited = max(0.0, at_s - live.entry[c])  # a source's caller: its entry is before the run's
            (callbacks if deadline == math.inf and not live.email[k] else waiting).append(waited)
        callbacks += [at_s - t for c, (kc, t) in floor.promised.items() if kc == k]
        if waiting or callbacks:
            types[ct.name] = {"waiting": sorted(waiting, reverse=True), "callbacks": sorted(callbacks, reverse=True)}
    back = away_until(run.heap if run is not None else ())
    groups: dict[str, dict] = {}
    for gp in plan.agent_groups:
        busy, chats, on_break, idle = [], [], [], 0
        for a, g in floor.group.items():
            if g != gp.index or floor.state[a] == GONE:
                continue
            if floor.state[a] in (ON_BREAK, ON_AUX):
                until = back.get(a, next_t)
                on_break.append(format_clock_exact(plan.clock_start + math.ceil(max(until, at_s + 1)) - day * DAY_S))
                continue
            held = floor.in_hand.get(a) or []
            call = [at_s - since for _, chat, since in held if not chat]
            if call:
                busy.append(max(call))
            elif held:
                chats.append(sorted((at_s - since for _, _, since in held), reverse=True))
            else:
                idle += 1
        now: dict = {"idle": idle, "busy": sorted(busy, reverse=True), "chats": chats, "on_break": sorted(on_break)}
        if gp.shifts is None:
            if run is not None:
                g = run.groups[gp.index]
                now["staffing"] = [int(run.staffing_of(g, day, j)) for j in range(i, plan.n_intervals)]
            else:
                now["staffing"] = [int(round(s)) for s in gp.staffing[i:plan.n_intervals]]
        groups[gp.name] = now
    data: dict = {"time": format_clock_exact(plan.clock_start + in_day), "contact_types": types,
                  "agent_groups": groups}
    if plan.days > 1 or getattr(source, "day", None) is not None:
        data["day"] = (getattr(source, "day", None) or 1) + day
    if source is not None and source.reforecast:
        # The source's per-interval re-forecast starts at the plan's first interval, as the run.
        data["reforecast"] = {name: {"factor": rf.factor} if rf.factor is not None
                              else {"per_interval": list(rf.per_interval or [])[i:]}
                              for name, rf in source.reforecast.items()}
    return snapshot_from_dict(data, source="<live run>", scenario=scenario)


def moment(plan, floor: Floor, now_s: float, next_t: float) -> float | None:
    """The whole clock second at which the live run can be captured now: the live clock
    *now_s* (s from the plan's start) rounded down, or the first whole second after the
    last event if that is later; None if it is not before the next event (*next_t*) —
    events come faster than seconds: try again at the next tick."""
    start = plan.clock_start
    at = max(math.floor(start + now_s), math.ceil(start + floor.last_t))
    at_s = at - start
    return at_s if floor.last_t <= at_s < next_t else None


def live_run_parts(scenario, source: Snapshot, *, seed: int | None = None, replication: int = 0):
    """(plan, draws, InitialState) of the live run of *scenario* from *source*: the rest of
    the day as ``ccsim whatif`` simulates it, one replication."""
    from ..experiment import plan_for
    from .state import initial_state, snapshot_draws
    from .whatif import residual_scenario

    residual, extra = residual_scenario(scenario, source, seed=seed)
    plan = plan_for(residual, seed if seed is not None else scenario.seed)
    start_s = source.time - plan.clock_start
    initial, rows = initial_state(plan, source, start_s, replication, extra)
    draws = snapshot_draws(plan, replication, start_s, rows)
    return plan, draws, initial


class _Reached(Exception):
    pass


def capture_at(scenario, source: Snapshot, clock_s: float, *, day: int | None = None, seed: int | None = None,
               replication: int = 0) -> Snapshot:
    """The live run of *scenario* from *source* (as ``ccsim serve`` runs it: replication
    *replication*, root seed *seed* or the scenario's), unpaced, captured at the clock time
    *clock_s* (s since midnight, a whole second) of *day* (a multi-day scenario's day, 1 =
    the first; default: the source's): what "from now" takes at that moment."""
    from ..engine.run import Run
    from .live import LiveState

    plan, draws, initial = live_run_parts(scenario, source, seed=seed, replication=replication)
    first = getattr(source, "day", None) or 1
    at_s = ((day or first) - first) * DAY_S + clock_s - plan.clock_start
    if not initial.start_s <= at_s:
        raise CaptureError(f"{format_clock_exact(clock_s)} is before the live run's start")
    floor = Floor(plan, source, initial.start_s)
    taken: list[Snapshot] = []

    def sink(kind, t, c, k, g, a):
        if t > at_s and not taken:
            live.now = at_s
            taken.append(capture_snapshot(plan, live, floor, at_s, scenario, source, next_t=t, run=run))
            raise _Reached()
        live(kind, t, c, k, g, a)
        floor(kind, t, c, k, g, a)

    run = Run(plan, draws, replication, initial, sink)
    live = LiveState(plan, run.deadline, run.entry, table=run.contacts, waited=list(initial.waited))
    for c in range(initial.n_waiting):
        live.offered[initial.ctype[c]] += 1
        live.waiting[initial.ctype[c]].add(c)
    try:
        run.loop()
    except _Reached:
        return taken[0]
    raise CaptureError(f"the live run ended before {format_clock_exact(clock_s)}")
