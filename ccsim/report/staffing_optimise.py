"""The optimiser's answer on screen, in JSON, as CSV rows and as a scenario file, beside the others.

``ccsim.staffing.optimise`` computes (``optimise``, ``compare.compare_plans``,
``compare.chance_premium``); this module writes. The HTML report is in
``staffing_optimise_report``.
"""

from __future__ import annotations

from ..staffing.optimise import OptimiseResult
from ..staffing.optimise.compare import ComparedPlan
from ..staffing.optimise.verify import Check, period_label, summary
from .labels import fmt
from .staffing_export import scenario_yaml

VERDICT_WORDS = {"confirmed": "confirmed", "met": "met, CI reaches past the target",
                 "borderline": "borderline, estimate short, CI reaches the target", "missed": "missed"}


def _kpi_text(ch: Check, value: float | None) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f} % of days" if ch.of_days else fmt(ch.constraint.kpi, value)


def check_text(ch: Check) -> str:
    """'support service level 81.2 % [79.9 %, 82.5 %] (target 80.0 %)'."""
    c = ch.constraint
    rng = "" if ch.low is None else f" [{_kpi_text(ch, ch.low)}, {_kpi_text(ch, ch.high)}]"
    return (f"{c.name} {c.kpi.replace('_', ' ')} {_kpi_text(ch, ch.observed)}{rng} "
            f"(target {_kpi_text(ch, ch.target)})")


def shortfalls(checks: list[Check]) -> list[Check]:
    """Constraints whose 95 % CI does not clear the target, the largest shortfall first."""
    return sorted((ch for ch in checks if ch.verdict != "confirmed"), key=lambda ch: -ch.shortfall)


def _shortfall_text(ch: Check) -> str:
    return f"{100 * ch.shortfall:+.1f} pp of days" if ch.of_days else fmt(ch.constraint.kpi, ch.shortfall, signed=True)


def render_optimise(result: OptimiseResult, compared: list[ComparedPlan], premium: dict | None = None,
                    max_shortfalls: int = 10) -> str:
    """Terminal text: cost, agents and shifts per group, staffing per interval with the binding constraint,
    the verification with CIs, the plans compared and (confidence target) the premium over expectation."""
    lines = [f"Optimiser (cutting planes{', one step: shifts' if result.shifts is not None else ''}): "
             f"cost {result.cost_per_day:,.2f} per day "
             f"({'converged' if result.converged else 'did not converge: raised until met'}, "
             f"{result.evaluations} staffings, {result.simulated_days:,} simulated days, {result.seconds:.1f} s)"]
    if result.confidence is not None:
        lines.append(f"targets met on at least {100 * result.confidence:g} % of days")
    lines.append("")
    for row in result.agents_and_shifts():
        text = (f"  {row['group']}: {row['agent_hours_per_day']:.1f} agent-hours a day, peak {row['peak_agents']} "
                f"agents, {row['hourly_cost']:g}/hour")
        if "headcount" in row:
            text += f", {row['headcount']} agents on {row['shifts']} shifts, {row['paid_hours_per_day']:.1f} paid hours"
        lines.append(text + f": {row['cost_per_day']:,.2f} a day")
    width = max(8, *(len(g) for g in result.groups))
    lines.append("")
    lines.append(f"{'interval':<8} " + " ".join(f"{g:>{width}}" for g in result.groups) + "  binding constraint")
    for j, start in enumerate(result.interval_starts):
        cells = " ".join(f"{int(result.staffing[i, j]):>{width}}" for i in range(len(result.groups)))
        lines.append(f"{start:<8} {cells}  {result.binding[j] or '-'}")
    if result.shifts is not None:
        lines.append("shifts:")
        for g, shifts in result.shifts.items():
            for pattern, count in shifts:
                s = pattern.to_shift(count)
                breaks = ", ".join(f"{b['start']} {b['length']}" for b in s.get("breaks", []))
                lines.append(f"  {g}: {count} x {s['start']}-{s['end']}" + (f" (breaks {breaks})" if breaks else ""))
    v = result.validation
    counts = summary(result.checks)
    lines.append("")
    lines.append(f"verified on {v.estimates.replications} fresh days: {v.intervals_met}/{v.n_intervals} intervals "
                 f"meet every target; of {counts['constraints']} constraints {counts['confirmed']} confirmed "
                 f"(95 % CI clear of the target), {counts['met']} met with the CI reaching past it, "
                 f"{counts['borderline']} borderline (estimate short, CI reaching it), {counts['missed']} missed")
    short = shortfalls(result.checks)
    for ch in short[:max_shortfalls]:
        lines.append(f"  {period_label(ch.constraint, result.interval_starts):<5} {VERDICT_WORDS[ch.verdict]}: "
                     f"{check_text(ch)}, shortfall {_shortfall_text(ch)}")
    if len(short) > max_shortfalls:
        lines.append(f"  ... and {len(short) - max_shortfalls} more (--json, --csv or --report for all)")
    if premium is not None:
        lines.append("")
        share = "" if premium["extra_share"] is None else f" ({100 * premium['extra_share']:+.1f} %)"
        lines.append(f"meeting the targets on {100 * premium['confidence']:g} % of days costs "
                     f"{premium['extra_cost_per_day']:+,.2f} a day{share} over the expected-value staffing "
                     f"({premium['expected_value_cost_per_day']:,.2f} a day)")
    if compared:
        lines.append("")
        lines.append(f"{'plan':<32} {'cost/day':>10} {'agent-h/day':>12} {'intervals met':>14} {'confirmed':>10}"
                     f" {'borderline':>10} {'missed':>7}")
        for p in compared:
            c = summary(p.checks)
            lines.append(f"{p.label:<32} {p.cost_per_day:>10,.2f} "
                         f"{float(p.staffing.sum()) * result.interval_s / 3600.0:>12.1f} "
                         f"{p.validation.intervals_met:>8}/{p.validation.n_intervals:<5} "
                         f"{c['confirmed']:>5}/{c['constraints']:<4} {c['borderline']:>10} {c['missed']:>7}")
        base = compared[0].cost_per_day
        for p in compared[1:]:
            diff = p.cost_per_day - base
            rel = f" ({100 * diff / base:+.1f} %)" if base > 0 else ""
            lines.append(f"{p.label} costs {diff:+,.2f} a day{rel} against the optimiser")
    return "\n".join(lines) + "\n"


