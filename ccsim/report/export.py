"""Files of a run, written atomically: results.json, intervals.csv, groups.csv, contacts.csv,
and the same tables as Parquet when asked (needs pyarrow).

Every file is first written to a temporary file in the target folder and then
renamed over the final name, so a reader never sees a half-written file and a
failed run leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from ..engine.records import OUTCOME_NAMES, Records
from ..experiment.estimates import Estimates


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write *data* to *path* via a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; give it the usual mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write *text* (UTF-8) to *path* via a temporary file and a rename."""
    atomic_write_bytes(path, text.encode("utf-8"))


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


def _flat_rows(rows: list[dict]) -> list[dict]:
    """Interval rows with the spread as columns: ``{KPI}_p10``, ``{KPI}_p50``, ``{KPI}_p90``."""
    out = []
    for row in rows:
        flat = {k: v for k, v in row.items() if k != "spread"}
        for kpi, (p10, p50, p90) in row.get("spread", {}).items():
            flat[f"{kpi}_p10"], flat[f"{kpi}_p50"], flat[f"{kpi}_p90"] = p10, p50, p90
        out.append(flat)
    return out


def interval_rows(est: Estimates) -> list[dict]:
    """One row per contact type and interval: start, contact_type, each KPI's mean, P10/P50/P90."""
    return _flat_rows(est.interval_rows("contact_type", est.intervals, est.interval_spread))


def group_rows(est: Estimates) -> list[dict]:
    """One row per agent group and interval, like ``interval_rows``."""
    return _flat_rows(est.interval_rows("agent_group", est.group_intervals, est.group_interval_spread))


def intervals_csv(est: Estimates) -> str:
    return _csv(interval_rows(est))


def groups_csv(est: Estimates) -> str:
    return _csv(group_rows(est))


CONTACT_COLUMNS = ("replication", "contact_id", "contact_type", "arrival_s", "arrival_clock", "outcome",
                   "wait_s", "answer_s", "handle_s", "after_call_work_s", "patience_s", "agent_group",
                   "customer_id", "contact_no", "attempt", "resolved", "channel", "agent")
_SECONDS = ("arrival_s", "wait_s", "answer_s", "handle_s", "after_call_work_s", "patience_s")


def contact_columns(est: Estimates, records: list[Records]) -> dict[str, np.ndarray]:
    """Per-contact columns of every replication (one array each; see docs/output.md).

    Times in seconds from the horizon start; NaN where a time does not exist
    (not answered, never abandons, still waiting). ``customer_id``,
    ``contact_no``, ``attempt`` and ``resolved`` come from the caller-journey
    records when the scenario has journeys; otherwise a contact is its own
    customer's first contact and first attempt, and ``resolved`` is unknown.
    ``channel`` is the contact type's channel; ``agent`` is the number (within the
    replication) of the agent who took the contact when per-agent statistics are
    on, -1 otherwise.
    """
    plan = est.plan
    type_names = np.array([ct.name for ct in plan.contact_types] + [""], dtype=object)
    type_channels = np.array([ct.channel for ct in plan.contact_types] + [""], dtype=object)
    group_names = np.array([g.name for g in plan.agent_groups] + [""], dtype=object)
    outcome_names = np.array([OUTCOME_NAMES.get(k, str(k)) for k in range(max(OUTCOME_NAMES) + 1)], dtype=object)
    parts: dict[str, list] = {name: [] for name in CONTACT_COLUMNS}
    for r, rec in enumerate(records):
        n = len(rec)
        ids = np.arange(n, dtype=np.int64)
        wait = rec.wait
        minutes = np.rint((plan.clock_start + rec.arrival) / 60.0).astype(np.int64)
        journey = getattr(rec, "journey", None) or {}  # caller journeys, when the scenario has them
        customer = journey.get("customer")
        contact_no = journey.get("contact_no")  # contact of the customer's issue: 1 first, 2+ repeats
        attempt = journey.get("attempt")  # attempt within the contact: 1 first, 2+ retrials
        resolved = journey.get("resolved")  # -1 not applicable, 0 no, 1 yes
        parts["replication"].append(np.full(n, r, dtype=np.int64))
        parts["contact_id"].append(ids)
        parts["contact_type"].append(type_names[rec.ctype])
        parts["arrival_s"].append(rec.arrival.astype(float))
        parts["arrival_clock"].append(np.array([f"{m // 60:02d}:{m % 60:02d}" for m in minutes.tolist()],
                                               dtype=object))
        parts["outcome"].append(outcome_names[rec.outcome.astype(np.int64)])
        parts["wait_s"].append(np.where(np.isfinite(wait), wait, np.nan))
        parts["answer_s"].append(rec.answer.astype(float))
        parts["handle_s"].append(rec.handle.astype(float))
        parts["after_call_work_s"].append(rec.acw.astype(float))
        parts["patience_s"].append(np.where(np.isfinite(rec.patience), rec.patience, np.nan))
        parts["agent_group"].append(group_names[np.where(rec.group >= 0, rec.group, -1)])
        parts["customer_id"].append(ids if customer is None else np.asarray(customer, dtype=np.int64))
        parts["contact_no"].append(np.ones(n, dtype=np.int64) if contact_no is None
                                   else np.asarray(contact_no, dtype=np.int64))
        parts["attempt"].append(np.ones(n, dtype=np.int64) if attempt is None
                                else np.asarray(attempt, dtype=np.int64))
        parts["resolved"].append(np.full(n, None, dtype=object) if resolved is None else np.array(
            [None if v < 0 else bool(v) for v in np.asarray(resolved).tolist()], dtype=object))
        parts["channel"].append(type_channels[rec.ctype])
        agents = getattr(rec, "agents", None)
        parts["agent"].append(np.full(n, -1, dtype=np.int64) if agents is None
                              else agents["contact_agent"].astype(np.int64))
    return {name: (np.concatenate(chunks) if chunks else np.empty(0)) for name, chunks in parts.items()}


