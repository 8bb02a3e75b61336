"""Parsers for the cells of history and call-detail files; each raises ValueError with what was expected."""

from __future__ import annotations

import datetime as dt
import math
import re

from ..scenario.schema import NAME_RE
from ..units import parse_clock

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HMS_RE = re.compile(r"^(?:(\d{1,6}):)?(\d{1,2}):(\d{2}(?:\.\d{0,9})?)$")
MAX_COUNT = 1_000_000_000  # contacts in one interval; more is another column (a phone number?)
MAX_SECONDS = 3650 * 86400.0  # ten years, as in a scenario
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


_IDENTIFYING_RE = re.compile(
    r"\d{5}"  # a run of digits: a phone number, a customer or account id
    r"|@"  # an e-mail address
    r"|[A-Z][a-z]"  # a proper name
    r"|[A-Za-z]\s+[A-Za-z]"  # two words: a name
)
MAX_QUOTED = 20


def short(text: str) -> str:
    """A bad cell as a message quotes it, or says it is not shown.

    A cell that is not what its column holds may be a caller number, a customer id
    or an agent's name (a swapped or shifted header, an unbalanced quote). It is
    quoted only when it is short and looks like none of these ('forty',
    '05/01/2026', '9h'); otherwise the message names its row and column only.
    """
    if len(text) <= MAX_QUOTED and not _IDENTIFYING_RE.search(text):
        return repr(text)
    return "a cell not shown here (it may be personal data)"


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
    if value > MAX_COUNT:
        raise ValueError(f"expected a count of at most {MAX_COUNT:,}, got a larger number (not shown)")
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
    if value > MAX_SECONDS:
        raise ValueError(f"expected a duration of at most {MAX_SECONDS:,.0f} s (ten years), got a longer one "
                         "(not shown)")
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
