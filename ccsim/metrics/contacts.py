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

    def __reduce__(self):
        # Sent between processes once per replication: each name's interval arrays travel
        # as one matrix (pickling many small arrays costs more than computing them).
        return (_unpacked_results, (self.contact_types, self.agent_groups, self.total, _pack(self.intervals),
                                    _pack(self.group_intervals), self.agents))


def _pack(tables: dict[str, dict[str, np.ndarray]]) -> dict:
    """Each name's KPI arrays as (KPI names, one row per KPI) when they are float arrays of
    one length; as they are otherwise."""
    out: dict[str, object] = {}
    for name, kpis in tables.items():
        arrays = list(kpis.values())
        first = arrays[0] if arrays else None
        if first is not None and all(type(a) is np.ndarray and a.dtype == np.float64 and a.ndim == 1
                                     and a.shape == first.shape for a in arrays):
            out[name] = (tuple(kpis), np.array(arrays))
        else:
            out[name] = kpis
    return out


def _unpacked_results(contact_types, agent_groups, total, intervals, group_intervals, agents) -> Results:
    def unpack(tables):
        return {name: dict(zip(v[0], v[1], strict=True)) if isinstance(v, tuple) else v
                for name, v in tables.items()}

    return Results(contact_types, agent_groups, total, unpack(intervals), unpack(group_intervals), agents)


