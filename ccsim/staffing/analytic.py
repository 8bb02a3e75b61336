"""Step 1: analytic staffing per interval — Erlang C, Erlang A and square-root staffing.

Each interval is treated on its own as a stationary queue (the independent-period
approximation): Poisson arrivals at the interval's forecast rate, exponential
handle times with the mean handle time plus after-call work, and — for Erlang
A — exponential patience with the scenario's mean patience. What the formulas
leave out is what the simulation puts back: abandonment (Erlang C), retrials,
callbacks and repeat calls (both), other distributions, several skills, and
queues carried over from one interval to the next.

* ``erlang_c``: the smallest c whose Erlang C service level, ASA and occupancy
  meet the targets (Erlang C has no abandonment: a maximum abandonment is met).
* ``erlang_a``: the same with Erlang A (service level = answered within the
  threshold over all arrivals, which is ccsim's definition), also bounding
  abandonment. Without a patience limit it equals Erlang C.
* chats: N agents with concurrency c are counted as N c servers (exact without
  slowdown: see tests/test_theory.py), each chat taking the handle time times the
  slowdown with every place taken (conservative); agents = ceil(servers / c).
* ``square_root``: c = ceil(a + beta sqrt(a)), with the smallest safety factor
  beta whose Halfin-Whitt approximation of the service level,
  1 - alpha(beta) exp(-beta sqrt(a) t / aht), alpha(beta) = [1 + beta Phi(beta) / phi(beta)]^-1,
  meets the target (beta is reported per interval).

With ``confidence`` (meet targets in that share of days) and a forecast error,
the rate is the confidence quantile of the day's volume (the gamma multiplier
of ``forecast_error``); within-day randomness is left to the simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import erlang as E
from ..plan import Plan
from .targets import Targets, TypeTargets

METHODS = ("erlang_c", "erlang_a", "square_root")


@dataclass
class TypeAnalytic:
    """Analytic staffing of one contact type, one value per interval of the daily pattern."""

    rate: np.ndarray  # contacts per second used by the formulas
    aht_s: float  # handle time + after-call work (s)
    patience_s: float  # mean patience (s); inf = never abandons
    erlang_c: np.ndarray
    erlang_a: np.ndarray
    square_root: np.ndarray
    beta: np.ndarray  # square-root safety factor per interval
    slots: int = 1  # contacts an agent holds at once (chat concurrency); the formulas count slots

    def method(self, name: str) -> np.ndarray:
        return getattr(self, name)


def volume_multiplier(forecast_cv: float, confidence: float | None) -> float:
    """The day-volume multiplier to plan for: 1, or the confidence quantile of the forecast error."""
    if confidence is None or forecast_cv <= 0:
        return 1.0
    from scipy.stats import gamma

    shape = 1.0 / forecast_cv**2
    return float(gamma.ppf(confidence, shape, scale=1.0 / shape))


def erlang_c_requirement(rate: float, aht_s: float, t: TypeTargets, max_occupancy: float | None = None,
                         ceiling: int = 1_000_000) -> int:
    """Smallest c meeting service level, ASA and occupancy under Erlang C (0 for no arrivals)."""
    if rate <= 0:
        return 0
    c = E.erlang_c_agents(rate, aht_s, t.service_level, t.threshold_s, max_occupancy)
    if t.max_asa_s is not None:
        while E.erlang_c_metrics(rate, aht_s, c, t.threshold_s).asa > t.max_asa_s:
            c += 1
            if c > ceiling:
                raise ValueError(f"a maximum ASA of {t.max_asa_s:g} s needs more than {ceiling} agents")
    return c


def erlang_a_requirement(rate: float, aht_s: float, patience_s: float, t: TypeTargets,
                         max_occupancy: float | None = None, ceiling: int = 1_000_000) -> int:
    """Smallest c meeting every target under Erlang A; Erlang C when nobody abandons."""
    if rate <= 0:
        return 0
    if not math.isfinite(patience_s):
        return erlang_c_requirement(rate, aht_s, t, max_occupancy, ceiling)
    c = E.erlang_a_agents(rate, aht_s, patience_s, t.service_level, t.threshold_s, t.max_abandon)

    def short(c: int) -> bool:
        r = E.erlang_a(rate, aht_s, c, patience_s, t.threshold_s)
        return ((t.max_asa_s is not None and r.asa > t.max_asa_s)
                or (max_occupancy is not None and r.occupancy > max_occupancy))

    while short(c):
        c += 1
        if c > ceiling:
            raise ValueError(f"the targets need more than {ceiling} agents under Erlang A")
    return c


def _halfin_whitt_sl(beta: float, load: float, aht_s: float, threshold_s: float) -> float:
    if beta <= 0:
        return 0.0
    phi = math.exp(-beta * beta / 2.0) / math.sqrt(2.0 * math.pi)
    big_phi = 0.5 * (1.0 + math.erf(beta / math.sqrt(2.0)))
    alpha = 1.0 / (1.0 + beta * big_phi / phi)
    return 1.0 - alpha * math.exp(-beta * math.sqrt(load) * threshold_s / aht_s)


def square_root_requirement(rate: float, aht_s: float, t: TypeTargets) -> tuple[int, float]:
    """(agents, beta) of square-root staffing for the service-level target (0 agents for no arrivals)."""
    if rate <= 0:
        return 0, 0.0
    from scipy.optimize import brentq

    load = rate * aht_s

    def gap(beta: float) -> float:  # increasing in beta, negative at 0
        return _halfin_whitt_sl(beta, load, aht_s, t.threshold_s) - t.service_level

    high = 1.0
    while gap(high) < 0:
        high *= 2.0
        if high > 1e6:
            raise ValueError(f"square-root staffing cannot reach a service level of {t.service_level:g}")
    beta = brentq(gap, 0.0, high, xtol=1e-12)
    return E.square_root_staffing(rate, aht_s, beta), beta


def analytic_staffing(plan: Plan, targets: Targets,
                      max_occupancy: dict[str, float | None] | None = None) -> dict[str, TypeAnalytic]:
    """Erlang C, Erlang A and square-root staffing of every contact type, per interval.

    *max_occupancy* maps contact types to the occupancy the formulas may allow
    (``staff`` passes the strictest cap of the groups answering the type).
    """
    out = {}
    for ct in plan.contact_types:
        t = targets.contact_types[ct.name]
        cap = (max_occupancy or {}).get(ct.name)
        rate = ct.rates * volume_multiplier(ct.forecast_cv, targets.confidence)
        aht = ct.handle.mean + (ct.after_call_work.mean if ct.after_call_work is not None else 0.0)
        patience = ct.patience.mean
        n = plan.n_intervals
        c_col, a_col, s_col, beta = (np.zeros(n, dtype=int), np.zeros(n, dtype=int), np.zeros(n, dtype=int),
                                     np.zeros(n))
        slots = ct.concurrency if ct.channel == "chat" else 1
        if slots > 1:  # one server per chat place, each chat as slow as with every place taken
            aht *= ct.slowdown[slots - 1]
        for j in range(n):
            c_col[j] = erlang_c_requirement(rate[j], aht, t, cap)
            a_col[j] = erlang_a_requirement(rate[j], aht, patience, t, cap)
            s_col[j], beta[j] = square_root_requirement(rate[j], aht, t)
        if slots > 1:
            c_col, a_col, s_col = (-(-col // slots) for col in (c_col, a_col, s_col))
        out[ct.name] = TypeAnalytic(rate, aht, patience, c_col, a_col, s_col, beta, slots)
    return out


# ---------------------------------------------------------------- calibrated steps for the search

def analytic_kpi(kpi: str, rate: float, aht_s: float, patience_s: float, threshold_s: float, c: int) -> float:
    """Erlang A (or C without patience) value of *kpi* at c agents: service_level, asa or abandon_rate."""
    if rate <= 0:
        return {"service_level": 1.0, "asa": 0.0, "abandon_rate": 0.0}[kpi]
    if math.isfinite(patience_s):
        r = E.erlang_a(rate, aht_s, c, patience_s, threshold_s)
        return {"service_level": r.service_level, "asa": r.asa, "abandon_rate": r.abandon_rate}[kpi]
    m = E.erlang_c_metrics(rate, aht_s, c, threshold_s)
    return {"service_level": m.service_level, "asa": m.asa, "abandon_rate": 0.0}[kpi]


def agents_to_close_gap(kpi: str, observed: float, target: float, rate: float, aht_s: float,
                        patience_s: float, threshold_s: float, current: int) -> int:
    """How many agents to add so that *kpi* goes from *observed* to *target*.

    The simulation is read through the analytic curve of the same interval: the
    observed value corresponds to some effective number of agents c_eff on that
    curve (for example fewer than present, when retrials add load), the target to
    c_req; the answer is ceil(c_req - c_eff), at least 1 and at most about half
    the current staffing plus one (the next evaluation corrects the rest).
    """
    limit = max(1, current // 2 + 1)
    if rate <= 0 or not math.isfinite(observed):
        return 1
    high_good = kpi == "service_level"

    def good(value: float) -> float:
        return value if high_good else -value

    def value_at(c: int) -> float:
        v = analytic_kpi(kpi, rate, aht_s, patience_s, threshold_s, c)
        return good(v) if math.isfinite(v) else -math.inf

    goal, seen = good(target), good(observed)
    top = max(1, int(math.ceil(rate * aht_s)) + 1)
    while value_at(top) < goal and top < 10 * (current + 10):
        top = top * 2
    c_req = next((c for c in range(max(0, int(rate * aht_s)), top + 1) if value_at(c) >= goal), top)
    # Walk down (at most *limit* agents) to where the curve crosses the observed value.
    upper = value_at(c_req)
    for c in range(c_req - 1, max(-1, c_req - limit - 1), -1):
        v = value_at(c)
        if v <= seen:
            frac = 0.0 if upper == v or not math.isfinite(v) else (seen - v) / (upper - v)
            c_eff = c + min(max(frac, 0.0), 1.0)
            return int(min(limit, max(1, math.ceil(c_req - c_eff - 1e-9))))
        upper = v
    return limit if seen < upper else 1
