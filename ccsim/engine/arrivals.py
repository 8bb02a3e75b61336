"""Draw a replication's contacts up front, in numpy blocks, per contact type.

Arrivals are a Poisson process with a piecewise-constant rate: the count in
each interval is Poisson and, given the count, arrival times are independent
uniforms in the interval. That is exact, including at interval boundaries
(nothing is skipped or thinned). With ``forecast_error`` the day's volume is
first multiplied by a mean-1 gamma factor with that coefficient of variation.

Every contact's handle time, after-call work and patience are drawn here,
in arrival order, from the contact type's own streams: the n-th caller of a
type gets the same numbers whatever the staffing (common random numbers).
"""

from __future__ import annotations

import numpy as np

from ..plan import Plan
from ..streams import stream


class ContactDraws:
    """Arrays (one entry per contact, sorted by arrival) for a whole replication."""

    __slots__ = ("arrival", "ctype", "handle", "acw", "patience", "forecast_factor")

    def __init__(self, arrival, ctype, handle, acw, patience, forecast_factor):
        self.arrival: np.ndarray = arrival  # s from horizon start
        self.ctype: np.ndarray = ctype  # contact type index
        self.handle: np.ndarray = handle  # talk time, s
        self.acw: np.ndarray = acw  # after-call work, s
        self.patience: np.ndarray = patience  # s (inf = never abandons)
        self.forecast_factor: np.ndarray = forecast_factor  # per contact type


def arrival_times(plan: Plan, rates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sorted arrival times (s) of a piecewise-constant-rate Poisson process."""
    counts = rng.poisson(rates * plan.interval_s)
    starts = np.repeat(plan.interval_starts(), counts)
    times = starts + rng.random(starts.size) * plan.interval_s
    times.sort()
    return times


def draw_contacts(plan: Plan, replication: int) -> ContactDraws:
    """All contacts of one replication, every type merged in arrival order."""
    seed = plan.seed
    parts = []
    factors = np.ones(len(plan.contact_types))
    for ct in plan.contact_types:
        rates = ct.rates
        if ct.forecast_cv > 0:
            shape = 1.0 / ct.forecast_cv**2
            factors[ct.index] = stream(seed, replication, f"forecast/{ct.name}").gamma(shape, 1.0 / shape)
            rates = rates * factors[ct.index]
        times = arrival_times(plan, rates, stream(seed, replication, f"arrivals/{ct.name}"))
        n = times.size
        handle = ct.handle.draw(stream(seed, replication, f"handle_time/{ct.name}"), n)
        if ct.after_call_work is not None:
            acw = ct.after_call_work.draw(stream(seed, replication, f"after_call_work/{ct.name}"), n)
        else:
            acw = np.zeros(n)
        patience = ct.patience.draw(stream(seed, replication, f"patience/{ct.name}"), n)
        parts.append((times, np.full(n, ct.index, dtype=np.int32), handle, acw, patience))
    arrival, ctype, handle, acw, patience = (np.concatenate(col) for col in zip(*parts, strict=True))
    order = np.argsort(arrival, kind="stable")
    return ContactDraws(arrival[order], ctype[order], handle[order], acw[order], patience[order], factors)
