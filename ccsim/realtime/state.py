"""From a snapshot to the engine's start state: residual plan, contacts already in, agents now.

The *residual scenario* is the scenario cut at the interval holding the snapshot
time: ``horizon.start`` moves to that interval's start, and arrivals and staffing
keep their later intervals only (a re-forecast scales or replaces the remaining
volume). Simulation time 0 is that interval's start; the snapshot is at
``start_s`` inside it, and arrivals begin there (``draw_contacts(start_s=...)``).
For a snapshot taken on an interval boundary this is exactly "the scenario run
from that time", with the same random streams.

A snapshot of a multi-day scenario (``snapshot.day`` set) keeps whole days instead: the
residual scenario is days ``day`` to the last of the original, each from ``horizon.start``
to ``horizon.end``, with ``first_day`` moved to the snapshot's day (its weekday or date)
and the holidays renumbered, so every later day keeps its calendar. Simulation time 0 is
the snapshot day's horizon start; the run begins at ``start_s`` = the snapshot's time
from it. The snapshot's day differs from the days after it only in its staffing: the
headcount of each of its remaining intervals (``absent``, ``staffing``, the what-if's
staffing actions; absenteeism left out, as the snapshot says who is in) goes to the
engine as ``InitialState.staffing``; the later days keep the scenario's plan and its
absenteeism. A re-forecast ``factor`` scales the rest of the horizon.
"""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np

from ..engine.arrivals import N_DECISIONS, ContactDraws, JourneyDraws, draw_contacts
from ..plan import profile_volumes
from ..plan.streams import stream
from ..scenario.calendar import WEEKDAYS, first_weekday, hours_from
from ..units import format_clock_exact
from .residual import residual
from .snapshot import Snapshot, remaining_intervals


class GroupStart:
    """One agent group at the snapshot: idle agents, busy until, on break until (s).

    ``rosters``: for a group working shifts, each agent's (logout time or None to stay
    to the end, [(break start, length), ...] still to come), agents in the order busy,
    chatting, on break, idle; None for a group given as staffing per interval.
    """

    __slots__ = ("idle", "busy_until", "break_until", "target", "rosters", "chats")

    def __init__(self, idle: int, busy_until: list[float], break_until: list[float], rosters=None, chats=()):
        self.idle = idle
        self.busy_until = busy_until
        self.break_until = break_until
        # Agents with chats open: per agent [(chat type, talk left s, wrap-up s), ...].
        self.chats = list(chats)
        self.target = idle + len(busy_until) + len(break_until) + len(self.chats)  # headcount now
        self.rosters = rosters


class InitialState:
    """What ``run_draws(initial=...)`` needs: the start time, the agents, and the callers
    already waiting (the first ``n_waiting`` contacts of the draws, longest waiting first).

    ``staffing``: a multi-day snapshot's headcount of each interval of its day per group
    (None for a group working shifts), which the engine follows on the first day instead of
    the plan's; None for a one-day snapshot (its residual plan has the day's staffing).
    """

    __slots__ = ("start_s", "groups", "n_waiting", "ctype", "waited", "staffing")

    def __init__(self, start_s, groups, n_waiting, ctype, waited, staffing=None):
        self.start_s: float = start_s
        self.groups: list[GroupStart] = groups
        self.n_waiting: int = n_waiting
        self.ctype: list[int] = ctype
        self.waited: np.ndarray = waited  # s already waited (or since the callback promise)
        self.staffing: list[list[int] | None] | None = staffing


