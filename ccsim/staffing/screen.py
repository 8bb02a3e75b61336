"""Screening a staffing variant on the first days of the sample before simulating the rest.

The search's check simulates every single-agent removal from a staffing that meets the
targets, and its trim many removals at a time; most of them break an interval by a clear
margin. On common random numbers a variant and the staffing it comes from (the *base*,
simulated on every day of the sample) differ day by day only by what the removal changes,
so the first days of the sample tell the variant's result on all of them well:

    variant's mean over the R days ≈ base's mean over the R days + mean difference over the first m

with an error of (R - m) / R x sd(difference) x sqrt(1/m + 1/(R - m)) (the other days'
mean difference is unknown, the first m's is known exactly). A KPI whose prediction misses
its target by more than ``SCREEN_Z`` such errors is a certain miss; a variant with a certain
miss that decides its fate (one is enough for a check, one in every removal's neighbourhood
for a trim variant) is not simulated further. Every other variant is simulated on the whole
sample and judged exactly as without screening. A screen only ever rejects, so it can only
leave in an agent whose removal the whole sample would have allowed — with a z of 4 on a
paired difference, a chance of the order of one in ten thousand per KPI.

Targets read on a share of days (``confidence``) are judged day by day, not by a mean:
they are not screened.
"""

from __future__ import annotations

import numpy as np

from ..experiment.estimates import quiet_empty_means
from ..plan import Plan
from .targets import Targets, Verdicts, judge_values, judged_columns, per_day

SCREEN_Z = 4.0  # errors of the prediction beyond which a miss is certain
SCREEN_STOPS = (0.25, 0.5)  # shares of the sample's days after which a variant is screened...
SCREEN_MIN_DAYS = 10  # ...with at least this many days simulated, and as many left to save


def screen_days(total: int, confidence: float | None) -> tuple[int, ...]:
    """The days after which a variant of a *total*-day sample is screened (none: no screen)."""
    if confidence is not None:
        return ()
    stops = sorted({max(SCREEN_MIN_DAYS, int(share * total)) for share in SCREEN_STOPS})
    return tuple(m for m in stops if total - m >= SCREEN_MIN_DAYS)


def certain_misses(base_results: list, head: list, plan: Plan, targets: Targets) -> Verdicts:
    """The variant's verdicts on the whole sample as far as *head* (its results on the sample's
    first days) makes them certain: an interval fails only on a certain miss, whose observed
    value is the predicted mean; every other KPI is left undecided (NaN, which meets)."""
    total, m = len(base_results), len(head)
    predicted: dict[tuple[str, str, str], np.ndarray] = {}
    for section, name, kpi, limit, high in judged_columns(targets):
        base = per_day(base_results, section, name, kpi)
        diff = per_day(head, section, name, kpi) - base[:m]
        counted = (~np.isnan(diff)).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"), quiet_empty_means():
            base_mean = np.nanmean(base, axis=0)
            shift = np.nansum(diff, axis=0) / np.maximum(counted, 1)
            spread = np.sqrt(np.nansum((diff - shift) ** 2, axis=0) / np.maximum(counted - 1, 1))
            error = (total - m) / total * spread * np.sqrt(1.0 / np.maximum(counted, 1) + 1.0 / (total - m))
            guess = base_mean + shift
            if high:
                certain = guess + SCREEN_Z * error < limit - 1e-12
            else:
                certain = guess - SCREEN_Z * error > limit + 1e-12
        certain &= (counted >= SCREEN_MIN_DAYS // 2) & np.isfinite(guess)
        predicted[(section, name, kpi)] = np.where(certain, guess, np.nan)[None, :]
    return judge_values(lambda section, name, kpi: predicted[(section, name, kpi)], plan, targets)
