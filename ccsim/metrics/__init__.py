"""KPIs from records: the single place where every definition lives (docs/kpis.md says the same).

One module per responsibility, each importing only those above it:

* ``timeline``: the plan's time grid, intervals, statistics windows, areas under step functions;
* ``replication``: the columns of one replication that several KPIs read, shared arithmetic;
* ``contacts``: contact-type KPIs and their total; ``groups``: agent-group KPIs;
* ``channels``: chat, email, multi-skill and per-agent KPIs; ``journeys``: caller journeys;
* ``results``: ``Results`` of one replication and ``compute_results``.
"""

from .channels import MIN_AGENT_PRESENT_S, agent_rows, agent_spread, email_kpis, group_channel_kpis
from .contacts import contact_kpis, total_kpis
from .groups import group_kpis
from .journeys import journey_kpis
from .replication import channel_types
from .results import Results, compute_results
from .timeline import in_windows, interval_index, opening_time, overlap_area, step_area

__all__ = [
    "MIN_AGENT_PRESENT_S", "Results", "agent_rows", "agent_spread", "channel_types", "compute_results",
    "contact_kpis", "email_kpis", "group_channel_kpis", "group_kpis", "in_windows", "interval_index",
    "journey_kpis", "opening_time", "overlap_area", "step_area", "total_kpis",
]
