"""The optimiser's answer beside the others a planner could use, each verified on the same fresh days.

* the simulation search (``ccsim staff``, today's heuristic): agents per interval;
* two step (one step only): the search's requirement covered by shifts at least
  cost (``ccsim staff --shifts``), the roster simulated and improved;
* Erlang A per interval, allocated to the groups;
* with a confidence target, the expected-value optimum (the same optimiser
  with the targets read in expectation): what meeting the target on that share
  of days costs extra.

Every plan is priced as the optimiser prices (``model.group_costs``): agent-hours
present, or the shifts' paid hours, times each group's price per hour.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...scenario import Scenario
from ..settings import StaffingOptions
from ..staff import Validation
from .cuts import constraints_of
from .run import OptimiseResult, day_cost
from .verify import Check, check_constraints, summary


@dataclass
class ComparedPlan:
    label: str
    staffing: np.ndarray  # agents present per group and interval (a roster: on shift, not on a break)
    cost_per_day: float
    validation: Validation
    checks: list[Check]
    paid_hours_per_day: float | None = None  # shifts only

    def to_dict(self, groups: list[str], interval_s: float) -> dict:
        v = self.validation
        est = v.estimates
        out = {"label": self.label, "cost_per_day": round(self.cost_per_day, 4),
               "agent_hours_per_day": round(float(self.staffing.sum()) * interval_s / 3600.0, 2),
               "paid_hours_per_day": None if self.paid_hours_per_day is None else round(self.paid_hours_per_day, 2),
               "intervals_met": v.intervals_met, "n_intervals": v.n_intervals,
               "replications": est.replications, **summary(self.checks),
               "staffing": {g: [int(round(float(a))) for a in self.staffing[i]] for i, g in enumerate(groups)},
               "day": {name: {kpi: est.contact_types[name][kpi].to_dict()
                              for kpi in ("service_level", "abandon_rate", "asa")}
                       for name in est.contact_types}}
        return out


def verified(result_or_validation: Validation, targets, n: int, days: int) -> list[Check]:
    """Every constraint of *targets* on a validation's fresh days."""
    return check_constraints(result_or_validation.estimates.replication_results, n, days,
                             constraints_of(targets, n), targets)


def optimiser_plan(result: OptimiseResult) -> ComparedPlan:
    paid = sum(result.paid_hours.values()) if result.shifts is not None else None
    return ComparedPlan("optimiser" + (" (one step)" if result.shifts is not None else ""), result.staffing,
                        result.cost_per_day, result.validation, result.checks, paid)


def compare_plans(scenario: Scenario, options: StaffingOptions, result: OptimiseResult, *, one_step: bool,
                  replications: int | None, seed: int | None, check_replications: int, check_seed: int | None,
                  max_agents: int | None, workers: int | None = 1, executor=None,
                  on_plan: Callable[[str], None] | None = None, search_step=None,
                  progress=None) -> list[ComparedPlan]:
    """The search, two step (with *one_step*) and Erlang A, verified on *check_replications* fresh days.

    progress: ``progress(what, done, total)`` inside the long steps (the search's checks, the two
    step's roster rounds), as ``ccsim staff`` shows them."""
    from ..closing import fit_roster
    from ..staff import staff

    def note(text):
        if on_plan is not None:
            on_plan(text)

    targets = options.targets
    hourly, interval_s = result.hourly, result.interval_s
    n = len(result.interval_starts)
    days = scenario.horizon.days
    out = [optimiser_plan(result)]
    if targets.has_day_targets:  # the search judges each interval alone: only Erlang A to compare with
        return out + [_erlang_a(scenario, options, result, check_replications,
                                result.validation_seed, workers, executor, note)]
    note("simulation search (for comparison)")
    search = staff(scenario, options, replications=replications, seed=seed, check_replications=check_replications,
                   check_seed=check_seed, compare=False, max_agents=max_agents, workers=workers, executor=executor,
                   on_step=search_step, progress=progress)
    out.append(ComparedPlan("simulation search", search.required, day_cost(search.required, hourly, interval_s),
                            search.validation, verified(search.validation, targets, n, days)))
    if one_step:
        note("two step: the search's requirement covered by shifts (for comparison)")
        required = {g: search.required[i] for i, g in enumerate(result.groups)}
        rounds = fit_roster(scenario, required, options, options.patterns, replications=check_replications,
                            seed=search.check_seed, workers=workers, executor=executor, progress=progress)
        roster, check = rounds[-1].roster, rounds[-1].check
        assert check is not None  # simulated
        paid = {r.group: r.paid_hours for r in roster.groups}
        cost = float(sum(paid.get(g, 0.0) * hourly[i] for i, g in enumerate(result.groups)))
        out.append(ComparedPlan("two step (search, then shifts)", check.staffing, cost, check,
                                verified(check, targets, n, days), float(sum(paid.values()))))
    return out + [_erlang_a(scenario, options, result, check_replications, search.check_seed, workers, executor,
                            note)]


def _erlang_a(scenario, options, result, check_replications, check_seed, workers, executor, note) -> ComparedPlan:
    from ...experiment import plan_for
    from ..analytic import analytic_staffing
    from ..multiskill import allocate
    from ..staff import validate_staffing

    plan = plan_for(scenario)
    caps: dict[str, float | None] = {ct.name: None for ct in plan.contact_types}
    erlang = allocate(plan, {name: a.method("erlang_a")
                             for name, a in analytic_staffing(plan, options.targets, caps).items()})
    note("Erlang A (for comparison)")
    check = validate_staffing(scenario, erlang, options, "Erlang A", check_replications, check_seed, workers,
                              executor)
    return ComparedPlan("Erlang A", erlang, day_cost(erlang, result.hourly, result.interval_s), check,
                        verified(check, options.targets, len(result.interval_starts), scenario.horizon.days))


def expected_value_options(options: StaffingOptions) -> StaffingOptions:
    """The same options with the targets read in expectation (no confidence)."""
    return StaffingOptions(dataclasses.replace(options.targets, confidence=None), options.shrinkage, options.cost,
                           options.patterns, options.shrinkage_given)


def chance_premium(chance: OptimiseResult, expected: OptimiseResult) -> dict:
    """What meeting the targets on a share of days costs over meeting them in expectation."""
    extra = chance.cost_per_day - expected.cost_per_day
    shares = [ch.low for ch in chance.checks if ch.low is not None]
    return {"confidence": chance.confidence, "cost_per_day": round(chance.cost_per_day, 4),
            "expected_value_cost_per_day": round(expected.cost_per_day, 4), "extra_cost_per_day": round(extra, 4),
            "extra_share": round(extra / expected.cost_per_day, 4) if expected.cost_per_day > 0 else None,
            "lowest_share_of_days_ci_low": round(min(shares), 4) if shares else None,
            "expected_value_staffing": {g: [int(a) for a in expected.staffing[i]]
                                        for i, g in enumerate(expected.groups)}}
