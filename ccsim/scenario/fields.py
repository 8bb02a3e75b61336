"""Annotated field types shared by the scenario schema: units parsed at the edge.

A scenario says times, rates and shares the way people write them: ``20s``,
``5 mins``, ``1.5 hours``; ``1000/h``, ``1000/hr``, ``40/hour``, ``17/min``,
``2000/day``; ``0.8`` or ``80%``. Every form is read here, once; inside ccsim a
time is seconds, a rate contacts per second and a share a number from 0 to 1.
"""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import BeforeValidator

from ..units import parse_clock
from .limits import MAX_DURATION_S

# Unit words as people write them, each to its length in seconds.
SECONDS_PER_UNIT = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1.0),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600.0),
    **dict.fromkeys(("d", "day", "days"), 86400.0),
}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION_RE = re.compile(rf"^\s*({_NUMBER})\s*([a-z]*)\s*$")
_RATE_RE = re.compile(rf"^\s*({_NUMBER})\s*/\s*((?:{_NUMBER})?)\s*([a-z]+)\s*$")
_SHARE_RE = re.compile(rf"^\s*({_NUMBER})\s*%\s*$")

DURATION_HELP = ("a duration: a number of seconds or a string such as '20s', '5min', '5 mins', "
                 "'1.5h', '2 hours', '2d'")
RATE_HELP = ("a rate such as '1000/h', '1000/hr', '40/hour', '17/min', '2000/day', '100/30min' or "
             "'0.3/s' (a bare number is per second)")


def share_help(high: float) -> str:
    example = 0.8 if high >= 1 else high / 2
    return f"a share from 0 to {high:g}, e.g. {example:g} or '{100 * example:g}%'"


def _finite(value: float, text: object, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"expected {what}, got {text!r}")
    return value


def parse_duration(value: object) -> float:
    """*value* in seconds: a number is seconds; a string carries its unit ('5min', '5 mins', '2 hours')."""
    if isinstance(value, bool):
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    if isinstance(value, int | float):
        return _finite(float(value), value, DURATION_HELP)
    if isinstance(value, str):
        match = _DURATION_RE.match(value.lower())
        if match:
            number, unit = match.groups()
            size = SECONDS_PER_UNIT.get(unit or "s")
            if size is not None:
                return _finite(float(number) * size, value, DURATION_HELP)
    raise ValueError(f"expected {DURATION_HELP}, got {value!r}")


def parse_rate(value: object) -> float:
    """*value* in contacts per second: '1000/h', '1000/hr', '40/hour', '17/min', '2000/day', '100/30min'."""
    if isinstance(value, bool):
        raise ValueError(f"expected {RATE_HELP}, got {value!r}")
    if isinstance(value, int | float):
        return _finite(float(value), value, RATE_HELP)
    if isinstance(value, str):
        match = _RATE_RE.match(value.lower())
        if match:
            number, per, unit = match.groups()
            span = float(per) if per else 1.0
            size = SECONDS_PER_UNIT.get(unit)
            if size is not None and span > 0:
                return _finite(float(number) / (span * size), value, RATE_HELP)
    raise ValueError(f"expected {RATE_HELP}, got {value!r}")


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
