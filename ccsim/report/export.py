"""Files of a run, written atomically: results.json, intervals.csv, groups.csv, contacts.csv,
and the same tables as Parquet when asked (needs pyarrow).

A run's folder is written as a whole (``OutputDir``): every file goes into a hidden
staging folder beside it, and only when all are complete is the staging folder
swapped in for the old one, in one rename. A run that fails at any point — a
full disk, an interrupt, a kill — leaves the old folder exactly as it was. A
single file (``atomic_write_bytes``) is written to a hidden temporary file and
renamed over the final name. Per-contact records are streamed to disk a block of
rows at a time (``ContactsWriter``), so their size is bounded by the disk, not
by memory.

Staging names carry the writer's process id (``.NAME.ccsim-PID-XXXX``); what a
killed process left is removed by the next write next to it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from pathlib import Path

import numpy as np

from ..engine.records import OUTCOME_NAMES, Records
from ..experiment.estimates import Estimates
from ..plan import Plan

# The output folder's plumbing lives in files.py; its names stay importable from here.
from .files import (  # noqa: F401 - re-exported
    _ORDER,
    _STAGING,
    OUTPUT_NAMES,
    OutputDir,
    _alive,
    _exchange,
    _fsync_dir,
    _fsync_file,
    _name_the_file,
    _remove,
    _staging_name,
    _umask,
    atomic_write_bytes,
    atomic_write_files,
    atomic_write_text,
    stage_bytes,
    sweep_stale,
)


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


CONTACT_COLUMNS = ("replication", "contact_id", "contact_type", "arrival_s", "arrival_clock", "entry_s", "outcome",
                   "wait_s", "answer_s", "handle_s", "after_call_work_s", "patience_s", "agent_group",
                   "customer_id", "contact_no", "attempt", "resolved", "channel", "agent")
_SECONDS = ("arrival_s", "entry_s", "wait_s", "answer_s", "handle_s", "after_call_work_s", "patience_s")


class _Names:
    """The plan's names as arrays indexed by code (-1 = the empty name), built once per file."""

    def __init__(self, plan: Plan):
        self.types = np.array([ct.name for ct in plan.contact_types] + [""], dtype=object)
        self.channels = np.array([ct.channel for ct in plan.contact_types] + [""], dtype=object)
        self.groups = np.array([g.name for g in plan.agent_groups] + [""], dtype=object)
        self.outcomes = np.array([OUTCOME_NAMES.get(k, str(k)) for k in range(max(OUTCOME_NAMES) + 1)],
                                 dtype=object)
        self.clock_start = plan.clock_start


def _block_columns(names: _Names, r: int, rec: Records, wait: np.ndarray, lo: int, hi: int) -> dict[str, np.ndarray]:
    """The contacts ``lo:hi`` of replication *r* as columns (wait: ``rec.wait``, computed once)."""
    n = hi - lo
    ids = np.arange(lo, hi, dtype=np.int64)
    arrival = rec.arrival[lo:hi]
    minutes = np.rint((names.clock_start + arrival) / 60.0).astype(np.int64)
    journey = getattr(rec, "journey", None) or {}  # caller journeys, when the scenario has them
    customer = journey.get("customer")
    contact_no = journey.get("contact_no")  # contact of the customer's issue: 1 first, 2+ repeats
    attempt = journey.get("attempt")  # attempt within the contact: 1 first, 2+ retrials
    resolved = journey.get("resolved")  # -1 not applicable, 0 no, 1 yes
    ctype = rec.ctype[lo:hi]
    group = rec.group[lo:hi]
    wait = wait[lo:hi]
    patience = rec.patience[lo:hi]
    agents = getattr(rec, "agents", None)
    return {
        "replication": np.full(n, r, dtype=np.int64),
        "contact_id": ids,
        "contact_type": names.types[ctype],
        "arrival_s": arrival.astype(float),
        "arrival_clock": np.array([f"{m // 60:02d}:{m % 60:02d}" for m in minutes.tolist()], dtype=object),
        "entry_s": rec.entry[lo:hi].astype(float),
        "outcome": names.outcomes[rec.outcome[lo:hi].astype(np.int64)],
        "wait_s": np.where(np.isfinite(wait), wait, np.nan),
        "answer_s": rec.answer[lo:hi].astype(float),
        "handle_s": rec.handle[lo:hi].astype(float),
        "after_call_work_s": rec.acw[lo:hi].astype(float),
        "patience_s": np.where(np.isfinite(patience), patience, np.nan),
        "agent_group": names.groups[np.where(group >= 0, group, -1)],
        "customer_id": ids if customer is None else np.asarray(customer[lo:hi], dtype=np.int64),
        "contact_no": (np.ones(n, dtype=np.int64) if contact_no is None
                       else np.asarray(contact_no[lo:hi], dtype=np.int64)),
        "attempt": np.ones(n, dtype=np.int64) if attempt is None else np.asarray(attempt[lo:hi], dtype=np.int64),
        "resolved": (np.full(n, None, dtype=object) if resolved is None else np.array(
            [None if v < 0 else bool(v) for v in np.asarray(resolved[lo:hi]).tolist()], dtype=object)),
        "channel": names.channels[ctype],
        "agent": (np.full(n, -1, dtype=np.int64) if agents is None
                  else agents["contact_agent"][lo:hi].astype(np.int64)),
    }


