"""Handle time and after-call work per contact type: from call detail when there is one, else from intervals.

From call detail, every candidate distribution is fitted and ranked by AIC
(see ``fitting``). From interval averages alone the mean is the answered-
weighted average, and the spread comes from how much interval averages vary:
an interval average of n contacts with standard deviation s varies by s^2 / n
around the mean, so s^2 = sum n_i (mean_i - mean)^2 / (intervals - 1) (method of
moments). A real drift of the mean through the day inflates it a little; the
shape is written as lognormal, the usual shape of handle times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .fitting import FitReport, fit_complete

#: Bounds on a CV estimated from interval averages (outside them the estimate is noise).
CV_BOUNDS = (0.1, 3.0)


@dataclass
class DurationEstimate:
    """A fitted duration (handle time or after-call work) and where it came from."""

    spec: dict | None  # scenario distribution in seconds; None = none (e.g. no ACW)
    source: str  # "call detail", "interval averages" or "none"
    mean: float
    mean_ci95: tuple[float, float] | None
    n: int  # contacts behind the estimate
    fits: FitReport | None = None
    notes: list[str] = field(default_factory=list)


def from_detail(values: np.ndarray) -> DurationEstimate:
    """Fit every candidate to per-contact durations (s); choose by AIC."""
    report = fit_complete(values)
    best = report.best
    return DurationEstimate(best.spec, "call detail", best.mean, best.mean_ci95, report.n, report,
                            notes=list(report.notes))


def from_intervals(totals: np.ndarray, counts: np.ndarray) -> DurationEstimate:
    """Mean and CV (method of moments) from per-interval totals (s) and answered counts."""
    totals, counts = totals.ravel(), counts.ravel()
    have = counts > 0
    n = float(counts.sum())
    if n == 0:
        return DurationEstimate(None, "none", math.nan, None, 0, notes=["no answered contacts"])
    mean = float(totals.sum() / n)
    if mean <= 0:
        return DurationEstimate(None, "none", 0.0, None, int(n))
    averages = totals[have] / counts[have]
    cells = int(have.sum())
    notes = []
    if cells >= 3:
        var = float(np.sum(counts[have] * (averages - mean) ** 2) / (cells - 1))
        cv = math.sqrt(var) / mean
        cv_used = min(max(cv, CV_BOUNDS[0]), CV_BOUNDS[1])
        if cv_used != cv:
            notes.append(f"CV {cv:.2f} from the spread of interval averages is implausible; bounded to {cv_used:.2f}")
        notes.append("shape not observable in interval averages: lognormal, CV from their spread "
                     "(method of moments); give --details to fit the shape")
    else:
        cv_used = 1.0
        notes.append("too few intervals to see the spread: CV 1 assumed")
    half = 1.96 * cv_used * mean / math.sqrt(n)
    return DurationEstimate({"dist": "lognormal", "mean": mean, "cv": cv_used}, "interval averages", mean,
                            (mean - half, mean + half), int(n), notes=notes)
