"""Call detail (one row per contact): read only the columns needed, validate, hold as arrays.

Columns (header names in any case):

| column | required | meaning |
|---|---|---|
| `contact_type` | yes | the queue's name |
| `arrival_time` | yes | YYYY-MM-DD HH:MM:SS (fractions of a second allowed) |
| `answer_time` | yes (may be empty) | when an agent answered; empty if not answered |
| `abandon_time` | yes (may be empty) | when the caller hung up while waiting; empty if not abandoned |
| `handle_s` | yes (may be empty unless answered) | talk + hold time of an answered contact, s |
| `acw_s` | no | after-call work of an answered contact, s |

Every other column — caller numbers, customer ids, agent names — is left
unread: its cells are dropped as soon as a line is split, and never reach the
calibration, its report, its messages or the scenario. A row with neither an
answer nor an abandon time (blocked, transferred before queueing) counts only
as "other". Rows are sorted by arrival time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .csvread import CsvColumns, TypeNames, parsed_rows
from .errors import ProblemList
from .values import parse_datetime, parse_seconds, parse_type_name

REQUIRED = ("contact_type", "arrival_time", "answer_time", "abandon_time", "handle_s")
OPTIONAL = ("acw_s",)


@dataclass
class TypeDetails:
    """The contacts of one type: waits with an event flag (abandoned) for patience; handle times."""

    wait_s: np.ndarray  # answered: time to answer (censors patience); abandoned: time to hang up
    abandoned: np.ndarray  # bool, same length as wait_s
    handle_s: np.ndarray  # answered contacts only
    acw_s: np.ndarray | None  # answered contacts only; None without an acw_s column
    other: int = 0  # neither answered nor abandoned


@dataclass
class CallDetails:
    source: str
    types: dict[str, TypeDetails]
    rows: int
    first: dt.datetime
    last: dt.datetime
    unread_columns: list[str] = field(default_factory=list)


def read_details(path: str | Path) -> CallDetails:
    """Read and validate a call-detail CSV; raises CalibrationInputError listing every problem."""
    table = CsvColumns(path, REQUIRED, OPTIONAL)
    problems = ProblemList(table.source)
    col = table.column
    has_acw = table.has("acw_s")
    columns: dict[str, dict[str, list]] = {}
    other: dict[str, int] = {}
    previous = None  # (arrival, row)
    first = last = None
    rows = 0
    names = TypeNames()
    for r in parsed_rows(table, problems):
        row, cells, get = r.number, r.cells, r.get
        ctype = get("contact_type", parse_type_name)
        names.admit(r, ctype, col("contact_type"))
        arrival = get("arrival_time", parse_datetime)
        answer = get("answer_time", parse_datetime) if cells["answer_time"] else None
        abandon = get("abandon_time", parse_datetime) if cells["abandon_time"] else None
        handle = acw = 0.0
        if answer is not None:
            if cells["handle_s"]:
                handle = get("handle_s", parse_seconds)
            else:
                r.problem("handle_s", "an answered contact needs its handle time, got ''")
            if has_acw and cells["acw_s"]:
                acw = get("acw_s", parse_seconds)
        if not r.ok:
            continue
        if answer is not None and abandon is not None:
            problems.add(row, None, "both answer_time and abandon_time are set; a contact is one or the other")
            continue
        end = answer if answer is not None else abandon
        if end is not None and end < arrival:
            problems.add(row, col("answer_time" if answer is not None else "abandon_time"),
                         f"{end} is before the arrival time {arrival}")
            continue
        if previous is not None and arrival < previous[0]:
            problems.add(row, col("arrival_time"),
                         f"out of order: {arrival} comes after row {previous[1]} ({previous[0]}); "
                         "sort by arrival_time")
        previous = (arrival, row)
        first = arrival if first is None else min(first, arrival)
        last = arrival if last is None else max(last, arrival)
        rows += 1
        if end is None:
            other[ctype] = other.get(ctype, 0) + 1
            columns.setdefault(ctype, {"wait": [], "abandoned": [], "handle": [], "acw": []})
            continue
        c = columns.setdefault(ctype, {"wait": [], "abandoned": [], "handle": [], "acw": []})
        c["wait"].append((end - arrival).total_seconds())
        c["abandoned"].append(abandon is not None)
        if answer is not None:
            c["handle"].append(handle)
            c["acw"].append(acw)
    if not rows and not problems:
        problems.add(None, None, "no data rows; expected one row per contact")
    problems.raise_if_any()
    types = {
        name: TypeDetails(
            wait_s=np.asarray(c["wait"], dtype=float), abandoned=np.asarray(c["abandoned"], dtype=bool),
            handle_s=np.asarray(c["handle"], dtype=float),
            acw_s=np.asarray(c["acw"], dtype=float) if has_acw else None, other=other.get(name, 0),
        )
        for name, c in columns.items()
    }
    return CallDetails(table.source, types, rows, first, last, table.unread)