# Rows formatted at a time when contacts are written: bounds the memory of the text and
# Python objects of a block (some 100 MB) whatever the size of a day.
_BLOCK_ROWS = 20_000


def _blocks(names: _Names, r: int, rec: Records, rows: int = _BLOCK_ROWS):
    n = len(rec)
    wait = rec.wait
    for lo in range(0, n, rows):
        yield _block_columns(names, r, rec, wait, lo, min(n, lo + rows))


def contact_columns(est: Estimates, records: list[Records]) -> dict[str, np.ndarray]:
    """Per-contact columns of every replication (one array each; see docs/output.md).

    Times in seconds from the horizon start; NaN where a time does not exist
    (not answered, never abandons, still waiting). ``customer_id``,
    ``contact_no``, ``attempt`` and ``resolved`` come from the caller-journey
    records when the scenario has journeys; otherwise a contact is its own
    customer's first contact and first attempt, and ``resolved`` is unknown.
    ``channel`` is the contact type's channel; ``agent`` is the number (within the
    replication) of the agent who took the contact when per-agent statistics are
    on, -1 otherwise. (Everything in memory at once: ``ContactsWriter`` writes
    the same table to disk a block at a time.)
    """
    names = _Names(est.plan)
    parts: dict[str, list] = {name: [] for name in CONTACT_COLUMNS}
    for r, rec in enumerate(records):
        columns = _block_columns(names, r, rec, rec.wait, 0, len(rec))
        for name in CONTACT_COLUMNS:
            parts[name].append(columns[name])
    return {name: (np.concatenate(chunks) if chunks else np.empty(0)) for name, chunks in parts.items()}


def _cells(name: str, values: np.ndarray) -> list[str]:
    if name in _SECONDS:
        return ["" if v != v else f"{v:.3f}" for v in values.tolist()]  # v != v: NaN
    if name == "resolved":
        return ["" if v is None else ("true" if v else "false") for v in values.tolist()]
    return [str(v) for v in values.tolist()]


def _write_csv_rows(writer, columns: dict[str, np.ndarray]) -> None:
    writer.writerows(zip(*(_cells(name, columns[name]) for name in CONTACT_COLUMNS), strict=True))


