"""What a staffing must achieve: targets per contact type and agent group.

Per contact type: a service level (share answered within a threshold; default
the scenario's ``service_level``), and optionally a maximum abandonment rate and
a maximum ASA. Per agent group: optionally a maximum occupancy (a burn-out
guard). ``confidence`` says how targets are read over simulated days:

* ``None`` (default): in expectation — the interval's KPI averaged over
  replications meets the target (the value ``ccsim run`` reports per interval);
* a share such as ``0.9``: in at least that share of days, every KPI of the
  interval meets its target on the day itself (forecast error included).

An interval with no contact counted (no arrivals, or the warm-up) meets every
target of its contact types.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..experiment.estimates import quiet_empty_means
from ..plan import DAY_S, Plan
from ..scenario import Scenario
from ..units import format_clock, format_target, format_threshold


@dataclass(frozen=True)
class TypeTargets:
    """Targets of one contact type; times in seconds, shares in [0, 1]."""

    service_level: float
    threshold_s: float
    max_abandon: float | None = None
    max_asa_s: float | None = None
    # Over the whole horizon (every interval pooled), beside the per-interval targets; None: none.
    day_service_level: float | None = None
    day_max_abandon: float | None = None
    day_max_asa_s: float | None = None

    def day_checks(self) -> list[tuple[str, float]]:
        """(KPI, limit) of every day-level target."""
        out = [("service_level", self.day_service_level), ("abandon_rate", self.day_max_abandon),
               ("asa", self.day_max_asa_s)]
        return [(kpi, limit) for kpi, limit in out if limit is not None]

    def describe(self) -> str:
        text = format_target(self.service_level, self.threshold_s)
        if self.max_abandon is not None:
            text += f", abandonment ≤ {100 * self.max_abandon:g} %"
        if self.max_asa_s is not None:
            text += f", ASA ≤ {format_threshold(self.max_asa_s)}"
        day = []
        if self.day_service_level is not None:
            day.append(format_target(self.day_service_level, self.threshold_s))
        if self.day_max_abandon is not None:
            day.append(f"abandonment ≤ {100 * self.day_max_abandon:g} %")
        if self.day_max_asa_s is not None:
            day.append(f"ASA ≤ {format_threshold(self.day_max_asa_s)}")
        if day:
            text += "; over the day " + ", ".join(day)
        return text


@dataclass(frozen=True)
class Targets:
    """Targets of every contact type and agent group, and how they are read over days."""

    contact_types: dict[str, TypeTargets]
    max_occupancy: dict[str, float | None] = field(default_factory=dict)
    confidence: float | None = None  # None: in expectation; else the share of days

    @property
    def has_day_targets(self) -> bool:
        return any(t.day_checks() for t in self.contact_types.values())

    def to_dict(self) -> dict:
        return {
            "confidence": self.confidence,
            "contact_types": {
                name: {"service_level": t.service_level, "threshold_s": t.threshold_s,
                       "max_abandon": t.max_abandon, "max_asa_s": t.max_asa_s,
                       **({"day": dict(t.day_checks())} if t.day_checks() else {})}
                for name, t in self.contact_types.items()
            },
            "max_occupancy": dict(self.max_occupancy),
        }


def default_targets(scenario: Scenario) -> Targets:
    """The scenario's own service-level targets, nothing else."""
    return Targets(
        {name: TypeTargets(ct.service_level.target, ct.service_level.threshold)
         for name, ct in scenario.contact_types.items()},
        {name: None for name in scenario.agent_groups},
    )


class InfeasibleTargets(ValueError):
    """Targets that no staffing can meet (said before any simulation, or when the search gives up)."""


def check_feasible(targets: Targets, scenario: Scenario) -> None:
    """Refuse targets that no finite staffing meets, with what to do instead."""
    problems = []
    for name, t in targets.contact_types.items():
        ct = scenario.contact_types[name]
        if t.service_level >= 1.0:
            problems.append(
                f"{name}: a service level of {format_target(t.service_level, t.threshold_s)} cannot be "
                "guaranteed: with random arrivals some callers always find every agent busy, whatever the "
                "staffing; use a target below 100 % (e.g. 0.80)")
        if t.max_asa_s is not None and t.max_asa_s <= 0:
            problems.append(f"{name}: a maximum ASA of {t.max_asa_s:g} s cannot be met: some callers always "
                            "wait; use a positive limit (e.g. 30s)")
        if t.max_abandon is not None and t.max_abandon <= 0 and ct.patience is not None:
            problems.append(f"{name}: a maximum abandonment of 0 % cannot be met while callers have a "
                            "patience limit; use a positive limit (e.g. 0.05)")
    for name, cap in targets.max_occupancy.items():
        if cap is not None and cap <= 0:
            problems.append(f"{name}: a maximum occupancy of {cap:g} cannot be met; use e.g. 0.85")
    if problems:
        raise InfeasibleTargets("infeasible targets:\n  " + "\n  ".join(problems))


def late_overnight_mail(plan: Plan, k: int, threshold_s: float) -> float | None:
    """Emails of type *k* expected to come in overnight more than *threshold_s* before the opening
    (late whatever the staffing: reply times run in calendar hours), or None when none can be
    (no overnight mail, opening hours only, a 24-hour day, or the first interval in the warm-up).
    An ordinary night is taken (with a calendar, the night before a closed day is longer: more
    mail is late still)."""
    ct = plan.contact_types[k]
    closed_s = DAY_S - plan.horizon_s
    if ct.channel != "email" or ct.overnight <= 0 or ct.sl_opening_hours or closed_s <= 0:
        return None
    if plan.days == 1 and plan.warmup_s >= plan.interval_s - 1e-9:  # the warm-up is the first day's only
        return None
    return ct.overnight * max(0.0, closed_s - threshold_s) / closed_s  # spread evenly over the night


