"""The HTML report of ``ccsim staff --method optimise --report``.

At a glance: cost, agents and shifts per group, the plans compared (the search,
two step, Erlang A) and, with a confidence target, the premium over the
expected-value staffing. Then a figure of agents per interval of every plan,
the staffing per interval with its binding constraint, every constraint
verified with its 95 % CI, the optimiser's steps, and the KPI sections of the
verification run.
"""

from __future__ import annotations

import numpy as np

from ..staffing.optimise import OptimiseResult
from ..staffing.optimise.compare import ComparedPlan
from ..staffing.optimise.verify import period_label, summary
from . import figures as F
from .document import Report, esc, figure_html, table_html
from .sections import interval_section, kpi_section, scenario_section
from .staffing_optimise import VERDICT_WORDS, _kpi_text, _shortfall_text

_CLASS = {"confirmed": "met", "met": "met", "borderline": "borderline", "missed": "missed"}


def _figure(result: OptimiseResult, compared: list[ComparedPlan], group: int):
    est = result.validation.estimates
    fig, (ax,) = F.new_figure(height=3.6)
    t = F._time_axis(ax, est)
    days = est.plan.days
    styles = ["-", "--", "-.", ":"]
    for k, p in enumerate(compared):
        edges, ys = t.steps(np.tile(np.asarray(p.staffing[group], dtype=float), days))
        ax.step(edges, ys, where="post", color=F.COLOURS[k % len(F.COLOURS)], linestyle=styles[k % len(styles)],
                linewidth=2.4 if k == 0 else 1.5, label=p.label)
    ax.set_ylim(bottom=0)
    F.tidy(ax, f"Agents per interval — {result.groups[group]}", F._time_label(t), "agents")
    return fig


