"""What a KPI is called on screen, its unit, and how its values are written.

Labels, units and directions come from the KPI catalogue (``ccsim.metrics.catalogue``).
Reports render every KPI they find in the results, not a fixed list; a KPI the
catalogue does not know gets a label made from its name and a unit guessed from
it (``*_rate`` and ``share_*`` are shares, ``*_s`` seconds, ``*_hours`` hours).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from ..experiment.estimates import Estimate
from ..metrics import catalogue


class KpiInfo(NamedTuple):
    label: str
    kind: str  # share | seconds | count | number | hours
    better: int = 0  # +1 higher is better, -1 lower is better, 0 neither


# The KPIs a person looks at first, in this order; the rest follow in the results' order.
CONTACT_ORDER = ("offered", "answered", "abandoned", "blocked", "service_level", "asa", "wait_p90",
                 "mean_wait", "abandon_rate", "blocked_rate", "mean_queue", "max_queue", "aht")
GROUP_ORDER = ("agents_scheduled", "agents_present", "occupancy", "utilisation", "handled",
               "contacts_per_hour")
UNITS = {"share": "%", "seconds": "s", "count": "", "number": "", "hours": "h"}


def info(kpi: str) -> KpiInfo:
    """Label, kind and direction of *kpi* (from the catalogue); guessed from the name when unknown."""
    entry = catalogue.find(kpi)
    if entry is not None:
        return KpiInfo(entry.label, entry.kind, entry.better)
    label = kpi.replace("_", " ")
    if "_rate" in kpi or kpi.startswith(("share_", "service_level")) or kpi.endswith("_share"):
        return KpiInfo(label, "share")
    if kpi.endswith("_s"):
        return KpiInfo(label[:-2], "seconds")
    if kpi.endswith("_hours"):
        return KpiInfo(label, "hours")
    return KpiInfo(label, "number")


def label_with_unit(kpi: str) -> str:
    """'ASA (s)', 'service level (%)', 'offered'."""
    i = info(kpi)
    unit = UNITS[i.kind]
    return f"{i.label} ({unit})" if unit else i.label


def ordered(kpis, first=CONTACT_ORDER, leave_out=()) -> list[str]:
    """*kpis* with the ones in *first* leading, the rest in their own order."""
    names = [k for k in first if k in kpis]
    names += [k for k in kpis if k not in names and k not in leave_out]
    return [k for k in names if k not in leave_out]


def fmt(kpi: str, value: float | None, signed: bool = False) -> str:
    """One value in the KPI's unit: '72.9 %', '30.5 s', '134.6', '–' when missing."""
    if value is None or not math.isfinite(value):
        return "–"
    kind = info(kpi).kind
    sign = "+" if signed else ""
    if kind == "share":  # a signed share is a difference: percentage points
        return f"{100 * value:+.1f} pp" if signed else f"{100 * value:.1f} %"
    if kind == "seconds":
        return f"{value:{sign}.1f} s"
    if kind == "hours":
        return f"{value:{sign}.1f} h"
    return f"{value:{sign},.1f}" if abs(value) < 1e6 else f"{value:{sign}.4g}"


def fmt_half(kpi: str, ci) -> str:
    """'± 2.4' in the KPI's unit (percentage points for shares); '' without an interval."""
    if ci is None or not all(math.isfinite(v) for v in ci):
        return ""
    half = (ci[1] - ci[0]) / 2.0
    return f"± {100 * half:.1f}" if info(kpi).kind == "share" else f"± {half:.1f}"


def fmt_estimate(kpi: str, e: Estimate) -> str:
    """'72.9 % ± 3.5'."""
    text = fmt(kpi, e.mean)
    half = fmt_half(kpi, e.ci95)
    return f"{text} {half}" if half and text != "–" else text


def fmt_spread(kpi: str, e: Estimate) -> str:
    """P10–P90 across replications (days): '63–85 %'."""
    if len(e.values) < 2:
        return "–"
    p10, _, p90 = e.quantiles()
    if not (math.isfinite(p10) and math.isfinite(p90)):
        return "–"
    kind = info(kpi).kind
    if kind == "share":
        return f"{100 * p10:.0f}–{100 * p90:.0f} %"
    unit = {"seconds": " s", "hours": " h"}.get(kind, "")
    return f"{p10:,.1f}–{p90:,.1f}{unit}"


def duration(seconds: float) -> str:
    """'20 s', '1 min', '1.5 h' (with a space, for sentences)."""
    for unit, size in (("h", 3600.0), ("min", 60.0)):
        if seconds >= size and seconds / size == round(seconds / size, 2):
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def verdict_text(verdict: str) -> str:
    """The verb of a one-line verdict: 'meets', 'misses', 'is borderline for'."""
    return {"met": "meets", "missed": "misses", "borderline": "is borderline for"}[verdict]


def verdict_line(est, name: str) -> tuple[str, str, str]:
    """('incidents: service level 72.9 % ± 3.5 ', 'is borderline for', ' 70 % in 1 min; abandonment 12.6 %').

    Split in three so that a renderer can colour the verb.
    """
    kpis = est.contact_types[name]
    target = est.targets()[name]
    head = f"{name}: service level {fmt_estimate('service_level', kpis['service_level'])} "
    tail = f" {100 * target['service_level']:g} % in {duration(target['threshold_s'])}"
    if "abandon_rate" in kpis:
        tail += f"; abandonment {fmt('abandon_rate', kpis['abandon_rate'].mean)}"
    return head, verdict_text(target["verdict"]), tail
