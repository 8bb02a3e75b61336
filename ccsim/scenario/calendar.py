"""The calendar of a multi-day horizon, as a scenario says it: the first day, opening hours
per weekday, holidays.

    horizon:
      start: "08:00"
      end: "18:00"
      days: 14
      first_day: monday          # a weekday, or the first day's date (2026-12-07)
      opening_hours:             # weekdays not named keep the horizon's hours
        saturday: "09:00-13:00"
        sunday: closed
      holidays: [2026-12-25, 10] # dates, or day numbers (1 = the first day)

Checked against the horizon in ``check_calendar`` (called by ``HorizonSpec``); turned into
per-day opening hours in seconds by ``ccsim.plan.calendar``.
"""

from __future__ import annotations

import datetime as dt
import re

from ..units import format_clock_exact, parse_clock
from .limits import LocatedValueError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CLOSED = "closed"
_HOURS_RE = re.compile(r"^\s*(\S+)\s*-\s*(\S+)\s*$")


def parse_first_day(value: object) -> object:
    """A weekday name (any case) or a date; other values are left for the type check."""
    if isinstance(value, str):
        low = value.strip().lower()
        if low in WEEKDAYS:
            return low
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected a weekday ({', '.join(WEEKDAYS)}) or a date such as 2026-12-07, "
                             f"got {value!r}") from None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def first_weekday(first_day: str | dt.date) -> int:
    """0 = Monday ... 6 = Sunday."""
    return first_day.weekday() if isinstance(first_day, dt.date) else WEEKDAYS.index(first_day)


def parse_hours(value: object) -> object:
    """'closed' or 'HH:MM-HH:MM' -> 'closed' or (open, close) in s after midnight."""
    if isinstance(value, str):
        if value.strip().lower() == CLOSED:
            return CLOSED
        m = _HOURS_RE.match(value)
        if m is None:
            raise ValueError(f"expected 'closed' or opening hours such as '09:00-17:00', got {value!r}")
        try:
            return (parse_clock(m.group(1)), parse_clock(m.group(2)))
        except ValueError as e:
            raise ValueError(f"expected opening hours such as '09:00-17:00', got {value!r}: {e}") from None
    if value is False or value is None:
        return CLOSED
    return value


def parse_holiday(value: object) -> object:
    """A day number (1 = the first day) or a date; anything else refused in one message."""
    expected = "expected a day number (1 = the first day) or a date such as 2026-12-25"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= 366:
            raise ValueError(f"{expected}, got {value}")
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return parse_holiday(int(text))
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"{expected}, got {value!r}")


def parse_weekday_key(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in WEEKDAYS:
        return value.strip().lower()
    return value


def check_calendar(h) -> None:
    """The calendar fields of a HorizonSpec *h* agree with its start, end, interval and days."""
    if (h.opening_hours or h.holidays) and h.first_day is None:
        field = "opening_hours" if h.opening_hours else "holidays"
        raise LocatedValueError((field,), "needs horizon.first_day (a weekday such as monday, or a date)")
    clock = f"{_clock(h.start)}-{_clock(h.end)}"
    for day, hours in (h.opening_hours or {}).items():
        if hours == CLOSED:
            continue
        open_s, close_s = hours
        text = f"{_clock(open_s)}-{_clock(close_s)}"
        if close_s <= open_s:
            raise LocatedValueError(("opening_hours", day), f"closing must come after opening, got {text}")
        if open_s < h.start or close_s > h.end:
            raise LocatedValueError(("opening_hours", day), f"expected hours within the horizon's {clock}, "
                                                            f"got {text}")
        for t in (open_s, close_s):
            n = (t - h.start) / h.interval
            if abs(n - round(n)) > 1e-9:
                raise LocatedValueError(("opening_hours", day),
                                        f"expected hours on the horizon's interval boundaries "
                                        f"(every {h.interval / 60:g} min from {_clock(h.start)}), got {text}")
    first = h.first_day if isinstance(h.first_day, dt.date) else None
    for i, day in enumerate(h.holidays):
        if isinstance(day, dt.date):
            if first is None:
                raise LocatedValueError(("holidays", i), f"a date ({day.isoformat()}) needs horizon.first_day "
                                                         "as a date; give a day number instead")
            last = first + dt.timedelta(days=h.days - 1)
            if not first <= day <= last:
                raise LocatedValueError(("holidays", i), f"expected a date from {first.isoformat()} to "
                                                         f"{last.isoformat()}, got {day.isoformat()}")
        elif not 1 <= day <= h.days:
            raise LocatedValueError(("holidays", i), f"expected a day number from 1 to {h.days}, got {day}")


def hours_from(h, start_s: float) -> dict[str, str]:
    """A HorizonSpec's opening hours for a horizon starting at *start_s* instead (a snapshot's
    rest of the day): each weekday's opening moved to it at the earliest, closed if it closed
    before."""
    out = {}
    for day, hours in h.opening_hours.items():
        if hours == CLOSED or hours[1] <= start_s:
            out[day] = CLOSED
        else:
            out[day] = f"{format_clock_exact(max(hours[0], start_s))}-{format_clock_exact(hours[1])}"
    return out


def open_days(h) -> list[bool]:
    """Per day of a HorizonSpec with a calendar, whether it opens at all."""
    first, holidays = first_weekday(h.first_day), holiday_numbers(h)
    return [d not in holidays and h.opening_hours.get(WEEKDAYS[(first + d) % 7]) != CLOSED for d in range(h.days)]


def holiday_numbers(h) -> set[int]:
    """Day indices (0 = the first day) of a HorizonSpec's holidays."""
    out = set()
    for day in h.holidays:
        if isinstance(day, dt.date):
            out.add((day - h.first_day).days)
        else:
            out.add(int(day) - 1)
    return out


def _clock(s: float) -> str:
    m = int(round(s / 60.0))
    return f"{m // 60:02d}:{m % 60:02d}"
