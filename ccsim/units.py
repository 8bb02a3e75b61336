"""Durations, rates and clock times as planners write them, turned into seconds.

Inside ccsim every time is a float number of seconds; YAML may say ``20s``,
``5min``, ``1.5h`` or ``2d``, and rates ``1000/h``, ``17/min`` or ``0.3/s``.
A bare number is seconds (or contacts per second for a rate).
"""

from __future__ import annotations

import math
import re

SECONDS_PER_UNIT = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "d": 86400.0}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION_RE = re.compile(rf"^\s*({_NUMBER})\s*([a-z]*)\s*$")
_RATE_RE = re.compile(rf"^\s*({_NUMBER})\s*/\s*((?:{_NUMBER})?)\s*([a-z]+)\s*$")
_CLOCK_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")

DURATION_HELP = "a duration: a number of seconds or a string such as '20s', '5min', '1.5h', '2d'"
RATE_HELP = "a rate such as '1000/h', '17/min', '100/30min' or '0.3/s' (a bare number is per second)"
CLOCK_HELP = "a clock time 'HH:MM' between 00:00 and 24:00"


def _finite(value: float, text: object, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"expected {what}, got {text!r}")
    return value


def parse_duration(value: object) -> float:
    """Return *value* in seconds; numbers are seconds, strings carry a unit."""
    if isinstance(value, bool):
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    if isinstance(value, int | float):
        return _finite(float(value), value, DURATION_HELP)
    if isinstance(value, str):
        match = _DURATION_RE.match(value.lower())
        if match:
            number, unit = match.groups()
            unit = unit or "s"
            if unit in SECONDS_PER_UNIT:
                return _finite(float(number) * SECONDS_PER_UNIT[unit], value, DURATION_HELP)
    raise ValueError(f"expected {DURATION_HELP}, got {value!r}")


def parse_rate(value: object) -> float:
    """Return *value* in contacts per second."""
    if isinstance(value, bool):
        raise ValueError(f"expected {RATE_HELP}, got {value!r}")
    if isinstance(value, int | float):
        return _finite(float(value), value, RATE_HELP)
    if isinstance(value, str):
        match = _RATE_RE.match(value.lower())
        if match:
            number, per, unit = match.groups()
            span = float(per) if per else 1.0
            if unit in SECONDS_PER_UNIT and span > 0:
                return _finite(float(number) / (span * SECONDS_PER_UNIT[unit]), value, RATE_HELP)
    raise ValueError(f"expected {RATE_HELP}, got {value!r}")


def parse_clock(value: object) -> float:
    """Return a clock time 'HH:MM' (or 'HH:MM:SS') as seconds since midnight."""
    # YAML 1.1 reads unquoted 08:00 as the sexagesimal integer 480 (minutes).
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24 * 60:
        return float(value * 60)
    if isinstance(value, str):
        match = _CLOCK_RE.match(value)
        if match:
            hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
            total = hours * 3600 + minutes * 60 + seconds
            if minutes < 60 and seconds < 60 and total <= 86400:
                return float(total)
    raise ValueError(f"expected {CLOCK_HELP}, got {value!r}")


def format_clock(seconds: float) -> str:
    """Seconds since midnight as 'HH:MM' (24:00 and beyond for later days)."""
    minutes = int(round(seconds / 60.0))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_clock_exact(seconds: float) -> str:
    """Seconds since midnight as 'HH:MM:SS' (exact to the second)."""
    total = int(round(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def format_duration(seconds: float) -> str:
    """A compact human form of a duration in seconds: '20s', '5min', '1.5h'."""
    if seconds == 0:
        return "0s"
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size and (seconds / size) == round(seconds / size, 2):
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"
