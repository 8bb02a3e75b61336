"""Staffing targets on one KPI each (service level, ASA, abandonment, occupancy) and the
smallest number of agents meeting all of them, by Erlang C or Erlang A."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .a import erlang_a
from .c import _c_from_b, _erlang_c_kpis, erlang_c_metrics
from .checks import _MAX_STATES, _fraction, _number, offered_load

# The KPIs a staffing target may name, each with its direction: a service level is reached
# from below (at least the target), the others from above (at most the target).
TARGET_KPIS = {"service_level": ">=", "asa": "<=", "abandon_rate": "<=", "occupancy": "<="}


@dataclass(frozen=True)
class StaffingTarget:
    """A target on one KPI of the catalogue (docs/kpis.md), met or not by a number of agents.

    ``kpi``: ``service_level`` (at least ``value``, a share in (0, 1), with ``threshold`` in
    seconds: ccsim's service level, answered within the threshold / (answered + abandoned)),
    ``asa`` (at most ``value`` seconds, > 0), ``abandon_rate`` (at most ``value``, a share
    in (0, 1); Erlang A only: nobody abandons in Erlang C) or ``occupancy`` (at most
    ``value``, a share in (0, 1]).
    """

    kpi: str
    value: float
    threshold: float | None = None

    def __post_init__(self):
        if self.kpi not in TARGET_KPIS:
            raise ValueError(f"target KPI must be one of {', '.join(TARGET_KPIS)}, got {self.kpi!r}")
        if self.kpi == "asa":
            _number("asa target", self.value, "seconds", positive=True)
        else:
            _fraction(f"{self.kpi} target", self.value, allow_one=self.kpi == "occupancy")
        if self.kpi == "service_level":
            if self.threshold is None:
                raise ValueError("a service_level target needs a threshold (seconds)")
            _number("threshold", self.threshold, "seconds")
        elif self.threshold is not None:
            raise ValueError(f"only a service_level target has a threshold, not {self.kpi}")

    @property
    def op(self) -> str:
        """``>=`` (service level) or ``<=`` (the others)."""
        return TARGET_KPIS[self.kpi]

    def met(self, value: float) -> bool:
        """Whether the KPI's *value* meets the target (nan never does)."""
        return value >= self.value if self.op == ">=" else value <= self.value


def target_value(arrival_rate: float, aht: float, agents: int, target: StaffingTarget,
                 patience_mean: float | None = None) -> float:
    """The KPI *target* names with ``agents`` agents: Erlang C, or Erlang A with ``patience_mean``.

    Erlang C: an unstable system (load >= agents) has service level 0 and infinite ASA.
    """
    if patience_mean is None:
        if target.kpi == "abandon_rate":
            raise ValueError("an abandon_rate target needs a mean patience (Erlang A): nobody abandons in "
                             "Erlang C")
        r = erlang_c_metrics(arrival_rate, aht, agents, target.threshold or 0.0)
        return float(getattr(r, target.kpi))
    if agents == 0:  # nobody is answered: every caller abandons
        return {"service_level": 0.0, "asa": math.nan, "abandon_rate": 1.0, "occupancy": 0.0}[target.kpi]
    a = erlang_a(arrival_rate, aht, agents, patience_mean, target.threshold)
    value = getattr(a, target.kpi)
    return math.nan if value is None else float(value)


def agents_needed(arrival_rate: float, aht: float, targets, patience_mean: float | None = None) -> int:
    """Smallest number of agents meeting every one of *targets* (``StaffingTarget``).

    Erlang C (M/M/c) without ``patience_mean``, Erlang A (M/M/c+M, exponential patience
    of that mean, s) with it; ``arrival_rate`` in contacts/s, ``aht`` in s. The answer N
    meets every target and N - 1 does not meet them all: agents are tried one by one
    upwards from a count that cannot meet them (Erlang C: the load, below which the queue
    grows without bound; Erlang A: at most a·s agents answer a share s of the calls, and
    at least 1 - c/a of them abandon), so no monotonicity is assumed. Zero arrivals need
    zero agents.
    """
    a = offered_load(arrival_rate, aht)
    targets = list(targets)
    if not targets:
        raise ValueError("give at least one target")
    if patience_mean is not None:
        _number("patience_mean", patience_mean, "seconds", positive=True)
    for t in targets:
        if t.kpi == "abandon_rate" and patience_mean is None:
            raise ValueError("an abandon_rate target needs a mean patience (Erlang A): nobody abandons in "
                             "Erlang C")
    if a == 0.0:
        return 0
    if patience_mean is None:
        start = math.floor(a) + 1  # stable from there on
    else:
        start = 1
        for t in targets:
            if t.kpi == "service_level":
                start = max(start, math.floor(a * t.value))
            elif t.kpi == "abandon_rate":
                start = max(start, math.floor(a * (1.0 - t.value)))

    if patience_mean is None:
        # Erlang C: the Erlang B recursion runs once, upwards, as in erlang_c_agents.
        b = 1.0
        for k in range(1, start):
            b = a * b / (k + a * b)
        for c in range(start, _MAX_STATES):
            b = a * b / (c + a * b)
            pw = _c_from_b(c, a, b)
            if all(t.met(getattr(_erlang_c_kpis(c, a, float(aht), t.threshold or 0.0, pw), t.kpi))
                   for t in targets):
                return c
    else:
        for c in range(start, _MAX_STATES):
            if all(t.met(target_value(arrival_rate, aht, c, t, patience_mean)) for t in targets):
                return c
    raise ValueError(f"the targets cannot be met with fewer than {_MAX_STATES} agents")
