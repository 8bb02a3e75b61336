"""Build: a validated ``Scenario`` -> a ``Plan`` of plain objects for the engine.

No pydantic past this point. Times are seconds from the horizon start
(simulation time 0); rates are contacts per second per interval.
"""

from __future__ import annotations

import numpy as np

from .sampling import Sampler, sampler_for
from .scenario import Scenario


class ContactTypePlan:
    """What the engine needs to know about one contact type (queue)."""

    __slots__ = (
        "name", "index", "rates", "forecast_cv", "handle", "after_call_work", "patience",
        "sl_target", "sl_threshold", "short_abandon", "lines", "group_indices",
    )

    def __init__(self, name, index, rates, forecast_cv, handle, after_call_work, patience,
                 sl_target, sl_threshold, short_abandon, lines):
        self.name: str = name
        self.index: int = index
        self.rates: np.ndarray = rates  # contacts per second, one per interval
        self.forecast_cv: float = forecast_cv
        self.handle: Sampler = handle
        self.after_call_work: Sampler | None = after_call_work
        self.patience: Sampler = patience
        self.sl_target: float = sl_target
        self.sl_threshold: float = sl_threshold
        self.short_abandon: float = short_abandon
        self.lines: int = lines  # 0 = unlimited
        self.group_indices: list[int] = []


class AgentGroupPlan:
    """A group of identical agents: skills in priority order, headcount per interval."""

    __slots__ = ("name", "index", "skill_indices", "staffing")

    def __init__(self, name, index, skill_indices, staffing):
        self.name: str = name
        self.index: int = index
        self.skill_indices: list[int] = skill_indices
        self.staffing: list[int] = staffing


class Plan:
    """Everything one replication needs, free of validation machinery."""

    __slots__ = (
        "name", "seed", "replications", "clock_start", "horizon_s", "interval_s",
        "n_intervals", "warmup_s", "contact_types", "agent_groups",
    )

    def __init__(self, **values):
        for key, value in values.items():
            setattr(self, key, value)

    def interval_starts(self) -> np.ndarray:
        """Start of each interval in simulation seconds (0 = horizon start)."""
        return np.arange(self.n_intervals) * self.interval_s


def _rates(spec, n: int, interval_s: float) -> np.ndarray:
    if spec.rate is not None:
        return np.full(n, spec.rate)
    if spec.per_interval is not None:
        return np.asarray(spec.per_interval, dtype=float) / interval_s
    weights = np.asarray(spec.profile, dtype=float)
    return spec.volume * weights / weights.sum() / interval_s


def build_plan(scenario: Scenario) -> Plan:
    """Turn a validated scenario into the engine's plan."""
    h = scenario.horizon
    n = h.n_intervals
    names = list(scenario.contact_types)
    types = []
    for index, (name, ct) in enumerate(scenario.contact_types.items()):
        sl = ct.service_level
        types.append(ContactTypePlan(
            name=name, index=index, rates=_rates(ct.arrivals, n, h.interval),
            forecast_cv=ct.arrivals.forecast_error,
            handle=sampler_for(ct.handle_time),
            after_call_work=sampler_for(ct.after_call_work) if ct.after_call_work else None,
            patience=sampler_for(ct.patience),
            sl_target=sl.target, sl_threshold=sl.threshold, short_abandon=sl.short_abandon,
            lines=ct.lines or 0,
        ))
    groups = []
    for index, (name, g) in enumerate(scenario.agent_groups.items()):
        skills = [names.index(skill) for skill in g.skills]
        staffing = [g.staffing_at(i) for i in range(n)]
        groups.append(AgentGroupPlan(name, index, skills, staffing))
        for k in skills:
            types[k].group_indices.append(index)
    return Plan(
        name=scenario.name, seed=scenario.seed, replications=scenario.replications,
        clock_start=h.start, horizon_s=h.length_s, interval_s=h.interval, n_intervals=n,
        warmup_s=h.warmup, contact_types=types, agent_groups=groups,
    )
