"""The cutting-plane loop: solve, simulate, cut, until the sample says every constraint holds; then verify."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ...experiment import plan_for
from ...scenario import Scenario
from ...units import format_clock
from ..evaluate import Evaluation, Evaluator, staffing_changes
from ..multiskill import allocate, group_to_raise
from ..roster import Pattern, coverage, default_patterns, enumerate_patterns
from ..search import Search, default_ceiling
from ..settings import StaffingOptions
from ..staff import Validation, prepare, validate_staffing, validate_variant
from ..targets import InfeasibleTargets, judge
from .cuts import Constraint, Cut, build_cuts, constraints_of, margin
from .model import Model, group_costs
from .verify import Check, check_constraints, summary

DEFAULT_CHECK_REPLICATIONS = 200  # days per evaluation: as the search (staff.prepare)
MAX_ITERATIONS = 25
MAX_REPAIR = 2
REPAIR_DAYS = 100  # days of a missed check that join the sample (at least the sample's own)
TRUST_MIN, TRUST_SHARE = 2, 0.2  # trust region per group and interval: max(2, 20 % of the agents)


@dataclass
class OptimiseStep:
    """One step of the optimiser, for progress lines and the report."""

    phase: str  # start, cut, polish, verify, repair (the check's days join the sample), raise
    iteration: int
    cost: float  # per day, at the step's staffing
    failing: int  # constraints missed on the sample
    cuts: int  # cuts in the integer programme
    evaluations: int
    simulated_days: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class OptimiseResult:
    """What ``optimise`` found; rendered by ``ccsim.report.staffing_optimise``."""

    groups: list[str]
    interval_starts: list[str]
    staffing: np.ndarray  # agents present per group and interval
    shifts: dict[str, list[tuple[Pattern, int]]] | None  # one step: the shifts per group
    cost_per_day: float  # by the integer programme's prices (see ``model.group_costs``)
    hourly: np.ndarray  # price per agent-hour per group
    binding: list[str | None]  # per interval: the constraint closest to its limit on the sample
    validation: Validation
    steps: list[OptimiseStep] = field(default_factory=list)
    evaluations: int = 0
    simulated_days: int = 0
    converged: bool = True
    seconds: float = 0.0
    confidence: float | None = None
    checks: list[Check] = field(default_factory=list)  # every constraint on the verification's fresh days
    changes: dict = field(default_factory=dict)  # ``with_changes`` paths giving a scenario this staffing or shifts
    interval_s: float = 1800.0
    paid_hours: dict[str, float] = field(default_factory=dict)  # per group and day (shifts' paid hours, one step)
    validation_seed: int = 0  # the seed of the verification's fresh days

    def agents_and_shifts(self) -> list[dict]:
        """Per group: price, agent-hours and cost a day, peak agents, and (one step) shifts and headcount."""
        out = []
        for i, g in enumerate(self.groups):
            hours = float(self.staffing[i].sum()) * self.interval_s / 3600.0
            row = {"group": g, "hourly_cost": float(self.hourly[i]), "agent_hours_per_day": round(hours, 4),
                   "peak_agents": int(self.staffing[i].max(initial=0))}
            if self.shifts is not None:
                paid = self.paid_hours.get(g, 0.0)
                row.update({"shifts": sum(1 for _ in self.shifts.get(g, [])),
                            "headcount": sum(c for _, c in self.shifts.get(g, [])),
                            "paid_hours_per_day": round(paid, 4), "cost_per_day": round(paid * self.hourly[i], 4)})
            else:
                row["cost_per_day"] = round(hours * self.hourly[i], 4)
            out.append(row)
        return out

    def to_dict(self) -> dict:
        v = self.validation
        out = {
            "method": "optimise (cutting planes)" + (", one step: shifts" if self.shifts is not None else ""),
            "cost_per_day": round(self.cost_per_day, 4),
            "hourly_cost": dict(zip(self.groups, self.hourly.tolist(), strict=True)),
            "confidence": self.confidence, "converged": self.converged,
            "staffing": {g: [int(x) for x in self.staffing[i]] for i, g in enumerate(self.groups)},
            "groups": self.agents_and_shifts(),
            "binding": dict(zip(self.interval_starts, self.binding, strict=True)),
            "verification": {"replications": v.estimates.replications, "intervals_met": v.intervals_met,
                             "n_intervals": v.n_intervals, **summary(self.checks),
                             "verdicts": {f"{k[0]}.{k[1]}": x for k, x in v.verdicts.items()},
                             "constraints": [ch.to_dict(self.interval_starts) for ch in self.checks]},
            "steps": [s.to_dict() for s in self.steps], "evaluations": self.evaluations,
            "simulated_days": self.simulated_days, "seconds": round(self.seconds, 2),
        }
        if self.shifts is not None:
            out["shifts"] = {g: [p.to_shift(n) for p, n in s] for g, s in self.shifts.items()}
        return out


def day_cost(staffing: np.ndarray, hourly: np.ndarray, interval_s: float) -> float:
    return float((staffing.sum(axis=1) * hourly).sum() * interval_s / 3600.0)


def _describe(c: Constraint) -> str:
    return f"{c.name} {c.kpi.replace('_', ' ')}"


def binding_constraints(e: Evaluation, constraints: list[Constraint], n: int,
                        confidence: float | None = None) -> list[str | None]:
    """Per interval, the constraint with the least relative slack on the sample (day-level ones aside)."""
    best: list[tuple[float, str] | None] = [None] * n
    for c in constraints:
        if c.interval is None:
            continue
        m = margin(e, c, confidence)
        if not np.isfinite(m):
            continue
        rel = m / max(abs(c.limit), 1e-9)
        current = best[c.interval]
        if current is None or rel < current[0]:
            best[c.interval] = (rel, _describe(c))
    return [None if b is None else b[1] for b in best]


def optimise(
    scenario: Scenario,
    options: StaffingOptions | None = None,
    *,
    shifts: bool = False,
    replications: int | None = None,
    seed: int | None = None,
    check_replications: int = DEFAULT_CHECK_REPLICATIONS,
    check_seed: int | None = None,
    max_agents: int | None = None,
    workers: int | None = 1,
    executor=None,
    on_step: Callable[[OptimiseStep], None] | None = None,
) -> OptimiseResult:
    """Least-cost staffing meeting every target, by simulation-based integer programming.

    shifts: one step — the variables are agents per shift pattern (the side file's
        ``shift_patterns``, or the defaults), and the staffing follows from the shifts.
    replications: days per evaluated staffing, common random numbers (default 40;
        100 with a confidence target); seed: default the scenario's.
    check_replications, check_seed: the verification on fresh days (default 200, seed + 1).
    Other arguments as in ``staff``. Raises ``InfeasibleTargets``.
    """
    started = time.perf_counter()
    ready = prepare(scenario, options, seed, check_seed, replications)
    options, targets, plan, analytic = ready.options, ready.targets, ready.plan, ready.analytic
    seed, check_seed, replications = ready.seed, ready.check_seed, ready.replications
    n, interval_s = plan.n_intervals, plan.interval_s
    groups = [g.name for g in plan.agent_groups]
    begin = allocate(plan, {name: a.method("erlang_a") for name, a in analytic.items()}).astype(np.int64)
    ceiling = default_ceiling(begin) if max_agents is None else np.full(begin.shape, int(max_agents))
    begin = np.minimum(begin, ceiling)
    hourly = group_costs(plan, (options.cost.agent_hour if options.cost is not None else None))
    patterns = None
    if shifts:
        spec = options.patterns or default_patterns(interval_s)
        h_start = scenario.horizon.start
        patterns = enumerate_patterns(spec, h_start, h_start + n * interval_s, interval_s)
        if not patterns:
            raise InfeasibleTargets("no allowed shift fits in the horizon; allow shorter shifts")
        cover = [coverage(patterns, h_start, n, interval_s) for _ in groups]
        hours = [np.array([p.paid_hours for p in patterns]) for _ in groups]
        model = Model(hourly, n, interval_s, ceiling, cover, hours)
    else:
        model = Model(hourly, n, interval_s, ceiling)
    constraints = constraints_of(targets, n)
    relevant = {ct.name: list(ct.group_indices) for ct in plan.contact_types}
    relevant.update({g: [i] for i, g in enumerate(groups)})
    steps: list[OptimiseStep] = []
    totals = [0, 0]
    more: list[tuple[int, int]] = []
    x, z = begin, None
    converged = False

    day_constraints = [c for c in constraints if c.interval is None]

    def missed_days(e: Evaluation) -> int:
        return sum(1 for c in day_constraints if margin(e, c, targets.confidence) < -1e-12)

    def meets(e: Evaluation) -> bool:
        """Every constraint holds on the sample: each interval's (``judge``) and the day's."""
        return e.verdicts.all_ok and missed_days(e) == 0

    def failing(e: Evaluation) -> int:
        return e.verdicts.n_failing() + missed_days(e)

    def step(phase, it, staffing, failing, ncuts, *evs):
        s = OptimiseStep(phase, it, day_cost(staffing, hourly, interval_s), failing, ncuts,
                         totals[0] + sum(v.evaluations for v in evs), totals[1] + sum(v.simulated_days for v in evs))
        steps.append(s)
        if on_step is not None:
            on_step(s)

    def verify(staffing: np.ndarray, z: np.ndarray | None, check_at: int, pool) -> tuple:
        """The answer simulated on fresh days: (validation, checks, with_changes paths, paid hours, all met)."""
        if shifts and (z is None or not np.array_equal(np.minimum(model.staffing(z), ceiling), staffing)):
            z = _cover(model, staffing)  # shifts of least cost covering a staffing the cuts did not give
        changes, paid = _answer(scenario, staffing, model, z if shifts else None, patterns, groups)
        if shifts:  # simulate the shifts themselves, with their breaks, as the scenario written will
            v = validate_variant(scenario.with_changes(changes), staffing, paid, options, "optimiser",
                                 check_replications, check_at, workers, pool)
        else:
            v = validate_staffing(scenario, staffing, options, "optimiser", check_replications, check_at, workers,
                                  pool)
        found = check_constraints(v.estimates.replication_results, n, plan.days, constraints, targets)
        day_missed = sum(1 for ch in found if ch.constraint.interval is None and ch.verdict == "missed")
        steps.append(OptimiseStep("verify", 0, day_cost(staffing, hourly, interval_s),
                                  v.n_intervals - v.intervals_met + day_missed, 0, *totals))
        if on_step is not None:
            on_step(steps[-1])
        return v, found, changes, paid, z, v.intervals_met == v.n_intervals and not day_missed

    best_z = None  # the integer programme's solution that gave *best* (its shifts, one step)
    known: list | None = None  # the answer's results on every day of the next round's sample, when known
    for repair in range(MAX_REPAIR + 1):
        cuts: list[Cut] = []
        with Evaluator(scenario, targets, replications, seed, workers=workers, executor=executor,
                       more=more) as ev:
            if known is not None:  # its days were all simulated already: the sample and the check
                ev.cache[Evaluator.key(x)] = Evaluation(x, plan_for(ev.variant(x), seed), known,
                                                        judge(known, plan, targets))
            # Cuts' differences come from the first sample's days (*replications*), their value at the
            # staffing from the whole sample: a repair round's sample is several times larger, its cuts cost
            # little more (on common random numbers a difference is far less noisy than a level).
            cut_days = replications
            sub = Evaluator(scenario, targets, cut_days, seed, workers=workers, executor=ev.executor)
            e = ev.evaluate(x)
            step("start" if repair == 0 else "repair", 0, x, failing(e), 0, ev)
            best = e if meets(e) else None  # (a repair round starts from the last answer, best_z)
            seen = {Evaluator.key(x)}
            converged = False
            it = 0
            for it in range(1, MAX_ITERATIONS + 1):
                head = e.results[:cut_days]
                sub.cache.setdefault(Evaluator.key(e.staffing),
                                     Evaluation(e.staffing, e.plan, head, judge(head, e.plan, targets)))
                cuts += build_cuts(sub, e, constraints, ceiling, relevant, targets.confidence,
                                   sub.cache[Evaluator.key(e.staffing)])
                try:
                    radius = np.maximum(TRUST_MIN, np.ceil(TRUST_SHARE * e.staffing))
                    z, _ = model.solve(cuts, e.staffing, radius)
                except ValueError as exc:
                    raise InfeasibleTargets(f"no staffing within the agent ceiling meets the cuts: {exc}; "
                                            "relax the targets or allow more agents (--max-agents)") from None
                x = np.minimum(model.staffing(z), ceiling)
                if Evaluator.key(x) in seen:
                    break  # the cuts give nothing new: raise from the best staffing so far (below)
                seen.add(Evaluator.key(x))
                e = ev.evaluate(x)
                step("cut", it, x, failing(e), len(cuts), ev, sub)
                if meets(e):
                    best, best_z, converged = e, z, True
                    break
            if best is None:
                best = _raise_by_one(ev, e, plan, ceiling, meets)
                if best is not None:
                    step("raise", it, best.staffing, failing(best), len(cuts), ev, sub)
            if best is None:
                # The cuts did not reach a staffing meeting the sample: raise from the last one.
                search = Search(ev, plan, targets, analytic, ceiling, None)
                best = search.raise_until_met(e.staffing)
                for _ in range(MAX_ITERATIONS):  # day-level targets: one more agent everywhere until met
                    if meets(best) or np.array_equal(best.staffing, ceiling):
                        break
                    best = ev.evaluate(np.minimum(best.staffing + 1, ceiling))
            x = best.staffing
            binding = binding_constraints(best, constraints, n, targets.confidence)
            totals = [totals[0] + ev.evaluations + sub.evaluations, totals[1] + ev.simulated_days + sub.simulated_days]
            check_at = check_seed + repair
            check, checks, changes, paid, best_z, ok = verify(x, best_z, check_at, ev.executor or executor)
            if ok and repair == 0 and not shifts:
                # Polish, once the answer is verified: the cuts are outer approximations where a KPI is
                # concave in the agents, and conservative where it is not (an understaffed interval): take
                # out single agents the sample shows are not needed, a few intervals at a time
                # (``Search.trim``), and keep that staffing if fresh days never used confirm it too.
                # (With shifts as the variables the staffing is what the shifts give: no polish.)
                before = (ev.evaluations, ev.simulated_days)
                polished = Search(ev, plan, targets, analytic, ceiling, None).trim(best)
                totals = [totals[0] + ev.evaluations - before[0], totals[1] + ev.simulated_days - before[1]]
                if polished is not best and meets(polished):  # (trim judges each interval alone)
                    steps.append(OptimiseStep("polish", it, day_cost(polished.staffing, hourly, interval_s),
                                              failing(polished), len(cuts), *totals))
                    if on_step is not None:
                        on_step(steps[-1])
                    again = verify(polished.staffing, None, check_seed + 1, ev.executor or executor)
                    if again[-1]:
                        x, best, check_at = polished.staffing, polished, check_seed + 1
                        check, checks, changes, paid, _, ok = again
                        binding = binding_constraints(best, constraints, n, targets.confidence)
            known = list(best.results)
        if ok or repair == MAX_REPAIR:
            break
        # The check's first days join the sample (free staffing: the check simulated the answer on them,
        # so the next round knows it on every day of its sample).
        join = min(check_replications, max(REPAIR_DAYS, replications))
        more.append((check_at, join))
        known = None if shifts else known + list(check.estimates.replication_results[:join])
    shift_counts = None
    if shifts and best_z is not None and patterns is not None:
        shift_counts = {g: [(patterns[p], int(c)) for p, c in enumerate(model.shifts(best_z, i)) if c > 0]
                        for i, g in enumerate(groups)}
        cost = float(model.cost @ best_z)
    else:
        cost = day_cost(x, hourly, interval_s)
    starts = [format_clock(plan.clock_start + j * interval_s) for j in range(n)]
    return OptimiseResult(groups, starts, x, shift_counts, cost, hourly, binding, check, steps, totals[0],
                          totals[1], converged, time.perf_counter() - started, targets.confidence, checks,
                          changes, interval_s, {g: h / plan.days for g, h in paid.items()},
                          check_at)


def _raise_by_one(ev: Evaluator, e: Evaluation, plan, ceiling: np.ndarray, meets,
                  rounds: int = 5) -> Evaluation | None:
    """One agent more in every interval that misses on the sample (to the group that owns the contact
    type, or the group over its occupancy cap), until the sample is met; None after *rounds*."""
    type_index = {ct.name: ct.index for ct in plan.contact_types}
    groups = [g.name for g in plan.agent_groups]
    for _ in range(rounds):
        if meets(e):
            return e
        add = np.zeros_like(e.staffing)
        for j in np.flatnonzero(~e.verdicts.ok):
            for name in e.verdicts.failing_types[j]:
                add[group_to_raise(plan, type_index[name]), j] = 1
            for name in e.verdicts.failing_groups[j]:
                add[groups.index(name), j] = 1
        if not add.any():  # a day-level target: one more everywhere its types are answered
            add[:] = 1
        new = np.minimum(e.staffing + add, ceiling)
        if np.array_equal(new, e.staffing):
            return None
        e = ev.evaluate(new)
    return e if meets(e) else None


def _cover(model: Model, staffing: np.ndarray) -> np.ndarray:
    """One step: the shifts of least cost whose whole agents present cover *staffing*."""
    anyone = Constraint("", "cover", 0, 0.0, True)
    cuts = [Cut(anyone, {(g, j): 1.0}, float(staffing[g, j]))
            for g in range(staffing.shape[0]) for j in range(staffing.shape[1]) if staffing[g, j] > 0]
    z, _ = model.solve(cuts)
    return z


def _answer(scenario: Scenario, staffing: np.ndarray, model: Model, z: np.ndarray | None,
            patterns: list[Pattern] | None, groups: list[str]) -> tuple[dict, dict[str, float]]:
    """The ``with_changes`` paths of the answer (agents per interval, or one step its shifts) and
    its paid hours per group over the horizon (shrinkage-free: agents present are paid)."""
    days = scenario.horizon.days
    interval_h = scenario.horizon.interval / 3600.0
    if z is None or patterns is None:
        return (staffing_changes(scenario, staffing),
                {g: float(staffing[i].sum()) * interval_h * days for i, g in enumerate(groups)})
    changes: dict = {}
    paid: dict[str, float] = {}
    for i, g in enumerate(groups):
        counts = model.shifts(z, i)
        changes[f"agent_groups.{g}.shifts"] = [patterns[p].to_shift(int(c)) for p, c in enumerate(counts) if c > 0]
        if scenario.agent_groups[g].staffing is not None:
            changes[f"agent_groups.{g}.staffing"] = None
        paid[g] = float(sum(patterns[p].paid_hours * c for p, c in enumerate(counts))) * days
    return changes, paid

