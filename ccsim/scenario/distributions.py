"""Duration distributions as planners describe them: by mean and CV, tagged by ``dist``.

Each specification knows its analytic mean (seconds) so reports and the Erlang
starting points can use it without sampling.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from .base import ScenarioModel
from .fields import Duration, PositiveDuration


class ExponentialSpec(ScenarioModel):
    """Exponential with the given mean (s)."""

    dist: Literal["exponential"]
    mean: PositiveDuration

    def analytic_mean(self) -> float:
        return self.mean


class ConstantSpec(ScenarioModel):
    """Always the same value (s)."""

    dist: Literal["constant"]
    value: Duration

    def analytic_mean(self) -> float:
        return self.value


class LognormalSpec(ScenarioModel):
    """Lognormal with mean (s) and coefficient of variation (sd / mean)."""

    dist: Literal["lognormal"]
    mean: PositiveDuration
    cv: float = Field(gt=0.0, le=20.0)

    def analytic_mean(self) -> float:
        return self.mean


class GammaSpec(ScenarioModel):
    """Gamma with mean (s) and coefficient of variation."""

    dist: Literal["gamma"]
    mean: PositiveDuration
    cv: float = Field(gt=0.0, le=20.0)

    def analytic_mean(self) -> float:
        return self.mean


class ErlangSpec(ScenarioModel):
    """Erlang-k (sum of k exponential phases) with mean (s)."""

    dist: Literal["erlang"]
    mean: PositiveDuration
    k: int = Field(ge=1, le=10_000)

    def analytic_mean(self) -> float:
        return self.mean


class WeibullSpec(ScenarioModel):
    """Weibull with mean (s) and shape (1 = exponential)."""

    dist: Literal["weibull"]
    mean: PositiveDuration
    shape: float = Field(gt=0.05, le=100.0)

    def analytic_mean(self) -> float:
        return self.mean

    def scale(self) -> float:
        return self.mean / math.gamma(1.0 + 1.0 / self.shape)


class UniformSpec(ScenarioModel):
    """Uniform between low and high (s)."""

    dist: Literal["uniform"]
    low: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self):
        if self.high < self.low:
            raise ValueError(f"high ({self.high:g} s) must not be below low ({self.low:g} s)")
        return self

    def analytic_mean(self) -> float:
        return (self.low + self.high) / 2.0


class TriangularSpec(ScenarioModel):
    """Triangular with low, mode and high (s)."""

    dist: Literal["triangular"]
    low: Duration
    mode: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(
                f"expected low <= mode <= high with low < high, got low={self.low:g} s, "
                f"mode={self.mode:g} s, high={self.high:g} s"
            )
        return self

    def analytic_mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0


class EmpiricalSpec(ScenarioModel):
    """Resamples observed durations (s) with equal weight."""

    dist: Literal["empirical"]
    values: list[Duration] = Field(min_length=1)

    def analytic_mean(self) -> float:
        return math.fsum(self.values) / len(self.values)


DistributionSpec = Annotated[
    ExponentialSpec
    | ConstantSpec
    | LognormalSpec
    | GammaSpec
    | ErlangSpec
    | WeibullSpec
    | UniformSpec
    | TriangularSpec
    | EmpiricalSpec,
    Field(discriminator="dist"),
]

DISTRIBUTION_NAMES = (
    "exponential", "constant", "lognormal", "gamma", "erlang",
    "weibull", "uniform", "triangular", "empirical",
)


class PeriodsSpec(ScenarioModel):
    """One distribution per interval of the horizon, chosen by the contact's interval of arrival
    (a list in YAML, like ``arrivals.per_interval``; ContactCenters' MultiPeriodGen)."""

    dist: Literal["periods"]
    periods: list[DistributionSpec] = Field(min_length=1)

    def analytic_mean(self) -> float:
        """The plain average of the intervals' means (s): a summary for reports and warnings,
        not weighted by arrivals (the engine draws each contact from its own interval's)."""
        return math.fsum(p.analytic_mean() for p in self.periods) / len(self.periods)


def _periods_from_list(value: object) -> object:
    """A list of distributions (one per interval) is the ``periods`` form."""
    if isinstance(value, list):
        return {"dist": "periods", "periods": value}
    return value


# Service time, after-call work and patience: one distribution, or a list with one per interval.
PeriodDistributionSpec = Annotated[
    ExponentialSpec
    | ConstantSpec
    | LognormalSpec
    | GammaSpec
    | ErlangSpec
    | WeibullSpec
    | UniformSpec
    | TriangularSpec
    | EmpiricalSpec
    | PeriodsSpec,
    Field(discriminator="dist"),
    BeforeValidator(_periods_from_list),
]
