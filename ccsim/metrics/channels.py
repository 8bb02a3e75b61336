"""KPIs of channels (chat, email), of multi-skill groups and of single agents.

Added beside the foundation's KPIs when the scenario has them:

Agent groups
* chat time counts once per agent: an agent with one or more chats open (and no
  call or email in hand) is busy, so occupancy = (call and email handling +
  time with chats open) / available time
* slot_utilisation (groups with a chat skill) = chat-hours open / (available
  agent-hours x the group's chat concurrency)
* occupancy_voice, occupancy_chat, occupancy_email (groups serving two channels
  or more): the part of occupancy spent on each channel; they add up to
  occupancy (with ``voice_with_chat``, time on a call with chats open counts as
  voice); contacts_per_hour_voice, _chat, _email: contacts of each channel
  the group started per available agent-hour
* handled_<type> (groups with two skills or more): contacts of each type the
  group answered, counted as ``handled`` is: in their arrival interval
* per agent (``statistics: {per_agent: true}``), over agents present at least
  30 minutes: agents_counted, agent_occupancy_{mean,min,max} and
  agent_contacts_per_hour_{mean,min,max} — the spread planners watch beside the
  group's mean

Email types (times in hours where the name says so)
* service_level = emails replied within the threshold / (emails replied + emails
  still in the backlog at the end that are already older than the threshold);
  an email is replied when its handling ends (answer + handle time); with
  ``service_level.opening_hours_only`` the time counts only inside each day's
  horizon (the nights and the time after the last day do not count)
* backlog_at_end = emails not started when the last day's horizon ends
  (arrived = answered + backlog_at_end); oldest_backlog_hours = age of the
  oldest of them then; mean_reply_hours = mean time from arrival to reply
* backlog (per interval) = emails waiting at the interval's end
"""

from __future__ import annotations

import numpy as np

from ..engine.records import ANSWERED, WAITING, Records
from ..plan import DAY_S, Plan
from .replication import NAN, Replication, TypeKpis, channel_types, div, is_type, safe_div
from .service_level import counted as counts_in_base
from .service_level import email_elapsed, email_late, in_time, wait_edges, within_counts
from .timeline import Spans

MIN_AGENT_PRESENT_S = 1800.0


def group_channel_kpis(plan: Plan, rec: Records, g: int, present, present_day, ctx=None):
    """Extra day and per-interval KPIs of group *g* (see the module docstring).

    present, present_day: the group's available agent-seconds per interval and in the
    statistics windows; ctx: the replication's shared columns (``Replication``).
    """
    ctx = ctx or Replication(plan, rec)
    grid = ctx.grid
    gp = plan.agent_groups[g]
    n_types = len(plan.contact_types)
    channels = {plan.contact_types[k].channel for k in gp.skill_indices}
    day: dict[str, float] = {}
    intervals: dict[str, np.ndarray] = {}
    chat_skills = [k for k in gp.skill_indices if plan.contact_types[k].channel == "chat"]
    if chat_skills or len(channels) > 1:
        mine = rec.group == g

    def busy_time(rows):
        s = rec.answer[rows]
        return grid.split(Spans(s, s + rec.handle[rows] + rec.acw[rows]).area(grid.points))

    if chat_skills:
        conc = max(plan.contact_types[k].concurrency for k in chat_skills)
        slot_i, slot_win = busy_time(mine & is_type(rec.ctype, chat_skills, n_types))
        intervals["slot_utilisation"] = safe_div(slot_i, present * conc)
        day["slot_utilisation"] = div(float(slot_win.sum()), present_day * conc)
    if len(channels) > 1:
        per_interval, inside = ctx.started()
        for channel in ("voice", "chat", "email"):
            if channel not in channels:
                continue
            types = channel_types(plan, channel)
            if channel == "chat" and rec.chat_spans is not None:
                s, e = rec.chat_spans[g]
                busy_i, busy_win = grid.split(Spans(s, e).area(grid.points))
            else:
                busy_i, busy_win = busy_time(mine & is_type(rec.ctype, types, n_types))
            intervals[f"occupancy_{channel}"] = safe_div(busy_i, present)
            day[f"occupancy_{channel}"] = div(float(busy_win.sum()), present_day)
            handled_i = per_interval[g][types].sum(axis=0).astype(float)
            intervals[f"contacts_per_hour_{channel}"] = safe_div(handled_i, present / 3600.0)
            day[f"contacts_per_hour_{channel}"] = div(float(inside[g][types].sum()), present_day / 3600.0)
    if len(gp.skill_indices) > 1:
        per_interval, inside = ctx.answered_by()  # the rule of handled (see groups)
        for k in gp.skill_indices:
            name = plan.contact_types[k].name
            intervals[f"handled_{name}"] = per_interval[g, k].astype(float)
            day[f"handled_{name}"] = float(inside[g, k])
    if rec.agents is not None:
        day.update(agent_spread(rec, g))
    return day, intervals


