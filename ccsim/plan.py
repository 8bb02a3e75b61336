"""Build: a validated ``Scenario`` -> a ``Plan`` of plain objects for the engine.

No pydantic past this point. Times are seconds from the horizon start
(simulation time 0); rates are contacts per second per interval.
"""

from __future__ import annotations

import numpy as np

from .sampling import Sampler, sampler_for
from .scenario import Scenario

DAY_S = 86400.0


class ContactTypePlan:
    """What the engine needs to know about one contact type (queue)."""

    __slots__ = (
        "name", "index", "rates", "forecast_cv", "handle", "after_call_work", "patience",
        "sl_target", "sl_threshold", "short_abandon", "lines", "group_indices", "journey",
        "channel", "concurrency", "slowdown", "priority_boost", "sl_opening_hours", "overnight",
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
        self.journey: JourneyPlan | None = None  # None when no journey feature is on
        self.channel: str = "voice"  # voice, chat or email
        self.concurrency: int = 1  # chats an agent may hold at once (chat)
        self.slowdown: list[float] = [1.0]  # handle-time multiplier with 1, 2, ... chats open
        self.priority_boost: float = 0.0  # s of head start in a shared queue discipline
        self.sl_opening_hours: bool = False  # emails: the threshold counts opening hours only
        self.overnight: float = 0.0  # emails: expected arrivals while closed, before each opening


class JourneyPlan:
    """A contact type's caller-journey behaviour (None fields = switched off)."""

    __slots__ = (
        "ivr_time", "self_service", "balk_over", "balk_p", "retrial_p", "retrial_delay",
        "retrial_max", "fcr", "repeat_p", "repeat_delay", "repeat_as", "repeat_max",
        "callback_over", "callback_accept", "callback_reach", "callback_handle", "dial_time",
        "callback_scheduled", "callback_window",
        "conversion_p", "conversion_slope", "rating", "predictor",
    )

    def __init__(self, ct, names: list[str]):
        self.ivr_time = sampler_for(ct.ivr.time) if ct.ivr else None
        self.self_service = ct.ivr.self_service if ct.ivr else 0.0
        self.balk_over = ct.balking.when_expected_wait_over if ct.balking else None
        self.balk_p = ct.balking.probability if ct.balking else 0.0
        r = ct.retrial
        self.retrial_p = r.probability if r else 0.0
        self.retrial_delay = sampler_for(r.delay) if r else None
        self.retrial_max = r.max_attempts if r else 1
        res = ct.resolution
        self.fcr = res.first_contact if res else None  # None: resolution not modelled
        rep = res.repeat if res else None
        self.repeat_p = rep.probability if rep else 0.0
        self.repeat_delay = sampler_for(rep.delay) if rep else None
        self.repeat_as = names.index(rep.as_) if rep and rep.as_ else None
        self.repeat_max = rep.max_contacts if rep else 1
        cb = ct.callback
        self.callback_over = cb.offer_when_expected_wait_over if cb else None
        self.callback_accept = cb.accept_probability if cb else 0.0
        self.callback_reach = cb.reach_probability if cb else 1.0
        self.callback_handle = sampler_for(cb.handle_time or ct.handle_time) if cb else None
        self.dial_time = cb.dial_time if cb else 0.0
        self.callback_scheduled = bool(cb and cb.mode == "scheduled")
        self.callback_window = cb.window if cb else 0.0
        self.conversion_p = ct.conversion.probability if ct.conversion else None
        self.conversion_slope = ct.conversion.per_minute_waited if ct.conversion else 0.0
        self.rating = ct.rating
        self.predictor = ct.wait_predictor

    @property
    def active(self) -> bool:
        """True when any journey feature changes what happens to a contact."""
        return any((self.ivr_time is not None, self.balk_over is not None, self.retrial_p > 0,
                    self.fcr is not None, self.callback_over is not None,
                    self.conversion_p is not None, self.rating is not None))


class ShiftPlan:
    """A shift in simulation seconds from the horizon start (clipped to the horizon)."""

    __slots__ = ("start_s", "end_s", "headcount", "breaks")

    def __init__(self, start_s, end_s, headcount, breaks):
        self.start_s: float = start_s
        self.end_s: float = end_s
        self.headcount: int = headcount
        self.breaks: list[tuple[float, float, float]] = breaks  # (earliest, latest, length) s

    def break_starts(self, agent: int) -> list[tuple[float, float]]:
        """(planned start, length) of each break of agent number *agent*: staggered evenly."""
        out = []
        for earliest, latest, length in self.breaks:
            share = (agent + 0.5) / self.headcount if self.headcount else 0.5
            out.append((earliest + share * (latest - earliest), length))
        return out


def _overlap(a0, a1, b0, b1) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def scheduled_from_shifts(shifts: list[ShiftPlan], n: int, interval_s: float) -> list[float]:
    """Agents on shift and not on a planned break, time-averaged per interval."""
    out = []
    for i in range(n):
        lo, hi = i * interval_s, (i + 1) * interval_s
        total = 0.0
        for sh in shifts:
            on = _overlap(sh.start_s, sh.end_s, lo, hi) * sh.headcount
            for agent in range(sh.headcount) if sh.breaks else ():
                for start, length in sh.break_starts(agent):
                    on -= _overlap(start, start + length, lo, hi)
            total += on
        out.append(total / interval_s)
    return out


class AgentGroupPlan:
    """A group of identical agents: skills in priority order, headcount per interval
    (or a roster of shifts), absenteeism and aux time."""

    __slots__ = ("name", "index", "skill_indices", "staffing", "resolution_factor", "shifts",
                 "absenteeism", "aux", "levels", "factor", "reserve", "delay", "voice_with_chat")

    def __init__(self, name, index, skill_indices, staffing, resolution_factor=1.0, shifts=None,
                 absenteeism=0.0, aux=0.0):
        self.resolution_factor: float = resolution_factor
        self.shifts: list[ShiftPlan] | None = shifts  # None: agents per interval from `staffing`
        self.absenteeism: float = absenteeism
        self.aux: float = aux
        self.name: str = name
        self.index: int = index
        self.skill_indices: list[int] = skill_indices
        self.staffing: list[int] = staffing
        # Routing, per skill in skill_indices order: level (1 = preferred), handle-time factor,
        # agents reserved, wait before this group may take the contact (overflow).
        self.levels: list[int] = list(range(1, len(skill_indices) + 1))
        self.factor: list[float] = [1.0] * len(skill_indices)
        self.reserve: list[int] = [0] * len(skill_indices)
        self.delay: list[float] = [0.0] * len(skill_indices)
        self.voice_with_chat: bool = False


class Plan:
    """Everything one replication needs, free of validation machinery."""

    __slots__ = (
        "name", "seed", "replications", "clock_start", "horizon_s", "interval_s",
        "n_intervals", "warmup_s", "contact_types", "agent_groups", "days", "routing", "per_agent",
    )

    def __init__(self, **values):
        for key, value in values.items():
            setattr(self, key, value)

    def interval_starts(self) -> np.ndarray:
        """Start of each interval of every day in simulation seconds (0 = first day's start).

        Day d's horizon starts at d x 86400 s; the array has n_intervals x days entries.
        """
        one_day = np.arange(self.n_intervals) * self.interval_s
        return np.concatenate([d * DAY_S + one_day for d in range(self.days)])

    def open_windows(self) -> list[tuple[float, float]]:
        """[start, end) of each day's horizon, the first day's warm-up left out."""
        return [(d * DAY_S + (self.warmup_s if d == 0 else 0.0), d * DAY_S + self.horizon_s)
                for d in range(self.days)]


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
        types[-1].channel = ct.channel
        types[-1].concurrency = ct.concurrency or 1
        types[-1].slowdown = ct.slowdown()
        types[-1].priority_boost = ct.priority_boost
        types[-1].sl_opening_hours = sl.opening_hours_only
        types[-1].overnight = ct.arrivals.overnight
        journey = JourneyPlan(ct, names)
        types[-1].journey = journey if journey.active else None
    groups = []
    for index, (name, g) in enumerate(scenario.agent_groups.items()):
        skills = [names.index(skill) for skill in g.skills]
        shifts = None
        if g.shifts is not None:
            shifts = [
                ShiftPlan(max(0.0, sh.start - h.start), min(h.length_s, sh.end - h.start), sh.headcount,
                          [(b.earliest() - h.start, b.latest() - h.start, b.length) for b in sh.breaks])
                for sh in g.shifts
            ]
            shifts = [sh for sh in shifts if sh.end_s > sh.start_s]
            staffing = scheduled_from_shifts(shifts, n, h.interval)
        else:
            staffing = [g.staffing_at(i) for i in range(n)]
        gp = AgentGroupPlan(name, index, skills, staffing, g.resolution_factor, shifts, g.absenteeism, g.aux)
        gp.levels = [g.level(skill) for skill in g.skills]
        gp.factor = [g.handle_time_factor.get(skill, 1.0) for skill in g.skills]
        gp.reserve = [g.reserve.get(skill, 0) for skill in g.skills]
        gp.voice_with_chat = g.voice_with_chat
        groups.append(gp)
        for k in skills:
            types[k].group_indices.append(index)
    if scenario.routing == "overflow":
        specs = list(scenario.agent_groups.values())
        for k, (tname, ct) in enumerate(scenario.contact_types.items()):
            best = min(groups[i].levels[groups[i].skill_indices.index(k)] for i in types[k].group_indices)
            for i in types[k].group_indices:
                j = groups[i].skill_indices.index(k)
                if tname in specs[i].overflow_after:
                    groups[i].delay[j] = specs[i].overflow_after[tname]
                elif groups[i].levels[j] > best:
                    groups[i].delay[j] = ct.overflow_after or 0.0
    return Plan(
        name=scenario.name, seed=scenario.seed, replications=scenario.replications,
        clock_start=h.start, horizon_s=h.length_s, interval_s=h.interval, n_intervals=n,
        warmup_s=h.warmup, contact_types=types, agent_groups=groups, days=h.days,
        routing=scenario.routing, per_agent=scenario.statistics.per_agent,
    )
