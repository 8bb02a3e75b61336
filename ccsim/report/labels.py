"""What a KPI is called on screen, its unit, and how its values are written.

Reports render every KPI they find in the results, not a fixed list: a KPI
named here gets its label and unit; one that is not (a KPI added later) gets a
label made from its name and a unit guessed from it (``*_rate`` and
``share_*`` are shares, ``*_s`` seconds, ``*_hours`` hours).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from ..estimates import Estimate


class KpiInfo(NamedTuple):
    label: str
    kind: str  # share | seconds | count | number | hours
    better: int = 0  # +1 higher is better, -1 lower is better, 0 neither


KPIS: dict[str, KpiInfo] = {
    # contact types
    "offered": KpiInfo("offered", "count"),
    "answered": KpiInfo("answered", "count", +1),
    "abandoned": KpiInfo("abandoned", "count", -1),
    "blocked": KpiInfo("blocked", "count", -1),
    "waiting_at_end": KpiInfo("waiting at end", "count", -1),
    "service_level": KpiInfo("service level", "share", +1),
    "asa": KpiInfo("ASA", "seconds", -1),
    "mean_wait": KpiInfo("mean wait", "seconds", -1),
    "wait_p90": KpiInfo("P90 wait", "seconds", -1),
    "abandon_rate": KpiInfo("abandonment", "share", -1),
    "blocked_rate": KpiInfo("blocked share", "share", -1),
    "mean_queue": KpiInfo("mean queue", "number", -1),
    "max_queue": KpiInfo("max queue", "number", -1),
    "aht": KpiInfo("AHT (talk)", "seconds"),
    "answered_within_threshold": KpiInfo("answered within threshold", "count", +1),
    "sl_counted": KpiInfo("SL base (answered + abandoned)", "count"),
    # agent groups
    "occupancy": KpiInfo("occupancy", "share"),
    "utilisation": KpiInfo("utilisation", "share"),
    "contacts_per_hour": KpiInfo("contacts per agent-hour", "number"),
    "handled": KpiInfo("handled", "count"),
    "agents_present": KpiInfo("agents present", "number"),
    "agents_scheduled": KpiInfo("agents scheduled", "number"),
    "agents_required": KpiInfo("agents required", "number"),
    "busy_hours": KpiInfo("busy agent-hours", "hours"),
    "present_hours": KpiInfo("present agent-hours", "hours"),
    "break_hours": KpiInfo("break agent-hours", "hours"),
    "aux_hours": KpiInfo("aux agent-hours", "hours"),
    # channels, skills and agents (present when the scenario has them)
    "slot_utilisation": KpiInfo("chat slot utilisation", "share"),
    "occupancy_voice": KpiInfo("occupancy on calls", "share"),
    "occupancy_chat": KpiInfo("occupancy on chats", "share"),
    "occupancy_email": KpiInfo("occupancy on emails", "share"),
    "contacts_per_hour_voice": KpiInfo("calls per agent-hour", "number"),
    "contacts_per_hour_chat": KpiInfo("chats per agent-hour", "number"),
    "contacts_per_hour_email": KpiInfo("emails per agent-hour", "number"),
    "agents_counted": KpiInfo("agents (per-agent statistics)", "number"),
    "agent_occupancy_mean": KpiInfo("agent occupancy, mean", "share"),
    "agent_occupancy_min": KpiInfo("agent occupancy, lowest", "share"),
    "agent_occupancy_max": KpiInfo("agent occupancy, highest", "share"),
    "agent_contacts_per_hour_mean": KpiInfo("agent contacts per hour, mean", "number"),
    "agent_contacts_per_hour_min": KpiInfo("agent contacts per hour, lowest", "number"),
    "agent_contacts_per_hour_max": KpiInfo("agent contacts per hour, highest", "number"),
    "backlog_at_end": KpiInfo("email backlog at end", "count", -1),
    "backlog": KpiInfo("email backlog", "count", -1),
    "oldest_backlog_hours": KpiInfo("oldest email in backlog", "hours", -1),
    "mean_reply_hours": KpiInfo("mean time to reply", "hours", -1),
    # caller journeys (present when the scenario models them)
    "fcr": KpiInfo("first-contact resolution", "share", +1),
    "contacts_per_issue": KpiInfo("contacts per issue", "number", -1),
    "unique_customers": KpiInfo("issues (customers)", "count"),
    "service_level_customer": KpiInfo("service level of first attempts", "share", +1),
    "abandon_rate_customer": KpiInfo("issues abandoned for good", "share", -1),
    "callbacks_offered": KpiInfo("callbacks offered", "count"),
    "callbacks_accepted": KpiInfo("callbacks accepted", "count"),
    "callbacks_completed": KpiInfo("callbacks completed", "count", +1),
    "callbacks_failed": KpiInfo("callbacks failed (not reached)", "count", -1),
    "callback_delay": KpiInfo("callback delay", "seconds", -1),
    "conversion_rate": KpiInfo("conversion", "share", +1),
    "sales": KpiInfo("sales", "count", +1),
    "rating_mean": KpiInfo("mean rating", "number", +1),
    "share_satisfied": KpiInfo("satisfied", "share", +1),
    "ivr_resolved": KpiInfo("resolved in the IVR", "count"),
    "balked": KpiInfo("balked", "count", -1),
    "retrials": KpiInfo("retrials", "count", -1),
    "repeat_contacts": KpiInfo("repeat contacts", "count", -1),
    "expected_wait_error": KpiInfo("announced wait error", "seconds", -1),
    "deferred": KpiInfo("deferred past the horizon", "count"),
}

# KPIs of caller journeys: a report shows them in their own section, only when present.
JOURNEY_KPIS = ("fcr", "contacts_per_issue", "unique_customers", "service_level_customer",
                "abandon_rate_customer", "callbacks_offered", "callbacks_accepted", "callbacks_completed",
                "callbacks_failed", "callback_delay", "conversion_rate", "sales", "rating_mean",
                "share_satisfied", "ivr_resolved", "balked", "retrials", "repeat_contacts",
                "expected_wait_error", "deferred")
# The KPIs a person looks at first, in this order; the rest follow in the results' order.
CONTACT_ORDER = ("offered", "answered", "abandoned", "blocked", "service_level", "asa", "wait_p90",
                 "mean_wait", "abandon_rate", "blocked_rate", "mean_queue", "max_queue", "aht")
GROUP_ORDER = ("agents_scheduled", "agents_present", "occupancy", "utilisation", "handled",
               "contacts_per_hour")
UNITS = {"share": "%", "seconds": "s", "count": "", "number": "", "hours": "h"}


def info(kpi: str) -> KpiInfo:
    """Label, kind and direction of *kpi*; guessed from the name when unknown."""
    if kpi in KPIS:
        return KPIS[kpi]
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