def check_reachable(targets: Targets, plan: Plan) -> None:
    """Refuse service levels the day's own arrivals put out of reach, before any simulation: mail
    received overnight more than the threshold before the opening is late whatever the staffing.
    (The search would otherwise raise every interval to its ceiling before giving up.)"""
    problems = []
    by_name = {ct.name: ct for ct in plan.contact_types}
    for name, t in targets.contact_types.items():
        ct = by_name[name]
        late = late_overnight_mail(plan, ct.index, t.threshold_s)
        if late is None:
            continue
        first = ct.overnight + float(ct.rates[0]) * plan.interval_s  # overnight mail counts there
        day = ct.overnight + float(ct.rates.sum()) * plan.interval_s
        for where, target, counted in ((f"in the {format_clock(plan.clock_start)} interval", t.service_level,
                                        first), ("over the day", t.day_service_level, day)):
            best = 1.0 - late / counted
            if target is not None and best < target:
                problems.append(
                    f"{name}: a service level of {format_target(target, t.threshold_s)} cannot be met {where} "
                    f"whatever the staffing: of the about {counted:.0f} emails it counts, about {late:.0f} came "
                    f"in overnight more than {format_threshold(t.threshold_s)} before the opening (reply times "
                    f"run in calendar hours), so at most {100 * best:.0f} % are replied in time; count opening "
                    f"hours only (service_level: {{opening_hours_only: true}}) or use a target below {best:.2f}")
    if problems:
        raise InfeasibleTargets("infeasible targets:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------- checking simulated days

class Verdicts:
    """Which intervals of the daily pattern meet their targets, from replications.

    ``ok[j]``: interval j (of the daily pattern: every day must meet) meets all targets.
    ``failing_types[j]`` / ``failing_groups[j]``: names that break a target there.
    ``observed[(name, kpi)]``: the value compared with the target per interval of the
    pattern (mean, or the (1 - confidence) quantile of days on the bad side), on the
    worst day of a multi-day horizon.
    """

    __slots__ = ("ok", "failing_types", "failing_groups", "observed", "worst_day")

    def __init__(self, n: int):
        self.ok = np.ones(n, dtype=bool)
        self.failing_types: list[set[str]] = [set() for _ in range(n)]
        self.failing_groups: list[set[str]] = [set() for _ in range(n)]
        self.observed: dict[tuple[str, str], np.ndarray] = {}
        self.worst_day: dict[tuple[str, str], np.ndarray] = {}

    @property
    def all_ok(self) -> bool:
        return bool(self.ok.all())

    def n_failing(self) -> int:
        return int((~self.ok).sum())


def per_day(results, section: str, name: str, kpi: str) -> np.ndarray:
    """One KPI of *results* (replications): one row per replication, one column per interval of every day."""
    return np.vstack([getattr(r, section)[name][kpi] for r in results])


def _judge(values: np.ndarray, limit: float, high_is_good: bool, confidence: float | None,
           days: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(meets per interval of the pattern, observed value, worst day) for one KPI.

    *values* has one row per replication and one column per interval of every day.
    NaN (nothing counted) meets the target.
    """
    slack = 1e-12  # round-off: a KPI exactly at its target meets it
    if confidence is None:
        with np.errstate(invalid="ignore"), quiet_empty_means():
            observed = np.nanmean(values, axis=0)
        if high_is_good:
            meets = ~(observed < limit - slack)
        else:
            meets = ~(observed > limit + slack)
    else:
        if high_is_good:
            day_ok = ~(values < limit - slack)
        else:
            day_ok = ~(values > limit + slack)
        meets = day_ok.mean(axis=0) >= confidence - 1e-12
        q = 1.0 - confidence if high_is_good else confidence
        with np.errstate(invalid="ignore"), quiet_empty_means():
            observed = np.nanquantile(values, q, axis=0)
    observed = observed.reshape(days, n)
    meets = meets.reshape(days, n)
    badness = np.where(np.isnan(observed), -np.inf, -observed if high_is_good else observed)
    worst = badness.argmax(axis=0)
    return meets.all(axis=0), observed[worst, np.arange(n)], worst


def judged_columns(targets: Targets):
    """The (section, name, kpi, limit, high is good) of every KPI *targets* judge per interval."""
    for name, t in targets.contact_types.items():
        yield "intervals", name, "service_level", t.service_level, True
        if t.max_abandon is not None:
            yield "intervals", name, "abandon_rate", t.max_abandon, False
        if t.max_asa_s is not None:
            yield "intervals", name, "asa", t.max_asa_s, False
    for name, cap in targets.max_occupancy.items():
        if cap is not None:
            yield "group_intervals", name, "occupancy", cap, False


def judge(results, plan: Plan, targets: Targets) -> Verdicts:
    """Check every interval of the daily pattern against *targets* over *results* (replications)."""
    return judge_values(lambda section, name, kpi: per_day(results, section, name, kpi), plan, targets)


def judge_values(values, plan: Plan, targets: Targets) -> Verdicts:
    """As ``judge``, from ``values(section, name, kpi)``: one row per replication, one column per
    interval of every day (NaN meets the target)."""
    n, days = plan.n_intervals, plan.days
    v = Verdicts(n)
    for section, name, kpi, limit, high in judged_columns(targets):
        meets, observed, worst = _judge(values(section, name, kpi), limit, high, targets.confidence, days, n)
        v.observed[(name, kpi)] = observed
        v.worst_day[(name, kpi)] = worst
        failing = v.failing_types if section == "intervals" else v.failing_groups
        for j in np.flatnonzero(~meets):
            v.ok[j] = False
            failing[j].add(name)
    return v

