"""Erlang C: M/M/c, callers who wait as long as it takes.

Times in seconds, ``arrival_rate`` in contacts per second, ``load`` in Erlangs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .b import erlang_b
from .checks import _agents, _number, offered_load


def _c_from_b(c: int, a: float, b: float) -> float:
    """Erlang C from Erlang B: C = c B / (c - a (1 - B)); 1.0 when unstable."""
    if a >= c:
        return 1.0
    return c * b / (c - a * (1.0 - b))


def erlang_c(agents: int, load: float) -> float:
    """Probability that a contact waits in M/M/c (``load`` in Erlangs).

    Returns 1.0 when ``load >= agents`` (the queue grows without bound).
    """
    c, a = _agents(agents), _number("load", load, "Erlangs")
    return _c_from_b(c, a, erlang_b(c, a))


@dataclass(frozen=True)
class ErlangCResult:
    """Steady-state KPIs of M/M/c (Erlang C); times in seconds."""

    prob_wait: float  # P(an arriving contact waits): p_wait
    service_level: float  # P(wait <= threshold); everyone is answered, so over answered,
    #                       answered + abandoned, all offered and the virtual wait alike
    asa: float  # mean wait of all contacts (all are answered), s; inf if unstable
    occupancy: float  # busy fraction of agents, a / c capped at 1
    mean_queue: float  # E[number waiting]; inf if unstable


def _erlang_c_kpis(c: int, a: float, aht: float, threshold: float, pw: float) -> ErlangCResult:
    """KPIs of M/M/c given the already computed probability of wait ``pw``."""
    if a >= c:  # unstable: the queue grows without bound
        return ErlangCResult(1.0, 0.0, math.inf, 1.0 if a > 0 else 0.0, math.inf)
    gap = c - a
    return ErlangCResult(
        prob_wait=pw,
        service_level=1.0 - pw * math.exp(-gap * threshold / aht),
        asa=pw * aht / gap,
        occupancy=a / c,
        mean_queue=pw * a / gap,
    )


def erlang_c_metrics(
    arrival_rate: float, aht: float, agents: int, threshold: float
) -> ErlangCResult:
    """Erlang C KPIs for ``arrival_rate`` (contacts/s), ``aht`` (s), ``agents`` and
    service-level ``threshold`` (s). Unstable systems give SL 0 and infinite ASA."""
    a, c = offered_load(arrival_rate, aht), _agents(agents)
    t = _number("threshold", threshold, "seconds")
    return _erlang_c_kpis(c, a, float(aht), t, erlang_c(c, a))


def erlang_c_service_level(arrival_rate: float, aht: float, agents: int, threshold: float) -> float:
    """P(wait <= ``threshold`` s) = 1 - C exp(-(c - a) t / aht); 0 when unstable."""
    return erlang_c_metrics(arrival_rate, aht, agents, threshold).service_level


def erlang_c_asa(arrival_rate: float, aht: float, agents: int) -> float:
    """Average speed of answer in seconds, C aht / (c - a); inf when unstable."""
    return erlang_c_metrics(arrival_rate, aht, agents, 0.0).asa


def erlang_c_occupancy(arrival_rate: float, aht: float, agents: int) -> float:
    """Agent occupancy a / c, capped at 1 (0 for zero load)."""
    return erlang_c_metrics(arrival_rate, aht, agents, 0.0).occupancy
