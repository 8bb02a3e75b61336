"""Terminal table of outbound KPIs (shown when a scenario has a type with ``direction: outbound``)."""

from __future__ import annotations

import math

from ..experiment.estimates import Estimates
from ..units import format_time
from .columns import fit_lines, render_columns
from .labels import fmt_estimate


def _n(e) -> str:
    return "–" if not math.isfinite(e.mean) else f"{e.mean:,.1f}"


def render_outbound(est: Estimates, width: int | None = None, colour: bool = False) -> str:
    """One row per outbound type, then the idle time of the groups serving them; empty string
    when no type is outbound. width: the terminal's columns (None: no limit)."""
    plan = est.plan
    dialled = [ct for ct in plan.contact_types if ct.outbound is not None]
    if not dialled:
        return ""
    headers = ["outbound", "dialled", "right party", "RPC rate", "wrong party", "machines", "connected",
               "mismatches", "abandoned (rule)", "limit"]
    rows = []
    for ct in dialled:
        k = est.contact_types[ct.name]
        limit = ct.outbound.abandon_limit
        rows.append([
            ct.name, _n(k["dialled"]), _n(k["right_party"]), fmt_estimate("right_party_rate", k["right_party_rate"]),
            _n(k["wrong_party"]), _n(k["machines"]), _n(k["answered"]), _n(k["mismatches"]),
            fmt_estimate("outbound_abandon_rate", k["outbound_abandon_rate"]),
            "–" if limit is None else f"{100 * limit:g} %",
        ])
    lines = render_columns(headers, rows, right=set(range(1, len(headers))), width=width, colour=colour)
    grace = sorted({ct.outbound.grace_s for ct in dialled})
    idle = [(gp.name, est.agent_groups[gp.name]["idle_between_contacts"]) for gp in plan.agent_groups
            if "idle_between_contacts" in est.agent_groups[gp.name]]
    if idle:
        lines.append("Agents' idle time between contacts: " + ", ".join(
            f"{name} {format_time(e.mean) if math.isfinite(e.mean) else '–'}" for name, e in idle) + ".")
    lines.append("Per dialled call; connected = answered by an agent; abandoned (rule) = live calls not "
                 f"connected within {' / '.join(format_time(g) for g in grace)} of the greeting / live calls.")
    return "\n".join(fit_lines(lines, width))