def optimise_doc(result: OptimiseResult, compared: list[ComparedPlan], premium: dict | None = None) -> dict:
    """The JSON document of ``ccsim staff --method optimise``."""
    doc = result.to_dict()
    doc["interval_starts"] = result.interval_starts
    doc["compared"] = [p.to_dict(result.groups, result.interval_s) for p in compared]
    if premium is not None:
        doc["chance_constrained"] = premium
    return doc


def optimise_rows(result: OptimiseResult, compared: list[ComparedPlan]) -> list[dict]:
    """Long-form rows: per interval and group the agents of every plan and the binding constraint
    (``kind: agent_group``); then every constraint verified (``kind: constraint``)."""
    out = []
    for i, g in enumerate(result.groups):
        for j, start in enumerate(result.interval_starts):
            row = {"kind": "agent_group", "start": start, "name": g, "agents": int(result.staffing[i, j]),
                   "binding": result.binding[j]}
            for p in compared[1:]:
                row[p.label] = round(float(p.staffing[i, j]), 3)
            out.append(row)
    for ch in result.checks:
        d = ch.to_dict(result.interval_starts)
        out.append({"kind": "constraint", "start": d.pop("period"), **d})
    return out


def optimised_yaml(scenario, result: OptimiseResult) -> str:
    """The scenario with the optimised staffing (one step: its shifts), ready for ``ccsim run``."""
    variant = scenario.with_changes(result.changes)
    what = "shifts" if result.shifts is not None else "agents per interval"
    header = (f"{scenario.name}: {what} by `ccsim staff --method optimise`, cost {result.cost_per_day:,.2f} a day "
              f"({result.simulated_days:,} simulated days).\nVerified on {result.validation.estimates.replications} "
              f"fresh days: {result.validation.intervals_met}/{result.validation.n_intervals} intervals meet every "
              "target.")
    return scenario_yaml(variant, header)
