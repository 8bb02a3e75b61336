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
from ..units import format_target, format_threshold, format_time, time_unit


class KpiInfo(NamedTuple):
    label: str
    kind: str  # share | seconds | count | number | hours | agent_hours
    better: int = 0  # +1 higher is better, -1 lower is better, 0 neither


# The KPIs a person looks at first, in this order; the rest follow in the results' order.
CONTACT_ORDER = ("offered", "answered", "abandoned", "blocked", "service_level", "asa", "wait_p90",
                 "mean_wait", "abandon_rate", "blocked_rate", "mean_queue", "max_queue", "aht")
GROUP_ORDER = ("agents_scheduled", "agents_present", "occupancy", "utilisation", "handled",
               "contacts_per_hour")
UNITS = {"share": "%", "seconds": "s", "count": "", "number": "", "hours": "h", "agent_hours": "h"}
_SECONDS = {"seconds": 1.0, "hours": 3600.0}  # times are written by ccsim.units.format_time


def info(kpi: str) -> KpiInfo:
    """Label, kind and direction of *kpi* (from the catalogue); guessed from the name when unknown."""
    entry = catalogue.find(kpi)
    if entry is not None:  # agent-hours: an amount of work, always in hours; not a time a caller waits
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
    """'service level (%)', 'offered', 'ASA' (a time's cells carry their own unit)."""
    i = info(kpi)
    if i.kind in ("seconds", "hours"):
        return i.label
    unit = UNITS[i.kind]
    return f"{i.label} ({unit})" if unit else i.label


def ordered(kpis, first=CONTACT_ORDER, leave_out=()) -> list[str]:
    """*kpis* with the ones in *first* leading, the rest in their own order."""
    names = [k for k in first if k in kpis]
    names += [k for k in kpis if k not in names and k not in leave_out]
    return [k for k in names if k not in leave_out]


def fmt(kpi: str, value: float | None, signed: bool = False) -> str:
    """One value in the KPI's unit: '72.9 %', '30.5 s', '4.2 min', '1.6 h', '134.6', '–' when missing.

    Times are written in the unit a person reads them in (``ccsim.units.format_time``).
    """
    if value is None or not math.isfinite(value):
        return "–"
    kind = info(kpi).kind
    sign = "+" if signed else ""
    if abs(value) < 5e-12:  # a difference of rounding noise is no difference: '+0.0', never '-0.0'
        value = 0.0
    if kind == "share":  # a signed share is a difference: percentage points
        return f"{100 * value:+.1f} pp" if signed else f"{100 * value:.1f} %"
    if kind in ("seconds", "hours"):
        return format_time(value * _SECONDS[kind], signed=signed)
    if kind == "agent_hours":
        return f"{value:{sign},.1f} h"
    return f"{value:{sign},.1f}" if abs(value) < 1e6 else f"{value:{sign}.4g}"


def fmt_half(kpi: str, ci, of: float | None = None) -> str:
    """'± 2.4' in the KPI's unit (percentage points for shares); '' without an interval.

    A time's half-width is in the unit of *of* (the value it belongs to) and then
    carries no unit ('± 0.2', after '1.6 h'); alone it says its unit ('± 12.0 min').
    """
    if ci is None or not all(math.isfinite(v) for v in ci):
        return ""
    half = (ci[1] - ci[0]) / 2.0
    kind = info(kpi).kind
    if kind == "share":
        return f"± {100 * half:.1f}"
    if kind in ("seconds", "hours"):
        half *= _SECONDS[kind]
        if of is not None and math.isfinite(of):
            return f"± {half / time_unit(of * _SECONDS[kind])[1]:.1f}"
        return "± " + format_time(half)
    return f"± {half:.1f}"


def fmt_estimate(kpi: str, e: Estimate) -> str:
    """'72.9 % ± 3.5', '1.6 h ± 0.2' (a time's half-width in the unit of its mean)."""
    return fmt_ci(kpi, e.mean, e.ci95)


def fmt_ci(kpi: str, mean: float | None, ci) -> str:
    """A mean and its 95 % interval (low, high) or None: '72.9 % ± 3.5', '1.6 h ± 0.2'."""
    text = fmt(kpi, mean)
    if ci is None or ci[0] is None or ci[1] is None:
        return text
    half = fmt_half(kpi, ci, of=mean)
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
    if kind in ("seconds", "hours"):
        name, size = time_unit(p90 * _SECONDS[kind])
        size /= _SECONDS[kind]
        return f"{p10 / size:,.1f}–{p90 / size:,.1f} {name}"
    return f"{p10:,.1f}–{p90:,.1f}"


def duration(seconds: float) -> str:
    """'20 s', '1 min', '1.5 h' (with a space, for sentences): ``ccsim.units.format_threshold``."""
    return format_threshold(seconds)


def target_text(share: float, threshold_s: float) -> str:
    """'80 % in 20 s', '90 % in 8 h': ``ccsim.units.format_target``."""
    return format_target(share, threshold_s)


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
    tail = f" {format_target(target['service_level'], target['threshold_s'])}"
    if "abandon_rate" in kpis:
        tail += f"; abandonment {fmt('abandon_rate', kpis['abandon_rate'].mean)}"
    return head, verdict_text(target["verdict"]), tail
