"""The optimiser's answer on screen and in JSON, side by side with the search's and Erlang's."""

from __future__ import annotations

import numpy as np


def comparison_row(label: str, staffing: np.ndarray, hourly: np.ndarray, interval_s: float, validation) -> dict:
    cost = float((staffing.sum(axis=1) * hourly).sum() * interval_s / 3600.0)
    return {"label": label, "cost_per_day": round(cost, 4),
            "agent_hours_per_day": round(float(staffing.sum()) * interval_s / 3600.0, 2),
            "intervals_met": validation.intervals_met, "n_intervals": validation.n_intervals,
            "replications": validation.estimates.replications}


def render_optimise(result, compared: list[dict]) -> str:
    """Terminal text: cost, agents per group and interval with the binding constraint, verification, comparison."""
    lines = [f"Optimiser (cutting planes{', one step: shifts' if result.shifts is not None else ''}): "
             f"cost {result.cost_per_day:,.2f} per day "
             f"({'converged' if result.converged else 'did not converge: raised until met'}, "
             f"{result.evaluations} staffings, {result.simulated_days:,} simulated days, {result.seconds:.1f} s)"]
    if result.confidence is not None:
        lines.append(f"targets met on at least {100 * result.confidence:g} % of days")
    width = max(8, *(len(g) for g in result.groups))
    lines.append(f"{'interval':<8} " + " ".join(f"{g:>{width}}" for g in result.groups) + "  binding constraint")
    for j, start in enumerate(result.interval_starts):
        cells = " ".join(f"{int(result.staffing[i, j]):>{width}}" for i in range(len(result.groups)))
        lines.append(f"{start:<8} {cells}  {result.binding[j] or '-'}")
    if result.shifts is not None:
        lines.append("shifts:")
        for g, shifts in result.shifts.items():
            for pattern, count in shifts:
                s = pattern.to_shift(count)
                lines.append(f"  {g}: {count} x {s['start']}-{s['end']}")
    v = result.validation
    lines.append(f"verified on {v.estimates.replications} fresh days: {v.intervals_met}/{v.n_intervals} intervals "
                 "meet every target (95 % CI reaches the target)")
    missed = [(k, j) for k, verdicts in v.verdicts.items() for j, x in enumerate(verdicts) if x == "missed"]
    for (name, kpi), j in missed[:10]:
        lines.append(f"  shortfall: {name} {kpi} in interval {j % len(result.interval_starts)}")
    if compared:
        lines.append("")
        lines.append(f"{'plan':<22} {'cost/day':>10} {'agent-h/day':>12} {'intervals met':>14}")
        for row in compared:
            lines.append(f"{row['label']:<22} {row['cost_per_day']:>10,.2f} {row['agent_hours_per_day']:>12.1f} "
                         f"{row['intervals_met']:>8}/{row['n_intervals']}")
    return "\n".join(lines) + "\n"
