"""Every constraint judged on fresh replications, with its 95 % confidence interval.

In expectation a constraint's value on the fresh days is the KPI's mean over
days, with a Student-t interval; with a confidence target (``Targets.confidence``)
it is the share of days on which the KPI meets its limit, with a Wilson interval,
against that share. A constraint is

* ``confirmed`` when the whole interval is on the good side of the target (for a
  service level: the CI's lower bound at or above the target),
* ``met`` when the estimate meets the target but the interval reaches past it,
* ``borderline`` when the estimate misses the target but the interval reaches it
  (what ``ccsim staff`` counts as meeting: the days cannot tell),
* ``missed`` when the whole interval is on the bad side;

``shortfall`` is how far the interval's bound on the bad side lies past the
target (0 when confirmed): what a planner is told when a constraint is not
confirmed. On a horizon of several days the worst day of each interval counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...experiment.stats import mean_ci
from ..targets import Targets
from .cuts import Constraint

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Check:
    constraint: Constraint
    observed: float  # mean KPI over the fresh days, or (confidence target) the share of days meeting it
    low: float | None  # 95 % CI of *observed*
    high: float | None
    target: float  # the KPI's limit, or (confidence target) the share of days
    high_is_good: bool  # in the sense of *observed*
    verdict: str  # confirmed / met / borderline / missed
    shortfall: float  # past the target on the bad side, in *observed*'s unit (0: confirmed)
    of_days: bool = False  # *observed* is a share of days (confidence target), not the KPI

    def to_dict(self, starts: list[str]) -> dict:
        c = self.constraint
        return {"name": c.name, "kpi": c.kpi, "period": period_label(c, starts), "target": self.target,
                "observed": _finite(self.observed), "ci_low": _finite(self.low), "ci_high": _finite(self.high),
                "verdict": self.verdict, "shortfall": _finite(self.shortfall),
                "measure": "share of days" if self.of_days else "mean"}


def period_label(c: Constraint, starts: list[str]) -> str:
    return "day" if c.interval is None else starts[c.interval]


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def wilson(successes: int, n: int) -> tuple[float, float]:
    """95 % Wilson interval of a share."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1.0 + Z95 ** 2 / n
    centre = (p + Z95 ** 2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _values(results, c: Constraint, n: int, day: int) -> np.ndarray:
    """The constraint's KPI on every replication, for one day of the horizon."""
    if c.interval is None:  # the whole horizon (day-level constraint)
        section = "agent_groups" if c.kpi == "occupancy" else "contact_types"
        return np.array([getattr(r, section)[c.name][c.kpi] for r in results], dtype=float)
    section = "group_intervals" if c.kpi == "occupancy" else "intervals"
    col = day * n + c.interval
    return np.array([getattr(r, section)[c.name][c.kpi][col] for r in results], dtype=float)


def _check(values: np.ndarray, c: Constraint, confidence: float | None) -> Check | None:
    if np.isnan(values).all():
        return None  # nothing counted: the constraint holds
    if confidence is not None:
        slack = 1e-12
        good = (values >= c.limit - slack) if c.high_is_good else (values <= c.limit + slack)
        good = good | np.isnan(values)
        share = float(good.mean())
        low, high = wilson(int(good.sum()), good.size)
        return _verdict(c, share, low, high, confidence, True, True)
    mean, ci = mean_ci(values)
    low, high = (mean, mean) if ci is None else ci
    return _verdict(c, mean, low, high, c.limit, c.high_is_good)


def _verdict(c, observed, low, high, target, high_good, of_days=False) -> Check:
    meets = observed >= target - 1e-12 if high_good else observed <= target + 1e-12
    bad_bound = low if high_good else high
    shortfall = max(0.0, (target - bad_bound) if high_good else (bad_bound - target))
    good_bound = high if high_good else low
    reaches = good_bound >= target - 1e-12 if high_good else good_bound <= target + 1e-12
    if meets:
        verdict = "confirmed" if shortfall <= 1e-12 else "met"
    else:
        verdict = "borderline" if reaches else "missed"
    return Check(c, observed, low, high, target, high_good, verdict, shortfall, of_days)


def check_constraints(results, n: int, days: int, constraints: list[Constraint], targets: Targets) -> list[Check]:
    """Every constraint on the fresh replications *results*, the worst day of a multi-day horizon kept."""
    out = []
    for c in constraints:
        worst = None
        for day in range(1 if c.interval is None else days):
            ch = _check(_values(results, c, n, day), c, targets.confidence)
            if ch is not None and (worst is None or _rank(ch) < _rank(worst)):
                worst = ch
        if worst is not None:
            out.append(worst)
    return out


def _rank(ch: Check) -> tuple[int, float]:
    order = {"missed": 0, "borderline": 1, "met": 2, "confirmed": 3}[ch.verdict]
    return order, -ch.shortfall


def summary(checks: list[Check]) -> dict:
    """How many constraints are confirmed, met, borderline and missed."""
    counts = {"confirmed": 0, "met": 0, "borderline": 0, "missed": 0}
    for ch in checks:
        counts[ch.verdict] += 1
    counts["constraints"] = len(checks)
    return counts
