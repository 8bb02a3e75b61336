"""Parsers for the cells of history and call-detail files; each raises ValueError with what was expected."""

from __future__ import annotations

import datetime as dt
import math
import re

from ..scenario.schema import NAME_RE
from ..units import parse_clock

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HMS_RE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d*)?)$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def short(text: str) -> str:
    """The cell as quoted in a message, cut to a readable length."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def parse_date(text: str) -> dt.date:
    if _DATE_RE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"expected a date YYYY-MM-DD, got {short(text)}")


def parse_interval_start(text: str) -> float:
    """A clock time 'HH:MM' (or 'HH:MM:SS') before 24:00, in seconds since midnight."""
    try:
        seconds = parse_clock(text)
    except ValueError:
        seconds = None
    if seconds is None or seconds >= 86400:
        raise ValueError(f"expected a clock time HH:MM before 24:00, got {short(text)}")
    return seconds


def parse_count(text: str) -> int:
    """A whole number >= 0 ('12' or '12.0')."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise ValueError(f"expected a whole number >= 0, got {short(text)}")
    return int(value)


def parse_seconds(text: str) -> float:
    """A duration >= 0: seconds ('243', '243.5') or a clock-style 'MM:SS' / 'H:MM:SS'."""
    value = math.nan
    match = _HMS_RE.match(text)
    if match:
        hours, minutes, seconds = match.groups()
        value = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    else:
        try:
            value = float(text)
        except ValueError:
            pass
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"expected a duration in seconds >= 0 (or MM:SS), got {short(text)}")
    return value


def parse_datetime(text: str) -> dt.datetime:
    """'YYYY-MM-DD HH:MM:SS' (a 'T' may replace the space; fractions of a second allowed)."""
    if _DATETIME_RE.match(text):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"expected a date and time YYYY-MM-DD HH:MM:SS, got {short(text)}")


def parse_type_name(text: str) -> str:
    if not NAME_RE.match(text):
        raise ValueError(
            f"expected a contact type name (a letter or '_' first, then letters, digits, '_' or '-'), "
            f"got {short(text)}"
        )
    return text
