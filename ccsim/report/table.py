"""Plain-text KPI tables for the terminal, with targets met or missed made visible.

A one-line verdict per contact type comes first; colour (met green, missed
red, borderline yellow) only when the caller asks for it (a terminal without
``NO_COLOR``), plain text otherwise.
"""

from __future__ import annotations

from ..experiment.estimates import Estimate, Estimates
from ..units import format_target
from .channel_table import render_channels
from .columns import GREEN, RED, RESET, TERMINAL, YELLOW, fit_lines, render_columns, resolve_width
from .journey_table import render_journeys
from .labels import fmt, fmt_estimate, fmt_spread, verdict_line
from .outbound_table import render_outbound
from .transfer_table import render_transfers


def _pct(e: Estimate) -> str:
    return fmt_estimate("service_level", e)


def _secs(e: Estimate) -> str:
    return fmt_estimate("asa", e)


def _spread(e: Estimate) -> str:
    """P10–P90 of a share across replications (days), e.g. '74–88 %'."""
    return fmt_spread("service_level", e)


def _count(e: Estimate) -> str:
    return fmt("offered", e.mean)


def verdict_lines(est: Estimates, colour: bool = False) -> list[str]:
    """One line per contact type, e.g.
    'sales: service level 91.6 % ± 2.4 meets 80 % in 20 s; abandonment 2.2 %'."""
    targets = est.targets()
    out = []
    for name in est.contact_types:
        head, verb, tail = verdict_line(est, name)
        if colour:
            paint = {"met": GREEN, "missed": RED, "borderline": YELLOW}[targets[name]["verdict"]]
            verb = f"{paint}{verb}{RESET}"
        out.append(head + verb + tail)
    return out


def render_tables(est: Estimates, colour: bool = False, width: int | None | str = TERMINAL) -> str:
    """The terminal report of a run: contact types (and total), then agent groups.

    width: the terminal's columns; tables too wide are stacked and prose wraps to fit.
        ``"terminal"`` (default): the width of the terminal stdout is on, or None (no limit)
        when stdout is piped. colour: colour the verdicts (only asked for on a terminal).
    """
    width = resolve_width(width)  # type: ignore[arg-type]
    plan = est.plan
    lines = [
        f"{est.scenario.name} — {est.replications} replication"
        f"{'s' if est.replications != 1 else ''}, seed {est.seed}"
        + ("" if est.replications > 1 else " (one replication: no confidence intervals)"),
        "",
    ]
    lines += verdict_lines(est, colour)
    lines.append("")
    headers = [
        "contact type",
        "offered",
        "answered",
        "abandoned",
        "blocked",
        "service level",
        "target",
        "verdict",
        "SL P10–P90 days",
        "ASA",
        "P90 wait",
        "abandon",
        "max queue",
    ]
    rows = []
    targets = est.targets()
    for ct in plan.contact_types:
        k = est.contact_types[ct.name]
        t = targets[ct.name]
        verdict = {"met": "met", "missed": "MISSED", "borderline": "borderline"}[t["verdict"]]
        if colour:
            paint = {"met": GREEN, "missed": RED, "borderline": YELLOW}[t["verdict"]]
            verdict = f"{paint}{verdict}{RESET}"
        rows.append(
            [
                ct.name,
                _count(k["offered"]),
                _count(k["answered"]),
                _count(k["abandoned"]),
                _count(k["blocked"]),
                _pct(k["service_level"]),
                format_target(ct.sl_target, ct.sl_threshold),
                verdict,
                _spread(k["service_level"]),
                _secs(k["asa"]),
                _secs(k["wait_p90"]),
                _pct(k["abandon_rate"]),
                _count(k["max_queue"]),
            ]
        )
    if len(plan.contact_types) > 1:
        tot = est.total
        rows.append(
            [
                "total" if not any(ct.channel == "email" for ct in plan.contact_types) else "total (no email)",
                _count(tot["offered"]),
                _count(tot["answered"]),
                _count(tot["abandoned"]),
                _count(tot["blocked"]),
                _pct(tot["service_level"]),
                "",
                "",
                _spread(tot["service_level"]),
                _secs(tot["asa"]),
                "",
                _pct(tot["abandon_rate"]),
                "",
            ]
        )
    right = {1, 2, 3, 4, 5, 8, 9, 10, 11, 12}
    if "disconnected" in est.total:  # at_closing: disconnect — callers still waiting at the closing
        headers.insert(5, "disconnected")
        n_types = len(plan.contact_types)
        sources = [est.contact_types[ct.name] for ct in plan.contact_types] + [est.total] * (len(rows) - n_types)
        for row, k in zip(rows, sources, strict=True):
            row.insert(5, _count(k["disconnected"]))
        right = {i + (i >= 5) for i in right} | {5}
    lines += render_columns(headers, rows, right=right, width=width, colour=colour)
    lines.append("")
    headers = ["agent group", "agents (mean)", "occupancy", "utilisation", "handled", "contacts/h"]
    rows = []
    for gp in plan.agent_groups:
        g = est.agent_groups[gp.name]
        rows.append(
            [
                gp.name,
                _count(g["agents_present"]),
                _pct(g["occupancy"]),
                _pct(g["utilisation"]),
                _count(g["handled"]),
                _count(g["contacts_per_hour"]),
            ]
        )
    lines += render_columns(headers, rows, right={1, 2, 3, 4, 5}, width=width, colour=colour)

    channels = render_channels(est, width=width, colour=colour)
    if channels:
        lines += ["", channels]

    journeys = render_journeys(est, width=width, colour=colour)
    if journeys:
        lines += ["", journeys]
    transfers = render_transfers(est, width=width, colour=colour)
    if transfers:
        lines += ["", transfers]
    outbound = render_outbound(est, width=width, colour=colour)
    if outbound:
        lines += ["", outbound]
    risk = est.service_level_risk()
    if any(risk.values()):
        lines.append("")
        lines.append("Service-level risk across days (P10 of the interval service level):")
        for name, r in risk.items():
            if r:
                mark = " — below target" if r["below_target"] else ""
                when = f"day {r['day']}, " if "day" in r else ""
                lines.append(
                    f"  {name}: in 1 day in 10, the {when}{r['start']} interval falls below "
                    f"{100 * r['p10']:.0f} % (target {100 * r['target']:g} %){mark}"
                )
    if est.precision is not None:
        p = est.precision
        state = "reached" if p["met"] else f"NOT reached within {p['max_replications']} replications"
        lines.append("")
        lines.append(f"Precision {state}: {p['replications_needed']} replications in {p['batches']} batch(es).")
        for item in p["targets"]:
            got = "-" if item["half_width"] is None else f"{item['half_width']:.4g}"
            lines.append(
                f"  {item['name']}.{item['kpi']}: half-width {got} "
                f"(asked {item['allowed_half_width']:.4g}){'' if item['met'] else ' — not met'}"
            )
    lines.append("")
    lines.append(
        "Means over replications, ± half-width of the 95 % confidence interval; "
        "borderline = the interval contains the target;"
    )
    lines.append("SL P10–P90 days = the spread of the day's service level across replications.")
    lines.append("Service level = answered within threshold / (answered + abandoned).")
    return "\n".join(fit_lines(lines, width))
