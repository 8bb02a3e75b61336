"""Figures per interval: volumes, service level, ASA, queue length, occupancy, staffing, email
backlog and occupancy by channel. ``runs`` is a list of ``(label, Estimates)``."""

from __future__ import annotations

import numpy as np

from ...experiment.estimates import Estimates
from ..labels import info
from .canvas import tidy
from .marks import names_of, series, target_lines
from .scales import axis_time_unit, one_scale
from .style import COLOURS, OUTCOMES
from .timeline import band, time_axis, time_label


def draw_volumes(ax, est: Estimates, contact_type: str | None = None) -> None:
    """How offered contacts ended per interval (answered, abandoned, blocked …, stacked), offered, forecast."""
    names = names_of(est, contact_type)
    t = time_axis(ax, est)
    width = est.plan.interval_s / 3600.0 * 0.85

    def total(kpi):
        return sum(np.nan_to_num(est.intervals[n][kpi]) for n in names)

    bottom = np.zeros(t.mid.size)
    for kpi, colour in OUTCOMES:
        if not all(kpi in est.intervals[n] for n in names):
            continue
        values = total(kpi)
        if kpi != "answered" and not values.any():
            continue
        ax.bar(t.mid, values, width, bottom=bottom, color=colour, label=info(kpi).label, linewidth=0)
        bottom += values
    ax.plot(t.split(t.mid), t.split(total("offered")), color="black", marker="o", markersize=2.5, linewidth=1.2,
            label="offered")
    forecast = sum(ct.rates * est.plan.interval_s for ct in est.plan.contact_types if ct.name in names)
    ax.plot(t.split(t.mid), t.split(np.tile(forecast, t.days)), color="black", linestyle=":", linewidth=1.2,
            label="forecast (scenario)")
    which = names[0] if len(names) == 1 else "all contact types"
    tidy(ax, f"Contacts per interval — {which}", time_label(t), "contacts per interval")


def draw_service_level(ax, runs, contact_types=None) -> None:
    """Service level per interval: mean over days, P10–P90 band across days, target line."""
    names = names_of(runs[0][1], contact_types)
    t = time_axis(ax, runs[0][1])
    for label, est, name, colour, style in series(runs, names):
        band(ax, t, est.intervals[name]["service_level"], est.interval_spread[name]["service_level"],
              colour, style, label or name, scale=100.0)
    target_lines(ax, runs, names, "target", scale=100.0)
    ax.set_ylim(0, 102)
    tidy(ax, "Service level per interval (mean; band: P10–P90 of days)", time_label(t),
          "service level (%)")


def draw_asa(ax, runs, contact_types=None) -> None:
    """ASA per interval with the P10–P90 band, and the service-level threshold for reference."""
    names = names_of(runs[0][1], contact_types)
    plan = runs[0][1].plan
    thresholds = {ct.name: ct.sl_threshold for ct in plan.contact_types if ct.name in names}
    one_scale(thresholds, "ASA per interval")
    unit, size = axis_time_unit(*(est.interval_spread[n]["asa"] for _, est in runs for n in names),
                                *(est.intervals[n]["asa"] for _, est in runs for n in names), list(thresholds.values()))
    t = time_axis(ax, runs[0][1])
    for label, est, name, colour, style in series(runs, names):
        band(ax, t, est.intervals[name]["asa"], est.interval_spread[name]["asa"], colour, style, label or name,
              scale=1.0 / size)
    target_lines(ax, runs, names, "threshold", scale=1.0 / size)
    ax.set_ylim(bottom=0)
    which = "" if len(names) == len(plan.contact_types) else " — " + ", ".join(names)
    tidy(ax, f"Average speed of answer per interval{which} (mean; band: P10–P90 of days)", time_label(t),
         f"ASA ({unit})")


