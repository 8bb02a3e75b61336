"""One replication's KPIs: ``Results``, and ``compute_results`` that makes them from records."""

from __future__ import annotations

import numpy as np

from ..engine.records import Records
from ..plan import Plan
from .channels import agent_rows, email_kpis
from .contacts import NAMED_DEFINITIONS, contact_kpis, total_with_parts
from .groups import group_kpis
from .journeys import journey_kpis
from .outbound import outbound_kpis
from .replication import Replication
from .transfers import transfer_kpis


class Results:
    """KPIs of one replication (one simulated day).

    ``contact_types[name][kpi]`` and ``agent_groups[name][kpi]`` are floats for
    the day; ``intervals[name][kpi]`` and ``group_intervals[name][kpi]`` are
    arrays with one value per interval; ``total[kpi]`` sums all contact types.
    ``waits[name]``: the contact type's waiting-time histogram, for each wait t of
    ``service_level.wait_edges`` the contacts in time had t been the threshold (its
    ``threshold_index`` entry is ``answered_within_threshold``; divide by ``sl_counted``
    for the share). ``parts[name][kpi]`` (``name`` a contact type or ``"total"``): the
    day's (numerator, denominator) of the ratio KPIs, for ratio-of-sums estimates.
    """

    __slots__ = ("contact_types", "agent_groups", "total", "intervals", "group_intervals", "agents", "waits",
                 "parts")

    def __init__(self, contact_types, agent_groups, total, intervals, group_intervals, agents=None, waits=None,
                 parts=None):
        self.contact_types: dict[str, dict[str, float]] = contact_types
        self.agent_groups: dict[str, dict[str, float]] = agent_groups
        self.total: dict[str, float] = total
        self.intervals: dict[str, dict[str, np.ndarray]] = intervals
        self.group_intervals: dict[str, dict[str, np.ndarray]] = group_intervals
        # With per-agent statistics: one row per agent (see channels.agent_rows).
        self.agents: list[dict] | None = agents
        self.waits: dict[str, np.ndarray] = waits if waits is not None else {}
        self.parts: dict[str, dict[str, tuple[float, float]]] = parts if parts is not None else {}

    def __reduce__(self):
        # Sent between processes once per replication: each name's interval arrays travel
        # as one matrix (pickling many small arrays costs more than computing them).
        return (_unpacked_results, (self.contact_types, self.agent_groups, self.total, _pack(self.intervals),
                                    _pack(self.group_intervals), self.agents, self.waits,
                                    self.parts))


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


def _unpacked_results(contact_types, agent_groups, total, intervals, group_intervals, agents, waits,
                      parts) -> Results:
    def unpack(tables):
        return {name: dict(zip(v[0], v[1], strict=True)) if isinstance(v, tuple) else v
                for name, v in tables.items()}

    return Results(contact_types, agent_groups, total, unpack(intervals), unpack(group_intervals), agents, waits,
                   parts)


def compute_results(plan: Plan, rec: Records) -> Results:
    """Every KPI of one replication."""
    ctx = Replication(plan, rec)
    types, type_intervals, waits, parts = {}, {}, {}, {}
    for ct in plan.contact_types:
        name = ct.name
        day, per_interval, waits[name], parts[name] = contact_kpis(plan, rec, ct.index, ctx)
        types[name], type_intervals[name] = day, per_interval
        if rec.journey is not None and ct.outbound is None:  # dialled calls have no caller journey
            more_day, more_intervals = journey_kpis(plan, rec, ct.index, ctx)
            day.update(more_day)
            per_interval.update(more_intervals)
        if ct.outbound is not None:
            more_day, more_intervals, more_parts = outbound_kpis(plan, rec, ct.index, ctx)
            day.update(more_day)
            per_interval.update(more_intervals)
            parts[name].update(more_parts)
        if rec.transfers is not None:
            more_day, more_intervals = transfer_kpis(plan, rec, ct.index, ctx)
            day.update(more_day)
            per_interval.update(more_intervals)
        if ct.channel == "email":
            email = email_kpis(plan, rec, ct.index, ctx)
            day.update(email.day)
            per_interval.update(email.intervals)
            waits[name] = email.waits
            parts[name].update(email.parts)
        # The field's other definitions come last (after journeys' and emails' KPIs).
        for key in NAMED_DEFINITIONS:
            day[key] = day.pop(key)
            per_interval[key] = per_interval.pop(key)
    groups, group_intervals = {}, {}
    for gp in plan.agent_groups:
        groups[gp.name], group_intervals[gp.name] = group_kpis(plan, rec, gp.index, ctx)
    agents = agent_rows(plan, rec) if rec.agents is not None else None
    total, parts["total"] = total_with_parts(plan, types, parts)
    return Results(types, groups, total, type_intervals, group_intervals, agents, waits, parts)
