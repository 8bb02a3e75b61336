"""Files of a run, written atomically: results.json, intervals.csv, groups.csv, contacts.csv.

Every file is first written to a temporary file in the target folder and then
renamed over the final name, so a reader never sees a half-written file and a
failed run leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np

from ..engine.records import OUTCOME_NAMES, Records
from ..estimates import Estimates
from ..units import format_clock


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write *text* to *path* via a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def to_json(est: Estimates) -> str:
    return json.dumps(est.to_dict(), indent=2, allow_nan=False)


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        fields = list(dict.fromkeys(key for row in rows for key in row))  # union, in first-seen order
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def intervals_csv(est: Estimates) -> str:
    return _csv(est.to_dict()["intervals"])


def groups_csv(est: Estimates) -> str:
    return _csv(est.to_dict()["agent_group_intervals"])


def contacts_csv(est: Estimates, records: list[Records]) -> str:
    """One row per contact of every replication; times in seconds from the horizon start."""
    plan = est.plan
    type_names = [ct.name for ct in plan.contact_types]
    group_names = [g.name for g in plan.agent_groups]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["replication", "contact_id", "contact_type", "arrival_s", "arrival_clock",
                     "outcome", "wait_s", "answer_s", "handle_s", "after_call_work_s",
                     "patience_s", "agent_group"])
    for r, rec in enumerate(records):
        wait = rec.wait
        for i in range(len(rec)):
            answer = rec.answer[i]
            patience = rec.patience[i]
            writer.writerow([
                r, i, type_names[rec.ctype[i]], f"{rec.arrival[i]:.3f}",
                format_clock(plan.clock_start + rec.arrival[i]), OUTCOME_NAMES[int(rec.outcome[i])],
                "" if not math.isfinite(wait[i]) else f"{wait[i]:.3f}",
                "" if np.isnan(answer) else f"{answer:.3f}", f"{rec.handle[i]:.3f}",
                f"{rec.acw[i]:.3f}", "" if not math.isfinite(patience) else f"{patience:.3f}",
                group_names[rec.group[i]] if rec.group[i] >= 0 else "",
            ])
    return buffer.getvalue()


def write_outputs(est: Estimates, out_dir: str | Path, records: list[Records] | None = None) -> list[Path]:
    """Write a run's files into *out_dir*; render everything first, then rename into place."""
    out_dir = Path(out_dir)
    files = {
        "results.json": to_json(est),
        "intervals.csv": intervals_csv(est),
        "groups.csv": groups_csv(est),
    }
    if records is not None:
        files["contacts.csv"] = contacts_csv(est, records)
    written = []
    for name, text in files.items():
        atomic_write_text(out_dir / name, text)
        written.append(out_dir / name)
    return written


def rows_csv(rows: list[dict]) -> str:
    """Rows of dicts as CSV (None as empty; tuples as 'low;high')."""
    flat = []
    for row in rows:
        flat.append({k: (";".join(f"{x}" for x in v) if isinstance(v, tuple | list) else v) for k, v in row.items()})
    return _csv(flat)
