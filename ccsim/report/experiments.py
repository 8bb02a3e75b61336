"""Terminal tables for comparisons and sweeps."""

from __future__ import annotations

from ..experiment.compare import Comparison
from ..experiment.sweep import Sweep
from .columns import TERMINAL, fit_lines, render_columns, resolve_width
from .labels import fmt, fmt_estimate, fmt_half, info

COMPARE_KPIS = {
    "contact_types": ("offered", "service_level", "asa", "wait_p90", "abandon_rate", "max_queue"),
    "agent_groups": ("occupancy", "contacts_per_hour", "agents_present"),
    "total": ("service_level", "asa", "abandon_rate"),
}


def _fmt(kpi: str, value: float | None, signed: bool = False) -> str:
    return fmt(kpi, value, signed=signed)


def _half(kpi: str, ci) -> str:
    return fmt_half(kpi, ci) or "–"


def render_comparison(comp: Comparison, width: int | None | str = TERMINAL, colour: bool = False) -> str:
    """A: …, B: …, then per KPI: A, B, B − A with the paired and the unpaired CI.

    width: as ``render_tables`` (the terminal's columns; None when piped); colour: bold headers."""
    width = resolve_width(width)  # type: ignore[arg-type]
    la, lb = comp.labels
    lines = [f"{la}: {comp.a.scenario.name}", f"{lb}: {comp.b.scenario.name}{comp.b_note}",
             f"{comp.a.replications} paired replications on common random numbers, seed {comp.a.seed}", ""]
    headers = ["", "KPI", la, lb, f"{lb} − {la}", "paired CI", "unpaired CI", ""]
    rows = []
    for row in comp.rows():
        if row["kpi"] not in COMPARE_KPIS[row["section"]]:
            continue
        kpi = row["kpi"]
        rows.append([row["name"], info(kpi).label, _fmt(kpi, row["a"]), _fmt(kpi, row["b"]),
                     _fmt(kpi, row["difference"], signed=True), _half(kpi, row["paired_ci95"]),
                     _half(kpi, row["unpaired_ci95"]), "significant" if row["significant"] else ""])
    lines += render_columns(headers, rows, right={2, 3, 4, 5, 6}, width=width, colour=colour, key=2)
    for key, label in (("a", la), ("b", lb)):
        if comp.groups_only[key]:
            lines += ["", f"Agent groups only in {label} (not compared): {', '.join(comp.groups_only[key])}"]
    lines += ["", "Differences are B − A (shares in percentage points, pp) with the half-widths of their 95 % "
                  "intervals; 'paired' uses the per-replication differences (common random numbers), "
                  "'unpaired' treats the runs as independent."]
    return "\n".join(fit_lines(lines, width))


def render_sweep(result: Sweep, width: int | None | str = TERMINAL, colour: bool = False) -> str:
    """One row per point and contact type: SL, ASA, abandonment with CIs; occupancy per group.

    width: as ``render_tables`` (the terminal's columns; None when piped); colour: bold headers."""
    width = resolve_width(width)  # type: ignore[arg-type]
    names = list(result.axes)
    first = result.points[0].estimates
    headers = [n.split(".")[-2] + "." + n.split(".")[-1] if n.count(".") else n for n in names]
    headers += ["contact type", "service level", "ASA", "abandon"]
    groups = list(first.agent_groups)
    headers += [f"occ. {g}" for g in groups]
    rows = []
    for point in result.points:
        est = point.estimates
        for name, k in est.contact_types.items():
            row = [str(point.values[n]) for n in names] + [name]
            row += [fmt_estimate(kpi, k[kpi]) for kpi in ("service_level", "asa", "abandon_rate")]
            row += [_fmt("occupancy", est.agent_groups[g]["occupancy"].mean) for g in groups]
            rows.append(row)
    lines = [f"Sweep of {first.scenario.name}: {len(result.points)} points, "
             f"{first.replications} replications each, common random numbers (seed {first.seed})", ""]
    lines += render_columns(headers, rows, right=set(range(len(names))) | set(range(len(names) + 1, len(headers))),
                            width=width, colour=colour, key=len(names) + 1)
    return "\n".join(fit_lines(lines, width))