def draw_queue_length(ax, runs, contact_types=None) -> None:
    """Time-average number of contacts waiting per interval, with the P10–P90 band."""
    names = names_of(runs[0][1], contact_types)
    t = time_axis(ax, runs[0][1])
    for label, est, name, colour, style in series(runs, names):
        band(ax, t, est.intervals[name]["mean_queue"], est.interval_spread[name]["mean_queue"],
              colour, style, label or name)
    ax.set_ylim(bottom=0)
    tidy(ax, "Queue length per interval (mean; band: P10–P90 of days)", time_label(t),
          "contacts waiting (time-average)")


def draw_occupancy(ax, runs, agent_groups=None) -> None:
    """Occupancy per agent group and interval, with the P10–P90 band."""
    names = names_of(runs[0][1], agent_groups, "agent_groups")
    t = time_axis(ax, runs[0][1])
    for label, est, name, colour, style in series(runs, names):
        band(ax, t, est.group_intervals[name]["occupancy"], est.group_interval_spread[name]["occupancy"],
              colour, style, label or name, scale=100.0)
    ax.set_ylim(0, 102)
    tidy(ax, "Occupancy per agent group (mean; band: P10–P90 of days)", time_label(t),
          "occupancy (%)")


def draw_staffing(ax, runs, agent_groups=None) -> None:
    """Agents present (mean, P10–P90 band) against the agents required per interval.

    Required is ``agents_required`` when the results have it, otherwise the
    staffing scheduled in the scenario (``agents_scheduled``).
    """
    names = names_of(runs[0][1], agent_groups, "agent_groups")
    t = time_axis(ax, runs[0][1])
    for label, est, name, colour, style in series(runs, names):
        kpis = est.group_intervals[name]
        required = "agents_required" if "agents_required" in kpis else "agents_scheduled"
        edges, needed = t.steps(kpis[required])
        what = "required" if required == "agents_required" else "required (scheduled)"
        ax.step(edges, needed, where="post", color=colour, linewidth=4.0, alpha=0.3, linestyle=style,
                label=f"{label or name}: {what}")
        band(ax, t, kpis["agents_present"], est.group_interval_spread[name]["agents_present"], colour, style,
              f"{label or name}: present")
    ax.set_ylim(bottom=0)
    tidy(ax, "Staffing: agents present against required", time_label(t), "agents")


def draw_backlog(ax, runs, email_types=None) -> None:
    """Emails waiting at each interval's end, per email type, with the P10–P90 band."""
    est0 = runs[0][1]
    names = email_types or [ct.name for ct in est0.plan.contact_types if ct.channel == "email"]
    t = time_axis(ax, est0)
    for label, est, name, colour, style in series(runs, names):
        band(ax, t, est.intervals[name]["backlog"], est.interval_spread[name]["backlog"], colour, style,
              label or name)
    ax.set_ylim(bottom=0)
    tidy(ax, "Email backlog at each interval's end (mean; band: P10–P90 of days)", time_label(t),
         "emails waiting")


def draw_channel_occupancy(ax, est: Estimates, group: str) -> None:
    """Occupancy of one agent group per interval, split by channel, and its chat slot utilisation."""
    t = time_axis(ax, est)
    kpis, spread = est.group_intervals[group], est.group_interval_spread[group]
    shown = [k for k in ("occupancy", "occupancy_voice", "occupancy_chat", "occupancy_email", "slot_utilisation")
             if k in kpis]
    labels = {"occupancy": "occupancy (all)", "occupancy_voice": "on calls", "occupancy_chat": "on chats",
              "occupancy_email": "on emails", "slot_utilisation": "chat slots used"}
    for i, kpi in enumerate(shown):
        band(ax, t, kpis[kpi], spread[kpi], COLOURS[i % len(COLOURS)], "-" if i == 0 else "--", labels[kpi],
              scale=100.0)
    ax.set_ylim(0, 102)
    tidy(ax, f"{group}: occupancy by channel (mean; band: P10–P90 of days)", time_label(t), "share of time (%)")
