"""Caller journeys: FCR, conversion, satisfaction … per contact type with 95 % intervals."""

from __future__ import annotations

import math

from ...experiment.estimates import Estimates
from ..labels import info
from .canvas import tidy
from .style import COLOURS


def journey_rows(est: Estimates, kpis) -> list[tuple]:
    """(contact type, KPI, Estimate) for each KPI a contact type has a value of."""
    return [(name, kpi, k[kpi]) for name, k in est.contact_types.items() for kpi in kpis
            if kpi in k and math.isfinite(k[kpi].mean)]


def draw_journeys(ax, est: Estimates, kpis) -> None:
    """Journey shares (FCR, conversion, satisfied …) per contact type with 95 % CIs."""
    rows = journey_rows(est, kpis)
    for i, (name, _, e) in enumerate(rows):
        err = None if e.ci95 is None else [[100 * (e.mean - e.ci95[0])], [100 * (e.ci95[1] - e.mean)]]
        ax.barh([i], [100 * e.mean], xerr=err, color=COLOURS[list(est.contact_types).index(name) % len(COLOURS)],
                capsize=3, height=0.6)
    ax.set_yticks(range(len(rows)), [f"{name}: {info(kpi).label}" for name, kpi, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    tidy(ax, "Caller journeys (mean, 95 % CI)", "share of issues or contacts (%)", "")
