"""Real time: start the engine from a snapshot of the centre as it is now, ask "what if",
and run it against the wall clock with a live dashboard and an event stream."""

from .residual import residual
from .snapshot import Snapshot, SnapshotError, load_snapshot, loads_snapshot
from .whatif import DEFAULT_CALLBACK, WhatIf, parse_action, render_whatif, run_from_snapshot, whatif

__all__ = ["DEFAULT_CALLBACK", "Snapshot", "SnapshotError", "WhatIf", "load_snapshot", "loads_snapshot",
           "parse_action", "render_whatif", "residual", "run_from_snapshot", "whatif"]
