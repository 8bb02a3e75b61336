"""Samplers: plain objects that draw blocks of durations (s) from a Generator.

Built once from the scenario's distribution specifications; the engine draws
whole arrays per contact type rather than one number per event.
"""

from __future__ import annotations

import math

import numpy as np

from ..scenario import distributions as d


class Sampler:
    """Draws *n* durations in seconds with ``draw(rng, n)``; knows its mean.

    ``uses_rng`` is False for samplers that draw no random numbers (constant, never):
    callers may then pass ``rng=None`` and skip building a stream.
    """

    __slots__ = ("mean",)
    mean: float  # s (inf for never)
    uses_rng = True

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class Exponential(Sampler):
    def __init__(self, mean: float):
        self.mean = mean

    def draw(self, rng, n):
        return rng.exponential(self.mean, n)


class Constant(Sampler):
    uses_rng = False

    def __init__(self, value: float):
        self.mean = value

    def draw(self, rng, n):
        return np.full(n, self.mean)


class Lognormal(Sampler):
    __slots__ = ("mu", "sigma")

    def __init__(self, mean: float, cv: float):
        self.mean = mean
        self.sigma = math.sqrt(math.log1p(cv * cv))
        self.mu = math.log(mean) - self.sigma**2 / 2.0

    def draw(self, rng, n):
        return rng.lognormal(self.mu, self.sigma, n)


class Gamma(Sampler):
    __slots__ = ("shape", "scale")

    def __init__(self, mean: float, shape: float):
        self.mean = mean
        self.shape = shape
        self.scale = mean / shape

    def draw(self, rng, n):
        return rng.gamma(self.shape, self.scale, n)


class Weibull(Sampler):
    __slots__ = ("shape", "scale")

    def __init__(self, mean: float, shape: float):
        self.mean = mean
        self.shape = shape
        self.scale = mean / math.gamma(1.0 + 1.0 / shape)

    def draw(self, rng, n):
        return self.scale * rng.weibull(self.shape, n)


class Uniform(Sampler):
    __slots__ = ("low", "high")

    def __init__(self, low: float, high: float):
        self.low, self.high = low, high
        self.mean = (low + high) / 2.0

    def draw(self, rng, n):
        return rng.uniform(self.low, self.high, n)


class Triangular(Sampler):
    __slots__ = ("low", "mode", "high")

    def __init__(self, low: float, mode: float, high: float):
        self.low, self.mode, self.high = low, mode, high
        self.mean = (low + mode + high) / 3.0

    def draw(self, rng, n):
        return rng.triangular(self.low, self.mode, self.high, n)


class Empirical(Sampler):
    __slots__ = ("values",)

    def __init__(self, values):
        self.values = np.asarray(values, dtype=float)
        self.mean = float(self.values.mean())

    def draw(self, rng, n):
        return self.values[rng.integers(0, len(self.values), n)]


class Never(Sampler):
    """Infinite durations: a caller with no patience limit never abandons."""

    uses_rng = False

    def __init__(self):
        self.mean = math.inf

    def draw(self, rng, n):
        return np.full(n, np.inf)


def sampler_for(spec) -> Sampler:
    """Build the runtime sampler of a distribution specification (``None`` = never)."""
    if spec is None:
        return Never()
    if isinstance(spec, d.ExponentialSpec):
        return Exponential(spec.mean)
    if isinstance(spec, d.ConstantSpec):
        return Constant(spec.value)
    if isinstance(spec, d.LognormalSpec):
        return Lognormal(spec.mean, spec.cv)
    if isinstance(spec, d.GammaSpec):
        return Gamma(spec.mean, 1.0 / spec.cv**2)
    if isinstance(spec, d.ErlangSpec):
        return Gamma(spec.mean, float(spec.k))
    if isinstance(spec, d.WeibullSpec):
        return Weibull(spec.mean, spec.shape)
    if isinstance(spec, d.UniformSpec):
        return Uniform(spec.low, spec.high)
    if isinstance(spec, d.TriangularSpec):
        return Triangular(spec.low, spec.mode, spec.high)
    if isinstance(spec, d.EmpiricalSpec):
        return Empirical(spec.values)
    raise TypeError(f"no sampler for {type(spec).__name__}")
