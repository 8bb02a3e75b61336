"""Agents needed for a service-level target: Erlang C, Erlang A and the square-root rule."""

from __future__ import annotations

import math

from .a import erlang_a
from .c import _c_from_b, _erlang_c_kpis
from .checks import _MAX_STATES, _fraction, _number, offered_load


def erlang_c_agents(
    arrival_rate: float,
    aht: float,
    target_sl: float,
    threshold: float,
    max_occupancy: float | None = None,
) -> int:
    """Smallest number of agents whose Erlang C service level reaches ``target_sl``.

    ``target_sl`` in (0, 1) is P(wait <= ``threshold`` s); ``max_occupancy`` in
    (0, 1] (default None: no cap) additionally requires a / c <= max_occupancy.
    Zero arrivals need zero agents. Runs the Erlang B recursion once, upwards.
    """
    a = offered_load(arrival_rate, aht)
    target = _fraction("target_sl", target_sl, allow_one=False)
    t = _number("threshold", threshold, "seconds")
    cap = (
        None if max_occupancy is None else _fraction("max_occupancy", max_occupancy, allow_one=True)
    )
    if a == 0.0:
        return 0
    b = 1.0
    for c in range(1, _MAX_STATES):
        b = a * b / (c + a * b)  # Erlang B recursion, one step per candidate c
        if a >= c or (cap is not None and a > cap * c):
            continue
        if _erlang_c_kpis(c, a, float(aht), t, _c_from_b(c, a, b)).service_level >= target:
            return c
    raise ValueError(f"target_sl {target_sl!r} cannot be met with fewer than {_MAX_STATES} agents")


def erlang_a_agents(
    arrival_rate: float,
    aht: float,
    patience_mean: float,
    target_sl: float,
    threshold: float,
    max_abandon: float | None = None,
) -> int:
    """Smallest number of agents whose Erlang A service level reaches ``target_sl``.

    Service level is P(answered within ``threshold`` s) over all arrivals;
    ``max_abandon`` in (0, 1] (default None: no cap) also bounds P(abandon).
    Both KPIs improve with every added agent, so the search doubles an upper
    bound and then bisects. Zero arrivals need zero agents.
    """
    a = offered_load(arrival_rate, aht)
    target = _fraction("target_sl", target_sl, allow_one=False)
    cap = None if max_abandon is None else _fraction("max_abandon", max_abandon, allow_one=True)
    if a == 0.0:
        return 0

    def meets(c: int) -> bool:
        r = erlang_a(arrival_rate, aht, c, patience_mean, threshold)
        return r.service_level >= target and (cap is None or r.abandon_rate <= cap)

    low, high = 0, max(1, math.ceil(a))  # zero agents answer nobody: never meets
    while not meets(high):
        if high > _MAX_STATES:
            raise ValueError(f"target_sl {target_sl!r} cannot be met with {_MAX_STATES} agents")
        low, high = high, 2 * high
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if meets(mid) else (mid, high)
    return high


def square_root_staffing(arrival_rate: float, aht: float, beta: float) -> int:
    """Square-root staffing rule: ceil(a + beta * sqrt(a)) agents, at least 0.

    ``beta`` (dimensionless, may be negative) is the safety factor; values within
    1e-9 above an integer are not rounded up, to absorb floating-point noise.
    """
    a = offered_load(arrival_rate, aht)
    try:
        beta = float(beta)
    except (TypeError, ValueError):
        raise ValueError(f"beta must be a finite number, got {beta!r}") from None
    if not math.isfinite(beta):
        raise ValueError(f"beta must be a finite number, got {beta!r}")
    return max(0, math.ceil(a + beta * math.sqrt(a) - 1e-9))
