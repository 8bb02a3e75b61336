"""Reusable report sections of one run (an ``Estimates``).

``run_sections(est)`` gives the whole run report's body; each function here
can also be used alone by another report (a comparison shows two runs' KPI
tables; a staffing search can show the run of the staffing it chose).
KPIs are rendered generically: whatever KPIs the results carry appear, known
ones with their label and unit (see ``labels``).
"""

from __future__ import annotations

import math

import numpy as np

from ..experiment.estimates import Estimates
from ..metrics.catalogue import journey_kpis
from . import figures as F
from .document import Raw, Section, esc, figure_html, table_html
from .labels import (
    GROUP_ORDER,
    duration,
    fmt,
    fmt_estimate,
    fmt_spread,
    info,
    ordered,
    verdict_line,
)
from .waits import wait_distributions

VERDICT_WORD = {"met": "met", "missed": "missed", "borderline": "borderline"}


def run_subtitle(est: Estimates) -> str:
    n = est.replications
    return (f"{n} replication{'s' if n != 1 else ''} (simulated days), seed {est.seed}"
            + ("" if n > 1 else " — one replication: no confidence intervals"))


# ---------------------------------------------------------------- at a glance

def verdict_cards(est: Estimates, label: str = "") -> str:
    """One card per contact type: service level against target, ASA, abandonment."""
    targets = est.targets()
    cards = []
    for name, kpis in est.contact_types.items():
        t = targets[name]
        _, verb, _ = verdict_line(est, name)
        sl = kpis["service_level"]
        extra = "".join(f"<p>{esc(info(k).label)}: {esc(fmt_estimate(k, kpis[k]))}</p>"
                        for k in ("asa", "abandon_rate", "offered") if k in kpis)
        title = f"{label} · {name}" if label else name
        cards.append(
            f'<div class="card {t["verdict"]}"><h3>{esc(title)}</h3>'
            f'<div class="big">{esc(fmt("service_level", sl.mean))}</div>'
            f'<p>service level {esc(fmt_estimate("service_level", sl))} — '
            f'<span class="pill {t["verdict"]}">{esc(verb)}</span> {100 * t["service_level"]:g} % in '
            f'{esc(duration(t["threshold_s"]))}</p>{extra}</div>')
    return f'<div class="cards">{"".join(cards)}</div>'


