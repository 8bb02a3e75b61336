"""A staffing result as rows (CSV), a JSON document, terminal tables and a scenario file.

Rows are long-form, one per interval and contact type (``kind:
contact_type``: forecast, analytic columns, achieved KPIs with their 95 % CI)
and per interval and agent group (``kind: agent_group``: analytic staffing
allocated to the group, the simulation's required agents, shrinkage, scheduled
positions, occupancy). ``ccsim shifts --requirement`` reads the group rows back.
"""

from __future__ import annotations

import json
import math

import numpy as np

from ..experiment.stats import mean_ci
from ..units import format_clock
from .staff import StaffingResult, Validation, agent_hours
from .yaml_text import dump_yaml


def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _interval_ci(est, section: str, name: str, kpi: str, col: int):
    values = np.array([getattr(r, section)[name][kpi][col] for r in est.replication_results], dtype=float)
    mean, ci = mean_ci(values)
    return _num(mean), (None if ci is None else _num(ci[0])), (None if ci is None else _num(ci[1]))


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
                    mean, low, high = _interval_ci(est, "intervals", ct.name, kpi, col)
                    row[kpi], row[f"{kpi}_ci_low"], row[f"{kpi}_ci_high"] = mean, low, high
                row["target"] = t.describe()
                row["verdict"] = val.verdicts[(ct.name, "service_level")][col]
                out.append(row)
        del k
    erlang_c, erlang_a = result.analytic_by_group("erlang_c"), result.analytic_by_group("erlang_a")
    for i, g in enumerate(result.groups):
        shrink = result.options.shrinkage.get(g, 0.0)
        for d in range(days):
            for j in range(n):
                col = d * n + j
                row = {"day": d + 1} if days > 1 else {}
                mean, low, high = _interval_ci(est, "group_intervals", g, "occupancy", col)
                row.update({
                    "start": starts[j], "kind": "agent_group", "name": g,
                    "erlang_c": int(erlang_c[i, j]), "erlang_a": int(erlang_a[i, j]),
                    "required": int(result.required[i, j]), "shrinkage": shrink,
                    "scheduled": int(result.scheduled[i, j]),
                    "occupancy": mean, "occupancy_ci_low": low, "occupancy_ci_high": high,
                    "agents_present": _num(est.group_intervals[g]["agents_present"][col]),
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
        from .cost import cost_to_dict

        doc["cost"] = cost_to_dict(v.cost)
    return doc


def to_dict(result: StaffingResult, roster=None) -> dict:
    """The JSON document of a staffing run (see docs/staffing.md)."""
    from .._version import __version__

    s = result.search
    plan = result.plan
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
                "start": s.start[i].tolist()}
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


# ---------------------------------------------------------------- terminal

def _pct(mean, low, high) -> str:
    if mean is None:
        return "-"
    text = f"{100 * mean:.1f}%"
    return text + (f" ±{100 * (high - low) / 2:.1f}" if low is not None else "")


def _secs(mean, low, high) -> str:
    if mean is None:
        return "-"
    return f"{mean:.1f}s" + (f" ±{(high - low) / 2:.1f}" if low is not None else "")


def _table(headers: list[str], body: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]

    def line(cells):
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs).rstrip()

    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in body]


def _verdict_word(v) -> str:
    return {"met": "met", "borderline": "borderline", "missed": "MISSED", None: "-"}[v]


def _per_variant(result: StaffingResult) -> str:
    text = f"{result.replications} per variant"
    if result.days_per_variant != result.replications:
        text += f", {result.days_per_variant} after the check asked for more"
    return text