def contacts_csv(est: Estimates, records: list[Records]) -> str:
    """One row per contact of every replication; times in seconds from the horizon start."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CONTACT_COLUMNS)
    names = _Names(est.plan)
    for r, rec in enumerate(records):
        for columns in _blocks(names, r, rec):
            _write_csv_rows(writer, columns)
    return buffer.getvalue()


def _contacts_schema():
    import pyarrow as pa

    types = {"resolved": pa.bool_(), "contact_type": pa.string(), "arrival_clock": pa.string(),
             "outcome": pa.string(), "agent_group": pa.string(), "channel": pa.string()}
    return pa.schema([(name, pa.float64() if name in _SECONDS else types.get(name, pa.int64()))
                      for name in CONTACT_COLUMNS])


def _contacts_table(columns: dict[str, np.ndarray], schema):
    """A block of contacts as a typed table: NaN times and unknowns are nulls."""
    import pyarrow as pa

    arrays = []
    for field in schema:
        values = columns[field.name]
        if field.name in _SECONDS:
            arrays.append(pa.array(values, type=pa.float64(), from_pandas=True))  # NaN -> null
        elif field.name == "agent_group":
            arrays.append(pa.array([v or None for v in values.tolist()], type=pa.string()))
        elif values.dtype == object:
            arrays.append(pa.array(values.tolist(), type=field.type))
        else:
            arrays.append(pa.array(values, type=pa.int64()))
    return pa.Table.from_arrays(arrays, schema=schema)


class ContactsWriter:
    """contacts.csv (and contacts.parquet) in *folder*, written as replications come in.

    Call it as ``writer(plan, replication, records)`` — the ``on_records`` of
    ``simulate`` — then ``close()``. Rows are formatted ``_BLOCK_ROWS`` at a time
    and written out, so memory holds one block, not the table (10 million
    contacts make a 1 GB CSV); a Parquet row group per block.
    """

    def __init__(self, folder: str | Path, parquet: bool = False):
        self.folder = Path(folder)
        self.paths = [self.folder / "contacts.csv"]
        self._names: _Names | None = None
        self._csv = open(self.paths[0], "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close()
        self._writer = csv.writer(self._csv, lineterminator="\n")
        self._writer.writerow(CONTACT_COLUMNS)
        self._parquet = None
        self._schema = None
        if parquet:
            import pyarrow.parquet as pq

            self._schema = _contacts_schema()
            self.paths.append(self.folder / "contacts.parquet")
            self._parquet = pq.ParquetWriter(self.paths[1], self._schema)

    def __call__(self, plan: Plan, replication: int, records: Records) -> None:
        if self._names is None:
            self._names = _Names(plan)
        for columns in _blocks(self._names, replication, records):
            _write_csv_rows(self._writer, columns)
            if self._parquet is not None:
                self._parquet.write_table(_contacts_table(columns, self._schema))

    def close(self) -> list[Path]:
        """Finish the files (flushed to disk); return their paths."""
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if not self._csv.closed:
            self._csv.flush()
            os.fsync(self._csv.fileno())
            self._csv.close()
        return self.paths

    def abort(self) -> None:
        """Close without finishing (the files are left to the staging folder's removal)."""
        with contextlib.suppress(Exception):
            if self._parquet is not None:
                self._parquet.close()
        with contextlib.suppress(Exception):
            self._csv.close()


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

    schema = _contacts_schema()
    names = _Names(est.plan)
    tables = [_contacts_table(columns, schema) for r, rec in enumerate(records) for columns in _blocks(names, r, rec)]
    return _parquet_bytes(pa.concat_tables(tables) if tables else schema.empty_table())


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


def write_tables(est: Estimates, folder: str | Path, parquet: bool | None = None) -> list[Path]:
    """Write a run's tables into *folder* (a staging folder: plain writes, no renames).

    results.json, intervals.csv, groups.csv, agents.csv with per-agent statistics;
    parquet: also intervals.parquet, groups.parquet. None (default) = whenever
    pyarrow is installed (``pip install 'ccsim[parquet]'``); True = required
    (error without pyarrow).
    """
    folder = Path(folder)
    if parquet is None:
        parquet = parquet_available()
    if parquet and not parquet_available():
        raise ImportError("Parquet files need pyarrow: pip install 'ccsim[parquet]'")
    files: dict[str, bytes] = {
        "results.json": to_json(est).encode("utf-8"),
        "intervals.csv": intervals_csv(est).encode("utf-8"),
        "groups.csv": groups_csv(est).encode("utf-8"),
    }
    agents = agent_rows(est)
    if agents:
        files["agents.csv"] = _csv(agents).encode("utf-8")
    if parquet:
        files["intervals.parquet"] = rows_parquet(interval_rows(est))
        files["groups.parquet"] = rows_parquet(group_rows(est))
    written = []
    for name, data in files.items():
        with open(folder / name, "wb") as handle:
            handle.write(data)
        written.append(folder / name)
    return written


def write_outputs(est: Estimates, out_dir: str | Path, records: list[Records] | None = None,
                  parquet: bool | None = None) -> list[Path]:
    """Write a run's files into *out_dir*, as a whole (``OutputDir``): all of them, or none.

    records: per-replication ``Records`` for contacts.csv (and contacts.parquet).
    parquet: also write intervals.parquet, groups.parquet (and contacts.parquet
    with records). None (default) = whenever pyarrow is installed
    (``pip install 'ccsim[parquet]'``); True = required (error without pyarrow).
    """
    if parquet is None:
        parquet = parquet_available()
    with OutputDir(out_dir) as output:
        write_tables(est, output.staging, parquet)
        if records is not None:
            contacts = ContactsWriter(output.staging, parquet=parquet)
            try:
                for r, rec in enumerate(records):
                    contacts(est.plan, r, rec)
                contacts.close()
            finally:
                contacts.abort()
        return output.commit()


def rows_csv(rows: list[dict]) -> str:
    """Rows of dicts as CSV (None as empty; tuples as 'low;high')."""
    flat = []
    for row in rows:
        flat.append({k: (";".join(f"{x}" for x in v) if isinstance(v, tuple | list) else v) for k, v in row.items()})
    return _csv(flat)
