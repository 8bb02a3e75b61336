"""HTML reports of a run, a comparison and a sweep: ``write_report(results, path)``.

``results`` is an ``Estimates`` (``ccsim.simulate``), a ``Comparison``
(``ccsim.compare``) or a ``Sweep`` (``ccsim.sweep``). The file is
self-contained (figures embedded as SVG, no network needed to view it) and
its size does not grow with the number of replications: figures show means
and P10–P90 bands per interval, and waiting times come from at most the first
50 replications.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..experiment.compare import Comparison
from ..experiment.estimates import Estimates
from ..experiment.sweep import Sweep
from . import figures as F
from .document import Raw, Report, esc, figure_html, table_html
from .labels import fmt, fmt_estimate, fmt_half, info
from .sections import (
    interval_figures,
    kpi_tables,
    run_sections,
    run_subtitle,
    scenario_section,
    verdict_cards,
)
from .waits import wait_distributions


def run_report(est: Estimates, title: str | None = None, wait_replications: int | None = None) -> Report:
    """The report of one run: at a glance, scenario, KPIs, per interval, waits, journeys."""
    report = Report(title or est.scenario.name, run_subtitle(est))
    report.extend(run_sections(est, wait_replications=wait_replications))
    return report


# ---------------------------------------------------------------- comparison


def _difference_class(kpi: str, row: dict) -> str:
    """'met' (green) for a significant improvement, 'missed' (red) for a worsening."""
    better = info(kpi).better
    if not row["significant"] or not better or not math.isfinite(row["difference"]):
        return ""
    return "met" if row["difference"] * better > 0 else "missed"


def comparison_report(comp: Comparison, wait_replications: int | None = None) -> Report:
    """B against A: verdicts of both, differences with paired CIs, overlaid curves, both scenarios."""
    la, lb = comp.labels
    a, b = comp.a, comp.b
    report = Report(
        f"{lb} against {la}: {b.scenario.name}{comp.b_note}"
        if a.scenario.name == b.scenario.name
        else f"{lb} ({b.scenario.name}) against {la} ({a.scenario.name})",
        f"{a.replications} paired replications on common random numbers, seed {a.seed}",
    )
    report.add(
        "glance",
        "At a glance",
        f"<p><b>{esc(la)}</b>: {esc(a.scenario.name)}<br><b>{esc(lb)}</b>: {esc(b.scenario.name)}"
        f"{esc(comp.b_note)}</p>" + verdict_cards(a, la) + "<p></p>" + verdict_cards(b, lb),
    )

    key_kpis = [("contact_types", k) for k in ("service_level", "asa", "abandon_rate")]
    key_kpis += [("agent_groups", "occupancy")]
    key_kpis = [(s, k) for s, k in key_kpis if any(k in kpis for kpis in comp.difference[s].values())]
    panels = []  # (section, KPI, names): a time KPI gets a panel per time scale (seconds, hours)
    for section, kpi in key_kpis:
        names = list(comp.difference[section])
        scales = F.type_scales(a, names) if section == "contact_types" and info(kpi).kind == "seconds" else [names]
        panels += [(section, kpi, group) for group in scales]
    longest = max(len(n) for s in comp.difference.values() for n in s)
    fig, axes = F.new_figure(
        nrows=len(panels),
        height=0.4 * max(len(a.contact_types), len(a.agent_groups)) + 1.5,
        left=max(0.85, 0.35 + 0.085 * longest),
    )
    for ax, (section, kpi, group) in zip(axes, panels, strict=True):
        F.draw_differences(ax, comp, kpi, section, group)
    body = figure_html(
        fig,
        "differences with confidence intervals",
        f"Each point is the mean difference {lb} − {la}; the bar is its paired 95 % confidence "
        "interval. A bar that does not cross zero is a significant difference.",
    )
    rows, classes = [], {}
    for row in comp.rows():
        kpi = row["kpi"]
        paired, unpaired = row["paired_ci95"], row["unpaired_ci95"]
        cls = _difference_class(kpi, row)
        if cls:
            classes[(len(rows), 4)] = cls
        rows.append(
            [
                row["name"],
                info(kpi).label,
                fmt(kpi, row["a"]),
                fmt(kpi, row["b"]),
                fmt(kpi, row["difference"], signed=True),
                fmt_half(kpi, paired) or "–",
                fmt_half(kpi, unpaired) or "–",
                "yes" if row["significant"] else "",
            ]
        )
    body += (
        "<details open><summary>Every KPI</summary>"
        + table_html(
            ["", "KPI", la, lb, f"{lb} − {la}", "paired 95 % CI", "unpaired 95 % CI", "significant"],
            rows,
            numeric={2, 3, 4, 5, 6},
            classes=classes,
        )
        + '<p class="note">Green: a significant improvement, red: a significant worsening. The paired '
        "interval uses the per-replication differences (both variants see the same callers); the "
        "unpaired (Welch) interval treats the runs as independent, for reference.</p></details>"
    )
    report.add("differences", "Differences", body)

    runs = [(la, a), (lb, b)]
    types = [n for n in a.contact_types if n in b.contact_types]
    groups = [n for n in a.agent_groups if n in b.agent_groups]
    same_days = all(
        getattr(a.plan, k, 1) == getattr(b.plan, k, 1)
        for k in ("clock_start", "horizon_s", "interval_s", "n_intervals", "days")
    )
    if same_days and types and groups:
        report.add("intervals", "Per interval", interval_figures(runs, types, groups))
    else:
        report.add(
            "intervals",
            "Per interval",
            '<p class="note">The variants differ in their horizon, intervals, contact types or agent '
            "groups: their curves are not drawn over each other. Report each variant with "
            "<code>ccsim run --report</code>.</p>",
        )
    if types:
        dists = [
            (la, wait_distributions(a, max_replications=wait_replications)),
            (lb, wait_distributions(b, max_replications=wait_replications)),
        ]
        scales = F.type_scales(a, types)
        fig, axes = F.new_figure(nrows=len(scales), height=3.6)
        for ax, group in zip(axes, scales, strict=True):
            F.draw_waits(ax, dists, group)
        report.add(
            "waits",
            "Waiting times",
            figure_html(
                fig, "waiting-time distributions", f"Share answered within each wait, {la} (solid) and {lb} (dashed)."
            ),
        )
    for label, est in runs:
        section = scenario_section(est, title=f"{label}: scenario and KPIs", key=f"variant-{label}")
        report.add(
            section.key,
            section.title,
            f"<details><summary>Scenario and KPI tables of {esc(label)}</summary>{section.body}"
            f"<h3>KPIs</h3>{kpi_tables(est)}</details>",
        )
    return report


# ---------------------------------------------------------------- sweep


def sweep_report(result: Sweep) -> Report:
    """Trade-off curves (each KPI against the first axis) and a table of every point."""
    first = result.points[0].estimates
    axes = list(result.axes)
    report = Report(
        f"Sweep of {first.scenario.name}",
        f"{len(result.points)} points, {first.replications} replications each, common random "
        f"numbers (seed {first.seed})",
    )
    axes_text = "".join(
        f"<li><code>{esc(a)}</code>: {esc(', '.join(str(v) for v in vs))}</li>" for a, vs in result.axes.items()
    )
    curves = []
    for section, kpi in (
        ("contact_types", "service_level"),
        ("contact_types", "asa"),
        ("contact_types", "abandon_rate"),
        ("agent_groups", "occupancy"),
    ):
        if not all(kpi in kpis for kpis in getattr(first, section).values()):
            continue
        scales = F.type_scales(first) if section == "contact_types" and info(kpi).kind == "seconds" else [None]
        fig, panels = F.new_figure(nrows=len(scales), height=3.4)
        for ax, group in zip(panels, scales, strict=True):
            F.draw_sweep(ax, result, kpi, section, group)
        curves.append(
            figure_html(
                fig,
                f"{info(kpi).label} against {axes[0]}",
                f"{info(kpi).label[:1].upper() + info(kpi).label[1:]} at each point: mean and 95 % confidence "
                "interval; every point sees the same callers (common random numbers).",
            )
        )
    report.add("curves", "Trade-off curves", f"<p>Axes:</p><ul>{axes_text}</ul>" + "".join(curves))

    types = list(first.contact_types)
    groups = list(first.agent_groups)
    headers = [a.split(".")[-2] + "." + a.split(".")[-1] if a.count(".") else a for a in axes]
    headers += [f"{n}: {label}" for n in types for label in ("service level", "ASA", "abandonment")]
    headers += [f"{g}: occupancy" for g in groups]
    rows, classes = [], {}
    for point in result.points:
        est = point.estimates
        targets = est.targets()
        row = [str(point.values[a]) for a in axes]
        for name in types:
            kpis = est.contact_types[name]
            classes[(len(rows), len(row))] = targets[name]["verdict"]
            row += [fmt_estimate(k, kpis[k]) if k in kpis else "–" for k in ("service_level", "asa", "abandon_rate")]
        row += [fmt_estimate("occupancy", est.agent_groups[g]["occupancy"]) for g in groups]
        rows.append(row)
    report.add(
        "points",
        "Every point",
        table_html(headers, rows, numeric=set(range(len(axes), len(headers))), classes=classes)
        + '<p class="note">Service level in green where the target is met, red where it is missed, '
        "amber where the confidence interval contains the target.</p>",
    )
    section = scenario_section(first, title="Scenario (first point)")
    report.add(section.key, section.title, section.body)
    return report


# ---------------------------------------------------------------- entry points


def build_report(results, **options) -> Report:
    """The ``Report`` of an ``Estimates``, ``Comparison`` or ``Sweep``."""
    if isinstance(results, Estimates):
        return run_report(results, **options)
    if isinstance(results, Comparison):
        return comparison_report(results, **options)
    if isinstance(results, Sweep):
        return sweep_report(results, **options)
    raise TypeError(
        f"cannot report a {type(results).__name__}: expected the result of ccsim.simulate, ccsim.compare or ccsim.sweep"
    )


def write_report(results, path: str | Path, **options) -> Path:
    """Write the HTML report of *results* to *path* (atomically); return the path."""
    return build_report(results, **options).write(path)


__all__ = ["Raw", "Report", "build_report", "comparison_report", "run_report", "sweep_report", "write_report"]
