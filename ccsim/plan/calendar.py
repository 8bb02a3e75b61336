"""The calendar of a multi-day horizon in seconds: each day's opening hours, or closed.

A scenario without calendar fields has no ``Calendar`` (``Plan.calendar`` is None) and
runs exactly as before. With one, day d (0 = the first) is open over
``[d x 86400 + open_s, d x 86400 + close_s)`` in simulation seconds, or closed all day
(a closed weekday or a holiday). While closed nobody calls or chats, no agent works, no
dialer dials; emails received while closed (``arrivals.overnight``) join the backlog at
the next opening, and the email service level in business hours counts open time only.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from ..scenario.calendar import CLOSED, WEEKDAYS, first_weekday, holiday_numbers

DAY_S = 86_400.0  # plan.model.DAY_S


@dataclass(frozen=True, slots=True, eq=False)
class Calendar:
    """Per day: (open_s, close_s) from the day's horizon start, or None when closed."""

    hours: tuple[tuple[float, float] | None, ...]
    weekdays: tuple[int, ...]  # per day, 0 = Monday
    interval_s: float
    n_intervals: int  # per day
    # Derived once (a retrial's next opening is looked up per retrial): the open days' windows
    # in simulation seconds, and their closing times for bisection.
    _windows: tuple[tuple[float, float], ...] = field(init=False, repr=False)
    _closes: tuple[float, ...] = field(init=False, repr=False)

    def __post_init__(self):
        windows = tuple((d * DAY_S + h[0], d * DAY_S + h[1]) for d, h in enumerate(self.hours) if h is not None)
        object.__setattr__(self, "_windows", windows)
        object.__setattr__(self, "_closes", tuple(high for _, high in windows))

    def is_open(self, day: int) -> bool:
        return 0 <= day < len(self.hours) and self.hours[day] is not None

    def open_interval(self, day: int, interval: int) -> bool:
        """Whether interval *interval* of day *day* lies in the day's opening hours."""
        h = self.hours[day] if 0 <= day < len(self.hours) else None
        if h is None:
            return False
        mid = (interval + 0.5) * self.interval_s
        return h[0] <= mid < h[1]

    def mask(self) -> np.ndarray:
        """1.0 for each open interval of every day, 0.0 for a closed one (days x n_intervals)."""
        mid = (np.arange(self.n_intervals) + 0.5) * self.interval_s
        low = np.array([np.inf if h is None else h[0] for h in self.hours]).reshape(-1, 1)
        high = np.array([-np.inf if h is None else h[1] for h in self.hours]).reshape(-1, 1)
        return ((mid >= low) & (mid < high)).astype(float).ravel()

    def windows(self) -> list[tuple[float, float]]:
        """[open, close) of every open day in simulation seconds (closed days left out)."""
        return list(self._windows)

    def next_open(self, t: float) -> float | None:
        """*t* if open then; else as long after the next opening as *t* fell after the last
        closing (modulo the next day's hours), so customers who call back while closed spread
        over the next opening hours; None when no opening follows."""
        i = bisect_right(self._closes, t)  # the first window closing after t
        if i == len(self._windows):
            return None
        low, high = self._windows[i]
        if low <= t:
            return t
        late = t - self._closes[i - 1] if i > 0 else 0.0
        return low + late % (high - low)

    def is_open_at(self, t: float) -> bool:
        """Whether simulation time *t* (s) falls in a day's opening hours."""
        day = int(t // DAY_S)
        if not 0 <= day < len(self.hours):
            return False
        h = self.hours[day]
        return h is not None and h[0] <= t - day * DAY_S < h[1]


def build_calendar(h) -> Calendar | None:
    """The calendar of a ``HorizonSpec`` (None when it says nothing of one)."""
    if h.first_day is None:
        return None
    first = first_weekday(h.first_day)
    holidays = holiday_numbers(h)
    hours: list[tuple[float, float] | None] = []
    weekdays = []
    for d in range(h.days):
        wd = (first + d) % 7
        weekdays.append(wd)
        given = h.opening_hours.get(WEEKDAYS[wd])
        if d in holidays or given == CLOSED:
            hours.append(None)
        elif given is None:
            hours.append((0.0, h.length_s))
        else:
            hours.append((given[0] - h.start, given[1] - h.start))
    return Calendar(hours=tuple(hours), weekdays=tuple(weekdays), interval_s=h.interval,
                    n_intervals=h.n_intervals)
