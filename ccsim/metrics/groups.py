"""KPIs of agent groups: occupancy, utilisation, contacts per hour, agents present.

occupancy = handling time (talk + after-call work) / agent time present and
available; utilisation = handling time / paid agent time (available + breaks +
aux; equal to occupancy while the scenario has no breaks or aux);
handled = contacts the group answered, counted like every contact count by the
interval of their arrival (after the warm-up), whenever answered — after the
horizon end too — so that the groups' handled add up to the contact types'
answered; contacts_per_hour = contacts the group started (answered, or a callback
attempt) in each interval or window per present agent-hour there. Time is
integrated over each interval and over the days' statistics windows. Groups that serve an
outbound type also get idle_between_contacts = (present - busy time) / contacts started (s).
Chat time counts once per agent; the channels' KPIs are added by ``channels``.
"""

from __future__ import annotations

import numpy as np

from ..engine.records import Records
from ..plan import Plan
from .after_closing import after_closing
from .channels import group_channel_kpis
from .outbound import idle_between_contacts, idle_between_contacts_day
from .replication import NAN, Replication, channel_types, div, is_type, mean_of, safe_div
from .timeline import Spans, step_areas


def group_kpis(plan: Plan, rec: Records, g: int, ctx: Replication | None = None) -> tuple[dict, dict]:
    """Day and per-interval KPIs of agent group *g*."""
    ctx = ctx or Replication(plan, rec)
    grid = ctx.grid
    gp = plan.agent_groups[g]
    mine = rec.group == g
    # Busy time: calls and emails from the records; chats as the time an agent has any open.
    solo = mine
    chats = channel_types(plan, "chat")
    if chats:
        solo = mine & ~is_type(rec.ctype, chats, len(plan.contact_types))
    s0 = rec.answer[solo]
    s1 = s0 + rec.handle[solo] + rec.acw[solo]
    if chats and rec.chat_spans is not None:
        s0 = np.concatenate((s0, rec.chat_spans[g][0]))
        s1 = np.concatenate((s1, rec.chat_spans[g][1]))
    busy, busy_win = grid.split(Spans(s0, s1).area(grid.points))
    busy_day = float(busy_win.sum())
    log_t, log_n = rec.present_log[g]
    levels = (log_n,) if rec.away_log is None else (log_n, rec.away_log[g][0], rec.away_log[g][1])
    areas = [grid.split(a) for a in step_areas(log_t, levels, grid.points)]
    present, present_win = areas[0]
    present_day = float(present_win.sum())
    # Logged in but away (breaks, aux): paid, not available.
    away, away_day = {}, {}
    for which in (0, 1):
        if rec.away_log is None:
            away[which], away_day[which] = np.zeros(grid.n_int), 0.0
            continue
        away[which] = areas[1 + which][0]
        away_day[which] = float(areas[1 + which][1].sum())
    # Without breaks or aux, paid time is the present time (adding zeros changes no bit).
    paid = present if rec.away_log is None else present + away[0] + away[1]
    paid_day = present_day + away_day[0] + away_day[1]
    if plan.occupancy_after_closing:  # the day runs on to the end of the last contact in hand
        extra_busy, extra_present = after_closing(plan, s0, s1, log_t, log_n)
        busy_day, present_day, paid_day = busy_day + extra_busy, present_day + extra_present, paid_day + extra_present
    # handled: the contacts the group answered, counted by arrival as the contact types count
    # them (the groups' handled add up to the answered); contacts_per_hour: the contacts the
    # group started in each interval and window, a rate over the time present in the same span.
    answered_i, answered_day = ctx.answered_by()
    handled = answered_i[g].sum(axis=0).astype(float)
    handled_day = float(answered_day[g].sum())
    per_interval, inside = ctx.started()
    started = per_interval[g].sum(axis=0).astype(float)
    started_day = float(inside[g].sum())
    scheduled = np.array(gp.staffing, dtype=float)
    if plan.days > 1:
        scheduled = np.tile(scheduled, plan.days)
    if plan.calendar is not None:  # nobody is scheduled while closed
        scheduled = scheduled * plan.calendar.mask()
    first = grid.first
    scheduled_day = mean_of(scheduled[first:]) if first < scheduled.size else NAN
    present_h = present / 3600.0
    intervals = {
        "occupancy": safe_div(busy, present),
        "utilisation": safe_div(busy, paid),
        "contacts_per_hour": safe_div(started, present_h),
        "handled": handled,
        "agents_present": present / plan.interval_s,
        "agents_scheduled": scheduled,
        "busy_hours": busy / 3600.0,
        "present_hours": present_h,
        "break_hours": away[0] / 3600.0,
        "aux_hours": away[1] / 3600.0,
    }
    day = {
        "occupancy": div(busy_day, present_day),
        "utilisation": div(busy_day, paid_day),
        "contacts_per_hour": div(started_day, present_day / 3600.0),
        "handled": handled_day,
        "agents_present": present_day / grid.window_s,
        "agents_scheduled": scheduled_day,
        "busy_hours": busy_day / 3600.0,
        "present_hours": present_day / 3600.0,
        "break_hours": away_day[0] / 3600.0,
        "aux_hours": away_day[1] / 3600.0,
    }
    if any(plan.contact_types[k].outbound is not None for k in gp.skill_indices):  # a group that dials
        intervals["idle_between_contacts"] = idle_between_contacts(present, busy, started)
        day["idle_between_contacts"] = idle_between_contacts_day(present_day, busy_day, started_day)
    more_day, more_intervals = group_channel_kpis(plan, rec, g, present, present_day, ctx)
    day.update(more_day)
    intervals.update(more_intervals)
    return day, intervals
