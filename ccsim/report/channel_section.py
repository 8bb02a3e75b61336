"""The report section of multi-channel centres: email backlogs, occupancy by channel,
chat slots, handled per type, and the spread across agents.

Present only when the scenario has chats or emails, or per-agent statistics.
"""

from __future__ import annotations

from ..experiment.estimates import Estimates
from . import figures as F
from .channel_table import ChannelTable, agent_spread, email_table, groups_by_channel
from .document import Section, esc, figure_html, table_html


def _table(table: ChannelTable | None) -> str:
    """The same HTML table as every other section's (scrolls inside its card when wide)."""
    if table is None:
        return ""
    return (f"<h3>{esc(table.title.rstrip(':'))}</h3>"
            + table_html(table.headers, table.rows, numeric=set(range(1, len(table.headers)))))


def channels_section(est: Estimates) -> Section | None:
    plan = est.plan
    channels = {ct.channel for ct in plan.contact_types}
    per_agent = all("agents_counted" in est.agent_groups[gp.name] for gp in plan.agent_groups)
    if channels == {"voice"} and not per_agent:
        return None
    body = [_table(groups_by_channel(est)), _table(email_table(est)), _table(agent_spread(est))]
    if "email" in channels:
        fig, (ax,) = F.new_figure()
        F.draw_backlog(ax, [("", est)])
        body.append(figure_html(fig, "email backlog per interval",
                                "Emails not yet started at the end of each interval; what is left at the "
                                "horizon end is the backlog (carried into the next day on multi-day horizons)."))
    for gp in plan.agent_groups:
        kpis = est.group_intervals[gp.name]
        if any(k in kpis for k in ("occupancy_voice", "occupancy_chat", "occupancy_email", "slot_utilisation")):
            fig, (ax,) = F.new_figure()
            F.draw_channel_occupancy(ax, est, gp.name)
            body.append(figure_html(fig, f"{gp.name}: occupancy by channel",
                                    "Occupancy split by channel (an agent with chats open counts once); chat "
                                    "slots used = chat time open / (agent time available × concurrency)."))
    return Section("channels", "Channels and agents", "".join(body))
