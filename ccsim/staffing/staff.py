"""``staff(scenario)``: analytic staffing, the simulation search, validation, positions and cost."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..experiment import plan_for, simulate
from ..experiment.estimates import Estimates
from ..experiment.stats import mean_ci
from ..plan import Plan
from ..scenario import Scenario
from .analytic import METHODS, TypeAnalytic, analytic_staffing
from .cost import plan_cost
from .evaluate import Evaluation, Evaluator, staffing_changes
from .multiskill import allocate
from .search import Search, SearchResult, SearchStep, default_ceiling
from .settings import StaffingOptions, resolve_options
from .shrinkage import paid_hours, scheduled_positions
from .targets import InfeasibleTargets, Targets, check_feasible, check_reachable, judge

STARTS = METHODS + ("scenario",)
DEFAULT_REPLICATIONS = 40
DEFAULT_CONFIDENCE_REPLICATIONS = 100
DEFAULT_CHECK_REPLICATIONS = 100
MAX_REFINE = 2  # times the search goes on with more days when the fresh check misses an interval


@dataclass
class Validation:
    """A staffing simulated again on fresh random numbers: per-interval KPIs with CIs and verdicts."""

    label: str
    staffing: np.ndarray  # groups x intervals
    estimates: Estimates
    verdicts: dict  # (name, kpi) -> list of 'met' / 'borderline' / 'missed' / None per interval of every day
    intervals_met: int  # intervals of the daily pattern meeting every target (borderline counts as met)
    n_intervals: int
    paid_hours: dict[str, float]  # per group over the horizon (all days), at scheduled positions
    cost: dict | None = None


class StaffingResult:
    """What ``staff`` found. Rendered by ``ccsim.report.staffing_table`` and ``staffing_export``."""

    def __init__(self, scenario: Scenario, plan: Plan, options: StaffingOptions, analytic: dict[str, TypeAnalytic],
                 start_method: str, search: SearchResult, required: np.ndarray, scheduled: np.ndarray,
                 validations: list[Validation], seed: int, replications: int, check_seed: int,
                 check_replications: int, seconds: float):
        self.scenario = scenario
        self.plan = plan
        self.options = options
        self.targets: Targets = options.targets
        self.analytic = analytic
        self.start_method = start_method
        self.search = search
        self.required = required  # groups x intervals: agents present the queue needs
        self.scheduled = scheduled  # groups x intervals: positions after shrinkage
        self.validations = validations  # the found staffing first, then the analytic ones compared
        self.seed = seed
        self.replications = replications
        self.check_seed = check_seed
        self.check_replications = check_replications
        self.seconds = seconds
        self.days_per_variant = replications  # more when the check made the search go on with more days

    @property
    def groups(self) -> list[str]:
        return [g.name for g in self.plan.agent_groups]

    @property
    def validation(self) -> Validation:
        return self.validations[0]

    def analytic_by_group(self, method: str) -> np.ndarray:
        """Groups x intervals staffing of an analytic method (allocated to owners, see ``multiskill``)."""
        return allocate(self.plan, {name: a.method(method) for name, a in self.analytic.items()})

    def interval_starts(self) -> list[str]:
        from ..units import format_clock

        return [format_clock(self.plan.clock_start + j * self.plan.interval_s) for j in range(self.plan.n_intervals)]

    def staffing_scenario(self, which: str = "required") -> Scenario:
        """The scenario with the found staffing (``required``, or ``scheduled`` positions), validated."""
        staffing = self.required if which == "required" else self.scheduled
        return self.scenario.with_changes(staffing_changes(self.scenario, staffing))


def _interval_verdicts(est: Estimates, targets: Targets) -> tuple[dict, np.ndarray]:
    """Per (name, kpi) and interval of every day: met / borderline / missed / None; and per pattern interval ok."""
    n, days = est.plan.n_intervals, est.plan.days
    ok = np.ones(n, dtype=bool)
    out = {}

    def column_verdicts(name, kpi, limit, high_good, section):
        stack = np.vstack([getattr(r, section)[name][kpi] for r in est.replication_results])
        verdicts = []
        for col in range(stack.shape[1]):
            values = stack[:, col]
            if np.isnan(values).all():
                verdicts.append(None)
                continue
            if targets.confidence is not None:
                good = values >= limit - 1e-12 if high_good else values <= limit + 1e-12
                good = good | np.isnan(values)
                verdicts.append("met" if good.mean() >= targets.confidence - 1e-12 else "missed")
                continue
            mean, ci = mean_ci(values)
            meets = mean >= limit - 1e-12 if high_good else mean <= limit + 1e-12
            verdict = "met" if meets else "missed"
            if not meets and ci is not None and (ci[1] >= limit if high_good else ci[0] <= limit):
                verdict = "borderline"
            verdicts.append(verdict)
        out[(name, kpi)] = verdicts
        for col, v in enumerate(verdicts):
            if v == "missed":
                ok[col % n] = False

    for name, t in targets.contact_types.items():
        column_verdicts(name, "service_level", t.service_level, True, "intervals")
        if t.max_abandon is not None:
            column_verdicts(name, "abandon_rate", t.max_abandon, False, "intervals")
        if t.max_asa_s is not None:
            column_verdicts(name, "asa", t.max_asa_s, False, "intervals")
    for name, cap in targets.max_occupancy.items():
        if cap is not None:
            column_verdicts(name, "occupancy", cap, False, "group_intervals")
    del days
    return out, ok


def validate_staffing(scenario: Scenario, staffing: np.ndarray, options: StaffingOptions, label: str,
                      replications: int, seed: int, workers: int | None, executor=None,
                      progress=None) -> Validation:
    """Simulate *staffing* on fresh random numbers and judge every interval (a CI that contains the
    target is 'borderline', which counts as meeting it). Paid hours are the scheduled positions'.
    progress: ``progress(label, done, total)`` per replication."""
    variant = scenario.with_changes(staffing_changes(scenario, staffing))
    hours = {g: paid_hours(scheduled_positions(staffing[i], options.shrinkage.get(g, 0.0)),
                           scenario.horizon.interval, scenario.horizon.days)
             for i, g in enumerate(scenario.agent_groups)}
    return validate_variant(variant, staffing, hours, options, label, replications, seed, workers, executor,
                            progress=progress)


def validate_variant(variant: Scenario, staffing: np.ndarray, hours: dict[str, float], options: StaffingOptions,
                     label: str, replications: int, seed: int, workers: int | None, executor=None,
                     progress=None) -> Validation:
    """Simulate a scenario variant (a staffing or a roster) and judge every interval against the targets.

    *staffing* is what the variant provides per group and interval (agents, or a roster's agents
    on shift and not on a break); *hours* its paid hours per group over the horizon.
    """
    if progress is not None:
        progress(label, 0, replications)  # announced: a check of many days is a long step
    est = simulate(variant, replications=replications, seed=seed, workers=workers, executor=executor,
                   progress=None if progress is None else lambda done, total: progress(label, done, total))
    verdicts, ok = _interval_verdicts(est, options.targets)
    cost = plan_cost(options.cost, hours, est) if options.cost is not None else None
    return Validation(label, staffing, est, verdicts, int(ok.sum()), est.plan.n_intervals, hours, cost)


def validate_roster(scenario: Scenario, roster, options: StaffingOptions, replications: int, seed: int,
                    workers: int | None = 1, executor=None, label: str = "roster",
                    shrinkage: dict[str, float] | None = None, progress=None) -> Validation:
    """Close the loop: simulate the scenario with the roster's shifts and judge every interval.

    The simulation has the agents the roster makes available for contacts: with *shrinkage*
    (per group), each group's scheduled positions less that share (absence, training,
    meetings beyond what the scenario simulates; see ``Roster.available_changes``), on top
    of the scenario's own absenteeism and aux. The paid hours are the positions'.
    """
    shrinkage = shrinkage or {}
    variant = scenario.with_changes(roster.available_changes(scenario, shrinkage))
    by_group = roster.available_coverage(shrinkage, scenario.horizon.start)
    plan = plan_for(scenario)
    covered = np.array([by_group.get(g.name, np.asarray(g.staffing, dtype=float)) for g in plan.agent_groups])
    return validate_variant(variant, covered, roster.paid_hours(), options, label, replications, seed, workers,
                            executor, progress=progress)


@dataclass(frozen=True)
class Prepared:
    """What every staffing method starts from: options, targets (checked feasible), the plan,
    seeds and days per evaluation, and the analytic staffing per type (each type with the
    strictest occupancy cap of its groups)."""

    options: StaffingOptions
    targets: Targets
    plan: Plan
    seed: int
    check_seed: int
    replications: int
    analytic: dict[str, TypeAnalytic]


def prepare(scenario: Scenario, options: StaffingOptions | None, seed: int | None, check_seed: int | None,
            replications: int | None) -> Prepared:
    """The common start of ``staff`` and the optimiser. Raises ``InfeasibleTargets``."""
    options = options or resolve_options(scenario)
    targets = options.targets
    check_feasible(targets, scenario)
    plan = plan_for(scenario, seed)
    check_reachable(targets, plan)
    if replications is None:
        replications = DEFAULT_REPLICATIONS if targets.confidence is None else DEFAULT_CONFIDENCE_REPLICATIONS
    caps = {}
    for ct in plan.contact_types:
        values = [targets.max_occupancy.get(plan.agent_groups[g].name) for g in ct.group_indices]
        values = [v for v in values if v is not None]
        caps[ct.name] = min(values) if values else None
    return Prepared(options, targets, plan, plan.seed, plan.seed + 1 if check_seed is None else int(check_seed),
                    replications, analytic_staffing(plan, targets, caps))


def staff(
    scenario: Scenario,
    options: StaffingOptions | None = None,
    *,
    replications: int | None = None,
    seed: int | None = None,
    check_replications: int = DEFAULT_CHECK_REPLICATIONS,
    check_seed: int | None = None,
    start: str = "erlang_a",
    compare: bool = True,
    max_agents: int | None = None,
    workers: int | None = 1,
    executor=None,
    on_step: Callable[[SearchStep], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> StaffingResult:
    """Find the staffing per agent group and interval that meets *options*' targets.

    replications: simulated days per evaluated variant (default 40; 100 with a
        confidence target), all on the same random numbers (seed: default the scenario's).
    check_replications, check_seed: the validation run of the staffing found, on
        fresh random numbers (default 100 replications, seed + 1).
    start: where the search starts: ``erlang_a`` (default; Erlang C without a
        patience limit), ``erlang_c``, ``square_root`` or ``scenario`` (its own staffing).
    compare: also validate the Erlang C and Erlang A staffing, to show how far
        they are from what the dynamics need.
    max_agents: most agents of a group in one interval (default: 4 x the start's
        peak + 50); past it the targets are declared unreachable.
    workers, executor: where replications run (results do not depend on it).
    on_step: called with a ``SearchStep`` after every iteration (progress).
    progress: called as ``progress(what, done, total)`` inside every long step: while a batch
        of variants is simulated (replications done of total) and while the staffing found and
        the ones compared are checked on fresh days (first with done = 0, when it starts).

    Raises ``InfeasibleTargets`` for targets no staffing meets.
    """
    started = time.perf_counter()
    if start not in STARTS:
        raise ValueError(f"start must be one of {', '.join(STARTS)}, got {start!r}")
    if options is not None and options.targets.has_day_targets:
        raise InfeasibleTargets("day-level targets (targets: TYPE: day: ...) go with --method optimise: the search "
                                "judges each interval alone")
    ready = prepare(scenario, options, seed, check_seed, replications)
    options, targets, plan, analytic = ready.options, ready.targets, ready.plan, ready.analytic
    seed, check_seed, replications = ready.seed, ready.check_seed, ready.replications
    if start == "scenario":
        begin = np.array([np.rint(g.staffing).astype(int) for g in plan.agent_groups], dtype=np.int64)
    else:
        begin = allocate(plan, {name: a.method(start) for name, a in analytic.items()}).astype(np.int64)
    ceiling = default_ceiling(begin) if max_agents is None else np.full(begin.shape, int(max_agents))
    begin = np.minimum(begin, ceiling)
    first_round = None
    more: list[tuple[int, int]] = []
    known: list | None = None  # the staffing a refine round starts from: its results on every day of the sample
    steps: list[SearchStep] = []
    totals = [0, 0, 0.0]  # evaluations, simulated days, seconds over every round
    check_label = "checking the staffing found on fresh days"
    for refine in range(MAX_REFINE + 1):
        checked_before: list[Validation] = []

        def fresh_days_met(e, refine=refine, checked_before=checked_before) -> bool:
            """Before the check (which needs every variant on the whole sample): the trimmed staffing on
            fresh days. When they miss, the sample is too small to tell, and the round's check would be
            wasted: the search goes on with more days instead. (The last round always checks.)"""
            if refine == MAX_REFINE:
                return True
            checked_before.append(validate_staffing(scenario, e.staffing, options, "simulation", check_replications,
                                                    check_seed + refine, workers, executor,
                                                    progress=_labelled(progress, check_label)))
            return checked_before[-1].intervals_met == checked_before[-1].n_intervals

        with Evaluator(scenario, targets, replications, seed, workers=workers, executor=executor,
                       more=more, progress=progress) as evaluator:
            if known is not None:  # its days were all simulated already: the last sample and the last check
                evaluator.cache[Evaluator.key(begin)] = Evaluation(begin, plan_for(evaluator.variant(begin), seed),
                                                                   known, judge(known, plan, targets))
            result = Search(evaluator, plan, targets, analytic, ceiling, on_step).run(begin, fresh_days_met)
        steps += result.steps
        first_round = first_round or result
        totals = [totals[0] + result.evaluations, totals[1] + result.simulated_days, totals[2] + result.seconds]
        if checked_before and np.array_equal(checked_before[-1].staffing, result.staffing):
            found = checked_before[-1]  # the check took nothing out: its fresh days are simulated already
        else:
            found = validate_staffing(scenario, result.staffing, options, "simulation", check_replications,
                                      check_seed + refine, workers, executor,
                                      progress=_labelled(progress, check_label))
        if found.intervals_met == found.n_intervals or refine == MAX_REFINE:
            break
        # The check on fresh days missed an interval: the search's days were too few to tell. Go on
        # from the staffing found with those days added, and check again on days never used.
        more.append((check_seed + refine, check_replications))
        begin = result.staffing
        known = list(result.final.results) + list(found.estimates.replication_results)
        if on_step is not None:
            on_step(SearchStep("refine", int(begin.sum()), found.n_intervals - found.intervals_met, 0,
                               totals[0], totals[1]))
    result.steps, result.evaluations, result.simulated_days, result.seconds = steps, totals[0], totals[1], totals[2]
    result.start, result.start_evaluation = first_round.start, first_round.start_evaluation
    check_seed = check_seed + refine
    required = result.staffing
    scheduled = np.array([scheduled_positions(required[i], options.shrinkage.get(g.name, 0.0))
                          for i, g in enumerate(plan.agent_groups)])
    validations = [found]
    if compare:
        for method, label in (("erlang_c", "Erlang C"), ("erlang_a", "Erlang A")):
            staffing = allocate(plan, {name: a.method(method) for name, a in analytic.items()})
            same = next((v for v in validations if np.array_equal(v.staffing, staffing)), None)
            if same is not None:  # the same staffing: same numbers, no need to simulate it again
                validations.append(dataclasses.replace(same, label=label))
            else:
                validations.append(validate_staffing(
                    scenario, staffing, options, label, check_replications, check_seed, workers, executor,
                    progress=_labelled(progress, f"simulating the {label} staffing on the same fresh days")))
    out = StaffingResult(scenario, plan, options, analytic, start, result, required, scheduled, validations,
                         seed, replications, check_seed, check_replications, time.perf_counter() - started)
    out.days_per_variant = replications + sum(n for _, n in more)
    return out


def _labelled(progress, what: str):
    """*progress* with its first argument replaced by *what* (None stays None)."""
    if progress is None:
        return None
    return lambda _label, done, total: progress(what, done, total)


def agent_hours(staffing: np.ndarray, plan: Plan) -> float:
    """Agent-hours per day of a groups x intervals staffing."""
    return float(staffing.sum()) * plan.interval_s / 3600.0


__all__ = ["StaffingResult", "Validation", "agent_hours", "staff", "validate_staffing"]
