"""Annotated field types shared by the scenario schema: units parsed at the edge.

A scenario says times, rates and shares the way people write them: ``20s``,
``5 mins``, ``1.5 hours``; ``1000/h``, ``1000/hr``, ``40/hour``, ``17/min``,
``2000/day``; ``0.8`` or ``80%``. Every form is read here, once; inside ccsim a
time is seconds, a rate contacts per second and a share a number from 0 to 1.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

from ..units import parse_clock, parse_duration, parse_rate
from .limits import MAX_DURATION_S

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_SHARE_RE = re.compile(rf"^\s*({_NUMBER})\s*%\s*$")


def share_help(high: float) -> str:
    example = 0.8 if high >= 1 else high / 2
    return f"a share from 0 to {high:g}, e.g. {example:g} or '{100 * example:g}%'"


def parse_share(value: object, high: float = 1.0) -> float:
    """A share as a number from 0 to *high* or a percentage ('80%' = 0.8)."""
    share: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        share = float(value)
    elif isinstance(value, str):
        match = _SHARE_RE.match(value)
        if match:
            share = float(match.group(1)) / 100.0
    if share is None or not 0.0 <= share <= high:  # also refuses nan
        hint = ""
        if share is not None and isinstance(value, int | float) and 1.0 < share <= 100.0 * high:
            hint = f" ('{value:g}%' if a percentage was meant)"
        raise ValueError(f"expected {share_help(high)}, got {value!r}{hint}")
    return share


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


def _share(high: float):
    def check(value: object) -> float:
        return parse_share(value, high)

    return check


class Unit(str):
    """What a field measures, kept in its type (``Annotated`` metadata) for relative changes
    (``--set PATH+=30s``): 'duration', 'rate', 'clock', 'share' or 'staffing'. pydantic ignores it."""


DURATION, RATE, CLOCK, SHARE = Unit("duration"), Unit("rate"), Unit("clock"), Unit("share")
STAFFING = Unit("staffing")  # one headcount, or one per interval

#: A duration in seconds, >= 0 and at most ten years ("20s", "5min", "1.5 hours", "2d" or a number of seconds).
Duration = Annotated[float, BeforeValidator(_nonnegative(parse_duration)), DURATION]
#: A duration in seconds, > 0.
PositiveDuration = Annotated[float, BeforeValidator(_positive(parse_duration)), DURATION]
#: A rate in contacts per second, >= 0 ("1000/h", "40/hour", "17/min", "0.3/s").
Rate = Annotated[float, BeforeValidator(_nonnegative(parse_rate, duration=False)), RATE]
#: A clock time in seconds since midnight ("08:00", "24:00").
ClockTime = Annotated[float, BeforeValidator(parse_clock), CLOCK]
#: A probability in [0, 1]: 0.8 or "80%".
Probability = Annotated[float, BeforeValidator(_share(1.0)), SHARE]

#: A share of present time in [0, 0.5] (aux): 0.1 or "10%".
AuxShare = Annotated[float, BeforeValidator(_share(0.5)), SHARE]
#: A coefficient of variation in [0, 5] (forecast error): 0.1 or "10%".
Variation = Annotated[float, BeforeValidator(_share(5.0)), SHARE]
