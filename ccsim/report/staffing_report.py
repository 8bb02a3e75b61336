"""The HTML report of ``ccsim staff --report``: required against scheduled, per interval, the plans compared.

Built from the generic report layer (``document.Report``, ``figures``,
``sections``): the staffing-specific sections first, then the run sections of
the staffing found (KPI tables and per-interval figures of its check run on
fresh random numbers), where the staffing figure draws agents present against
the agents required.
"""

from __future__ import annotations

import numpy as np

from ..staffing.roster import roster_yaml_block
from ..staffing.staff import StaffingResult, agent_hours
from . import figures as F
from .document import Report, esc, figure_html, table_html
from .labels import fmt
from .sections import interval_section, kpi_section, scenario_section
from .staffing_export import rows
from .staffing_table import render_plans

METHOD_STYLE = (("Erlang C", "#9e9e9e", ":"), ("Erlang A", "#8c564b", "-."))


def _staffing_figure(result: StaffingResult, group: int, roster=None):
    est = result.validation.estimates
    fig, (ax,) = F.new_figure(height=3.6)
    t = F._time_axis(ax, est)
    days = result.plan.days

    def step(values, label, colour, style, width):
        edges, ys = t.steps(np.tile(np.asarray(values, dtype=float), days))
        ax.step(edges, ys, where="post", color=colour, linestyle=style, linewidth=width, label=label)

    for (label, colour, style), method in zip(METHOD_STYLE, ("erlang_c", "erlang_a"), strict=True):
        step(result.analytic_by_group(method)[group], label, colour, style, 1.4)
    step(result.required[group], "required (simulation)", F.COLOURS[0], "-", 2.4)
    if result.scheduled[group].sum() != result.required[group].sum():
        step(result.scheduled[group], "scheduled positions", F.COLOURS[1], "-", 1.8)
    if roster is not None:
        covered = next((r.covered for r in roster.groups if r.group == result.groups[group]), None)
        if covered is not None:
            step(covered, "roster (on shift)", F.COLOURS[2], "--", 1.8)
    ax.set_ylim(bottom=0)
    F.tidy(ax, f"Agents per interval — {result.groups[group]}", F._time_label(t), "agents")
    return fig


def _verdict_class(verdict) -> str:
    return verdict if verdict in ("met", "missed", "borderline") else ""


def _interval_table(result: StaffingResult) -> str:
    all_rows = rows(result)
    type_rows = [r for r in all_rows if r["kind"] == "contact_type"]
    group_rows = [r for r in all_rows if r["kind"] == "agent_group"]
    days = result.plan.days > 1

    def ci(r, kpi):
        mean, low, high = r[kpi], r[f"{kpi}_ci_low"], r[f"{kpi}_ci_high"]
        if mean is None:
            return "–"
        half = "" if low is None else f" ± {fmt(kpi, (high - low) / 2)}"
        return fmt(kpi, mean) + half

    body, classes = [], {}
    first = 1 if days else 0
    for r in type_rows:
        classes[(len(body), first + 8)] = _verdict_class(r["verdict"])
        body.append(([str(r["day"])] if days else []) + [
            r["start"], r["name"], f"{r['forecast']:.1f}", "–" if r["offered"] is None else f"{r['offered']:.1f}",
            str(r["erlang_c"]), str(r["erlang_a"]), f"{r['square_root']} (β {r['beta']:.2f})",
            r["target"], ci(r, "service_level"), ci(r, "asa"), ci(r, "abandon_rate")])
    headers = (["day"] if days else []) + ["start", "contact type", "forecast", "offered (simulated)", "Erlang C",
                                            "Erlang A", "square root", "target", "service level", "ASA", "abandonment"]
    out = "<h3>Contact types</h3>" + table_html(headers, body, numeric=set(range(first + 2, first + 7)) | {
        first + 8, first + 9, first + 10}, classes=classes)
    body = [([str(r["day"])] if days else []) + [
        r["start"], r["name"], str(r["erlang_c"]), str(r["erlang_a"]), str(r["required"]), str(r["scheduled"]),
        ci(r, "occupancy")] for r in group_rows]
    headers = (["day"] if days else []) + ["start", "agent group", "Erlang C", "Erlang A", "required (simulation)",
                                            "scheduled positions", "occupancy"]
    out += "<h3>Agent groups</h3>" + table_html(headers, body, numeric=set(range(first + 2, first + 7)))
    return out


