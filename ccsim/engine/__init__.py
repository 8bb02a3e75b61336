"""The simulation engine: draws, event loop, records."""

from .run import run_draws, simulate_replication
from .records import ABANDONED, ANSWERED, BLOCKED, OUTCOME_NAMES, WAITING, Records

__all__ = ["ABANDONED", "ANSWERED", "BLOCKED", "OUTCOME_NAMES", "WAITING", "Records", "run_draws", "simulate_replication"]