def _cells(name: str, values: np.ndarray) -> list[str]:
    if name in _SECONDS:
        return ["" if v != v else f"{v:.3f}" for v in values.tolist()]  # v != v: NaN
    if name == "resolved":
        return ["" if v is None else ("true" if v else "false") for v in values.tolist()]
    return [str(v) for v in values.tolist()]


def contacts_csv(est: Estimates, records: list[Records]) -> str:
    """One row per contact of every replication; times in seconds from the horizon start."""
    columns = contact_columns(est, records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CONTACT_COLUMNS)
    writer.writerows(zip(*(_cells(name, columns[name]) for name in CONTACT_COLUMNS), strict=True))
    return buffer.getvalue()


def parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _parquet_bytes(table) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def contacts_parquet(est: Estimates, records: list[Records]) -> bytes:
    """contacts.parquet: the columns of contacts.csv, typed; NaN times and unknowns are nulls."""
    import pyarrow as pa

    columns = contact_columns(est, records)
    arrays = {}
    for name in CONTACT_COLUMNS:
        values = columns[name]
        if name in _SECONDS:
            arrays[name] = pa.array(values, type=pa.float64(), from_pandas=True)  # NaN -> null
        elif name == "resolved":
            arrays[name] = pa.array(values.tolist(), type=pa.bool_())
        elif name == "agent_group":
            arrays[name] = pa.array([v or None for v in values.tolist()], type=pa.string())
        elif values.dtype == object:
            arrays[name] = pa.array(values.tolist(), type=pa.string())
        else:
            arrays[name] = pa.array(values, type=pa.int64())
    return _parquet_bytes(pa.table(arrays))


def rows_parquet(rows: list[dict]) -> bytes:
    import pyarrow as pa

    return _parquet_bytes(pa.Table.from_pylist(rows))


def agent_rows(est: Estimates) -> list[dict]:
    """agents.csv: with per-agent statistics, one row per agent and replication."""
    rows = []
    for r, result in enumerate(getattr(est, "replication_results", None) or []):
        for row in result.agents or []:
            rows.append({"replication": r, **row})
    return rows


def write_outputs(est: Estimates, out_dir: str | Path, records: list[Records] | None = None,
                  parquet: bool | None = None) -> list[Path]:
    """Write a run's files into *out_dir*; render everything first, then rename into place.

    parquet: also write intervals.parquet, groups.parquet (and contacts.parquet
    with records). None (default) = whenever pyarrow is installed
    (``pip install 'ccsim[parquet]'``); True = required (error without pyarrow).
    """
    out_dir = Path(out_dir)
    if parquet is None:
        parquet = parquet_available()
    if parquet and not parquet_available():
        raise ImportError("Parquet files need pyarrow: pip install 'ccsim[parquet]'")
    files: dict[str, bytes] = {
        "results.json": to_json(est).encode("utf-8"),
        "intervals.csv": intervals_csv(est).encode("utf-8"),
        "groups.csv": groups_csv(est).encode("utf-8"),
    }
    if records is not None:
        files["contacts.csv"] = contacts_csv(est, records).encode("utf-8")
    agents = agent_rows(est)
    if agents:
        files["agents.csv"] = _csv(agents).encode("utf-8")
    if parquet:
        files["intervals.parquet"] = rows_parquet(interval_rows(est))
        files["groups.parquet"] = rows_parquet(group_rows(est))
        if records is not None:
            files["contacts.parquet"] = contacts_parquet(est, records)
    written = []
    for name, data in files.items():
        atomic_write_bytes(out_dir / name, data)
        written.append(out_dir / name)
    return written


def rows_csv(rows: list[dict]) -> str:
    """Rows of dicts as CSV (None as empty; tuples as 'low;high')."""
    flat = []
    for row in rows:
        flat.append({k: (";".join(f"{x}" for x in v) if isinstance(v, tuple | list) else v) for k, v in row.items()})
    return _csv(flat)
