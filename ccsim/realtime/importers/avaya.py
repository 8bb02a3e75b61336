"""Avaya CMS real-time split/skill report, exported as CSV (one row per split/skill).

Columns, named by their CMS database items (any case; others are not read —
a report may carry the top agent's name or login id: never read):

| column | snapshot |
|---|---|
| SPLIT (the split/skill's name or number) | which contact type and agent group |
| INQUEUE+INRING (or INQUEUE and INRING) | callers waiting (their waits by the fill rule) |
| OLDESTCALL | the oldest wait, seconds or MM:SS / H:MM:SS |
| STAFFED | agents logged in; those in none of the states below are away |
| AVAIL | idle agents |
| ACD | agents on an ACD call |
| ACW | agents in after-call work |
| AUX (and OTHER, if given) | agents away |

Rows are numbered as a spreadsheet shows them (the header is row 1). The
report carries no time: give ``--time``. A multi-skilled agent is staffed in
each of its skills: map the other skills as TYPE/- so that each agent is
counted once.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ...calibrate.csvread import CsvColumns, parsed_rows
from ...calibrate.errors import CalibrationInputError, ProblemList
from ...scenario.errors import Problem
from ..snapshot import SnapshotError
from .base import MAX_COUNT, Feed, FeedRow

REQUIRED = ("split", "oldestcall", "staffed", "avail", "acd", "acw", "aux")
OPTIONAL = ("inqueue+inring", "inqueue", "inring", "other")
_HMS = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")


def _count(text: str) -> int:
    try:
        value = float(text) if text else 0.0
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or value != int(value) or value > MAX_COUNT:
        raise ValueError(f"expected a whole number from 0 to {MAX_COUNT:,} (the cell is not shown)")
    return int(value)


def _seconds(text: str) -> float | None:
    if not text:
        return None
    match = _HMS.match(text)
    try:
        value = (int(match.group(1) or 0) * 3600 + int(match.group(2)) * 60 + int(match.group(3))) if match \
            else float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or value > 7 * 86400:
        raise ValueError("expected a wait in seconds or MM:SS, at most 7 days (the cell is not shown)")
    return float(value)


def read_avaya(path: str | Path) -> Feed:
    try:
        return _read(path)
    except CalibrationInputError as error:
        raise SnapshotError([Problem(p.source, p.row, None, f"column {p.column}" if p.column else "(row)",
                                     p.message) for p in error.problems]) from None


def _read(path) -> Feed:
    table = CsvColumns(path, REQUIRED, OPTIONAL)
    problems = ProblemList(table.source)
    if not table.has("inqueue+inring") and not table.has("inqueue"):
        problems.add(1, None, "missing column 'INQUEUE+INRING' (or 'INQUEUE' and 'INRING'): the calls waiting")
        problems.raise_if_any()
    rows = []
    for r in parsed_rows(table, problems):
        name = r["split"]
        if not name:
            r.problem("split", "expected the split/skill's name or number")
        if table.has("inqueue+inring"):
            waiting = r.get("inqueue+inring", _count)
        else:
            waiting = r.get("inqueue", _count)
            ringing = r.get("inring", _count) if table.has("inring") else 0
            waiting = None if waiting is None or ringing is None else waiting + ringing
        oldest = r.get("oldestcall", _seconds)
        staffed, avail, acd, acw, aux = (r.get(c, _count) for c in ("staffed", "avail", "acd", "acw", "aux"))
        other = r.get("other", _count) if table.has("other") else 0
        if not r.ok:
            continue
        assert None not in (waiting, staffed, avail, acd, acw, aux, other)
        in_states = avail + acd + acw + aux + other  # type: ignore[operator]
        if in_states > staffed:  # type: ignore[operator]
            r.problem("staffed", "STAFFED is smaller than AVAIL + ACD + ACW + AUX (+ OTHER); expected every "
                                 "agent in a state to be staffed")
            continue
        row = FeedRow((name,), r.number, None, f"row {r.number}")
        row.waiting, row.oldest_s = waiting, oldest  # type: ignore[assignment]
        row.idle, row.busy, row.acw = avail, acd, acw  # type: ignore[assignment]
        row.away = staffed - avail - acd - acw  # type: ignore[operator]
        row.has_queue = row.has_agents = True
        rows.append(row)
    if not rows and not problems:
        problems.add(None, None, "no data rows; expected one row per split/skill")
    problems.raise_if_any()
    return Feed(table.source, rows, None, [])
