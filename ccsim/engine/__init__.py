"""The simulation engine: draws, event loop, records."""

from .records import ABANDONED, ANSWERED, BLOCKED, OUTCOME_NAMES, WAITING, Records
from .run import run_draws, simulate_replication

__all__ = ["ABANDONED", "ANSWERED", "BLOCKED", "OUTCOME_NAMES", "WAITING", "Records", "run_draws",
           "simulate_replication"]
