"""Interval history (the ACD's interval report): read, validate, and hold as arrays.

Columns (header names in any case; other columns are not read):

| column | required | meaning |
|---|---|---|
| `date` | yes | YYYY-MM-DD |
| `interval_start` | yes | HH:MM, the interval's start (the grid's length is inferred) |
| `contact_type` | yes | the queue's name, used as the scenario's contact type |
| `offered` | yes | contacts that arrived in the interval |
| `answered` | yes | of those, answered |
| `abandoned` | yes | of those, abandoned |
| `aht_s` | yes | average handle time (talk + hold, no after-call work) of the answered, s or MM:SS |
| `answered_within_threshold` | no | answered within the service-level threshold |
| `acw_s` | no | average after-call work of the answered, s |
| `asa_s` | no | average speed of answer (mean wait of the answered), s |
| `avg_abandon_s` | no | average wait of the abandoned before hanging up, s |

Rows are sorted by date, then interval start; (date, interval_start,
contact_type) appears once. An interval missing for a type on a date that has
rows counts as zero contacts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..units import format_clock
from .csvread import CsvColumns, TypeNames, parsed_rows
from .errors import ProblemList
from .values import parse_count, parse_date, parse_interval_start, parse_seconds, parse_type_name

MAX_CELLS = 5_000_000  # contact types x dates x intervals held in memory (8 arrays of them)
REQUIRED = ("date", "interval_start", "contact_type", "offered", "answered", "abandoned", "aht_s")
OPTIONAL = ("answered_within_threshold", "acw_s", "asa_s", "avg_abandon_s")


@dataclass
class IntervalHistory:
    """Interval counts as arrays indexed [contact type, day, interval].

    ``handle_sum`` etc. are totals (average x answered) so that any pooling is a
    ratio of sums. Optional columns absent from the file are None.
    """

    source: str
    dates: list[dt.date]
    types: list[str]
    start_s: float  # clock time of the first interval, s since midnight
    interval_s: float
    offered: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    handle_sum: np.ndarray  # s
    within: np.ndarray | None = None
    acw_sum: np.ndarray | None = None
    wait_answered_sum: np.ndarray | None = None
    wait_abandoned_sum: np.ndarray | None = None
    rows: int = 0
    filled_zero: int = 0  # (type, day, interval) cells with no row, counted as zero
    unread_columns: list[str] = field(default_factory=list)

    @property
    def n_intervals(self) -> int:
        return self.offered.shape[2]

    @property
    def end_s(self) -> float:
        return self.start_s + self.n_intervals * self.interval_s

    def daily(self, array: np.ndarray | None = None) -> np.ndarray:
        """Day totals [type, day] of *array* (default: offered)."""
        return (self.offered if array is None else array).sum(axis=2)

    def interval_labels(self) -> list[str]:
        return [format_clock(self.start_s + i * self.interval_s) for i in range(self.n_intervals)]


def _grid(starts: list[float]) -> float | None:
    """The interval length: the most common gap between consecutive distinct starts."""
    distinct = sorted(set(starts))
    if len(distinct) < 2:
        return None
    gaps = Counter(round(b - a, 6) for a, b in zip(distinct, distinct[1:], strict=False))
    return max(gaps.items(), key=lambda item: (item[1], -item[0]))[0]


def read_history(path: str | Path) -> IntervalHistory:
    """Read and validate an interval history CSV; raises CalibrationInputError listing every problem."""
    table = CsvColumns(path, REQUIRED, OPTIONAL)
    problems = ProblemList(table.source)
    col = table.column
    parsed = []  # (row, date, start_s, type, offered, answered, abandoned, aht, optional...)
    seen: dict[tuple, int] = {}
    previous = None  # (date, start, row)
    names = TypeNames()
    for r in parsed_rows(table, problems):
        row, cells, get = r.number, r.cells, r.get
        date = get("date", parse_date)
        start = get("interval_start", parse_interval_start)
        ctype = get("contact_type", parse_type_name)
        names.admit(r, ctype, col("contact_type"))
        offered = get("offered", parse_count)
        answered = get("answered", parse_count)
        abandoned = get("abandoned", parse_count)
        aht = None
        if cells["aht_s"] or not answered:
            aht = get("aht_s", parse_seconds) if cells["aht_s"] else 0.0
        else:
            r.problem("aht_s", "expected the average handle time of the answered contacts, got ''")
        optional = {}
        for name in OPTIONAL:
            if table.has(name):
                if cells[name]:
                    optional[name] = get(name, parse_count if name == "answered_within_threshold" else parse_seconds)
                else:
                    optional[name] = 0.0
        if not r.ok:
            previous = None
            continue
        if answered + abandoned > offered:
            problems.add(row, col("offered"),
                         f"answered ({answered}) + abandoned ({abandoned}) exceed offered ({offered})")
            continue
        if optional.get("answered_within_threshold", 0) > answered:
            problems.add(row, col("answered_within_threshold"),
                         f"{optional['answered_within_threshold']} answered within threshold exceed "
                         f"answered ({answered})")
            continue
        if previous is not None and (date, start) < previous[:2]:
            problems.add(row, None,
                         f"out of order: {date} {format_clock(start)} comes after row {previous[2]} "
                         f"({previous[0]} {format_clock(previous[1])}); sort by date, then interval_start")
        previous = (date, start, row)
        key = (date, start, ctype)
        if key in seen:
            problems.add(row, None, f"duplicate of row {seen[key]}: {date} {format_clock(start)} and the same "
                                    "contact_type appear twice")
            continue
        seen[key] = row
        parsed.append((row, date, start, ctype, offered, answered, abandoned, aht, optional))
    if not parsed and not problems:
        problems.add(None, None, "no data rows; expected one row per date, interval and contact type")
    problems.raise_if_any()

    interval_s = _grid([p[2] for p in parsed])
    if interval_s is None:
        problems.add(None, col("interval_start"),
                     "every row has the same interval_start; at least two intervals are needed "
                     "to know the interval length")
        problems.raise_if_any()
    first = min(p[2] for p in parsed)
    for p in parsed:
        steps = (p[2] - first) / interval_s
        if abs(steps - round(steps)) > 1e-6:
            problems.add(p[0], col("interval_start"),
                         f"{format_clock(p[2])} is not on the {interval_s / 60:g}-minute grid that starts at "
                         f"{format_clock(first)}")
    problems.raise_if_any()

    dates = sorted({p[1] for p in parsed})
    types = list(dict.fromkeys(p[3] for p in parsed))
    n = int(round((max(p[2] for p in parsed) - first) / interval_s)) + 1
    shape = (len(types), len(dates), n)
    if len(types) * len(dates) * n > MAX_CELLS:
        problems.add(None, col("interval_start"),
                     f"{len(types)} contact types x {len(dates)} dates x {n} intervals of "
                     f"{interval_s / 60:g} min make more than {MAX_CELLS:,} interval counts to hold; "
                     "is the interval grid right (two rows a few seconds apart)?")
        problems.raise_if_any()
    day_of = {d: i for i, d in enumerate(dates)}
    type_of = {t: i for i, t in enumerate(types)}

    def zeros(present=True):
        return np.zeros(shape) if present else None

    h = IntervalHistory(
        source=table.source, dates=dates, types=types, start_s=first, interval_s=interval_s,
        offered=zeros(), answered=zeros(), abandoned=zeros(), handle_sum=zeros(),
        within=zeros(table.has("answered_within_threshold")), acw_sum=zeros(table.has("acw_s")),
        wait_answered_sum=zeros(table.has("asa_s")), wait_abandoned_sum=zeros(table.has("avg_abandon_s")),
        rows=len(parsed), unread_columns=table.unread,
    )
    for _, date, start, ctype, offered, answered, abandoned, aht, optional in parsed:
        at = (type_of[ctype], day_of[date], int(round((start - first) / interval_s)))
        h.offered[at] = offered
        h.answered[at] = answered
        h.abandoned[at] = abandoned
        h.handle_sum[at] = answered * aht
        if h.within is not None:
            h.within[at] = optional["answered_within_threshold"]
        if h.acw_sum is not None:
            h.acw_sum[at] = answered * optional["acw_s"]
        if h.wait_answered_sum is not None:
            h.wait_answered_sum[at] = answered * optional["asa_s"]
        if h.wait_abandoned_sum is not None:
            h.wait_abandoned_sum[at] = abandoned * optional["avg_abandon_s"]
    h.filled_zero = int(np.prod(shape)) - len(parsed)
    return h
