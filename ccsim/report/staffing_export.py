"""A staffing result as rows (CSV), a JSON document and a scenario file.

Rows are long-form, one per interval and contact type (``kind:
contact_type``: forecast, analytic columns, achieved KPIs with their 95 % CI)
and per interval and agent group (``kind: agent_group``: analytic staffing
allocated to the group, the simulation's required agents, shrinkage, scheduled
positions, occupancy). ``ccsim shifts --requirement`` reads the group rows back.
The terminal tables of the same result are in ``staffing_table``, its HTML report
in ``staffing_report``; ``ccsim.staffing`` computes, this module writes.
"""

from __future__ import annotations

import json
import math

import numpy as np

from ..experiment.stats import mean_ci
from ..staffing.staff import StaffingResult, Validation, agent_hours
from ..staffing.yaml_text import dump_yaml
from ..units import format_clock


def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def interval_ci(est, section: str, name: str, kpi: str, col: int):
    values = np.array([getattr(r, section)[name][kpi][col] for r in est.replication_results], dtype=float)
    mean, ci = mean_ci(values)
    return _num(mean), (None if ci is None else _num(ci[0])), (None if ci is None else _num(ci[1]))


def binding_table(result: StaffingResult):
    """Groups x intervals of the daily pattern: the ``Binding`` of each (None where unknown)."""
    from ..staffing.binding import bindings

    return bindings(result.search.binding, len(result.groups), result.plan.n_intervals)


def binding_labels(result: StaffingResult) -> list[list[str | None]]:
    """Groups x intervals: the binding constraint as a table names it ('SL', 'for 10:00 (SL)'), None
    where unknown. Names are given when the plan has several contact types or groups."""
    plan = result.plan
    with_names = len(plan.contact_types) > 1 or len(plan.agent_groups) > 1
    clock = result.interval_starts()
    return [[None if b is None else b.label(clock, with_names) for b in row] for row in binding_table(result)]


def rows(result: StaffingResult) -> list[dict]:
    """One row per (day,) interval and contact type, then per interval and agent group."""
    plan = result.plan
    n, days = plan.n_intervals, plan.days
    starts = result.interval_starts()
    val = result.validation
    est = val.estimates
    out = []
    for k, ct in enumerate(plan.contact_types):
        a = result.analytic[ct.name]
        t = result.targets.contact_types[ct.name]
        kpis = ["service_level", "abandon_rate", "asa"]
        for d in range(days):
            for j in range(n):
                col = d * n + j
                row = {"day": d + 1} if days > 1 else {}
                row.update({
                    "start": starts[j], "kind": "contact_type", "name": ct.name,
                    "forecast": _num(a.rate[j] * plan.interval_s),
                    "offered": _num(est.intervals[ct.name]["offered"][col]),
                    "erlang_c": int(a.erlang_c[j]), "erlang_a": int(a.erlang_a[j]),
                    "square_root": int(a.square_root[j]), "beta": round(float(a.beta[j]), 4),
                })
                for kpi in kpis:
                    mean, low, high = interval_ci(est, "intervals", ct.name, kpi, col)
                    row[kpi], row[f"{kpi}_ci_low"], row[f"{kpi}_ci_high"] = mean, low, high
                row["target"] = t.describe()
                row["verdict"] = val.verdicts[(ct.name, "service_level")][col]
                out.append(row)
        del k
    erlang_c, erlang_a = result.analytic_by_group("erlang_c"), result.analytic_by_group("erlang_a")
    binding = binding_labels(result)
    for i, g in enumerate(result.groups):
        shrink = result.options.shrinkage.get(g, 0.0)
        for d in range(days):
            for j in range(n):
                col = d * n + j
                row = {"day": d + 1} if days > 1 else {}
                mean, low, high = interval_ci(est, "group_intervals", g, "occupancy", col)
                row.update({
                    "start": starts[j], "kind": "agent_group", "name": g,
                    "erlang_c": int(erlang_c[i, j]), "erlang_a": int(erlang_a[i, j]),
                    "required": int(result.required[i, j]), "shrinkage": shrink,
                    "scheduled": int(result.scheduled[i, j]),
                    "occupancy": mean, "occupancy_ci_low": low, "occupancy_ci_high": high,
                    "agents_present": _num(est.group_intervals[g]["agents_present"][col]),
                    "binding": binding[i][j],
                })
                out.append(row)
    return out


def clock_starts(plan) -> list[str]:
    """'HH:MM' of each interval of the daily pattern."""
    return [format_clock(plan.clock_start + j * plan.interval_s) for j in range(plan.n_intervals)]


