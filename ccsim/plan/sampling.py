"""Samplers: plain objects that draw blocks of durations (s) from a Generator.

Built once from the scenario's distribution specifications; the engine draws
whole arrays per contact type rather than one number per event.
"""

from __future__ import annotations

import math

import numpy as np

from ..scenario import distributions as d

DAY_S = 86400.0  # the day's pattern repeats every 24 h (plan.model.DAY_S)


class Sampler:
    """Draws *n* durations in seconds with ``draw(rng, n)``; knows its mean.

    ``uses_rng`` is False for samplers that draw no random numbers (constant, never):
    callers may then pass ``rng=None`` and skip building a stream.
    """

    __slots__ = ("mean",)
    mean: float  # s (inf for never)
    uses_rng = True
    periodic = False  # True for ByPeriod: draws depend on the contacts' times (draw_at)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def at(self, t: float) -> Sampler:
        """The sampler of a contact arriving at t (s from the horizon start): itself."""
        return self


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


class ByPeriod(Sampler):
    """One sampler per interval of the day, by the contact's interval of arrival (a list of
    distributions in the scenario). Contacts arriving after the last interval (none do: arrivals
    stop at the horizon's end) would take the last one's."""

    __slots__ = ("samplers", "interval_s", "uses_rng")
    periodic = True

    def __init__(self, samplers, interval_s: float):
        self.samplers = tuple(samplers)
        self.interval_s = float(interval_s)
        self.mean = math.fsum(x.mean for x in self.samplers) / len(self.samplers)  # plain average
        self.uses_rng = any(x.uses_rng for x in self.samplers)

    def period(self, t):
        """Interval index (0 = the horizon's first) of time(s) t, s from the first day's start."""
        n = len(self.samplers)
        if isinstance(t, np.ndarray):
            return np.clip(((t % DAY_S) // self.interval_s).astype(np.int64), 0, n - 1)
        return min(max(int((t % DAY_S) // self.interval_s), 0), n - 1)

    def at(self, t: float) -> Sampler:
        return self.samplers[self.period(t)]

    def draw(self, rng, n):
        raise TypeError("a distribution per interval draws by arrival time: use draw_at(rng, times)")

    def draw_at(self, rng, times: np.ndarray) -> np.ndarray:
        """One duration per contact arriving at *times* (s), each from its interval's sampler;
        the intervals drawn in order, each as one block."""
        times = np.asarray(times, dtype=float)
        idx = self.period(times)
        out = np.empty(times.size)
        for p, x in enumerate(self.samplers):
            rows = np.flatnonzero(idx == p)
            if rows.size:
                out[rows] = x.draw(rng, rows.size)
        return out


def sampler_for(spec, interval_s: float | None = None) -> Sampler:
    """Build the runtime sampler of a distribution specification (``None`` = never).

    interval_s: the horizon's interval (s), needed by a distribution per interval.
    """
    if spec is None:
        return Never()
    if isinstance(spec, d.PeriodsSpec):
        if interval_s is None:
            raise TypeError("a distribution per interval needs the horizon's interval")
        return ByPeriod([sampler_for(p) for p in spec.periods], interval_s)
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
