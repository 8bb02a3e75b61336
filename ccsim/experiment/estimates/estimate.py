"""One KPI over replications: ``Estimate`` (mean, 95 % Student-t interval, spread of days)
and ``RatioOfSums`` (a ratio KPI as E[numerator] / E[denominator], delta-method interval)."""

from __future__ import annotations

import math

import numpy as np

from ..stats import mean_ci, t_quantile


def number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


class RatioOfSums:
    """A ratio KPI across replications as sum of numerators / sum of denominators, with a
    95 % interval by the delta method (None with fewer than two replications)."""

    __slots__ = ("estimate", "ci95")

    def __init__(self, numerators, denominators, confidence: float = 0.95):
        x = np.asarray(numerators, dtype=float)
        y = np.asarray(denominators, dtype=float)
        n = x.size
        total = float(y.sum())
        self.estimate = float(x.sum()) / total if total > 0 else math.nan
        self.ci95: tuple[float, float] | None = None
        if n >= 2 and total > 0:
            # Var(R) ~ Var(x - R y) / (n E[y]^2): the residuals' spread over the mean denominator.
            residuals = x - self.estimate * y
            spread = math.sqrt(float(residuals @ residuals) / (n - 1))
            half = t_quantile(confidence, n - 1) * spread / (math.sqrt(n) * (total / n))
            self.ci95 = (self.estimate - half, self.estimate + half)

    def to_dict(self) -> dict:
        return {"estimate": number(self.estimate),
                "ci95": None if self.ci95 is None else [number(v) for v in self.ci95]}

    def __repr__(self) -> str:
        ci = "" if self.ci95 is None else f" [{self.ci95[0]:.4g}, {self.ci95[1]:.4g}]"
        return f"RatioOfSums({self.estimate:.4g}{ci})"


class Estimate:
    """A KPI over replications: mean, 95 % Student-t interval (None for one value).

    ``ratio_of_sums``: for ratio KPIs, the ratio-of-sums estimate across replications
    (``RatioOfSums``) beside ``mean``, the mean of the days' ratios; None otherwise.
    """

    __slots__ = ("mean", "ci95", "values", "_quantiles", "ratio_of_sums")

    def __init__(self, values: np.ndarray):
        self.values = values
        self.mean, self.ci95 = mean_ci(values)
        self._quantiles = None
        self.ratio_of_sums: RatioOfSums | None = None

    @classmethod
    def _of(cls, values: np.ndarray, mean: float, ci95, quantiles) -> Estimate:
        """An estimate whose mean, interval and quantiles were computed beforehand
        (``reduce.estimates_of_rows``: many KPIs at once, with the same arithmetic)."""
        e = cls.__new__(cls)
        e.values, e.mean, e.ci95, e._quantiles = values, mean, ci95, quantiles
        e.ratio_of_sums = None
        return e

    @property
    def half_width(self) -> float:
        return math.nan if self.ci95 is None else (self.ci95[1] - self.ci95[0]) / 2.0

    def quantiles(self) -> tuple[float, float, float]:
        """P10, P50, P90 across replications (the spread of days, not the CI of the mean)."""
        if self._quantiles is not None:
            return self._quantiles
        x = self.values[~np.isnan(self.values)]
        if x.size == 0:
            return (math.nan, math.nan, math.nan)
        p10, p50, p90 = np.quantile(x, [0.1, 0.5, 0.9])
        return float(p10), float(p50), float(p90)

    def to_dict(self) -> dict:
        p10, p50, p90 = self.quantiles()
        out: dict[str, object] = {
            "mean": number(self.mean),
            "ci95": None if self.ci95 is None else [number(v) for v in self.ci95],
            "p10": number(p10), "p50": number(p50), "p90": number(p90),
        }
        if self.ratio_of_sums is not None:
            out["ratio_of_sums"] = self.ratio_of_sums.to_dict()
        return out

    def __repr__(self) -> str:
        ci = "" if self.ci95 is None else f" [{self.ci95[0]:.4g}, {self.ci95[1]:.4g}]"
        return f"Estimate({self.mean:.4g}{ci}, n={len(self.values)})"
