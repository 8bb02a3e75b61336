"""The simulation engine: draws, event loop, records."""

from .core import simulate_replication
from .records import ABANDONED, ANSWERED, BLOCKED, OUTCOME_NAMES, WAITING, Records

__all__ = ["ABANDONED", "ANSWERED", "BLOCKED", "OUTCOME_NAMES", "WAITING", "Records", "simulate_replication"]