class NowChanges(dict):
    """A what-if's agents to add now per group (negative: fewer now), and — for a multi-day
    snapshot — ``staffing``: the headcount of each of the snapshot day's intervals of the
    groups whose staffing an action changed (name -> one value per interval of the day)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.staffing: dict[str, list[int]] = {}


def day_staffing(scenario_or_plan_groups, snapshot: Snapshot, j: int, n: int) -> dict[str, list[int]]:
    """Per staffing-plan group: the headcount of each interval of the snapshot's day, the
    plan's from interval *j* on (0 before it) less the snapshot's ``absent``, or its
    ``staffing``; *scenario_or_plan_groups*: (name, staffing of interval i) pairs."""
    out = {}
    for name, staffing_at in scenario_or_plan_groups:
        now = snapshot.agent_groups.get(name)
        values = [0] * j + [int(round(staffing_at(i))) for i in range(j, n)]
        if now is not None and now.staffing is not None:
            values[j:] = list(now.staffing)
        elif now is not None and now.absent:
            values[j:] = [max(0, v - now.absent) for v in values[j:]]
        out[name] = values
    return out


def residual_data(scenario, snapshot: Snapshot) -> dict:
    """The scenario's data cut at the snapshot's interval, re-forecast and re-staffed (a
    multi-day snapshot: from the snapshot's day to the horizon's end, ``residual_days``)."""
    if snapshot.day is not None:
        return residual_days(scenario, snapshot)
    h = scenario.horizon
    j, _ = remaining_intervals(snapshot, scenario)
    n = h.n_intervals
    data = copy.deepcopy(scenario._raw)
    data["horizon"] = dict(data["horizon"], start=format_clock_exact(h.start + j * h.interval), warmup=0)
    if h.opening_hours:  # the calendar's hours from the new start on
        data["horizon"]["opening_hours"] = hours_from(h, h.start + j * h.interval)
    for name, ct in scenario.contact_types.items():
        if ct.direction == "outbound":  # dialled, not arriving: its per-interval chances from now on
            dialer = data["contact_types"][name]["dialer"]
            for part in (dialer, dialer.get("wrong_party"), dialer.get("answering_machine")):
                for key in ("reach", "probability"):
                    if isinstance(part, dict) and isinstance(part.get(key), list):
                        part[key] = part[key][j:]
            continue
        arr = ct.arrivals
        raw = data["contact_types"][name]["arrivals"] = dict(data["contact_types"][name]["arrivals"])
        raw.pop("overnight", None)  # the night is over: its emails are in the snapshot's backlog
        rf = snapshot.reforecast.get(name)
        if arr.rate is not None and (rf is None or rf.factor is not None):
            raw["rate"] = arr.rate * (rf.factor if rf else 1.0)
            continue
        if arr.per_interval is not None:
            values = np.asarray(arr.per_interval, dtype=float)
        else:
            values = profile_volumes(arr.volume, arr.profile)  # as the plan's rates, bit for bit
        values = values[j:]
        if rf is not None:
            values = np.asarray(rf.per_interval, dtype=float) if rf.per_interval is not None else values * rf.factor
        for key in ("rate", "volume", "profile"):
            raw.pop(key, None)
        raw["per_interval"] = values.tolist()
    for name in scenario.contact_types:  # a distribution per interval: from the snapshot's interval on
        spec = data["contact_types"][name]
        for key in ("handle_time", "after_call_work", "patience"):
            if isinstance(spec.get(key), list):
                spec[key] = spec[key][j:]
    for name, g in scenario.agent_groups.items():
        raw = data["agent_groups"][name] = dict(data["agent_groups"][name])
        now = snapshot.agent_groups.get(name)
        if g.shifts is not None:
            continue  # the snapshot says who is in; later shifts keep their absenteeism
        raw.pop("absenteeism", None)  # the snapshot says who is in
        staffing = [g.staffing_at(i) for i in range(j, n)]
        if now is not None and now.staffing is not None:
            staffing = list(now.staffing)
        elif now is not None and now.absent:
            staffing = [max(0, s - now.absent) for s in staffing]
        raw["staffing"] = staffing
    return data


def residual_days(scenario, snapshot: Snapshot) -> dict:
    """A multi-day scenario's data from the snapshot's day (1-based ``snapshot.day``) on: whole
    days with their calendar, the first day the snapshot's; a re-forecast factor on them all."""
    h = scenario.horizon
    shift = (snapshot.day or 1) - 1
    data = copy.deepcopy(scenario._raw)
    horizon = data["horizon"] = dict(data["horizon"], days=h.days - shift, warmup=0)
    if h.first_day is not None:
        if isinstance(h.first_day, dt.date):
            first = h.first_day + dt.timedelta(days=shift)
            horizon["first_day"] = first.isoformat()
            horizon["holidays"] = [d.isoformat() for d in h.holidays if isinstance(d, dt.date) and d >= first] + [
                int(d) - shift for d in h.holidays if not isinstance(d, dt.date) and int(d) > shift]
        else:
            horizon["first_day"] = WEEKDAYS[(first_weekday(h.first_day) + shift) % 7]
            horizon["holidays"] = [int(d) - shift for d in h.holidays if int(d) > shift]
    for name, rf in snapshot.reforecast.items():
        arr = data["contact_types"][name].get("arrivals")
        if rf.factor is None or not isinstance(arr, dict):
            continue  # per_interval is refused for a multi-day snapshot (snapshot.py)
        raw = data["contact_types"][name]["arrivals"] = dict(arr)
        spec = scenario.contact_types[name].arrivals
        for key in ("rate", "volume", "per_interval"):
            value = getattr(spec, key)
            if value is not None:
                raw[key] = [v * rf.factor for v in value] if key == "per_interval" else value * rf.factor
    return data


