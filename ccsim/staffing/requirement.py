"""Read a staffing requirement back from CSV (``ccsim shifts --requirement staffing.csv``).

Accepted: the CSV that ``ccsim staff --csv`` writes (rows with ``kind`` =
``agent_group``, ``name``, ``start``, ``required`` and ``shrinkage``), or a
plain table with columns ``start``, ``required`` and — when the scenario has
several agent groups — ``group``. Every problem names file:line:column, the
column and the bad value; all problems are reported at once.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from ..scenario.errors import Problem, ScenarioError
from ..scenario.positions import read_source
from ..units import format_clock


class Requirement:
    """Agents present needed per group and interval, and the shrinkage to plan for (if the file says)."""

    def __init__(self, required: dict[str, np.ndarray], shrinkage: dict[str, float]):
        self.required = required
        self.shrinkage = shrinkage


def read_requirement(path: str | Path, scenario) -> Requirement:
    path = Path(path)
    text = read_source(path)
    return requirement_from_text(text, scenario, str(path))


def requirement_from_text(text: str, scenario, source: str = "<requirement>") -> Requirement:
    h = scenario.horizon
    n = h.n_intervals
    starts = {format_clock(h.start + j * h.interval): j for j in range(n)}
    groups = list(scenario.agent_groups)
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise ScenarioError([Problem(source, 1, 1, "(file)", "empty file; expected a header with start and required")])
    header = [h_.strip() for h_ in rows[0]]
    col = {name: i for i, name in enumerate(header)}
    missing = [c for c in ("start", "required") if c not in col]
    if missing:
        raise ScenarioError([Problem(source, 1, 1, "(header)", f"missing column{'s' if len(missing) > 1 else ''} "
                                     f"{', '.join(missing)} (columns: {', '.join(header)})")])
    group_col = col.get("name") if "kind" in col else col.get("group")
    if group_col is None and len(groups) > 1:
        raise ScenarioError([Problem(source, 1, 1, "(header)", "the scenario has several agent groups "
                                     f"({', '.join(groups)}): add a 'group' column")])
    required = {g: np.full(n, np.nan) for g in groups}
    shrinkage: dict[str, float] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row=row) -> str:
            i = col[name]
            return row[i].strip() if i < len(row) else ""

        def where(name: str, line=line) -> tuple:
            return (source, line, col[name] + 1)

        if "kind" in col and cell("kind") != "agent_group":
            continue
        if "day" in col and cell("day") not in ("", "1"):
            continue  # the daily pattern: day 1's rows are enough
        group = groups[0]
        if group_col is not None:
            group = row[group_col].strip() if group_col < len(row) else ""
            if group not in required:
                problems.append(Problem(source, line, group_col + 1, header[group_col],
                                        f"unknown agent group {group!r} (known: {', '.join(groups)})"))
                continue
        start = cell("start")
        if start not in starts:
            problems.append(Problem(*where("start"), "start",
                                    f"{start!r} is not an interval start of the scenario (expected 'HH:MM' from "
                                    f"{format_clock(h.start)} every {h.interval / 60:g} min)"))
            continue
        try:
            value = float(cell("required"))
            if not math.isfinite(value) or value < 0:
                raise ValueError
        except ValueError:
            problems.append(Problem(*where("required"), "required",
                                    f"expected a number of agents >= 0, got {cell('required')!r}"))
            continue
        j = starts[start]
        if not np.isnan(required[group][j]):
            problems.append(Problem(*where("start"), "start", f"{group} at {start} appears twice"))
            continue
        required[group][j] = value
        if "shrinkage" in col and cell("shrinkage"):
            try:
                s = float(cell("shrinkage"))
                if not 0 <= s < 1:
                    raise ValueError
                shrinkage[group] = s
            except ValueError:
                problems.append(Problem(*where("shrinkage"), "shrinkage",
                                        f"expected a share in [0, 1), got {cell('shrinkage')!r}"))
    for g, values in required.items():
        gaps = [j for j in range(n) if np.isnan(values[j])]
        if gaps and len(gaps) < n:
            missing = ", ".join(format_clock(h.start + j * h.interval) for j in gaps[:5])
            problems.append(Problem(source, None, None, "required",
                                    f"{g}: no value for {missing}" + (" ..." if len(gaps) > 5 else "")))
    present = {g: v for g, v in required.items() if not np.isnan(v).all()}
    if not present and not problems:
        problems.append(Problem(source, None, None, "required", "no requirement rows found"))
    if problems:
        raise ScenarioError(problems)
    return Requirement(present, shrinkage)