def optimise_report(result: OptimiseResult, compared: list[ComparedPlan], premium: dict | None,
                    scenario_name: str) -> Report:
    v = result.validation
    report = Report(f"Least-cost staffing for {scenario_name}",
                    f"optimiser: cutting planes{', one step (shifts)' if result.shifts is not None else ''}, "
                    f"{result.evaluations} staffings, {result.simulated_days:,} simulated days, "
                    f"{result.seconds:.1f} s; "
                    f"verified on {v.estimates.replications} fresh days")
    groups = [[r["group"], f"{r['hourly_cost']:g}", f"{r['agent_hours_per_day']:.1f}", str(r["peak_agents"]),
               str(r.get("headcount", "–")), str(r.get("shifts", "–")),
               "–" if "paid_hours_per_day" not in r else f"{r['paid_hours_per_day']:.1f}",
               f"{r['cost_per_day']:,.2f}"] for r in result.agents_and_shifts()]
    body = (f"<p>Cost <strong>{result.cost_per_day:,.2f}</strong> a day"
            + ("" if result.confidence is None else f", targets met on at least {100 * result.confidence:g} % "
               "of days") + ".</p>"
            + table_html(["agent group", "price per hour", "agent-hours a day", "peak agents", "agents on shifts",
                          "shifts", "paid hours a day", "cost a day"], groups, numeric={1, 2, 3, 4, 5, 6, 7}))
    if premium is not None:
        share = "" if premium["extra_share"] is None else f" ({100 * premium['extra_share']:+.1f} %)"
        body += (f"<p>Meeting the targets on {100 * premium['confidence']:g} % of days costs "
                 f"{premium['extra_cost_per_day']:+,.2f} a day{esc(share)} over the expected-value staffing "
                 f"({premium['expected_value_cost_per_day']:,.2f} a day).</p>")
    rows, classes = [], {}
    for i, p in enumerate(compared):
        n = summary(p.checks)
        rows.append([p.label, f"{p.cost_per_day:,.2f}", f"{float(p.staffing.sum()) * result.interval_s / 3600:.1f}",
                     f"{p.validation.intervals_met}/{p.validation.n_intervals}",
                     f"{n['confirmed']}/{n['constraints']}", str(n["met"]), str(n["borderline"]), str(n["missed"])])
        classes[(i, 3)] = "met" if p.validation.intervals_met == p.validation.n_intervals else "missed"
    body += ("<h3>Plans compared</h3>" + table_html(
        ["plan", "cost a day", "agent-hours a day", "intervals meeting targets", "constraints confirmed",
         "met, CI reaching past the target", "borderline", "missed"], rows, numeric={1, 2, 3, 4, 5, 6, 7},
        classes=classes)
        + '<p class="note">Every plan priced at the same price per agent-hour (shifts: per paid hour) and '
          "verified on fresh days. A constraint is confirmed when its 95 % confidence interval is clear of the "
          "target.</p>")
    report.add("glance", "At a glance", body)
    report.add("agents", "Agents per interval", "".join(
        figure_html(_figure(result, compared, i), f"agents per interval for {g}", "every plan compared")
        for i, g in enumerate(result.groups)))
    rows = [[start, *[str(int(result.staffing[i, j])) for i in range(len(result.groups))],
             *[f"{float(p.staffing[:, j].sum()):.1f}" for p in compared[1:]], result.binding[j] or "–"]
            for j, start in enumerate(result.interval_starts)]
    body = table_html(["start", *result.groups, *[f"{p.label} (all groups)" for p in compared[1:]],
                       "binding constraint"], rows, numeric=set(range(1, 1 + len(result.groups) + len(compared) - 1)))
    if result.shifts is not None:
        lines = "".join(
            f"<li>{esc(g)}: {count} × {esc(s['start'])}–{esc(s['end'])}"
            + (" (breaks " + esc(", ".join(f"{b['start']} {b['length']}" for b in s.get("breaks", []))) + ")"
               if s.get("breaks") else "") + "</li>"
            for g, shifts in result.shifts.items() for pattern, count in shifts for s in [pattern.to_shift(count)])
        body += f"<h3>Shifts</h3><ul>{lines}</ul>"
    report.add("staffing", "Staffing and binding constraints", body)
    rows, classes = [], {}
    order = ["missed", "borderline", "met", "confirmed"]
    for k, ch in enumerate(sorted(result.checks, key=lambda ch: order.index(ch.verdict))):
        con = ch.constraint
        rows.append([period_label(con, result.interval_starts), con.name, con.kpi.replace("_", " "),
                     _kpi_text(ch, ch.target), _kpi_text(ch, ch.observed),
                     "–" if ch.low is None else f"{_kpi_text(ch, ch.low)} – {_kpi_text(ch, ch.high)}",
                     VERDICT_WORDS[ch.verdict], "–" if ch.verdict == "confirmed" else _shortfall_text(ch)])
        classes[(k, 6)] = _CLASS[ch.verdict]
    counts = summary(result.checks)
    report.add("verification", "Verification", (
        f"<p>{counts['constraints']} constraints on {v.estimates.replications} fresh days: {counts['confirmed']} "
        f"confirmed, {counts['met']} met with the CI reaching past the target, {counts['borderline']} borderline "
        f"(estimate short, CI reaching the target), {counts['missed']} missed.</p>"
        + table_html(["period", "name", "KPI", "target", "observed", "95 % CI", "verdict", "shortfall"], rows,
                     numeric={3, 4, 7}, classes=classes)))
    steps = [[s.phase, str(s.iteration), f"{s.cost:,.2f}", str(s.failing), str(s.cuts), str(s.evaluations),
              f"{s.simulated_days:,}"] for s in result.steps]
    report.add("steps", "Optimiser steps", table_html(
        ["step", "iteration", "cost a day", "intervals missing", "cuts", "staffings so far", "simulated days so far"],
        steps, numeric={1, 2, 3, 4, 5, 6}))
    est = v.estimates
    report.add("kpis", "KPIs of the optimised staffing", kpi_section(est).body)
    report.add("intervals", "Per interval, simulated", interval_section(est).body)
    section = scenario_section(est, title="Scenario")
    report.add(section.key, section.title, section.body)
    return report


__all__ = ["optimise_report"]