def agent_spread(rec: Records, g: int) -> dict[str, float]:
    """Mean, lowest and highest occupancy and contacts per hour across the group's agents."""
    a = rec.agents
    mine = (a["group"] == g) & (a["present_s"] >= MIN_AGENT_PRESENT_S)
    present = a["present_s"][mine]
    out = {"agents_counted": float(mine.sum())}
    occupancy = a["busy_s"][mine] / present if present.size else np.array([])
    per_hour = a["handled"][mine] / (present / 3600.0) if present.size else np.array([])
    for name, values in (("agent_occupancy", occupancy), ("agent_contacts_per_hour", per_hour)):
        out[f"{name}_mean"] = float(values.mean()) if values.size else NAN
        out[f"{name}_min"] = float(values.min()) if values.size else NAN
        out[f"{name}_max"] = float(values.max()) if values.size else NAN
    return out


def agent_rows(plan: Plan, rec: Records) -> list[dict]:
    """One row per agent of the replication: its group, hours present and busy, contacts
    started, occupancy and contacts per hour (time inside the statistics windows)."""
    a = rec.agents
    rows = []
    names = [gp.name for gp in plan.agent_groups]
    # Columns as Python lists first: the same values, without a numpy scalar per cell.
    columns = zip(a["group"].tolist(), a["present_s"].tolist(), a["busy_s"].tolist(), a["handled"].tolist(),
                  strict=True)
    for i, (group, present, busy, handled) in enumerate(columns):
        rows.append({
            "agent": i, "agent_group": names[group],
            "present_hours": present / 3600.0, "busy_hours": busy / 3600.0, "handled": handled,
            "occupancy": busy / present if present > 0 else NAN,
            "contacts_per_hour": handled / (present / 3600.0) if present > 0 else NAN,
        })
    return rows


def email_kpis(plan: Plan, rec: Records, k: int, ctx=None):
    """Email KPIs of type *k* (a ``TypeKpis``); they replace the service levels of
    the voice definition, and so do their ratio parts and the waiting-time histogram
    returned with them (reply times in time for each wait of ``service_level.wait_edges``).

    ctx: the replication's shared columns (``Replication``), made if not given.
    """
    ctx = ctx or Replication(plan, rec)
    ct = plan.contact_types[k]
    n_all = ctx.grid.n_int
    arrival = ctx.pick(rec.entry, k)  # = the arrival; for a snapshot's emails, when they really came in
    outcome = ctx.pick(rec.outcome, k)
    answer = ctx.pick(rec.answer, k)
    reply = answer + ctx.pick(rec.handle, k)
    end = (plan.days - 1) * DAY_S + plan.horizon_s
    counted = counts_in_base(plan, ctx.pick(rec.arrival, k))
    interval = ctx.pick(ctx.arrival_interval, k)
    replied = (outcome == ANSWERED) & counted
    backlog = outcome == WAITING
    took = email_elapsed(plan, ct, arrival, np.where(np.isnan(reply), arrival, reply))
    age_at_end = email_elapsed(plan, ct, arrival, np.full(arrival.size, end))
    late_backlog = backlog & counted & email_late(ct, age_at_end)
    within = replied & in_time(ct, took)

    def per_interval(mask):
        return np.bincount(interval[mask], minlength=n_all).astype(float)

    within_i = per_interval(within)
    replied_i = per_interval(replied)
    base_i = replied_i + per_interval(late_backlog)
    arrived_i = per_interval(counted)
    with np.errstate(invalid="ignore", divide="ignore"):
        sl_i = np.where(base_i > 0, within_i / np.where(base_i > 0, base_i, 1.0), np.nan)
    # Emails waiting at each interval's end: arrived by then, not started by then.
    interval_end = ctx.grid.ends
    started = np.where(np.isnan(answer), np.inf, answer)
    waiting_i = (np.searchsorted(np.sort(arrival), interval_end, side="right")
                 - np.searchsorted(np.sort(started), interval_end, side="right")).astype(float)
    base = float(replied.sum() + late_backlog.sum())
    n_within, n_replied, n_arrived = float(within.sum()), float(replied.sum()), float(counted.sum())
    ages = end - arrival[backlog]
    reply_h = (reply - arrival)[replied] / 3600.0
    day = {
        "service_level": float(within.sum()) / base if base else NAN,
        "answered_within_threshold": float(within.sum()),
        "sl_counted": base,
        "backlog_at_end": float(backlog.sum()),
        "oldest_backlog_hours": float(ages.max()) / 3600.0 if ages.size else 0.0,
        "mean_reply_hours": float(reply_h.mean()) if reply_h.size else NAN,
        "service_level_answered": div(n_within, n_replied),
        "service_level_offered": div(n_within, n_arrived),
    }
    intervals = {
        "service_level": sl_i,
        "answered_within_threshold": within_i,
        "sl_counted": base_i,
        "backlog": waiting_i,
        "service_level_answered": safe_div(within_i, replied_i),
        "service_level_offered": safe_div(within_i, arrived_i),
    }
    parts = {"service_level": (n_within, base), "service_level_answered": (n_within, n_replied),
             "service_level_offered": (n_within, n_arrived)}
    return TypeKpis(day, intervals, within_counts(np.sort(took[replied]), wait_edges(ct)), parts)
