"""Estimates as rows and pandas DataFrames for notebooks (``Estimates.rows``, ``Estimates.to_frame``):
per contact type, group, channel, agent and interval, with 95 % CI columns and real timestamps."""

from __future__ import annotations

import math

import numpy as np

from .estimate import Estimate, number
from .reduce import column_ci
from .view import EstimatesView


def kpi_columns(kpis: dict[str, Estimate]) -> dict[str, float | None]:
    """{kpi: mean, kpi_ci_low: ..., kpi_ci_high: ...} for every KPI (None where undefined)."""
    out: dict[str, float | None] = {}
    for kpi, e in kpis.items():
        out[kpi] = number(e.mean)
        out[f"{kpi}_ci_low"] = None if e.ci95 is None else number(e.ci95[0])
        out[f"{kpi}_ci_high"] = None if e.ci95 is None else number(e.ci95[1])
    return out


FRAME_KINDS = ("contact_types", "groups", "channels", "agents", "intervals", "group_intervals")


def rows(est: EstimatesView, kind: str = "intervals", date=None) -> list[dict]:
    """The rows of ``to_frame(kind)`` as plain dicts (see ``Estimates.rows``)."""
    if kind in ("contact_types", "groups"):
        table = est.contact_types if kind == "contact_types" else est.agent_groups
        key = "contact_type" if kind == "contact_types" else "agent_group"
        named = dict(table)
        if kind == "contact_types":
            named["total"] = est.total
        return [{key: name, **kpi_columns(kpis)} for name, kpis in named.items()]
    if kind == "channels":
        return channel_rows(est)
    if kind == "agents":
        if any(r.agents is None for r in est.replication_results):
            raise ValueError("per-agent rows need per-agent statistics: set statistics.per_agent: true in the "
                             "scenario (or run with --per-agent)")
        return [{"replication": i, **row} for i, r in enumerate(est.replication_results)
                for row in (r.agents or [])]
    if kind in ("intervals", "group_intervals"):
        return interval_frame_rows(est, kind, date)
    raise ValueError(f"unknown kind {kind!r} (expected one of: {', '.join(FRAME_KINDS)})")


def to_frame(est: EstimatesView, kind: str = "intervals", date=None):
    """A pandas DataFrame of ``rows(est, kind, date)`` with timestamps (see ``Estimates.to_frame``)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("to_frame needs pandas: pip install 'ccsim[pandas]' "
                          "(or use .rows(kind), the same rows as dicts)") from None
    frame = pd.DataFrame(rows(est, kind, date))
    for column in ("start", "end"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    return frame


def interval_frame_rows(est: EstimatesView, kind: str, date) -> list[dict]:
    """Rows of ``intervals`` or ``group_intervals``: timestamps from *date* (day 1; default today)."""
    import datetime as dt

    if date is None:
        day1 = dt.date.today()
    elif isinstance(date, str):
        day1 = dt.date.fromisoformat(date)
    else:
        day1 = date
    midnight = dt.datetime.combine(day1, dt.time())
    plan = est.plan
    key, source = (("contact_type", "intervals") if kind == "intervals" else ("agent_group", "group_intervals"))
    per_rep = [getattr(r, source) for r in est.replication_results]
    starts = [plan.clock_start + s for s in plan.interval_starts()]
    n = len(starts)
    days = est.interval_days()
    out = []
    for name in getattr(est, source):
        stats = {}
        for kpi in per_rep[0][name]:
            stack = np.vstack([np.asarray(r[name][kpi], dtype=float) for r in per_rep])[:, :n]
            stats[kpi] = column_ci(stack)
        for j in range(n):
            # Day d's intervals start d - 1 days after day 1's (starts already count the days).
            start = midnight + dt.timedelta(seconds=float(starts[j]))
            row = {"start": start, "end": start + dt.timedelta(seconds=plan.interval_s), "day": days[j], key: name}
            for kpi, (mean, low, high) in stats.items():
                row[kpi] = number(mean[j])
                row[f"{kpi}_ci_low"] = number(low[j])
                row[f"{kpi}_ci_high"] = number(high[j])
            out.append(row)
    return out


def channel_rows(est: EstimatesView) -> list[dict]:
    """One row per channel: counts summed, ratio KPIs as ratios of the summed parts."""
    channels: dict[str, list[str]] = {}
    for ct in est.plan.contact_types:
        channels.setdefault(ct.channel, []).append(ct.name)
    results = est.replication_results
    out = []
    for channel, names in channels.items():
        row: dict[str, object] = {"channel": channel, "contact_types": ", ".join(names)}
        for kpi in ("offered", "answered", "abandoned", "blocked"):
            values = [sum(r.contact_types[n][kpi] for n in names) for r in results]
            row.update(kpi_columns({kpi: Estimate(np.array(values, dtype=float))}))
        for kpi in ("service_level", "abandon_rate", "asa", "mean_wait"):
            if not all(kpi in r.parts.get(n, {}) for r in results for n in names):
                continue
            values = []
            for r in results:
                num = sum(r.parts[n][kpi][0] for n in names)
                den = sum(r.parts[n][kpi][1] for n in names)
                values.append(num / den if den > 0 else math.nan)
            row.update(kpi_columns({kpi: Estimate(np.array(values, dtype=float))}))
        out.append(row)
    return out
