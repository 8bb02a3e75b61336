"""Time on the plan's grid: intervals, statistics windows, and areas under step functions.

Time-based KPIs (queue length, agents present, busy time) are integrals over each
interval's span and over the days' statistics windows ([warm-up end, horizon end]);
the functions here compute them from sorted spans and step functions with prefix
sums, for all interval and window bounds at once.
"""

from __future__ import annotations

import numpy as np

from ..plan import DAY_S, Plan


def overlap_area(starts: np.ndarray, ends: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each point b: sum over spans [s, e) of the length of [s, e) ∩ [0, b).

    Uses min(b - s, e - s)^+ = (b - s)^+ - (b - e)^+ with sorted prefix sums:
    O(n log n) instead of a span-by-point matrix.
    """
    return Spans(starts, ends).area(points)


class Spans:
    """Spans [s, e) sorted once, with their prefix sums, for ``overlap_area`` at many points."""

    __slots__ = ("s", "e", "cs", "ce")

    def __init__(self, starts, ends):
        self.s = np.sort(starts)
        self.e = np.sort(ends)
        self.cs = prefix_sums(self.s)
        self.ce = prefix_sums(self.e)

    def area(self, points):
        ns = np.searchsorted(self.s, points, side="left")
        ne = np.searchsorted(self.e, points, side="left")
        return (ns * points - self.cs[ns]) - (ne * points - self.ce[ne])


def prefix_sums(x: np.ndarray) -> np.ndarray:
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
    return step_areas(times, (levels,), points)[0]


def step_areas(times, levels_list, points) -> list[np.ndarray]:
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
        cum = prefix_sums(levels[:-1] * steps)
        area = cum[safe] + levels[safe] * since
        # Before the first time the function is 0; from 0 to t[0] nothing is added either.
        out.append(np.where(inside, area, 0.0))
    return out


def queue_profile(entry, wait, end_s):
    """Spans in queue of the contacts that waited, and the queue length after each event
    (event times sorted, departures first at equal times)."""
    waited = wait > 0
    enter = entry[waited]
    spans = Spans(enter, np.minimum(enter + wait[waited], end_s))
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


def max_in_windows(times, levels, lows, highs):
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


class Grid:
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


_GRIDS: dict[tuple, Grid] = {}


def grid_of(plan: Plan) -> Grid:
    # Keyed by the values the grid is made of (not by the plan object), so a plan changed
    # or rebuilt never meets a stale grid.
    windows = plan.open_windows()
    key = (plan.days, plan.n_intervals, plan.interval_s, plan.horizon_s, plan.warmup_s, tuple(windows))
    grid = _GRIDS.get(key)
    if grid is None:
        if len(_GRIDS) >= 64:
            _GRIDS.clear()
        grid = _GRIDS[key] = Grid(plan, windows)
    return grid



def opening_time(plan: Plan, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """Seconds of each [t0, t1) that fall in the centre's opening hours (each day's horizon,
    or the calendar's hours of its open days)."""
    total = np.zeros(np.size(t0))
    for low, high in plan.business_windows():
        total += np.clip(np.minimum(t1, high) - np.maximum(t0, low), 0.0, None)
    return total