def render(result: StaffingResult) -> str:
    """Terminal tables: per interval, the plans compared, how the search went."""
    plan = result.plan
    s = result.search
    lines = [f"Staffing for {result.scenario.name}"]
    lines.append("targets: " + "; ".join(f"{n} {t.describe()}" for n, t in result.targets.contact_types.items())
                 + "".join(f"; {g} occupancy ≤ {100 * c:g} %" for g, c in result.targets.max_occupancy.items()
                           if c is not None)
                 + ("; in expectation" if result.targets.confidence is None
                    else f"; on {100 * result.targets.confidence:g} % of days"))
    lines.append(f"search: started from {result.start_method.replace('_', ' ')}; {s.evaluations} variants, "
                 f"{s.simulated_days:,} simulated days ({_per_variant(result)}, seed {result.seed}), "
                 f"{s.seconds:.1f} s; "
                 + ("no single agent can be removed from any interval" if s.minimal
                    else "stopped before every removal was checked"))
    lines.append(f"achieved KPIs: {result.check_replications} replications on fresh random numbers "
                 f"(seed {result.check_seed}), mean ± 95 % CI half-width")
    lines.append("")
    all_rows = rows(result)
    one = len(plan.contact_types) == 1 and len(plan.agent_groups) == 1
    type_rows = [r for r in all_rows if r["kind"] == "contact_type"]
    group_rows = [r for r in all_rows if r["kind"] == "agent_group"]
    days = plan.days > 1
    has_abandon = any(r["abandon_rate"] for r in type_rows if r["abandon_rate"] is not None)
    if one:
        headers = (["day"] if days else []) + ["start", "forecast", "offered", "Erlang C", "Erlang A", "sqrt (beta)",
                                                "simulation", "scheduled", "service level", "verdict", "ASA"]
        headers += ["abandon"] if has_abandon else []
        headers += ["occupancy"]
        body = []
        for tr, gr in zip(type_rows, group_rows, strict=True):
            row = ([str(tr["day"])] if days else []) + [
                tr["start"], f"{tr['forecast']:.1f}", "-" if tr["offered"] is None else f"{tr['offered']:.1f}",
                str(tr["erlang_c"]), str(tr["erlang_a"]),
                f"{tr['square_root']} ({tr['beta']:.2f})", str(gr["required"]), str(gr["scheduled"]),
                _pct(tr["service_level"], tr["service_level_ci_low"], tr["service_level_ci_high"]),
                _verdict_word(tr["verdict"]),
                _secs(tr["asa"], tr["asa_ci_low"], tr["asa_ci_high"])]
            if has_abandon:
                row.append(_pct(tr["abandon_rate"], tr["abandon_rate_ci_low"], tr["abandon_rate_ci_high"]))
            row.append(_pct(gr["occupancy"], gr["occupancy_ci_low"], gr["occupancy_ci_high"]))
            body.append(row)
        first = 1 if days else 0
        lines += _table(headers, body, right=set(range(first + 1, len(headers))) - {first + 9})
    else:
        headers = (["day"] if days else []) + ["start", "contact type", "forecast", "offered", "Erlang C",
                                                "Erlang A", "sqrt", "service level", "verdict", "ASA", "abandon"]
        body = [([str(r["day"])] if days else []) + [
            r["start"], r["name"], f"{r['forecast']:.1f}", f"{r['offered']:.1f}" if r["offered"] is not None else "-",
            str(r["erlang_c"]), str(r["erlang_a"]), str(r["square_root"]),
            _pct(r["service_level"], r["service_level_ci_low"], r["service_level_ci_high"]),
            _verdict_word(r["verdict"]), _secs(r["asa"], r["asa_ci_low"], r["asa_ci_high"]),
            _pct(r["abandon_rate"], r["abandon_rate_ci_low"], r["abandon_rate_ci_high"])] for r in type_rows]
        first = 1 if days else 0
        lines += _table(headers, body, right=set(range(first + 2, len(headers))) - {first + 8})
        lines.append("")
        headers = (["day"] if days else []) + ["start", "agent group", "Erlang C", "Erlang A", "simulation",
                                                "scheduled", "occupancy"]
        body = [([str(r["day"])] if days else []) + [
            r["start"], r["name"], str(r["erlang_c"]), str(r["erlang_a"]), str(r["required"]), str(r["scheduled"]),
            _pct(r["occupancy"], r["occupancy_ci_low"], r["occupancy_ci_high"])] for r in group_rows]
        lines += _table(headers, body, right=set(range(first + 2, len(headers))))
    lines.append("")
    lines += render_plans(result)
    return "\n".join(lines) + "\n"


def render_plans(result: StaffingResult) -> list[str]:
    """The plans compared: agent-hours, intervals meeting targets, day KPIs, cost."""
    plan = result.plan
    has_cost = any(v.cost is not None for v in result.validations)
    headers = ["plan", "agent-hours/day", "intervals meeting targets"]
    types = list(result.targets.contact_types)
    patient = {ct.name for ct in plan.contact_types if ct.patience.mean == float("inf")}
    for name in types:
        headers += [f"{name}: SL"] + ([] if name in patient else [f"{name}: abandon"])
    if any(result.options.shrinkage.values()):
        headers.append("paid hours/day")
    if has_cost:
        headers.append("cost/day")
    body = []
    for v in result.validations:
        est = v.estimates
        row = [v.label, f"{agent_hours(v.staffing, plan):.1f}", f"{v.intervals_met}/{v.n_intervals}"]
        for name in types:
            sl, ab = est.contact_types[name]["service_level"], est.contact_types[name]["abandon_rate"]
            row.append(_pct(sl.mean, *(sl.ci95 or (None, None))))
            if name not in patient:
                row.append(_pct(ab.mean, *(ab.ci95 or (None, None))))
        if any(result.options.shrinkage.values()):
            row.append(f"{sum(v.paid_hours.values()) / plan.days:.1f}")
        if has_cost:
            total = v.cost["total"]
            row.append(f"{total.mean / plan.days:,.0f}" + (f" ±{total.half_width / plan.days:,.0f}"
                                                           if total.ci95 is not None else ""))
        body.append(row)
    lines = _table(headers, body, right=set(range(1, len(headers))))
    found = result.validations[0]
    for v in result.validations[1:]:
        diff = agent_hours(v.staffing, plan) - agent_hours(found.staffing, plan)
        if v.intervals_met < v.n_intervals:
            verdict = f"misses the targets in {v.n_intervals - v.intervals_met} of {v.n_intervals} intervals"
        else:
            verdict = "meets the targets"
        if diff > 0:
            lines.append(f"{v.label} over-staffs by {diff:.1f} agent-hours a day "
                         f"({100 * diff / max(agent_hours(found.staffing, plan), 1e-9):.0f} %) and {verdict}.")
        elif diff < 0:
            lines.append(f"{v.label} under-staffs by {-diff:.1f} agent-hours a day "
                         f"({100 * -diff / max(agent_hours(found.staffing, plan), 1e-9):.0f} %) and {verdict}.")
        else:
            lines.append(f"{v.label} has the same agent-hours and {verdict}.")
    lines.append("Intervals meeting targets: the 95 % CI of every targeted KPI reaches its target "
                 "(on a fresh seed)." if result.targets.confidence is None else
                 "Intervals meeting targets: every KPI meets its target on the stated share of days (fresh seed).")
    return lines


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


