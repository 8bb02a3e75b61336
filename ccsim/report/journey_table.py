"""Terminal table of caller-journey KPIs (shown when a scenario has journeys)."""

from __future__ import annotations

import math

from ..experiment.estimates import Estimates
from ..metrics.catalogue import journey_kpis
from ..units import format_time
from .columns import fit_lines, render_columns
from .labels import fmt_estimate


def _cell(e, kind: str) -> str:
    if not math.isfinite(e.mean):
        return "–"
    if kind == "pct":
        return fmt_estimate("fcr", e)
    if kind == "s":
        return format_time(e.mean)
    if kind == "x":
        return f"{e.mean:.2f}"
    return f"{e.mean:,.1f}"


COLUMNS = (
    ("ivr_resolved", "IVR", "n"), ("balked", "balked", "n"), ("retrials", "retrials", "n"),
    ("repeat_contacts", "repeats", "n"), ("unique_customers", "customers", "n"),
    ("fcr", "FCR", "pct"), ("contacts_per_issue", "contacts/issue", "x"),
    ("abandon_rate_customer", "aband./cust.", "pct"), ("callbacks_accepted", "callbacks", "n"),
    ("callbacks_failed", "cb failed", "n"), ("callback_delay", "cb delay", "s"),
    ("conversion_rate", "conversion", "pct"), ("rating_mean", "rating", "x"),
    ("share_satisfied", "satisfied", "pct"), ("deferred", "deferred", "n"),
)


def render_journeys(est: Estimates, width: int | None = None, colour: bool = False) -> str:
    """One row per contact type; empty string when the scenario has no caller journeys.

    width: the terminal's columns (None: no limit), as ``render_columns``."""
    names = [n for n, k in est.contact_types.items() if set(journey_kpis()) <= set(k)]
    if not names:
        return ""
    shown = [c for c in COLUMNS if any(math.isfinite(est.contact_types[n][c[0]].mean)
                                       and est.contact_types[n][c[0]].mean != 0 for n in names)]
    headers = ["caller journeys"] + [label for _, label, _ in shown]
    rows = [[n] + [_cell(est.contact_types[n][key], kind) for key, _, kind in shown] for n in names]
    lines = render_columns(headers, rows, right=set(range(1, len(headers))), width=width, colour=colour)
    lines.append("FCR = issues resolved at their first answered contact; aband./cust. = customers never "
                 "answered; deferred = retrials and repeats after the horizon.")
    return "\n".join(fit_lines(lines, width))
