"""Shrinkage: from agents the queue needs to positions to schedule.

Shrinkage is the share of paid time in which a scheduled agent is not available
for contacts (absence, training, meetings, coaching) *beyond what the scenario
itself simulates* (breaks of a roster, ``absenteeism``, ``aux``). With shrinkage
s, r required agents need r / (1 - s) positions, rounded up per interval:
``shrinkage: 0.30`` turns 14 required agents into 20 scheduled positions.
"""

from __future__ import annotations

import numpy as np


def scheduled_positions(required: np.ndarray, shrinkage: float) -> np.ndarray:
    """Positions per interval for *required* agents (integers) and a shrinkage in [0, 1)."""
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage!r}")
    required = np.asarray(required, dtype=float)
    # 1e-9: 14 / 0.7 is 20.000000000000004 in floating point, and must stay 20.
    return np.ceil(required / (1.0 - shrinkage) - 1e-9).astype(int)


def positions_needed(required: float, shrinkage: float) -> float:
    """Fractional positions for *required* agents (what a roster must cover on average)."""
    return required / (1.0 - shrinkage) if required else 0.0


def paid_hours(positions: np.ndarray, interval_s: float, days: int = 1) -> float:
    """Paid agent-hours of *positions* per interval over *days* days."""
    return float(np.sum(positions)) * interval_s / 3600.0 * days


__all__ = ["paid_hours", "positions_needed", "scheduled_positions"]
