"""Annotated field types shared by the scenario schema: units parsed at the edge."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from ..units import parse_clock, parse_duration, parse_rate
from .limits import MAX_DURATION_S


def _bounded(seconds: float, value: object) -> float:
    if seconds > MAX_DURATION_S:
        raise ValueError(f"expected at most {MAX_DURATION_S / 86400:g}d (ten years), got {value!r}")
    return seconds


def _nonnegative(parse, duration: bool = True):
    def check(value: object) -> float:
        seconds = parse(value)
        if seconds < 0:
            raise ValueError(f"must not be negative, got {value!r}")
        return _bounded(seconds, value) if duration else seconds

    return check


def _positive(parse):
    def check(value: object) -> float:
        seconds = parse(value)
        if seconds <= 0:
            raise ValueError(f"must be positive, got {value!r}")
        return _bounded(seconds, value)

    return check


#: A duration in seconds, >= 0 and at most ten years ("20s", "5min", "1.5h", "2d" or a number of seconds).
Duration = Annotated[float, BeforeValidator(_nonnegative(parse_duration))]
#: A duration in seconds, > 0.
PositiveDuration = Annotated[float, BeforeValidator(_positive(parse_duration))]
#: A rate in contacts per second, >= 0 ("1000/h", "17/min", "0.3/s").
Rate = Annotated[float, BeforeValidator(_nonnegative(parse_rate, duration=False))]
#: A clock time in seconds since midnight ("08:00", "24:00").
ClockTime = Annotated[float, BeforeValidator(parse_clock)]
#: A probability in [0, 1].
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