def staffing_report(result: StaffingResult, roster=None, roster_check=None) -> Report:
    """The report of a staffing run (and of its roster, with ``--shifts``)."""
    s = result.search
    report = Report(f"Staffing for {result.scenario.name}",
                    f"search: {s.evaluations} variants, {s.simulated_days:,} simulated days "
                    f"({result.days_per_variant} per variant, seed {result.seed}); check: {result.check_replications} "
                    f"replications on fresh random numbers (seed {result.check_seed})")
    targets = "".join(f"<li>{esc(n)}: {esc(t.describe())}</li>" for n, t in result.targets.contact_types.items())
    targets += "".join(f"<li>{esc(g)}: occupancy at most {100 * c:g} %</li>"
                       for g, c in result.targets.max_occupancy.items() if c is not None)
    how = ("in expectation (the interval's mean over days)" if result.targets.confidence is None
           else f"on {100 * result.targets.confidence:g} % of days")
    plans_rows = []
    for v in result.validations:
        sl = "; ".join(f"{n} {fmt('service_level', v.estimates.contact_types[n]['service_level'].mean)}"
                       for n in result.targets.contact_types)
        cost = "–" if v.cost is None else f"{v.cost['total'].mean / result.plan.days:,.0f}"
        plans_rows.append([v.label, f"{agent_hours(v.staffing, result.plan):.1f}",
                           f"{v.intervals_met}/{v.n_intervals}", sl, cost])
    classes = {(i, 2): ("met" if v.intervals_met == v.n_intervals else "missed")
               for i, v in enumerate(result.validations)}
    sentences = [line for line in render_plans(result) if line.endswith("targets.")]
    report.add("glance", "At a glance",
               f"<p>Targets, met {esc(how)}:</p><ul>{targets}</ul>"
               + table_html(["plan", "agent-hours a day", "intervals meeting targets", "service level (day)",
                             "cost a day"], plans_rows, numeric={1, 2, 4}, classes=classes)
               + "".join(f"<p>{esc(line)}</p>" for line in sentences)
               + '<p class="note">Every plan is simulated on the same fresh random numbers. An interval meets '
                 "its targets when the 95 % confidence interval of each targeted KPI reaches the target.</p>")
    figures = "".join(figure_html(_staffing_figure(result, i, roster), f"agents per interval for {g}",
                                  "Erlang C and Erlang A (each interval alone, stationary), the agents the "
                                  "simulation requires, and the positions to schedule "
                                  f"({100 * result.options.shrinkage.get(g, 0.0):g} % shrinkage)"
                                  + ("; the roster's agents on shift and not on a break." if roster else "."))
                      for i, g in enumerate(result.groups))
    report.add("required", "Required against scheduled", figures)
    report.add("per-interval", "Per interval", _interval_table(result)
               + '<p class="note">Forecast: contacts expected in the interval (first attempts); offered: what '
                 "the simulation saw, retrials and repeat calls included. Achieved KPIs: mean ± 95 % CI half-width "
                 "of the staffing found, simulated on fresh random numbers.</p>")
    steps = [[st.phase, str(st.changed), str(st.agents), str(st.failing), str(st.evaluations),
              f"{st.simulated_days:,}"] for st in s.steps]
    report.add("search", "Search", table_html(
        ["step", "agents changed", "agent-intervals", "intervals missing targets", "variants so far",
         "simulated days so far"], steps, numeric={1, 2, 3, 4, 5})
        + f"<p>{s.simulated_days:,} simulated days in {s.seconds:.1f} s. "
        + ("No single agent can be removed from any interval without breaking a target (on the search's "
           "simulated days)." if s.minimal else "The last check round was not completed.") + "</p>")
    if roster is not None:
        lines = "".join(f"<li>{esc(r.group)}: {r.headcount()} agents on {len(r.shifts)} shifts, "
                        f"{r.paid_hours:.1f} paid hours a day ({esc(r.status)})</li>" for r in roster.groups)
        body = f"<ul>{lines}</ul><pre>{esc(roster_yaml_block(roster))}</pre>"
        if roster_check is not None:
            body += (f"<p>The roster simulated ({roster_check.estimates.replications} replications): meets every "
                     f"target in {roster_check.intervals_met} of {roster_check.n_intervals} intervals.</p>")
        report.add("roster", "Shifts", body)
    est = result.validation.estimates
    for i, g in enumerate(result.groups):  # the staffing figure draws present against required
        est.group_intervals[g]["agents_required"] = np.tile(result.required[i].astype(float), result.plan.days)
    report.add("kpis-found", "KPIs of the staffing found", kpi_section(est).body)
    section = interval_section(est)
    report.add("intervals-found", "Per interval, simulated", section.body)
    section = scenario_section(est, title="Scenario")
    report.add(section.key, section.title, section.body)
    return report


__all__ = ["staffing_report"]