def overlap_area(starts: np.ndarray, ends: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each point b: sum over spans [s, e) of the length of [s, e) ∩ [0, b).

    Uses min(b - s, e - s)^+ = (b - s)^+ - (b - e)^+ with sorted prefix sums:
    O(n log n) instead of a span-by-point matrix.
    """
    return _Spans(starts, ends).area(points)


class _Spans:
    """Spans [s, e) sorted once, with their prefix sums, for ``overlap_area`` at many points."""

    __slots__ = ("s", "e", "cs", "ce")

    def __init__(self, starts, ends):
        self.s = np.sort(starts)
        self.e = np.sort(ends)
        self.cs = _prefix_sums(self.s)
        self.ce = _prefix_sums(self.e)

    def area(self, points):
        ns = np.searchsorted(self.s, points, side="left")
        ne = np.searchsorted(self.e, points, side="left")
        return (ns * points - self.cs[ns]) - (ne * points - self.ce[ne])


def _prefix_sums(x: np.ndarray) -> np.ndarray:
    """[0, x0, x0 + x1, ...]: the running sum written in place after a leading 0."""
    out = np.empty(x.size + 1)
    out[0] = 0.0
    np.add.accumulate(x, out=out[1:])  # = np.cumsum, without its wrapper
    return out


def step_area(times: np.ndarray, levels: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Integral from 0 to each point of the step function level[i] on [t[i], t[i+1]).

    The last level lasts for ever; before t[0] the function is 0. Prefix sums of the
    steps' areas plus the partial step up to each point: O((n + m) log n).
    """
    return _step_areas(times, (levels,), points)[0]


def _step_areas(times, levels_list, points) -> list[np.ndarray]:
    """``step_area`` of several step functions sharing their times (present, on break,
    on aux): the times are searched once for all of them."""
    times = np.asarray(times, dtype=float)
    points = np.asarray(points, dtype=float)
    if times.size == 0:
        return [np.zeros(points.size) for _ in levels_list]
    at = np.searchsorted(times, points, side="right") - 1
    inside = at >= 0
    safe = np.maximum(at, 0)
    since = points - times[safe]
    steps = np.diff(times)
    out = []
    for levels in levels_list:
        levels = np.asarray(levels, dtype=float)
        cum = _prefix_sums(levels[:-1] * steps)
        area = cum[safe] + levels[safe] * since
        # Before the first time the function is 0; from 0 to t[0] nothing is added either.
        out.append(np.where(inside, area, 0.0))
    return out


def _queue_profile(entry, wait, end_s):
    """Spans in queue of the contacts that waited, and the queue length after each event
    (event times sorted, departures first at equal times)."""
    waited = wait > 0
    enter = entry[waited]
    spans = _Spans(enter, np.minimum(enter + wait[waited], end_s))
    # Merge the sorted entries and departures (instead of sorting all events again): a
    # departure goes after the departures before it and the entries strictly earlier, an
    # entry after the entries before it and the departures at or before its time.
    n = spans.s.size
    rank = np.arange(n)
    at_leave = rank + np.searchsorted(spans.s, spans.e, side="left")
    at_enter = rank + np.searchsorted(spans.e, spans.s, side="right")
    times = np.empty(2 * n)
    times[at_leave] = spans.e
    times[at_enter] = spans.s
    deltas = np.empty(2 * n)
    deltas[at_leave] = -1.0
    deltas[at_enter] = 1.0
    return spans, times, np.cumsum(deltas)


def _max_in_windows(times, levels, lows, highs):
    """Maximum queue length within each window [lows[j], highs[j]) (0 when nothing happens).

    One ``maximum.reduceat`` over [level before the window, levels inside it] for all
    windows at once, instead of a loop over windows.
    """
    left = np.searchsorted(times, lows, side="right")
    right = np.searchsorted(times, highs, side="left")
    padded = np.zeros(levels.size + 2)  # padded[i] = level after event i - 1 (0 before any)
    padded[1:-1] = levels
    bounds = np.empty(2 * left.size, dtype=np.intp)
    bounds[0::2] = left
    bounds[1::2] = right + 1
    out = np.maximum.reduceat(padded, bounds)[0::2]
    # No event inside a window: the level before it, at least 0.
    return np.where(right > left, out, np.maximum(out, 0.0))


def interval_index(plan: Plan, t: np.ndarray) -> np.ndarray:
    """Index (day x n_intervals + interval) of each time; -1 outside every day's horizon."""
    t = np.asarray(t, dtype=float)
    if plan.days == 1 and plan.horizon_s <= DAY_S:
        # One day: day = 0 and offset = t inside it, so the general rule below reduces to this.
        inside = (t >= 0) & (t < plan.horizon_s)
        idx = np.minimum(np.floor(t / plan.interval_s), plan.n_intervals - 1)
    else:
        day = np.floor(t / DAY_S)
        offset = t - day * DAY_S
        within = np.floor(offset / plan.interval_s)
        idx = day * plan.n_intervals + np.minimum(within, plan.n_intervals - 1)
        inside = ~((offset >= plan.horizon_s) | (day >= plan.days) | (t < 0) | ~np.isfinite(t))
    return np.where(inside, idx, -1.0).astype(np.int64)


def in_windows(plan: Plan, t: np.ndarray) -> np.ndarray:
    """Which times fall inside the days' statistics windows (warm-up left out)."""
    windows = plan.open_windows()
    if len(windows) == 1:
        low, high = windows[0]
        return (t >= low) & (t < high)
    inside = np.zeros(np.size(t), dtype=bool)
    for low, high in windows:
        inside |= (t >= low) & (t < high)
    return inside


class _Grid:
    """The time grid of a plan, shared by every replication: interval and window bounds,
    and all of them in one array so that each area function is evaluated once."""

    __slots__ = ("n_int", "starts", "ends", "lows", "highs", "points", "window_s", "first", "window_lows",
                 "window_highs")

    def __init__(self, plan: Plan, windows):
        starts = plan.interval_starts()
        ends = starts + plan.interval_s
        lows, highs = (np.array(v) for v in zip(*windows, strict=True))
        self.n_int = plan.n_intervals * plan.days
        self.starts, self.ends, self.lows, self.highs = starts, ends, lows, highs
        # [interval starts | interval ends | window lows | window highs]
        self.points = np.concatenate((starts, ends, lows, highs))
        self.window_s = float((highs - lows).sum())
        self.first = int(plan.warmup_s // plan.interval_s)
        # Every interval, then every statistics window, as [low, high) bounds.
        self.window_lows = np.concatenate((starts, lows))
        self.window_highs = np.concatenate((ends, highs))
        for a in (starts, ends, lows, highs, self.points, self.window_lows, self.window_highs):
            a.flags.writeable = False

    def split(self, values):
        """(per interval, per window) differences of a function evaluated at ``points``."""
        n, m = self.n_int, self.lows.size
        return values[n:2 * n] - values[:n], values[2 * n + m:] - values[2 * n:2 * n + m]


_GRIDS: dict[tuple, _Grid] = {}


def _grid(plan: Plan) -> _Grid:
    # Keyed by the values the grid is made of (not by the plan object), so a plan changed
    # or rebuilt never meets a stale grid.
    windows = plan.open_windows()
    key = (plan.days, plan.n_intervals, plan.interval_s, plan.horizon_s, plan.warmup_s, tuple(windows))
    grid = _GRIDS.get(key)
    if grid is None:
        if len(_GRIDS) >= 64:
            _GRIDS.clear()
        grid = _GRIDS[key] = _Grid(plan, windows)
    return grid


def _safe_div(a, b):
    """a / b, nan where b is not positive (element by element)."""
    if not (type(a) is np.ndarray and a.dtype == np.float64):
        a = np.asarray(a, dtype=float)
    if not (type(b) is np.ndarray and b.dtype == np.float64):
        b = np.asarray(b, dtype=float)
    if a.ndim == 0 and b.ndim == 0:
        return np.float64(float(a) / float(b) if b > 0 else NAN)
    # Divide only where b > 0 (no warnings to silence), nan elsewhere.
    out = np.full(b.shape if a.shape == b.shape else np.broadcast(a, b).shape, NAN)
    return np.divide(a, b, out=out, where=b > 0)


def _div(a: float, b: float) -> float:
    """a / b for day values, nan unless b > 0."""
    return a / b if b > 0 else NAN


def _mean(x: np.ndarray) -> float:
    """``float(x.mean())`` without its wrapper: numpy's own (pairwise) sum, then / size."""
    return float(np.add.reduce(x)) / x.size


def _grouped_mean(values, index, n, counts=None):
    sums = np.bincount(index, weights=values, minlength=n)
    if counts is None:
        counts = np.bincount(index, minlength=n)
    return _safe_div(sums, counts)


class _Replication:
    """Columns of one replication that several KPIs need, derived once per replication."""

    __slots__ = ("plan", "rec", "grid", "wait", "arrival_interval", "handled", "issues", "_answer_interval",
                 "_order", "_bounds", "_by_type")

    def __init__(self, plan: Plan, rec: Records):
        self.plan, self.rec = plan, rec
        self.grid = _grid(plan)
        self.wait = rec.wait
        # Intervals of the arrivals and of the answers, from one call (nan answers: -1).
        n = rec.arrival.size
        at = interval_index(plan, np.concatenate((rec.arrival, rec.answer)))
        self.arrival_interval = np.maximum(at[:n], 0)
        self._answer_interval = at[n:]
        self.handled = None  # see started()
        self.issues = None  # customers' issues (journey_metrics), found when first needed
        n_types = len(plan.contact_types)
        self._order = None  # None: a single contact type, so every row is of that type
        if n_types > 1:
            # Rows grouped by contact type, each type's rows in their own order (a stable sort
            # of small integers sorts by radix): a column is gathered once for every type,
            # instead of one boolean selection per type.
            ctype = rec.ctype
            self._order = np.argsort(ctype.astype(np.int16 if n_types < 32768 else np.int64), kind="stable")
            counts = np.bincount(ctype, minlength=n_types)
            ends = np.cumsum(counts).tolist()
            self._bounds = list(zip([0] + ends[:-1], ends, strict=True))
            self._by_type: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def type_mask(self, k):
        """Rows of contact type *k*, or None when every row is (a single type)."""
        return None if self._order is None else self.rec.ctype == k

    def pick(self, column, k):
        """The rows of *column* (one entry per contact) of contact type *k*, in their order.

        Returns a view shared with other callers: read it, never write to it.
        """
        if self._order is None:
            return column
        held = self._by_type.get(id(column))
        if held is None or held[0] is not column:  # holding the column keeps its id unique
            held = self._by_type[id(column)] = (column, column[self._order])
        low, high = self._bounds[k]
        return held[1][low:high]

    def started(self):
        """Contacts started per (group, contact type, interval), and per (group, type)
        inside the statistics windows: one bincount each for every group and type."""
        if self.handled is None:
            plan, rec = self.plan, self.rec
            n_g, n_t, n_int = len(plan.agent_groups), len(plan.contact_types), self.grid.n_int
            taken = rec.group >= 0
            start = rec.answer[taken]
            at = self._answer_interval[taken]
            ok = at >= 0
            if n_g * n_t == 1:  # one group, one type: no key to build
                per_interval = np.bincount(at[ok], minlength=n_int)
                inside = np.array([np.count_nonzero(in_windows(plan, start))])
            else:
                key = rec.group[taken].astype(np.int64) * n_t + rec.ctype[taken]
                per_interval = np.bincount(key[ok] * n_int + at[ok], minlength=n_g * n_t * n_int)
                inside = np.bincount(key[in_windows(plan, start)], minlength=n_g * n_t)
            self.handled = (per_interval.reshape(n_g, n_t, n_int), inside.reshape(n_g, n_t))
        return self.handled


def contact_kpis(plan: Plan, rec: Records, k: int, ctx: _Replication | None = None) -> tuple[dict, dict]:
    """Day and per-interval KPIs of contact type *k*."""
    ctx = ctx or _Replication(plan, rec)
    grid = ctx.grid
    ct = plan.contact_types[k]
    n_int = grid.n_int
    arrival = ctx.pick(rec.arrival, k)
    outcome = ctx.pick(rec.outcome, k)
    wait = ctx.pick(ctx.wait, k)
    handle = ctx.pick(rec.handle, k)
    interval = ctx.pick(ctx.arrival_interval, k)

    counted = arrival >= plan.warmup_s
    if counted.all():  # no warm-up to leave out: skip masking by it
        counted = None
    is_answered = outcome == ANSWERED
    is_abandoned = outcome == ABANDONED
    # Accepted callbacks left the inbound queue when they accepted: their answer is a call
    # back (see callback_delay), not an inbound answer, so speed-of-answer KPIs leave them out.
    is_inbound = is_answered
    if rec.journey is not None:
        accepted = ctx.pick(rec.journey["callback"], k) == CB_ACCEPTED
        is_inbound = is_answered & ~accepted
    is_within = is_inbound & (wait <= ct.sl_threshold)
    is_short = is_abandoned & (wait < ct.short_abandon)

    # Every count per interval from one bincount: each contact falls in exactly one class,
    # 3 x outcome + sub-class (answered: 0 callback, 1 inbound, 2 inbound within threshold;
    # abandoned: 0, 1 short), so the counts are column sums of one (interval, class) table.
    n_cls = 3 * max(int(outcome.max()) + 1 if outcome.size else 0, BLOCKED + 1)
    cls = outcome.astype(np.int64) * 3 + is_inbound + is_within + is_short
    flat = interval * n_cls + cls
    table = np.bincount(flat if counted is None else flat[counted], minlength=n_int * n_cls).reshape(n_int, n_cls)
    # (class, interval) counts as floats: whole numbers, so every sum below is exact.
    counts = table.T.astype(float)
    a, b = 3 * ANSWERED, 3 * ABANDONED
    inbound_i = counts[a + 1] + counts[a + 2]
    answered_i = inbound_i + counts[a]
    abandoned_i = counts[b] + counts[b + 1]
    short_i = counts[b + 1]
    offered_i = counts.sum(axis=0)
    blocked_i = counts[3 * BLOCKED]
    waiting_i = counts[3 * WAITING]
    within_i = counts[a + 2]
    sl_base_i = inbound_i + abandoned_i - short_i

    # Queue length over time, from every contact of the type (warm-up ones too).
    # Contacts still waiting when the run ends stay in the queue to the end of the window.
    last_open = (plan.days - 1) * DAY_S + plan.horizon_s
    # Callers on hold only: customers waiting for a callback are not in the inbound queue.
    on_hold = wait if rec.journey is None else np.where(accepted, 0.0, wait)
    spans, q_times, q_levels = _queue_profile(ctx.pick(rec.entry, k), on_hold, max(rec.end_s, last_open))
    queue_i, queue_day = grid.split(spans.area(grid.points))
    mean_queue_i = queue_i / plan.interval_s
    window_area = float(queue_day.sum())
    max_i = _max_in_windows(q_times, q_levels, grid.window_lows, grid.window_highs)
    max_queue_i = max_i[:n_int]
    day_max = float(max_i[n_int:].max())

    if counted is None:
        inbound, answered, handled = is_inbound, is_answered, is_inbound | is_abandoned
    else:
        inbound = is_inbound & counted
        answered = is_answered & counted
        handled = inbound | (is_abandoned & counted)
    ans_waits = wait[inbound]
    ans_at = interval[inbound]
    handled_waits = wait[handled]
    answered_handle = handle[answered]
    wait_p90_i, wait_p90 = _interval_quantile(ans_waits, ans_at, n_int, 0.9)
    intervals = {
        "offered": offered_i,
        "answered": answered_i,
        "abandoned": abandoned_i,
        "blocked": blocked_i,
        "waiting_at_end": waiting_i,
        "service_level": _safe_div(within_i, sl_base_i),
        "asa": _grouped_mean(ans_waits, ans_at, n_int, inbound_i),
        "mean_wait": _grouped_mean(handled_waits, interval[handled], n_int, inbound_i + abandoned_i),
        "wait_p90": wait_p90_i,
        "abandon_rate": _safe_div(abandoned_i, offered_i),
        "blocked_rate": _safe_div(blocked_i, offered_i),
        "mean_queue": mean_queue_i,
        "max_queue": max_queue_i,
        "aht": _grouped_mean(answered_handle, interval[answered], n_int, answered_i),
        "answered_within_threshold": within_i,
        "sl_counted": sl_base_i,
    }
    # Day counts are sums of the interval counts (whole numbers: exact in any order).
    total = counts.sum(axis=1).tolist()
    n_off = float(sum(total))
    n_ans = total[a] + total[a + 1] + total[a + 2]
    n_ab = total[b] + total[b + 1]
    n_blocked = total[3 * BLOCKED]
    n_within = total[a + 2]
    sl_base = total[a + 1] + total[a + 2] + n_ab - total[b + 1]
    day = {
        "offered": n_off,
        "answered": n_ans,
        "abandoned": n_ab,
        "blocked": n_blocked,
        "waiting_at_end": total[3 * WAITING],
        "service_level": _div(n_within, sl_base),
        "asa": _mean(ans_waits) if ans_waits.size else NAN,
        "mean_wait": _mean(handled_waits) if handled_waits.size else NAN,
        "wait_p90": wait_p90,
        "abandon_rate": _div(n_ab, n_off),
        "blocked_rate": _div(n_blocked, n_off),
        "mean_queue": window_area / grid.window_s,
        "max_queue": day_max,
        "aht": _mean(answered_handle) if n_ans else NAN,
        "answered_within_threshold": n_within,
        "sl_counted": sl_base,
    }
    return day, intervals


def _interval_quantile(values, index, n, q):
    """Quantile *q* of the values of each interval and of all of them: numpy's 'linear'
    rule (``np.quantile``'s default), from sorted values instead of one ``np.quantile``
    per interval."""
    out = np.full(n, np.nan)
    if values.size == 0:
        return out, NAN
    ordered = np.sort(values)
    if np.isnan(ordered[-1]):  # a nan (sorted last): numpy's nan rules, the slow, sure way
        for j in range(n):
            inside = values[index == j]
            if inside.size:
                out[j] = np.quantile(inside, q)
        return out, float(np.quantile(values, q))
    whole = _linear_quantile_of(ordered, q)
    counts = np.bincount(index, minlength=n)
    has = counts > 0
    width = int(counts.max())
    offsets = np.cumsum(counts) - counts
    # Stable sorts of interval numbers: small integer types sort by radix, in linear time.
    small = np.int16 if n < 32768 else np.int64
    if n * width <= 4 * values.size + 4096:
        # Values grouped by interval, then one row per interval, padded with +inf at the end
        # and sorted row by row: numpy sorts floats much faster than it argsorts them.
        if (index[1:] >= index[:-1]).all():  # contacts in arrival order: grouped already
            at, grouped = index, values
        else:
            by_interval = np.argsort(index.astype(small), kind="stable")
            at, grouped = index[by_interval], values[by_interval]
        row_starts = np.arange(0, n * width, width)
        flat = np.full(n * width, np.inf)
        flat[np.arange(values.size) + (row_starts - offsets)[at]] = grouped
        flat.reshape(n, width).sort(axis=1)
        out[has] = _linear_quantile(flat, row_starts[has], counts[has], q)
    else:  # a few crowded intervals among many: sort (value, interval) pairs instead
        order = np.argsort(values)
        grouped = values[order][np.argsort(index[order].astype(small), kind="stable")]
        out[has] = _linear_quantile(grouped, offsets[has], counts[has], q)
    return out, whole


def _linear_quantile_of(ordered, q: float, offset: int = 0, count: int | None = None) -> float:
    """np.quantile(x, q) of sorted values x = ordered[offset:offset + count] (at least one;
    all of them by default), numpy's steps (index, gamma, lerp) in Python floats."""
    n = ordered.size - offset if count is None else count
    virtual = (n - 1) * q
    above = virtual >= n - 1
    previous = -1 if above else math.floor(virtual)
    gamma = virtual - previous
    a = float(ordered[offset + (n - 1 if above else previous)])
    b = float(ordered[offset + (n - 1 if above else previous + 1)])
    diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma


def _linear_quantile(ordered, offsets, counts, q):
    """np.quantile(x, q) of each run ordered[offset:offset + count] (sorted, count > 0),
    with numpy's own steps (index, gamma, lerp) so that the values are the same bits."""
    if counts.size <= 32:  # a few runs: plain floats cost less than a dozen numpy calls
        return np.array([_linear_quantile_of(ordered, q, offset, count)
                         for offset, count in zip(offsets.tolist(), counts.tolist(), strict=True)])
    virtual = (counts - 1) * q
    above = virtual >= counts - 1
    previous = np.where(above, -1, np.floor(virtual)).astype(np.intp)
    gamma = virtual - previous
    low = offsets + np.where(above, counts - 1, previous)
    high = offsets + np.where(above, counts - 1, previous + 1)
    a, b = ordered[low], ordered[high]
    diff = b - a
    return np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)


def group_kpis(plan: Plan, rec: Records, g: int, ctx: _Replication | None = None) -> tuple[dict, dict]:
    """Day and per-interval KPIs of agent group *g*."""
    ctx = ctx or _Replication(plan, rec)
    grid = ctx.grid
    gp = plan.agent_groups[g]
    mine = rec.group == g
    # Busy time: calls and emails from the records; chats as the time an agent has any open.
    solo = mine
    chats = channel_types(plan, "chat")
    if chats:
        solo = mine & ~_is_type(rec.ctype, chats, len(plan.contact_types))
    s0 = rec.answer[solo]
    s1 = s0 + rec.handle[solo] + rec.acw[solo]
    if chats and rec.chat_spans is not None:
        s0 = np.concatenate((s0, rec.chat_spans[g][0]))
        s1 = np.concatenate((s1, rec.chat_spans[g][1]))
    busy, busy_win = grid.split(_Spans(s0, s1).area(grid.points))
    busy_day = float(busy_win.sum())
    log_t, log_n = rec.present_log[g]
    levels = (log_n,) if rec.away_log is None else (log_n, rec.away_log[g][0], rec.away_log[g][1])
    areas = [grid.split(a) for a in _step_areas(log_t, levels, grid.points)]
    present, present_win = areas[0]
    present_day = float(present_win.sum())
    # Logged in but away (breaks, aux): paid, not available.
    away, away_day = {}, {}
    for which in (0, 1):
        if rec.away_log is None:
            away[which], away_day[which] = np.zeros(grid.n_int), 0.0
            continue
        away[which] = areas[1 + which][0]
        away_day[which] = float(areas[1 + which][1].sum())
    # Without breaks or aux, paid time is the present time (adding zeros changes no bit).
    paid = present if rec.away_log is None else present + away[0] + away[1]
    paid_day = present_day + away_day[0] + away_day[1]
    per_interval, inside = ctx.started()
    handled = per_interval[g].sum(axis=0).astype(float)
    handled_day = float(inside[g].sum())
    scheduled = np.array(gp.staffing, dtype=float)
    if plan.days > 1:
        scheduled = np.tile(scheduled, plan.days)
    first = grid.first
    scheduled_day = _mean(scheduled[first:]) if first < scheduled.size else NAN
    present_h = present / 3600.0
    intervals = {
        "occupancy": _safe_div(busy, present),
        "utilisation": _safe_div(busy, paid),
        "contacts_per_hour": _safe_div(handled, present_h),
        "handled": handled,
        "agents_present": present / plan.interval_s,
        "agents_scheduled": scheduled,
        "busy_hours": busy / 3600.0,
        "present_hours": present_h,
        "break_hours": away[0] / 3600.0,
        "aux_hours": away[1] / 3600.0,
    }
    day = {
        "occupancy": _div(busy_day, present_day),
        "utilisation": _div(busy_day, paid_day),
        "contacts_per_hour": _div(handled_day, present_day / 3600.0),
        "handled": handled_day,
        "agents_present": present_day / grid.window_s,
        "agents_scheduled": scheduled_day,
        "busy_hours": busy_day / 3600.0,
        "present_hours": present_day / 3600.0,
        "break_hours": away_day[0] / 3600.0,
        "aux_hours": away_day[1] / 3600.0,
    }
    more_day, more_intervals = group_channel_kpis(plan, rec, g, present, present_day, ctx)
    day.update(more_day)
    intervals.update(more_intervals)
    return day, intervals


def _is_type(ctype, types, n_types):
    """Which rows are of one of *types* (a lookup table instead of ``np.isin``)."""
    table = np.zeros(n_types, dtype=bool)
    table[types] = True
    return table[ctype]


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
    ctx = _Replication(plan, rec)
    types, type_intervals = {}, {}
    for ct in plan.contact_types:
        types[ct.name], type_intervals[ct.name] = contact_kpis(plan, rec, ct.index, ctx)
        if rec.journey is not None:
            day, per_interval = journey_kpis(plan, rec, ct.index, ctx)
            types[ct.name].update(day)
            type_intervals[ct.name].update(per_interval)
        if ct.channel == "email":
            day, per_interval = email_kpis(plan, rec, ct.index, ctx)
            types[ct.name].update(day)
            type_intervals[ct.name].update(per_interval)
    groups, group_intervals = {}, {}
    for gp in plan.agent_groups:
        groups[gp.name], group_intervals[gp.name] = group_kpis(plan, rec, gp.index, ctx)
    agents = agent_rows(plan, rec) if rec.agents is not None else None
    return Results(types, groups, total_kpis(plan, types), type_intervals, group_intervals, agents)
