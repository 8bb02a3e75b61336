"""Snapshots from the real-time exports analysts have: Amazon Connect, Genesys Cloud, Avaya CMS.

``import_snapshot(kind, path, scenario, mapping, time_s)`` reads the export and
returns a ``SnapshotImport`` (the snapshot's data and the notes of the fill
rules applied); every problem of the export is a located ``SnapshotError``.
The field mappings and the fill rules: docs/realtime.md, "From your real-time feed".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .base import Feed, SnapshotImport, build_snapshot, parse_mapping

KINDS = ("connect", "genesys", "avaya")


def read_feed(kind: str, path: str | Path) -> Feed:
    """The export's rows, by its kind (one of ``KINDS``)."""
    if kind == "connect":
        from .connect import read_connect

        return read_connect(path)
    if kind == "genesys":
        from .genesys import read_genesys

        return read_genesys(path)
    if kind == "avaya":
        from .avaya import read_avaya

        return read_avaya(path)
    raise ValueError(f"unknown export kind {kind!r} (known: {', '.join(KINDS)})")


def import_snapshot(kind: str, path: str | Path, scenario, mapping: dict[str, str] | None = None,
                    time_s: float | None = None, day: int | None = None,
                    date: dt.date | None = None) -> SnapshotImport:
    """A snapshot of *scenario* from the real-time export at *path*.

    kind: 'connect', 'genesys' or 'avaya'. mapping: normalised queue name -> target
    (``parse_mapping``). time_s: the snapshot's clock time, s since midnight (default:
    the export's own, where it has one). day (1 = the horizon's first) or date: the day
    of a multi-day scenario the export was taken on (the snapshot's ``day``/``date``).
    """
    return build_snapshot(kind, read_feed(kind, path), scenario, mapping, time_s, day, date)


__all__ = ["KINDS", "SnapshotImport", "import_snapshot", "parse_mapping", "read_feed"]
