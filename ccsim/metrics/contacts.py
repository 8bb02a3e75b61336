"""KPIs of contact types, per interval and for the day, and their total.

Contacts are counted by the interval in which they *arrived* (contacts in the
system at the horizon end are finished and counted where they arrived);
contacts arriving in the warm-up are left out. Queue length is integrated over
each interval's span and over the days' statistics windows.

* offered = contacts that arrived; offered = answered + abandoned + blocked + waiting
  (+ disconnected at closing); of an outbound type, the calls answered by a party an agent
  talks to (the dialled calls that reached no one are counted by ``outbound``)
* service_level = answered within threshold / (answered + abandoned + disconnected),
  where abandons quicker than ``short_abandon`` are left out of both
* asa = mean wait of answered contacts; wait_p90 = 90th percentile of it
* mean_wait = mean wait of answered and abandoned contacts
* abandon_rate = abandoned / offered; blocked_rate = blocked / offered
* mean_queue, max_queue = time-average and maximum number of contacts waiting
* sl_counted = answered + abandoned - short abandons (the service level's base)
* the field's other definitions, by name: service_level_answered = answered within
  threshold / answered; service_level_offered = answered within threshold /
  offered; p_wait = answered and abandoned contacts that waited at all / answered +
  abandoned

Each type's KPIs come with their ratio parts: for the KPIs that are ratios, the
day's numerator and denominator, from which ``Estimates`` makes the ratio of sums
across replications beside the mean of the days' ratios.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine.records import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CB_ACCEPTED,
    DISCONNECTED,
    MESSAGE,
    NOT_REACHED,
    WAITING,
    Records,
)
from ..plan import DAY_S, Plan
from .replication import NAN, Replication, TypeKpis, div, grouped_mean, mean_of, safe_div
from .service_level import counted as counts_in_base
from .service_level import in_time, short_abandon, wait_edges, within_counts
from .timeline import max_in_windows, queue_profile

# KPIs added beside the foundation's (other definitions by name): last in a type's KPIs.
NAMED_DEFINITIONS = ("service_level_answered", "service_level_offered", "p_wait")


def contact_kpis(plan: Plan, rec: Records, k: int, ctx: Replication | None = None) -> TypeKpis:
    """Day and per-interval KPIs of contact type *k*, its waiting-time histogram and ratio parts."""
    ctx = ctx or Replication(plan, rec)
    grid = ctx.grid
    ct = plan.contact_types[k]
    n_int = grid.n_int
    arrival = ctx.pick(rec.arrival, k)
    outcome = ctx.pick(rec.outcome, k)
    wait = ctx.pick(ctx.wait, k)
    handle = ctx.pick(rec.handle, k)
    interval = ctx.pick(ctx.arrival_interval, k)

    counted = counts_in_base(plan, arrival)
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
    is_within = is_inbound & in_time(ct, wait)
    is_short = is_abandoned & short_abandon(ct, wait)

    # Every count per interval from one bincount: each contact falls in exactly one class,
    # 2 x (3 x outcome + sub-class) + waited (answered: 0 callback, 1 inbound, 2 inbound within
    # threshold; abandoned: 0, 1 short; waited: wait > 0), so the counts are sums of one
    # (interval, class, waited) table.
    n_cls = 3 * max(int(outcome.max()) + 1 if outcome.size else 0, BLOCKED + 1)
    # Classes in small integers while they fit (outcome codes are int8): numpy adds and
    # multiplies int8 arrays several times faster than int64 ones.
    small = np.int8 if 2 * n_cls <= 127 else np.int64
    cls = (outcome.astype(small, copy=False) * 3 + is_inbound + is_within + is_short) * 2 + (wait > 0)
    flat = interval * (2 * n_cls) + cls
    table = np.bincount(flat if counted is None else flat[counted],
                        minlength=n_int * 2 * n_cls).reshape(n_int, n_cls, 2)
    # (class, interval) counts as floats: whole numbers, so every sum below is exact.
    waited = table[:, :, 1]
    counts = (table[:, :, 0] + waited).T.astype(float)
    waited = waited.T.astype(float)
    a, b = 3 * ANSWERED, 3 * ABANDONED
    inbound_i = counts[a + 1] + counts[a + 2]
    answered_i = inbound_i + counts[a]
    abandoned_i = counts[b] + counts[b + 1]
    short_i = counts[b + 1]
    offered_i = counts.sum(axis=0)
    # Outbound calls that reached no one an agent talks to were dialled, not offered (see outbound).
    nr = 3 * NOT_REACHED
    if counts.shape[0] > nr:
        offered_i = offered_i - counts[nr]
    blocked_i = counts[3 * BLOCKED]
    waiting_i = counts[3 * WAITING]
    # Disconnected at closing (at_closing: disconnect): unserved, so in the service level's base.
    d = 3 * DISCONNECTED
    disconnected_i = counts[d] if counts.shape[0] > d else np.zeros(n_int)
    within_i = counts[a + 2]
    # Messages left at the voicemail limit (voicemail.after): unserved, so in the base too.
    m = 3 * MESSAGE
    messages_i = counts[m] if counts.shape[0] > m else np.zeros(n_int)
    sl_base_i = inbound_i + abandoned_i - short_i + disconnected_i + messages_i
    waited_i = waited[a + 1] + waited[a + 2] + waited[b] + waited[b + 1]  # answered from the queue, abandoned

    # Queue length over time, from every contact of the type (warm-up ones too).
    # Contacts still waiting when the run ends stay in the queue to the end of the window.
    last_open = (plan.days - 1) * DAY_S + plan.horizon_s
    # Callers on hold only: customers waiting for a callback are not in the inbound queue.
    on_hold = wait if rec.journey is None else np.where(accepted, 0.0, wait)
    spans, q_times, q_levels = queue_profile(ctx.pick(rec.entry, k), on_hold, max(rec.end_s, last_open))
    queue_i, queue_day = grid.split(spans.area(grid.points))
    mean_queue_i = queue_i / plan.interval_s
    window_area = float(queue_day.sum())
    max_i = max_in_windows(q_times, q_levels, grid.window_lows, grid.window_highs)
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
    handled_at = interval[handled]
    handled_i = inbound_i + abandoned_i
    answered_handle = handle[answered]
    ordered = np.sort(ans_waits)
    wait_p90_i, wait_p90 = _interval_quantile(ans_waits, ans_at, n_int, 0.9, ordered)
    intervals = {
        "offered": offered_i,
        "answered": answered_i,
        "abandoned": abandoned_i,
        "blocked": blocked_i,
        "waiting_at_end": waiting_i,
        "service_level": safe_div(within_i, sl_base_i),
        "asa": grouped_mean(ans_waits, ans_at, n_int, inbound_i),
        "mean_wait": grouped_mean(handled_waits, handled_at, n_int, handled_i),
        "wait_p90": wait_p90_i,
        "abandon_rate": safe_div(abandoned_i, offered_i),
        "blocked_rate": safe_div(blocked_i, offered_i),
        "mean_queue": mean_queue_i,
        "max_queue": max_queue_i,
        "aht": grouped_mean(answered_handle, interval[answered], n_int, answered_i),
        "answered_within_threshold": within_i,
        "sl_counted": sl_base_i,
        "service_level_answered": safe_div(within_i, inbound_i),
        "service_level_offered": safe_div(within_i, offered_i),
        "p_wait": safe_div(waited_i, handled_i),
    }
    # Day counts are sums of the interval counts (whole numbers: exact in any order).
    total = counts.sum(axis=1).tolist()
    n_off = float(sum(total)) - (total[nr] if len(total) > nr else 0.0)
    n_ans = total[a] + total[a + 1] + total[a + 2]
    n_ab = total[b] + total[b + 1]
    n_blocked = total[3 * BLOCKED]
    n_within = total[a + 2]
    n_inbound = total[a + 1] + total[a + 2]
    n_disconnected = total[d] if len(total) > d else 0.0
    n_messages = total[m] if len(total) > m else 0.0
    sl_base = n_inbound + n_ab - total[b + 1] + n_disconnected + n_messages
    n_waited = float(waited_i.sum())
    # Sums of waits as mean_of makes them (numpy's pairwise sum): the means below, and their parts.
    wait_sum = float(np.add.reduce(ans_waits))
    handled_sum = float(np.add.reduce(handled_waits))
    day = {
        "offered": n_off,
        "answered": n_ans,
        "abandoned": n_ab,
        "blocked": n_blocked,
        "waiting_at_end": total[3 * WAITING],
        "service_level": div(n_within, sl_base),
        "asa": wait_sum / ans_waits.size if ans_waits.size else NAN,
        "mean_wait": handled_sum / handled_waits.size if handled_waits.size else NAN,
        "wait_p90": wait_p90,
        "abandon_rate": div(n_ab, n_off),
        "blocked_rate": div(n_blocked, n_off),
        "mean_queue": window_area / grid.window_s,
        "max_queue": day_max,
        "aht": mean_of(answered_handle) if n_ans else NAN,
        "answered_within_threshold": n_within,
        "sl_counted": sl_base,
        "service_level_answered": div(n_within, n_inbound),
        "service_level_offered": div(n_within, n_off),
        "p_wait": div(n_waited, float(handled_waits.size)),
    }
    parts = {
        "service_level": (n_within, sl_base),
        "service_level_answered": (n_within, n_inbound),
        "service_level_offered": (n_within, n_off),
        "abandon_rate": (n_ab, n_off),
        "asa": (wait_sum, float(ans_waits.size)),
        "mean_wait": (handled_sum, float(handled_waits.size)),
        "p_wait": (n_waited, float(handled_waits.size)),
    }
    if any(np.isfinite(t.voicemail_s) for t in plan.contact_types):  # only where a scenario uses it
        intervals["messages"] = messages_i
        day["messages"] = n_messages
    if any(t.disconnect_at_closing for t in plan.contact_types):  # only where a scenario uses it
        intervals["disconnected"] = disconnected_i
        day["disconnected"] = n_disconnected
    # The waits in time at each point of the grid (the threshold is one of them).
    return TypeKpis(day, intervals, within_counts(ordered, wait_edges(ct)), parts)


def _interval_quantile(values, index, n, q, ordered=None):
    """Quantile *q* of the values of each interval and of all of them: numpy's 'linear'
    rule (``np.quantile``'s default), from sorted values instead of one ``np.quantile``
    per interval. ordered: the values sorted, when the caller has them."""
    out = np.full(n, np.nan)
    if values.size == 0:
        return out, NAN
    if ordered is None:
        ordered = np.sort(values)
    if n == 1 and not np.isnan(ordered[-1]):  # one interval: its quantile is the day's, the same steps
        whole = _linear_quantile_of(ordered, q)
        out[0] = whole
        return out, whole
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



def total_kpis(plan: Plan, days: dict[str, dict], parts: dict[str, dict] | None = None) -> dict:
    """All contact types together; service level uses each type's own threshold.

    Emails (answered in hours, never abandoned) are left out of the total when the
    scenario also has calls or chats: they are reported on their own.
    parts: each type's ratio parts ({type: {KPI: (numerator, denominator)}}, as
    ``contact_kpis`` returns them); without them the field's other definitions
    (``TOTAL_NAMED``) are nan.
    """
    return total_with_parts(plan, days, parts)[0]


# The field's other definitions in the total: each is the sum of the types' numerators over
# the sum of their denominators, as the service level is (within / sl_counted summed).
TOTAL_NAMED = NAMED_DEFINITIONS


def total_with_parts(plan: Plan, days: dict[str, dict],
                     parts: dict[str, dict] | None = None) -> tuple[dict, dict]:
    """``total_kpis`` and the ratio parts of its service levels, abandonment and P(wait > 0)."""
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
    out = {
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
    if any(t.disconnect_at_closing for t in plan.contact_types):
        out["disconnected"] = total("disconnected")
    if any(np.isfinite(t.voicemail_s) for t in plan.contact_types):
        out["messages"] = total("messages")
    total_parts = {"service_level": (within, sl_base), "abandon_rate": (abandoned, offered)}
    for key in TOTAL_NAMED:
        if parts is None:
            out[key] = NAN
            continue
        num = float(sum(parts[name][key][0] for name in days))
        den = float(sum(parts[name][key][1] for name in days))
        out[key] = div(num, den)
        total_parts[key] = (num, den)
    return out, total_parts