def initial_state(plan, snapshot: Snapshot, start_s: float, replication: int,
                  extra_idle: dict[str, int] | None = None) -> tuple[InitialState, list]:
    """The snapshot's agents and callers for one replication, and their per-contact arrays.

    Residual talk time of busy agents (given the talk so far; the group's first skill's
    distribution), remaining patience of waiting callers (given the wait so far; promised
    callbacks never abandon), and fresh handle and after-call work for the callers waiting,
    each from its own ``snapshot/...`` stream so the day's other streams are untouched (a
    distribution per interval: the snapshot's interval's).
    Returns the state and (ctype, handle, acw, patience, waited) of the waiting callers.
    """
    seed = plan.seed
    t_now = plan.clock_start + start_s
    staffing = None
    j = 0
    if snapshot.day is not None:  # the snapshot's day: its own headcount (the later days: the plan's)
        j = min(int(start_s // plan.interval_s), plan.n_intervals - 1)
        by_name = day_staffing([(gp.name, gp.staffing.__getitem__) for gp in plan.agent_groups if gp.shifts is None],
                               snapshot, j, plan.n_intervals)
        by_name.update(getattr(extra_idle, "staffing", {}))
        staffing = [by_name.get(gp.name) for gp in plan.agent_groups]
    groups = []
    for gp in plan.agent_groups:
        now = snapshot.agent_groups.get(gp.name)
        busy = np.asarray(now.busy if now else [], dtype=float)
        ct = plan.contact_types[gp.skill_indices[0]]
        talk = residual(ct.handle.at(start_s), stream(seed, replication, f"snapshot/busy/{gp.name}"), busy)
        if ct.after_call_work is not None:
            acw_rng = stream(seed, replication, f"snapshot/busy_acw/{gp.name}")
            talk = talk + ct.after_call_work.at(start_s).draw(acw_rng, busy.size)
        breaks = [start_s + (until - t_now) for until in (now.on_break if now else [])]
        chats = open_chats(plan, gp, now.chats if now else [], seed, replication, start_s)
        slots = roster_slots(plan, gp, start_s) if gp.shifts is not None else None
        if slots is not None and now is None:  # not in the snapshot: the roster as planned
            breaks = [end for on_break, _, _, end in slots if on_break]
        if now is not None and now.idle is not None:
            idle = now.idle
        elif slots is not None:
            planned_breaks = sum(1 for slot in slots if slot[0])
            idle = max(0, len(slots) - max(planned_breaks, len(breaks)) - busy.size - len(chats))
        else:
            scheduled = gp.staffing[0] if staffing is None else staffing[gp.index][j]
            idle = max(0, int(round(scheduled)) - busy.size - len(breaks) - len(chats))
        extra = (extra_idle or {}).get(gp.name, 0)
        idle = max(0, idle + extra)
        rosters = None if slots is None else assign_slots(slots, busy.size + len(chats), len(breaks), idle,
                                                          max(0, extra))
        groups.append(GroupStart(idle, (start_s + talk).tolist(), breaks, rosters, chats))
    rows = []  # (waited, ctype, handle, acw, patience)
    for ct in plan.contact_types:
        queued = snapshot.contact_types.get(ct.name)
        if queued is None or not (queued.waiting or queued.callbacks):
            continue
        waited = np.asarray(queued.waiting, dtype=float)
        promised = np.asarray(queued.callbacks, dtype=float)
        m = waited.size + promised.size
        handle = ct.handle.at(start_s).draw(stream(seed, replication, f"snapshot/handle/{ct.name}"), m)
        acw = (ct.after_call_work.at(start_s).draw(stream(seed, replication, f"snapshot/acw/{ct.name}"), m)
               if ct.after_call_work is not None else np.zeros(m))
        patience = np.concatenate([
            residual(ct.patience.at(start_s), stream(seed, replication, f"snapshot/patience/{ct.name}"), waited),
            np.full(promised.size, np.inf)])
        if ct.voicemail_s < np.inf:  # the voicemail limit counts from their queue entry
            patience[:waited.size] = np.minimum(patience[:waited.size], np.maximum(ct.voicemail_s - waited, 0.0))
        for w, h, a, p in zip(np.concatenate([waited, promised]), handle, acw, patience, strict=True):
            rows.append((float(w), ct.index, float(h), float(a), float(p)))
    rows.sort(key=lambda r: -r[0])  # longest waiting first (stable across types)
    waited = np.array([r[0] for r in rows])
    state = InitialState(start_s, groups, len(rows), [r[1] for r in rows], waited, staffing)
    return state, rows


def open_chats(plan, gp, chats: list[list[float]], seed: int, replication: int,
               start_s: float = 0.0) -> list[list[tuple]]:
    """The snapshot's open chats of a group's agents: per agent [(type, talk left, wrap-up)].

    A chat is of the group's first chat skill; its talk left is drawn from that type's
    handle time given the talk so far (``residual``), its wrap-up fresh, each from its own
    ``snapshot/chat...`` stream.
    """
    if not chats:
        return []
    k = next(k for k in gp.skill_indices if plan.contact_types[k].channel == "chat")
    ct = plan.contact_types[k]
    so_far = np.array([t for agent in chats for t in agent], dtype=float)
    left = residual(ct.handle.at(start_s), stream(seed, replication, f"snapshot/chat/{gp.name}"), so_far)
    wrap = (ct.after_call_work.at(start_s).draw(stream(seed, replication, f"snapshot/chat_acw/{gp.name}"), so_far.size)
            if ct.after_call_work is not None else np.zeros(so_far.size))
    out, i = [], 0
    for agent in chats:
        out.append([(k, float(left[i + j]), float(wrap[i + j])) for j in range(len(agent))])
        i += len(agent)
    return out


def roster_slots(plan, gp, start_s: float) -> list[tuple]:
    """The rostered places of a shift group at the snapshot: (on a planned break now, logout
    time or None to stay to the end, breaks still to come, end of the break now or None) for
    each agent of each shift on now (a shift starting at the snapshot time or before is on;
    its agents are the snapshot's)."""
    slots = []
    for sh in gp.shifts:
        if not sh.start_s <= start_s < sh.end_s:
            continue
        logout = sh.end_s if sh.end_s < plan.horizon_s else None
        for a in range(sh.headcount):
            planned = sh.break_starts(a)
            now = [s + length for s, length in planned if s <= start_s < s + length]
            slots.append((bool(now), logout, [(s, length) for s, length in planned if s > start_s],
                          now[0] if now else None))
    return slots


def assign_slots(slots: list[tuple], busy: int, on_break: int, idle: int, added: int = 0) -> list[tuple]:
    """(logout, breaks to come) for the snapshot's agents in the order busy, on break, idle.

    Agents on break take the places whose planned break is now; the others the rest, first
    those not on a planned break (an agent who is working now took or skipped its break).
    Agents beyond the roster stay as long as the longest shift on now, without breaks.
    The last *added* idle agents (added by a what-if now) take the last places (the shift
    the what-if added).
    """
    breaking = [i for i, s in enumerate(slots) if s[0]]
    working = [i for i, s in enumerate(slots) if not s[0]]
    for_break = (breaking + working)[:on_break]
    rest = [i for i in working + breaking if i not in set(for_break)]
    logouts = [s[1] for s in slots]
    extra: tuple[float | None, list] = (None if not logouts or None in logouts else max(logouts), [])

    def plans(places: list[int], n: int) -> list[tuple]:
        return [(slots[i][1], slots[i][2]) for i in places[:n]] + [extra] * max(0, n - len(places))

    added = min(added, idle)
    free = rest[busy:]
    cut = len(free) - min(added, len(free))
    return (plans(rest, busy) + plans(for_break, on_break) + plans(free[:cut], idle - added)
            + plans(free[cut:], added))


def snapshot_draws(plan, replication: int, start_s: float, rows: list) -> ContactDraws:
    """The day's draws from ``start_s`` with the snapshot's callers in front (arriving at start_s)."""
    draws = draw_contacts(plan, replication, start_s=start_s, first_night=False)
    m = len(rows)
    if m == 0:
        return draws
    ctype = np.array([r[1] for r in rows], dtype=np.int32)
    cols = [np.array([r[i] for r in rows]) for i in (2, 3, 4)]
    journey = draws.journey
    if journey is not None:
        rng = stream(plan.seed, replication, "snapshot/journey")
        z = np.zeros(m)
        ivr, retrial_delay, repeat_delay = (np.concatenate([z, col]) for col in
                                            (journey.ivr, journey.retrial_delay, journey.repeat_delay))
        journey = JourneyDraws(
            np.concatenate([rng.random((m, N_DECISIONS)), journey.decisions]), ivr, retrial_delay, repeat_delay,
            np.concatenate([cols[0], journey.callback_handle]),
            np.concatenate([rng.standard_normal(m), journey.rating_noise]))
    return ContactDraws(np.concatenate([np.full(m, start_s), draws.arrival]),
                        np.concatenate([ctype, draws.ctype]),
                        np.concatenate([cols[0], draws.handle]), np.concatenate([cols[1], draws.acw]),
                        np.concatenate([cols[2], draws.patience]), draws.forecast_factor, journey)


def fix_records(rec, state: InitialState) -> None:
    """Snapshot callers: count them in the snapshot's interval, with the time already waited."""
    m = state.n_waiting
    if m == 0:
        return
    rec.entry = np.array(rec.entry, dtype=float, copy=True)
    rec.entry[:m] = state.start_s - state.waited
    rec.patience = np.array(rec.patience, dtype=float, copy=True)
    rec.patience[:m] = rec.patience[:m] + state.waited