def plan_summary(plan, v: Validation) -> dict:
    """Agent-hours, intervals meeting targets, day KPIs and cost of one validated plan."""
    est = v.estimates
    doc = {
        "label": v.label,
        "agent_hours_per_day": agent_hours(v.staffing, plan),
        "paid_hours": v.paid_hours,
        "intervals_meeting_targets": v.intervals_met,
        "intervals": v.n_intervals,
        "contact_types": {
            name: {kpi: est.contact_types[name][kpi].to_dict() for kpi in ("service_level", "abandon_rate", "asa")}
            for name in est.contact_types
        },
        "agent_groups": {name: {"occupancy": est.agent_groups[name]["occupancy"].to_dict()}
                         for name in est.agent_groups},
    }
    if v.cost is not None:
        from ..staffing.cost import cost_to_dict

        doc["cost"] = cost_to_dict(v.cost)
    return doc


def to_dict(result: StaffingResult, roster=None) -> dict:
    """The JSON document of a staffing run (see docs/staffing.md)."""
    from .._version import __version__
    from ..staffing.binding import held_intervals

    s = result.search
    plan = result.plan
    binding, starts = binding_labels(result), result.interval_starts()
    held = held_intervals(binding_table(result))
    doc = {
        "scenario": result.scenario.name,
        "ccsim_version": __version__,
        "seed": result.seed,
        "replications": result.replications,
        "check_seed": result.check_seed,
        "check_replications": result.check_replications,
        "start": result.start_method,
        "targets": result.targets.to_dict(),
        "shrinkage": dict(result.options.shrinkage),
        "cost": result.options.cost.to_dict() if result.options.cost is not None else None,
        "search": {
            "evaluations": s.evaluations, "simulated_days": s.simulated_days, "seconds": round(s.seconds, 3),
            "days_per_variant": result.days_per_variant,
            "minimal": s.minimal, "steps": [step.to_dict() for step in s.steps],
        },
        "interval_starts": result.interval_starts(),
        "staffing": {
            g: {"required": result.required[i].tolist(), "scheduled": result.scheduled[i].tolist(),
                "erlang_c": result.analytic_by_group("erlang_c")[i].tolist(),
                "erlang_a": result.analytic_by_group("erlang_a")[i].tolist(),
                "start": s.start[i].tolist(), "binding": binding[i],
                "held_for_later": [{"interval": starts[b.interval], "for": [starts[k] for k in b.held_for]}
                                   for b in held if b.group == i]}
            for i, g in enumerate(result.groups)
        },
        "analytic": {
            name: {"rate_per_hour": [round(float(r) * 3600.0, 6) for r in a.rate], "aht_s": a.aht_s,
                   "patience_s": _num(a.patience_s), "erlang_c": a.erlang_c.tolist(),
                   "erlang_a": a.erlang_a.tolist(), "square_root": a.square_root.tolist(),
                   "beta": [round(float(b), 4) for b in a.beta]}
            for name, a in result.analytic.items()
        },
        "plans": [plan_summary(result.plan, v) for v in result.validations],
        "intervals": rows(result),
        "interval_s": plan.interval_s,
        "days": plan.days,
    }
    if roster is not None:
        doc["roster"] = roster.to_dict()
    return doc


def to_json(result: StaffingResult, roster=None) -> str:
    return json.dumps(to_dict(result, roster), indent=2, allow_nan=False)



# ---------------------------------------------------------------- scenario file

def scenario_yaml(scenario, header: str = "") -> str:
    """A validated scenario as YAML (the user's own units kept), with a comment header."""
    text = dump_yaml(scenario.raw_data())
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + text


def staffing_yaml(result: StaffingResult) -> str:
    """The scenario with the staffing found, ready to run (``--write-scenario``)."""
    sc = result.staffing_scenario("required")
    s = result.search
    header = (f"{result.scenario.name}: staffing found by `ccsim staff` ({s.simulated_days:,} simulated days, "
              f"seed {result.seed}).\nAgents present per interval; scheduled positions with shrinkage: "
              + ", ".join(f"{g} {result.scheduled[i].tolist()}" for i, g in enumerate(result.groups)) + ".")
    return scenario_yaml(sc, header)


def roster_rows(roster, validation, starts: list[str]) -> list[dict]:
    """Per group and interval: requirement, covered, and the roster's simulated KPIs (first day)."""
    out = []
    est = validation.estimates if validation is not None else None
    for r in roster.groups:
        for j, start in enumerate(starts):
            row = {"start": start, "group": r.group, "requirement": round(float(r.requirement[j]), 3),
                   "covered": round(float(r.covered[j]), 3)}
            if est is not None:
                row["agents_present"] = _num(est.group_intervals[r.group]["agents_present"][j])
                mean, low, high = interval_ci(est, "group_intervals", r.group, "occupancy", j)
                row.update({"occupancy": mean, "occupancy_ci_low": low, "occupancy_ci_high": high})
            out.append(row)
    return out


__all__ = ["clock_starts", "plan_summary", "roster_rows", "rows", "scenario_yaml", "staffing_yaml", "to_dict",
           "to_json"]
