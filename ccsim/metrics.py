"""KPIs from records: the single place where every definition lives.

Contact-type KPIs count contacts by the interval in which they *arrived*
(contacts in the system at the horizon end are finished and counted where they
arrived); contacts arriving in the warm-up are left out. Time-based KPIs
(queue length, occupancy) are integrated over the time span of each interval,
and over [warm-up end, horizon end] for the day.

Definitions (docs/kpis.md says the same):

* offered = contacts that arrived; offered = answered + abandoned + blocked + waiting
* service_level = answered within threshold / (answered + abandoned), where
  abandons quicker than ``short_abandon`` are left out of both
* asa = mean wait of answered contacts; wait_p90 = 90th percentile of it
* mean_wait = mean wait of answered and abandoned contacts
* abandon_rate = abandoned / offered; blocked_rate = blocked / offered
* mean_queue, max_queue = time-average and maximum number of contacts waiting
* occupancy = handling time (talk + after-call work) / agent time present and
  available; utilisation = handling time / paid agent time (available + breaks
  + aux; equal to occupancy while the scenario has no breaks or aux)
* contacts_per_hour = contacts answered by the group per present agent-hour
* sl_counted = answered + abandoned - short abandons (the service level's base)
"""

from __future__ import annotations

import math

import numpy as np

from .channel_metrics import agent_rows, channel_types, email_kpis, group_channel_kpis
from .engine.records import ABANDONED, ANSWERED, BLOCKED, CB_ACCEPTED, WAITING, Records
from .journey_metrics import journey_kpis
from .plan import DAY_S, Plan

CONTACT_KPIS = (
    "offered", "answered", "abandoned", "blocked", "waiting_at_end", "service_level", "asa",
    "mean_wait", "wait_p90", "abandon_rate", "blocked_rate", "mean_queue", "max_queue",
    "aht", "answered_within_threshold", "sl_counted",
)
GROUP_KPIS = (
    "occupancy", "utilisation", "contacts_per_hour", "handled", "agents_present",
    "agents_scheduled", "busy_hours", "present_hours", "break_hours", "aux_hours",
)
TOTAL_KPIS = (
    "offered", "answered", "abandoned", "blocked", "service_level", "asa", "mean_wait",
    "abandon_rate", "blocked_rate",
)
COUNT_KPIS = frozenset({"offered", "answered", "abandoned", "blocked", "waiting_at_end",
                        "answered_within_threshold", "sl_counted", "handled"})
NAN = math.nan


class Results:
    """KPIs of one replication (one simulated day).

    ``contact_types[name][kpi]`` and ``agent_groups[name][kpi]`` are floats for
    the day; ``intervals[name][kpi]`` and ``group_intervals[name][kpi]`` are
    arrays with one value per interval; ``total[kpi]`` sums all contact types.
    """

    __slots__ = ("contact_types", "agent_groups", "total", "intervals", "group_intervals", "agents")

    def __init__(self, contact_types, agent_groups, total, intervals, group_intervals, agents=None):
        self.contact_types: dict[str, dict[str, float]] = contact_types
        self.agent_groups: dict[str, dict[str, float]] = agent_groups
        self.total: dict[str, float] = total
        self.intervals: dict[str, dict[str, np.ndarray]] = intervals
        self.group_intervals: dict[str, dict[str, np.ndarray]] = group_intervals
        # With per-agent statistics: one row per agent (see channel_metrics.agent_rows).
        self.agents: list[dict] | None = agents


