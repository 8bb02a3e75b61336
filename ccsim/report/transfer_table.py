"""Terminal table of transfer KPIs (shown when a scenario has transfer rules)."""

from __future__ import annotations

import math

from ..experiment.estimates import Estimates
from ..units import format_time
from .columns import fit_lines, render_columns

COLUMNS = (
    ("transfers_made", "transferred out", "n"), ("legs_in", "legs in", "n"), ("legs_answered", "answered", "n"),
    ("legs_abandoned", "abandoned", "n"), ("legs_voicemail", "voicemail", "n"), ("legs_returned", "returned", "n"),
    ("conference_time", "conference", "s"), ("issues_served", "issues served", "n"),
    ("legs_per_issue", "legs/issue", "x"), ("journey_wait", "journey wait", "s"),
)


def _cell(e, kind: str) -> str:
    if not math.isfinite(e.mean):
        return "–"
    if kind == "s":
        return format_time(e.mean)
    if kind == "x":
        return f"{e.mean:.2f}"
    return f"{e.mean:,.1f}"


def render_transfers(est: Estimates, width: int | None = None, colour: bool = False) -> str:
    """One row per contact type; empty string when the scenario has no transfer rules.

    width: the terminal's columns (None: no limit), as ``render_columns``."""
    names = [n for n, k in est.contact_types.items() if "legs_in" in k]
    if not names:
        return ""
    shown = [c for c in COLUMNS if any(math.isfinite(est.contact_types[n][c[0]].mean)
                                       and est.contact_types[n][c[0]].mean != 0 for n in names)]
    headers = ["transfers"] + [label for _, label, _ in shown]
    rows = [[n] + [_cell(est.contact_types[n][key], kind) for key, _, kind in shown] for n in names]
    lines = render_columns(headers, rows, right=set(range(1, len(headers))), width=width, colour=colour)
    lines.append("Each leg counts under its own type (offered includes the legs in); issues by their first "
                 "contact's type; journey wait = waits over all legs of an issue served.")
    return "\n".join(fit_lines(lines, width))
