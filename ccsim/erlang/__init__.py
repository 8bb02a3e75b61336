"""Analytic queueing formulas: Erlang B, Erlang C (M/M/c), Erlang A (M/M/c+M) and Erlang
Blend (inbound and outbound calls on one group under a threshold policy).

They are the truth that simulation tests compare against and the starting point
of staffing searches. Units: seconds for times, contacts per second for
``arrival_rate``, Erlangs for the offered load ``arrival_rate * aht``.
Every function is pure; bad arguments raise ``ValueError`` naming the value.

The results' fields carry the KPI catalogue's names (``ccsim/metrics/catalogue.py``,
docs/kpis.md) where a definition of the field applies: ``service_level`` is ours,
answered within the threshold / (answered + abandoned) — in M/M/c+M nobody is
blocked and no abandon is short, so it is also the service level over all offered —
``service_level_answered`` is over the answered only, ``prob_wait`` is ``p_wait``,
``asa`` the mean wait of the answered and ``mean_wait_all`` ``mean_wait``.
``service_level_virtual`` is the definition of Erlang X calculators: P(V <= t) for
the virtual waiting time V, the wait of a caller who would never hang up.

One module per model: ``b`` (Erlang B), ``c`` (Erlang C), ``a`` (Erlang A), ``blend``,
``staffing`` (agents for a service level, square-root rule), ``targets`` (agents
meeting targets on several KPIs), ``checks`` (argument checks, offered load).
"""

from __future__ import annotations

from .a import ErlangAResult, erlang_a
from .b import erlang_b
from .blend import ErlangBlendResult, erlang_blend
from .c import (
    ErlangCResult,
    erlang_c,
    erlang_c_asa,
    erlang_c_metrics,
    erlang_c_occupancy,
    erlang_c_service_level,
)
from .checks import offered_load
from .staffing import erlang_a_agents, erlang_c_agents, square_root_staffing
from .targets import TARGET_KPIS, StaffingTarget, agents_needed, target_value

__all__ = [
    "TARGET_KPIS",
    "ErlangAResult",
    "ErlangBlendResult",
    "ErlangCResult",
    "StaffingTarget",
    "agents_needed",
    "erlang_a",
    "erlang_a_agents",
    "erlang_b",
    "erlang_blend",
    "erlang_c",
    "erlang_c_agents",
    "erlang_c_asa",
    "erlang_c_metrics",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "offered_load",
    "square_root_staffing",
    "target_value",
]