def _approx(seconds: float) -> str:
    """A mean duration to read: '40 s', '8.0 min', '1.5 h'."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _describe(spec) -> str:
    """'lognormal, mean 5 min, cv 0.8' from a distribution specification (None: never)."""
    if spec is None:
        return "none (never abandons)"
    if spec.dist == "periods":  # one per interval
        return "per interval: " + "; ".join(_describe(p) for p in spec.periods)
    data = spec.model_dump()
    parts = [str(data.pop("dist"))]
    values = data.pop("values", None)
    if values is not None:
        parts.append(f"{len(values)} values")
    for key, value in data.items():
        if isinstance(value, float | int) and key in ("mean", "value", "low", "mode", "high"):
            parts.append(f"{key} {duration(float(value))}")
        else:
            parts.append(f"{key} {value:g}" if isinstance(value, float) else f"{key} {value}")
    mean = spec.analytic_mean() if hasattr(spec, "analytic_mean") else None
    if mean is not None and "mean" not in data and spec.dist != "constant" and math.isfinite(mean):
        parts.append(f"mean {_approx(mean)}")
    return ", ".join(parts)


def scenario_section(est: Estimates, title: str = "Scenario at a glance", key: str = "scenario") -> Section:
    """Horizon, contact types (volumes, times, targets) and agent groups (skills, staffing)."""
    sc, plan = est.scenario, est.plan
    h = sc.horizon
    days = getattr(plan, "days", 1)
    from ..units import format_clock

    lines = [f"<p><b>{esc(sc.name)}</b>" + (f" — {esc(sc.description)}" if sc.description else "") + "</p>",
             f'<p class="note">{format_clock(h.start)}–{format_clock(h.end)}'
             + (f" on {days} days" if days > 1 else "") + f", {plan.n_intervals} intervals of "
             f"{duration(h.interval)}" + (" a day" if days > 1 else "")
             + (f", warm-up {duration(h.warmup)}" if h.warmup else "")
             + f"; {esc(run_subtitle(est))}.</p>"]
    served = {ct.name: [plan.agent_groups[g].name for g in ct.group_indices] for ct in plan.contact_types}
    rows = []
    for ct in plan.contact_types:
        spec = sc.contact_types[ct.name]
        volume = float(np.sum(ct.rates) * plan.interval_s)
        fe = spec.arrivals.forecast_error
        rows.append([ct.name, f"{volume:,.0f}", f"{100 * fe:g} %" if fe else "–", _describe(spec.handle_time),
                     _describe(spec.after_call_work) if spec.after_call_work else "–", _describe(spec.patience),
                     f"{100 * ct.sl_target:g} % in {duration(ct.sl_threshold)}"
                     + (f" (abandons < {duration(ct.short_abandon)} left out)" if ct.short_abandon else ""),
                     _lines_text(spec.lines, ct.lines), ", ".join(served[ct.name]) or "nobody"])
    lines.append("<h3>Contact types</h3>")
    lines.append(table_html(["contact type", "forecast per day", "forecast error (CV)", "handle time",
                             "after-call work", "patience", "service-level target", "lines", "answered by"],
                            rows, numeric={1, 2}))
    rows = []
    for g in plan.agent_groups:
        staff = np.asarray(g.staffing, dtype=float)
        shape = (f"{int(staff[0])} all day" if staff.min() == staff.max()
                 else f"{int(staff.min())}–{int(staff.max())} (mean {staff.mean():.1f})")
        rows.append([g.name, " > ".join(plan.contact_types[k].name for k in g.skill_indices), shape,
                     f"{staff.sum() * plan.interval_s / 3600:,.1f}"])
    lines.append("<h3>Agent groups</h3>")
    lines.append(table_html(["agent group", "skills (by priority)", "agents scheduled", "agent-hours scheduled"],
                            rows, numeric={3}))
    return Section(key, title, "".join(lines))


# ---------------------------------------------------------------- KPI tables

def _cell(kpi: str, e) -> Raw:
    spread = fmt_spread(kpi, e)
    small = f"<small>P10–P90: {esc(spread)}</small>" if spread != "–" else ""
    return Raw(esc(fmt_estimate(kpi, e)) + small)


def kpi_tables(est: Estimates) -> str:
    """Contact-type KPIs (and total) and agent-group KPIs: one row per KPI, targets in colour."""
    targets = est.targets()
    names = list(est.contact_types)
    columns = [(n, est.contact_types[n]) for n in names]
    if len(names) > 1:
        columns.append(("total", est.total))
    every = list(dict.fromkeys(k for _, kpis in columns for k in kpis))
    rows, classes = [], {}
    for kpi in ordered(every, leave_out=journey_kpis()):
        row = [info(kpi).label] + [_cell(kpi, kpis[kpi]) if kpi in kpis else "" for _, kpis in columns]
        if kpi == "service_level":
            for c, name in enumerate(names, start=1):
                classes[(len(rows), c)] = targets[name]["verdict"]
        rows.append(row)
        if kpi == "service_level":
            target_row = ["target"]
            for name in names:
                t = targets[name]
                target_row.append(Raw(f'{100 * t["service_level"]:g} % in {esc(duration(t["threshold_s"]))} '
                                      f'<span class="pill {t["verdict"]}">{VERDICT_WORD[t["verdict"]]}</span>'))
            rows.append(target_row + ([""] if len(names) > 1 else []))
    out = [table_html(["KPI"] + [n for n, _ in columns], rows, numeric=set(range(1, len(columns) + 1)),
                      classes=classes)]
    groups = list(est.agent_groups)
    every = list(dict.fromkeys(k for n in groups for k in est.agent_groups[n]))
    rows = [[info(kpi).label] + [_cell(kpi, est.agent_groups[n][kpi]) if kpi in est.agent_groups[n] else ""
                                 for n in groups] for kpi in ordered(every, first=GROUP_ORDER)]
    out.append("<h3>Agent groups</h3>")
    out.append(table_html(["KPI"] + groups, rows, numeric=set(range(1, len(groups) + 1))))
    return "".join(out)


def kpi_section(est: Estimates) -> Section:
    """The KPI tables with CIs, service-level risk across days, and precision reached."""
    parts = ["<h3>Contact types</h3>", kpi_tables(est)]
    risk = est.service_level_risk()
    notes = []
    for name, r in risk.items():
        if r:
            mark = " — below target" if r["below_target"] else ""
            notes.append(f"<li>{esc(name)}: in 1 day in 10, the {esc(r['start'])} interval falls below "
                         f"{100 * r['p10']:.0f} % (target {100 * r['target']:g} %){mark}</li>")
    if notes:
        parts.append("<h3>Service-level risk across days</h3><ul>" + "".join(notes) + "</ul>")
    if est.precision is not None:
        p = est.precision
        state = "reached" if p["met"] else f"not reached within {p['max_replications']} replications"
        items = "".join(f"<li>{esc(i['name'])}.{esc(i['kpi'])}: half-width "
                        f"{'–' if i['half_width'] is None else format(i['half_width'], '.4g')} "
                        f"(asked {i['allowed_half_width']:.4g}){'' if i['met'] else ' — not met'}</li>"
                        for i in p["targets"])
        parts.append(f"<h3>Precision</h3><p>Precision {state}: {p['replications_needed']} replications in "
                     f"{p['batches']} batch(es).</p><ul>{items}</ul>")
    parts.append('<p class="note">Mean over replications ± half-width of the 95 % confidence interval; '
                  "P10–P90 = the spread of one simulated day's value across replications (8 days in 10 lie within). "
                  "Service level = answered within threshold / (answered + abandoned); borderline = the "
                  "confidence interval contains the target.</p>")
    return Section("kpis", "KPIs", "".join(parts))


# ---------------------------------------------------------------- per interval

def interval_figures(runs, names=None, groups=None) -> str:
    """Service level, ASA, queue length, occupancy and staffing per interval for *runs* (overlaid)."""
    out = []
    for draw, alt, caption in (
        (F.draw_service_level, "service level per interval",
         "Service level per interval against the target; the band holds 8 days in 10 (P10–P90)."),
        (F.draw_asa, "ASA per interval", "Average speed of answer (wait of answered contacts) per interval."),
        (F.draw_queue_length, "queue length per interval", "Time-average number of contacts waiting."),
    ):
        # Waits in seconds (calls, chats) and in hours (emails) get an axis each.
        scales = F.type_scales(runs[0][1], names) if draw is F.draw_asa else [names]
        fig, axes = F.new_figure(nrows=len(scales))
        for ax, group in zip(axes, scales, strict=True):
            draw(ax, runs, group)
        out.append(figure_html(fig, alt, caption))
    for draw, alt, caption in (
        (F.draw_occupancy, "occupancy per agent group",
         "Occupancy = handling time (talk + after-call work) / time present."),
        (F.draw_staffing, "staffing present against required",
         "Agents present (mean and band) against the agents required — for now the staffing scheduled "
         "in the scenario."),
    ):
        fig, (ax,) = F.new_figure()
        draw(ax, runs, groups)
        out.append(figure_html(fig, alt, caption))
    return "".join(out)


def interval_tables(est: Estimates) -> str:
    """Per-interval values of the main KPIs, folded away (the CSV export has all of them)."""
    starts = est.interval_starts()
    days = getattr(est.plan, "days", 1)
    if days > 1:  # the same clock times come back every day: say which day
        starts = [f"day {j // est.plan.n_intervals + 1} {start}" for j, start in enumerate(starts)]
    parts = []
    for name, kpis in est.intervals.items():
        spread = est.interval_spread[name]
        rows = []
        for j, start in enumerate(starts):
            sl = spread["service_level"][:, j]
            band = "–" if not np.isfinite(sl[[0, 2]]).all() else f"{100 * sl[0]:.0f}–{100 * sl[2]:.0f} %"
            rows.append([start] + [fmt(k, kpis[k][j]) for k in ("offered", "answered", "abandoned",
                                                              "service_level")]
                        + [band, fmt("asa", kpis["asa"][j]), fmt("mean_queue", kpis["mean_queue"][j])])
        parts.append(f"<details><summary>{esc(name)}: values per interval</summary>"
                     + table_html(["start", "offered", "answered", "abandoned", "service level", "SL P10–P90",
                                   "ASA", "mean queue"], rows, numeric=set(range(1, 8))) + "</details>")
    for name, kpis in est.group_intervals.items():
        rows = [[start] + [fmt(k, kpis[k][j]) for k in ("agents_scheduled", "agents_present", "occupancy",
                                                        "handled")]
                for j, start in enumerate(starts)]
        parts.append(f"<details><summary>{esc(name)}: values per interval</summary>"
                     + table_html(["start", "agents scheduled", "agents present", "occupancy", "handled"], rows,
                                  numeric={1, 2, 3, 4}) + "</details>")
    return "".join(parts)


def interval_section(est: Estimates) -> Section:
    names = list(est.contact_types)
    fig, axes = F.new_figure(nrows=len(names), height=2.9)
    for ax, name in zip(axes, names, strict=True):
        F.draw_volumes(ax, est, name)
    volumes = figure_html(fig, "contacts per interval",
                          "How the contacts offered in each interval ended (mean per day), with the scenario's "
                          "forecast.")
    return Section("intervals", "Per interval",
                   volumes + interval_figures([("", est)]) + interval_tables(est))


# ---------------------------------------------------------------- waits and journeys

def waits_section(est: Estimates, distributions=None, max_replications: int | None = None) -> Section:
    dists = distributions if distributions is not None else wait_distributions(est, max_replications=max_replications)
    scales = F.time_scales({n: d.threshold_s for n, d in dists.items()})
    fig, axes = F.new_figure(nrows=len(scales), height=3.6)
    for ax, group in zip(axes, scales, strict=True):
        F.draw_waits(ax, [("", dists)], group)
    reps = next(iter(dists.values())).replications if dists else 0
    caption = (f"Share of contacts answered within each wait t, among the contacts the service level counts "
               f"(answered + abandoned, short abandons and accepted callbacks left out; emails: replied within "
               f"t among replied + backlog older than the threshold), mean of the {reps} replications' curves. "
               "Where the curve crosses the threshold is the service level of the KPI table; the target is met "
               "when it passes above the target line there. The plateau is the share answered at all.")
    return Section("waits", "Waiting times", figure_html(fig, "waiting-time distribution", caption))


def journeys_section(est: Estimates) -> Section | None:
    """FCR, contacts per issue, callbacks, conversion and rating — only when the results have them."""
    present = [k for k in journey_kpis() if any(k in kpis for kpis in est.contact_types.values())]
    if not present:
        return None
    names = list(est.contact_types)
    rows = [[info(k).label] + [_cell(k, est.contact_types[n][k]) if k in est.contact_types[n] else "–"
                               for n in names] for k in present]
    body = table_html(["KPI"] + names, rows, numeric=set(range(1, len(names) + 1)))
    shares = [k for k in present if info(k).kind == "share"]
    rows = F.journey_rows(est, shares)
    if rows:
        count = len(rows)
        longest = max(len(f"{n}: {info(k).label}") for n, k, _ in rows)
        fig, (ax,) = F.new_figure(height=max(2.2, 0.35 * count + 1.2), left=0.4 + 0.085 * longest)
        F.draw_journeys(ax, est, shares)
        body += figure_html(fig, "caller journeys", "Journey shares per contact type with 95 % CIs.")
    return Section("journeys", "Caller journeys", body)


def run_sections(est: Estimates, wait_replications: int | None = None) -> list[Section]:
    """Every section of a run report, in reading order."""
    glance = Section("glance", "At a glance", verdict_cards(est))
    from .channel_section import channels_section

    sections = [glance, scenario_section(est), kpi_section(est), interval_section(est), channels_section(est),
                waits_section(est, max_replications=wait_replications), journeys_section(est)]
    return [s for s in sections if s is not None]


def _lines_text(spec_lines, lines: int) -> str:
    """A type's trunk lines as the scenario gives them: its own number, or a shared pool's."""
    if isinstance(spec_lines, str):
        return f"{lines} shared ({spec_lines})"
    return str(lines) if lines else "unlimited"