__all__ = ["plan_summary", "render", "rows", "scenario_yaml", "staffing_yaml", "to_dict",
           "to_json"]


# ---------------------------------------------------------------- roster

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
                mean, low, high = _interval_ci(est, "group_intervals", r.group, "occupancy", j)
                row.update({"occupancy": mean, "occupancy_ci_low": low, "occupancy_ci_high": high})
            out.append(row)
    return out


def render_roster(roster, validation, plan, targets, rounds=()) -> str:
    """The shifts block, coverage per interval, and the roster's simulated KPIs."""
    from .roster import roster_yaml_block

    lines = []
    if len(rounds) > 1:
        for i, r in enumerate(rounds, start=1):
            met = ("not simulated" if r.check is None
                   else f"meets targets in {r.check.intervals_met}/{r.check.n_intervals} intervals")
            extra = f" after adding {r.added} agent-intervals where it missed" if r.added else ""
            lines.append(f"roster {i}{extra}: {sum(g.paid_hours for g in r.roster.groups):.1f} paid hours a day, {met}")
        lines.append("")
    for r in roster.groups:
        gap = f", gap {100 * r.gap:.2g} %" if r.gap > 1e-6 else ""
        lines.append(f"{r.group}: {r.headcount()} agents on {len(r.shifts)} shifts, {r.paid_hours:.1f} paid hours a "
                     f"day for {float(r.requirement.sum()) * plan.interval_s / 3600:.1f} required agent-hours "
                     f"({r.status}{gap}; {r.patterns_considered:,} patterns, {r.seconds:.1f} s)")
    lines.append("")
    lines.append(roster_yaml_block(roster).rstrip())
    lines.append("")
    starts = clock_starts(plan)
    headers = ["start", "group", "needed", "on shift"]
    types = list(targets.contact_types)
    if validation is not None:
        headers += [f"{n}: SL" for n in types] + ["verdict"]
    body = []
    est = validation.estimates if validation is not None else None
    for r in roster.groups:
        for j, start in enumerate(starts):
            row = [start, r.group, f"{r.requirement[j]:.1f}", f"{r.covered[j]:.1f}"]
            if est is not None:
                verdicts = []
                for name in types:
                    row.append(_pct(*_interval_ci(est, "intervals", name, "service_level", j)))
                    verdicts.append(validation.verdicts[(name, "service_level")][j])
                worst = "missed" if "missed" in verdicts else "borderline" if "borderline" in verdicts else \
                    "met" if "met" in verdicts else None
                row.append(_verdict_word(worst))
            body.append(row)
    lines += _table(headers, body, right={2, 3} | set(range(4, 4 + len(types))))
    if validation is not None:
        lines.append("")
        lines.append(f"roster simulated: {validation.estimates.replications} replications (seed "
                     f"{validation.estimates.seed}); meets every target in {validation.intervals_met} of "
                     f"{validation.n_intervals} intervals")
        for name in types:
            sl = validation.estimates.contact_types[name]["service_level"]
            ab = validation.estimates.contact_types[name]["abandon_rate"]
            lines.append(f"  {name}: service level {_pct(sl.mean, *(sl.ci95 or (None, None)))}, abandonment "
                         f"{_pct(ab.mean, *(ab.ci95 or (None, None)))}")
        if validation.cost is not None:
            total = validation.cost["total"]
            lines.append(f"  cost per day {total.mean / plan.days:,.0f}")
    return "\n".join(lines) + "\n"
