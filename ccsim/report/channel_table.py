"""Tables of multi-channel and multi-skill centres: agent groups by channel, email
backlogs, and the spread of occupancy and productivity across agents.

Each table is built once as data (``ChannelTable``: title, headers, rows) and rendered for
the terminal (``render_*``) and for the HTML report (``channel_section``), so both show the
same cells. Each appears only when the results hold its KPIs (see ``ccsim.metrics.channels``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from ..experiment.estimates import Estimate, Estimates
from ..units import format_target, format_time
from .columns import render_columns
from .labels import fmt


def _pct(e: Estimate | None) -> str:
    return fmt("occupancy", None if e is None else e.mean)


def _num(e: Estimate | None, digits: int = 1) -> str:
    if e is None or not math.isfinite(e.mean):
        return "–"
    return f"{e.mean:,.{digits}f}"


def _hours(e: Estimate | None) -> str:
    """A time given in hours, written in the unit a person reads it in ('45.0 min', '1.6 h')."""
    return format_time(None if e is None else e.mean * 3600.0)


class ChannelTable(NamedTuple):
    """A table's title (a sentence ending with a colon), headers and text rows; every column
    but the first holds numbers."""

    title: str
    headers: list[str]
    rows: list[list[str]]


def _lines(table: ChannelTable | None, width=None, colour: bool = False) -> list[str]:
    if table is None:
        return []
    return [table.title, *render_columns(table.headers, table.rows, right=set(range(1, len(table.headers))),
                                         width=width, colour=colour)]


def render_groups_by_channel(est: Estimates, width: int | None = None, colour: bool = False) -> list[str]:
    """Scheduled vs present agents, breaks and aux, occupancy per channel, chat slots, handled per type."""
    return _lines(groups_by_channel(est), width, colour)


def render_email(est: Estimates, width: int | None = None, colour: bool = False) -> list[str]:
    """Emails arrived, replied, service level, backlog at the end, oldest and mean reply."""
    return _lines(email_table(est), width, colour)


def render_agent_spread(est: Estimates, width: int | None = None, colour: bool = False) -> list[str]:
    """Occupancy and contacts per hour across agents (mean, min, max)."""
    return _lines(agent_spread(est), width, colour)


def groups_by_channel(est: Estimates) -> ChannelTable | None:
    """Scheduled vs present agents, breaks and aux, occupancy per channel, chat slots, handled per type."""
    plan = est.plan
    channels = [c for c in ("voice", "chat", "email") if any(ct.channel == c for ct in plan.contact_types)]
    multi_skill = any(len(gp.skill_indices) > 1 for gp in plan.agent_groups)
    away = any(est.agent_groups[gp.name]["break_hours"].mean + est.agent_groups[gp.name]["aux_hours"].mean > 0
               for gp in plan.agent_groups)
    if len(channels) < 2 and not multi_skill and not away:
        return None
    headers = ["agent group", "scheduled", "present", "break h", "aux h", "occupancy"]
    if len(channels) > 1:
        headers += [f"on {c}" for c in channels]
    if "chat" in channels:
        headers.append("chat slots used")
    headers.append("handled by type")
    rows = []
    for gp in plan.agent_groups:
        g = est.agent_groups[gp.name]
        row = [gp.name, _num(g["agents_scheduled"]), _num(g["agents_present"]), _num(g["break_hours"]),
               _num(g["aux_hours"]), _pct(g["occupancy"])]
        if len(channels) > 1:
            row += [_pct(g.get(f"occupancy_{c}")) if f"occupancy_{c}" in g else
                    (_pct(g["occupancy"]) if any(plan.contact_types[k].channel == c for k in gp.skill_indices)
                     else "–") for c in channels]
        if "chat" in channels:
            row.append(_pct(g.get("slot_utilisation")))
        names = [plan.contact_types[k].name for k in gp.skill_indices]
        if len(names) > 1:
            row.append(", ".join(f"{n} {_num(g.get(f'handled_{n}'), 0)}" for n in names))
        else:
            row.append(f"{names[0]} {_num(g['handled'], 0)}")
        rows.append(row)
    return ChannelTable("Agent groups by channel (agents per interval, mean; hours per day):", headers, rows)


def email_table(est: Estimates) -> ChannelTable | None:
    """Emails arrived, replied, service level, backlog at the end, oldest and mean reply."""
    plan = est.plan
    emails = [ct for ct in plan.contact_types if ct.channel == "email"]
    if not emails:
        return None
    headers = ["email type", "arrived", "replied", "service level", "target", "backlog at end",
               "oldest", "mean reply"]
    rows = []
    for ct in emails:
        k = est.contact_types[ct.name]
        rows.append([ct.name, _num(k["offered"]), _num(k["answered"]), _pct(k["service_level"]),
                     format_target(ct.sl_target, ct.sl_threshold),
                     _num(k["backlog_at_end"]), _hours(k["oldest_backlog_hours"]),
                     _hours(k["mean_reply_hours"])])
    return ChannelTable("Emails (replied = handling finished; backlog = not started when the last day closes):",
                        headers, rows)


def agent_spread(est: Estimates) -> ChannelTable | None:
    """Occupancy and contacts per hour across agents (mean, min, max)."""
    plan = est.plan
    if not all("agents_counted" in est.agent_groups[gp.name] for gp in plan.agent_groups):
        return None
    headers = ["agent group", "agents", "occupancy mean", "min", "max", "contacts/h mean", "min", "max"]
    rows = []
    for gp in plan.agent_groups:
        g = est.agent_groups[gp.name]
        rows.append([gp.name, _num(g["agents_counted"]), _pct(g["agent_occupancy_mean"]),
                     _pct(g["agent_occupancy_min"]), _pct(g["agent_occupancy_max"]),
                     _num(g["agent_contacts_per_hour_mean"]), _num(g["agent_contacts_per_hour_min"]),
                     _num(g["agent_contacts_per_hour_max"])])
    return ChannelTable("Per agent (agents present 30 min or more; min and max across a day's agents, mean over "
                        "days):", headers, rows)


def render_channels(est: Estimates, width: int | None = None, colour: bool = False) -> str:
    """Every table that applies, separated by blank lines; '' when none does.

    width: the terminal's columns (None: no limit), as ``render_columns``."""
    blocks = [b for b in (render_groups_by_channel(est, width, colour), render_email(est, width, colour),
                          render_agent_spread(est, width, colour)) if b]
    return "\n\n".join("\n".join(b) for b in blocks)
