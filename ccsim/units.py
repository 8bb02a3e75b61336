"""Durations, rates and clock times as planners write them, turned into seconds.

Inside ccsim every time is a float number of seconds; YAML may say ``20s``,
``5min``, ``1.5h`` or ``2d``, and rates ``1000/h``, ``17/min`` or ``0.3/s``.
A bare number is seconds (or contacts per second for a rate).
"""

from __future__ import annotations

import math
import re

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
_CLOCK_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")

DURATION_HELP = ("a duration: a number of seconds or a string such as '20s', '5min', '5 mins', "
                 "'1.5h', '2 hours', '2d'")
RATE_HELP = ("a rate such as '1000/h', '1000/hr', '40/hour', '17/min', '2000/day', '100/30min' or "
             "'0.3/s' (a bare number is per second)")
CLOCK_HELP = "a clock time 'HH:MM' between 00:00 and 24:00"


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


# Times as people think of them. One rule for every table, report and figure: a time is
# written in seconds below two minutes, in minutes below an hour and in hours from an hour
# on (an email answered after 5892.7 s is "1.6 h"), and a half-width or an axis takes the
# unit of what it belongs to, so a number never changes unit within one cell or one axis.
TIME_UNITS = (("s", 1.0), ("min", 60.0), ("h", 3600.0))


def time_unit(seconds: float) -> tuple[str, float]:
    """('s', 1), ('min', 60) or ('h', 3600): the unit a person reads a time of this size in."""
    size = abs(seconds) if math.isfinite(seconds) else 0.0
    if size < 120.0:
        return TIME_UNITS[0]
    if size < 3600.0:
        return TIME_UNITS[1]
    return TIME_UNITS[2]


def format_time(seconds: float | None, half: float | None = None, signed: bool = False,
                unit: tuple[str, float] | None = None) -> str:
    """A measured time in seconds in its unit, one decimal: '4.5 s', '3.3 min', '1.6 h';
    with *half* (a CI half-width in seconds) '1.6 h ± 0.2' in the same unit; '–' when missing.

    unit: force a unit (from ``time_unit``), e.g. the unit of an axis or of a column.
    """
    if seconds is None or not math.isfinite(seconds):
        return "–"
    name, size = unit or time_unit(seconds)
    text = f"{seconds / size:{'+' if signed else ''}.1f} {name}"
    if half is not None and math.isfinite(half):
        text += f" ± {half / size:.1f}"
    return text


def format_threshold(seconds: float) -> str:
    """A threshold or setting, exact, with a space: '20 s', '1 min', '1.5 h', '8 h'."""
    for unit, size in (("h", 3600.0), ("min", 60.0)):
        if seconds >= size and seconds / size == round(seconds / size, 2):
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def format_target(share: float, threshold_s: float) -> str:
    """A service-level target as planners say it: '80 % in 20 s', '90 % in 8 h'."""
    return f"{100 * share:g} % in {format_threshold(threshold_s)}"
