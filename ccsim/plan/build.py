"""Build: a validated ``Scenario`` -> the engine's ``Plan``, in one go.

Every value is computed before the frozen plan objects are made (see ``model``);
``build_plan(scenario, seed)`` gives the same scenario another root seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..scenario import Scenario
from ..scenario.schema import ArrivalsSpec
from .calendar import build_calendar
from .model import AgentGroupPlan, ContactTypePlan, JourneyPlan, Plan, ShiftPlan, scheduled_from_shifts
from .outbound import outbound_plan
from .sampling import sampler_for
from .transfers import transfer_rules


def profile_volumes(volume: float, profile) -> np.ndarray:
    """Expected contacts per interval: *volume* spread by relative weights (weights so large
    that their sum overflows are scaled down first; ordinary ones give volume * w / sum(w))."""
    weights = np.asarray(profile, dtype=float)
    total = weights.sum()
    if not np.isfinite(total):
        weights = weights / weights.max()
        total = weights.sum()
    return volume * weights / total


def _rates(spec: ArrivalsSpec, n: int, interval_s: float) -> np.ndarray:
    if spec.rate is not None:
        rates = np.full(n, spec.rate)
    elif spec.per_interval is not None:
        rates = np.asarray(spec.per_interval, dtype=float) / interval_s
    else:
        assert spec.volume is not None and spec.profile is not None  # the third form: volume and profile
        rates = profile_volumes(spec.volume, spec.profile) / interval_s
    rates.flags.writeable = False
    return rates


def build_plan(scenario: Scenario, seed: int | None = None) -> Plan:
    """Turn a validated scenario into the engine's plan.

    seed: root seed of the plan's random streams (default: the scenario's ``seed``).
    """
    h = scenario.horizon
    n = h.n_intervals
    names = list(scenario.contact_types)
    specs = list(scenario.agent_groups.values())

    # Skills and routing of the groups first: the types need to know who serves them.
    skills = [tuple(names.index(skill) for skill in g.skills) for g in specs]
    levels = [tuple(g.level(skill) for skill in g.skills) for g in specs]
    serving: list[list[int]] = [[] for _ in names]
    for i, ks in enumerate(skills):
        for k in ks:
            serving[k].append(i)
    delays = [[0.0] * len(ks) for ks in skills]
    if scenario.routing == "overflow":
        # A group waits before taking a skill it has at a worse level than the best group's.
        for k, (tname, ct) in enumerate(scenario.contact_types.items()):
            best = min(levels[i][skills[i].index(k)] for i in serving[k])
            for i in serving[k]:
                j = skills[i].index(k)
                if tname in specs[i].overflow_after:
                    delays[i][j] = specs[i].overflow_after[tname]
                elif levels[i][j] > best:
                    delays[i][j] = ct.overflow_after or 0.0

    # Trunk-line pools: the shared ones as named, then one per type with a limit of its own.
    pool_names = list(scenario.lines)
    pools = list(scenario.lines.values())
    line_pool = []
    for name, ct in scenario.contact_types.items():
        if isinstance(ct.lines, str):
            line_pool.append(pool_names.index(ct.lines))
        elif ct.lines:
            line_pool.append(len(pools))
            pool_names.append(name)
            pools.append(ct.lines)
        else:
            line_pool.append(-1)

    types = []
    for index, (name, ct) in enumerate(scenario.contact_types.items()):
        sl = ct.service_level
        journey = JourneyPlan.of(ct, names, h.interval)
        types.append(ContactTypePlan(
            name=name, index=index, rates=_rates(ct.arrivals, n, h.interval),
            forecast_cv=ct.arrivals.forecast_error,
            handle=sampler_for(ct.handle_time, h.interval),
            after_call_work=sampler_for(ct.after_call_work, h.interval) if ct.after_call_work else None,
            patience=sampler_for(ct.patience, h.interval),
            sl_target=sl.target, sl_threshold=sl.threshold, short_abandon=sl.short_abandon,
            lines=pools[line_pool[index]] if line_pool[index] >= 0 else 0, line_pool=line_pool[index],
            group_indices=tuple(serving[index]),
            journey=journey if journey.active else None,
            channel=ct.channel, concurrency=ct.concurrency or 1, slowdown=tuple(ct.slowdown()),
            priority_boost=ct.priority_boost, agent_selection=ct.agent_selection,
            disconnect_at_closing=ct.at_closing == "disconnect",
            sl_opening_hours=sl.opening_hours_only,
            overnight=ct.arrivals.overnight,
            busyness=-1 if ct.arrivals.busyness is None else list(scenario.busyness).index(ct.arrivals.busyness),
            line_hold=ct.line_hold,
            voicemail_s=ct.voicemail.after if ct.voicemail is not None else float("inf"),
            group_rank=tuple(ct.group_rank.get(gname, levels[i][skills[i].index(index)])
                             for i, gname in ((i, list(scenario.agent_groups)[i]) for i in serving[index])),
            transfers=transfer_rules(ct, names, list(scenario.agent_groups)),
            outbound=None if ct.dialer is None else outbound_plan(
                ct.dialer, serving[index], list(scenario.agent_groups), h.start, h.length_s, n, h.interval),
        ))

    groups = []
    for index, (name, g) in enumerate(scenario.agent_groups.items()):
        shifts = None
        staffing: Sequence[float]
        if g.shifts is not None:
            clipped = [(max(0.0, sh.start - h.start), min(h.length_s, sh.end - h.start), sh) for sh in g.shifts]
            shifts = tuple(
                ShiftPlan(start_s, end_s, sh.headcount,
                          tuple((b.earliest() - h.start, b.latest() - h.start, b.length) for b in sh.breaks))
                for start_s, end_s, sh in clipped if end_s > start_s
            )
            staffing = scheduled_from_shifts(shifts, n, h.interval)
        else:
            staffing = [g.staffing_at(i) for i in range(n)]
        groups.append(AgentGroupPlan(
            name=name, index=index, skill_indices=skills[index], staffing=tuple(staffing),
            resolution_factor=g.resolution_factor, shifts=shifts, absenteeism=g.absenteeism, aux=g.aux,
            levels=levels[index],
            factor=tuple(g.handle_time_factor.get(skill, 1.0) for skill in g.skills),
            reserve=tuple(g.reserve.get(skill, 0) for skill in g.skills),
            delay=tuple(delays[index]), voice_with_chat=g.voice_with_chat,
            contact_selection=g.contact_selection,
            wait_weights=tuple(g.wait_weights.get(skill, 1.0) for skill in g.skills),
        ))

    return Plan(
        name=scenario.name, seed=scenario.seed if seed is None else int(seed), replications=scenario.replications,
        clock_start=h.start, horizon_s=h.length_s, interval_s=h.interval, n_intervals=n,
        warmup_s=h.warmup, contact_types=tuple(types), agent_groups=tuple(groups), days=h.days,
        routing=scenario.routing, per_agent=scenario.statistics.per_agent,
        occupancy_after_closing=scenario.statistics.occupancy_after_closing,
        line_pools=tuple(pools), line_pool_names=tuple(pool_names),
        busyness_cv=tuple(scenario.busyness.values()), busyness_names=tuple(scenario.busyness),
        calendar=build_calendar(h),
    )