def overlap_area(starts: np.ndarray, ends: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each point b: sum over spans [s, e) of the length of [s, e) ∩ [0, b).

    Uses min(b - s, e - s)^+ = (b - s)^+ - (b - e)^+ with sorted prefix sums:
    O(n log n) instead of a span-by-point matrix.
    """
    s = np.sort(starts)
    e = np.sort(ends)
    cs = np.concatenate(([0.0], np.cumsum(s)))
    ce = np.concatenate(([0.0], np.cumsum(e)))
    ns = np.searchsorted(s, points, side="left")
    ne = np.searchsorted(e, points, side="left")
    return (ns * points - cs[ns]) - (ne * points - ce[ne])


def step_area(times: np.ndarray, levels: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Integral from 0 to each point of the step function level[i] on [t[i], t[i+1]).

    The last level lasts for ever; before t[0] the function is 0. Prefix sums of the
    steps' areas plus the partial step up to each point: O((n + m) log n).
    """
    times = np.asarray(times, dtype=float)
    levels = np.asarray(levels, dtype=float)
    points = np.asarray(points, dtype=float)
    if times.size == 0:
        return np.zeros(points.size)
    cum = np.concatenate(([0.0], np.cumsum(levels[:-1] * np.diff(times))))
    at = np.searchsorted(times, points, side="right") - 1
    inside = at >= 0
    safe = np.maximum(at, 0)
    area = cum[safe] + levels[safe] * (points - times[safe])
    # Before the first time the function is 0; from 0 to t[0] nothing is added either.
    return np.where(inside, area, 0.0)


def _queue_profile(arrival, wait, end_s):
    """Event times and queue length after each event, for contacts that waited."""
    waited = wait > 0
    enter = arrival[waited]
    leave = np.minimum(arrival[waited] + wait[waited], end_s)
    times = np.concatenate((enter, leave))
    deltas = np.concatenate((np.ones(enter.size), -np.ones(leave.size)))
    order = np.lexsort((deltas, times))  # at equal times, departures first
    return enter, leave, times[order], np.cumsum(deltas[order])


def _max_in_windows(times, levels, lows, highs):
    """Maximum queue length within each window [lows[j], highs[j])."""
    out = np.zeros(len(lows))
    if times.size == 0:
        return out
    left = np.searchsorted(times, lows, side="right")
    right = np.searchsorted(times, highs, side="left")
    for j in range(out.size):
        before = levels[left[j] - 1] if left[j] > 0 else 0.0
        inside = levels[left[j]:right[j]].max() if right[j] > left[j] else 0.0
        out[j] = max(before, inside)
    return out


def interval_index(plan: Plan, t: np.ndarray) -> np.ndarray:
    """Index (day x n_intervals + interval) of each time; -1 outside every day's horizon."""
    day = np.floor(t / DAY_S)
    offset = t - day * DAY_S
    within = np.floor(offset / plan.interval_s)
    idx = (day * plan.n_intervals + np.minimum(within, plan.n_intervals - 1)).astype(np.int64)
    outside = (offset >= plan.horizon_s) | (day >= plan.days) | (t < 0) | ~np.isfinite(t)
    return np.where(outside, -1, idx)


def in_windows(plan: Plan, t: np.ndarray) -> np.ndarray:
    """Which times fall inside the days' statistics windows (warm-up left out)."""
    inside = np.zeros(np.size(t), dtype=bool)
    for low, high in plan.open_windows():
        inside |= (t >= low) & (t < high)
    return inside


def _windows(plan: Plan):
    """(interval starts, interval ends, statistics windows as (lows, highs))."""
    starts = plan.interval_starts()
    lows, highs = (np.array(v) for v in zip(*plan.open_windows(), strict=True))
    return starts, starts + plan.interval_s, lows, highs


def _safe_div(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


def _grouped_mean(values, index, n):
    sums = np.bincount(index, weights=values, minlength=n)
    counts = np.bincount(index, minlength=n)
    return _safe_div(sums, counts)


def contact_kpis(plan: Plan, rec: Records, k: int) -> tuple[dict, dict]:
    """Day and per-interval KPIs of contact type *k*."""
    ct = plan.contact_types[k]
    n_int = plan.n_intervals * plan.days
    mine = rec.ctype == k
    arrival = rec.arrival[mine]
    outcome = rec.outcome[mine]
    wait = rec.wait[mine]
    handle = rec.handle[mine]

    counted = arrival >= plan.warmup_s
    interval = np.maximum(interval_index(plan, arrival), 0)
    answered = (outcome == ANSWERED) & counted
    abandoned = (outcome == ABANDONED) & counted
    blocked = (outcome == BLOCKED) & counted
    waiting = (outcome == WAITING) & counted
    short = abandoned & (wait < ct.short_abandon)
    # Accepted callbacks left the inbound queue when they accepted: their answer is a call
    # back (see callback_delay), not an inbound answer, so speed-of-answer KPIs leave them out.
    inbound = answered
    if rec.journey is not None:
        inbound = answered & (rec.journey["callback"][mine] != CB_ACCEPTED)
    within = inbound & (wait <= ct.sl_threshold)

    def per_interval(mask):
        return np.bincount(interval[mask], minlength=n_int).astype(float)

    offered_i = per_interval(counted)
    answered_i = per_interval(answered)
    abandoned_i = per_interval(abandoned)
    blocked_i = per_interval(blocked)
    within_i = per_interval(within)
    short_i = per_interval(short)
    sl_base_i = per_interval(inbound) + abandoned_i - short_i

    # Queue length over time, from every contact of the type (warm-up ones too).
    # Contacts still waiting when the run ends stay in the queue to the end of the window.
    last_open = (plan.days - 1) * DAY_S + plan.horizon_s
    # Callers on hold only: customers waiting for a callback are not in the inbound queue.
    on_hold = wait if rec.journey is None else np.where(
        rec.journey["callback"][mine] == CB_ACCEPTED, 0.0, wait)
    enter, leave, q_times, q_levels = _queue_profile(rec.entry[mine], on_hold, max(rec.end_s, last_open))
    starts, ends, lows, highs = _windows(plan)
    mean_queue_i = (overlap_area(enter, leave, ends) - overlap_area(enter, leave, starts)) / plan.interval_s
    max_queue_i = _max_in_windows(q_times, q_levels, starts, ends)
    window_area = float((overlap_area(enter, leave, highs) - overlap_area(enter, leave, lows)).sum())
    window_s = float((highs - lows).sum())
    day_max = float(_max_in_windows(q_times, q_levels, lows, highs).max())

    ans_waits = wait[inbound]
    handled_waits = wait[inbound | abandoned]
    intervals = {
        "offered": offered_i,
        "answered": answered_i,
        "abandoned": abandoned_i,
        "blocked": blocked_i,
        "waiting_at_end": per_interval(waiting),
        "service_level": _safe_div(within_i, sl_base_i),
        "asa": _grouped_mean(ans_waits, interval[inbound], n_int),
        "mean_wait": _grouped_mean(handled_waits, interval[inbound | abandoned], n_int),
        "wait_p90": _interval_quantile(ans_waits, interval[inbound], n_int, 0.9),
        "abandon_rate": _safe_div(abandoned_i, offered_i),
        "blocked_rate": _safe_div(blocked_i, offered_i),
        "mean_queue": mean_queue_i,
        "max_queue": max_queue_i,
        "aht": _grouped_mean(handle[answered], interval[answered], n_int),
        "answered_within_threshold": within_i,
        "sl_counted": sl_base_i,
    }
    n_off = float(counted.sum())
    n_ans = float(answered.sum())
    n_ab = float(abandoned.sum())
    day = {
        "offered": n_off,
        "answered": n_ans,
        "abandoned": n_ab,
        "blocked": float(blocked.sum()),
        "waiting_at_end": float(waiting.sum()),
        "service_level": float(_safe_div(within.sum(), inbound.sum() + n_ab - short.sum())),
        "asa": float(ans_waits.mean()) if ans_waits.size else NAN,
        "mean_wait": float(handled_waits.mean()) if handled_waits.size else NAN,
        "wait_p90": float(np.quantile(ans_waits, 0.9)) if ans_waits.size else NAN,
        "abandon_rate": float(_safe_div(n_ab, n_off)),
        "blocked_rate": float(_safe_div(blocked.sum(), n_off)),
        "mean_queue": window_area / window_s,
        "max_queue": float(day_max),
        "aht": float(handle[answered].mean()) if n_ans else NAN,
        "answered_within_threshold": float(within.sum()),
        "sl_counted": float(inbound.sum() + n_ab - short.sum()),
    }
    return day, intervals


def _interval_quantile(values, index, n, q):
    out = np.full(n, np.nan)
    if values.size == 0:
        return out
    order = np.argsort(index, kind="stable")
    values, index = values[order], index[order]
    cuts = np.searchsorted(index, np.arange(n + 1))
    for j in range(n):
        if cuts[j + 1] > cuts[j]:
            out[j] = np.quantile(values[cuts[j]:cuts[j + 1]], q)
    return out


def group_kpis(plan: Plan, rec: Records, g: int) -> tuple[dict, dict]:
    """Day and per-interval KPIs of agent group *g*."""
    gp = plan.agent_groups[g]
    mine = rec.group == g
    start = rec.answer[mine]
    # Busy time: calls and emails from the records; chats as the time an agent has any open.
    solo = mine
    chats = channel_types(plan, "chat")
    if chats:
        solo = mine & ~np.isin(rec.ctype, chats)
    s0 = rec.answer[solo]
    s1 = s0 + rec.handle[solo] + rec.acw[solo]
    if chats and rec.chat_spans is not None:
        s0 = np.concatenate((s0, rec.chat_spans[g][0]))
        s1 = np.concatenate((s1, rec.chat_spans[g][1]))
    starts, ends, lows, highs = _windows(plan)
    busy = overlap_area(s0, s1, ends) - overlap_area(s0, s1, starts)
    busy_day = float((overlap_area(s0, s1, highs) - overlap_area(s0, s1, lows)).sum())
    log_t, log_n = rec.present_log[g]
    present = step_area(log_t, log_n, ends) - step_area(log_t, log_n, starts)
    present_day = float((step_area(log_t, log_n, highs) - step_area(log_t, log_n, lows)).sum())
    # Logged in but away (breaks, aux): paid, not available.
    away, away_day = {}, {}
    for which in (0, 1):
        if rec.away_log is None:
            away[which], away_day[which] = np.zeros(starts.size), 0.0
            continue
        levels = rec.away_log[g][which]
        away[which] = step_area(log_t, levels, ends) - step_area(log_t, levels, starts)
        away_day[which] = float((step_area(log_t, levels, highs) - step_area(log_t, levels, lows)).sum())
    paid = present + away[0] + away[1]
    paid_day = present_day + away_day[0] + away_day[1]
    n_all = plan.n_intervals * plan.days
    at = interval_index(plan, start)
    handled = np.bincount(at[at >= 0], minlength=n_all).astype(float)
    handled_day = float(in_windows(plan, start).sum())
    scheduled = np.tile(np.asarray(gp.staffing, dtype=float), plan.days)
    first = int(plan.warmup_s // plan.interval_s)
    scheduled_day = float(scheduled[first:].mean()) if first < scheduled.size else NAN
    intervals = {
        "occupancy": _safe_div(busy, present),
        "utilisation": _safe_div(busy, paid),
        "contacts_per_hour": _safe_div(handled, present / 3600.0),
        "handled": handled,
        "agents_present": present / plan.interval_s,
        "agents_scheduled": scheduled,
        "busy_hours": busy / 3600.0,
        "present_hours": present / 3600.0,
        "break_hours": away[0] / 3600.0,
        "aux_hours": away[1] / 3600.0,
    }
    window_s = float((highs - lows).sum())
    day = {
        "occupancy": float(_safe_div(busy_day, present_day)),
        "utilisation": float(_safe_div(busy_day, paid_day)),
        "contacts_per_hour": float(_safe_div(handled_day, present_day / 3600.0)),
        "handled": handled_day,
        "agents_present": present_day / window_s,
        "agents_scheduled": scheduled_day,
        "busy_hours": busy_day / 3600.0,
        "present_hours": present_day / 3600.0,
        "break_hours": away_day[0] / 3600.0,
        "aux_hours": away_day[1] / 3600.0,
    }
    more_day, more_intervals = group_channel_kpis(plan, rec, g, present, present_day,
                                                  (starts, ends, lows, highs), overlap_area)
    day.update(more_day)
    intervals.update(more_intervals)
    return day, intervals


def total_kpis(plan: Plan, days: dict[str, dict]) -> dict:
    """All contact types together; service level uses each type's own threshold.

    Emails (answered in hours, never abandoned) are left out of the total when the
    scenario also has calls or chats: they are reported on their own.
    """
    realtime = {ct.name for ct in plan.contact_types if ct.channel != "email"}
    if realtime:
        days = {name: d for name, d in days.items() if name in realtime}
    def total(key):
        return sum(d[key] for d in days.values())

    offered, answered, abandoned = total("offered"), total("answered"), total("abandoned")
    asa_weight = sum(d["asa"] * d["answered"] for d in days.values() if d["answered"])
    wait_weight = sum(d["mean_wait"] * (d["answered"] + d["abandoned"])
                      for d in days.values() if d["answered"] + d["abandoned"])
    sl_base = total("sl_counted")
    within = total("answered_within_threshold")
    return {
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "blocked": total("blocked"),
        "service_level": within / sl_base if sl_base else NAN,
        "asa": asa_weight / answered if answered else NAN,
        "mean_wait": wait_weight / (answered + abandoned) if answered + abandoned else NAN,
        "abandon_rate": abandoned / offered if offered else NAN,
        "blocked_rate": total("blocked") / offered if offered else NAN,
    }


def compute_results(plan: Plan, rec: Records) -> Results:
    """Every KPI of one replication."""
    types, type_intervals = {}, {}
    for ct in plan.contact_types:
        types[ct.name], type_intervals[ct.name] = contact_kpis(plan, rec, ct.index)
        if rec.journey is not None:
            day, per_interval = journey_kpis(plan, rec, ct.index)
            types[ct.name].update(day)
            type_intervals[ct.name].update(per_interval)
        if ct.channel == "email":
            day, per_interval = email_kpis(plan, rec, ct.index)
            types[ct.name].update(day)
            type_intervals[ct.name].update(per_interval)
    groups, group_intervals = {}, {}
    for gp in plan.agent_groups:
        groups[gp.name], group_intervals[gp.name] = group_kpis(plan, rec, gp.index)
    agents = agent_rows(plan, rec) if rec.agents is not None else None
    return Results(types, groups, total_kpis(plan, types), type_intervals, group_intervals, agents)
