"""What one replication leaves behind: columnar per-contact records and staffing logs."""

from __future__ import annotations

import numpy as np

# Outcome codes of a contact (``Records.outcome``).
WAITING = 0  # still waiting when the run ended (no agent, no patience limit)
ANSWERED = 1
ABANDONED = 2
BLOCKED = 3
OUTCOME_NAMES = {WAITING: "waiting", ANSWERED: "answered", ABANDONED: "abandoned", BLOCKED: "blocked"}


class Records:
    """Columnar records of one replication; times in seconds from the horizon start.

    Per contact (sorted by arrival): ``arrival``, ``ctype``, ``outcome``,
    ``answer`` (nan unless answered), ``group`` (-1 unless answered), ``handle``,
    ``acw``, ``patience``. ``wait`` is derived: answer - arrival when answered,
    the patience when abandoned. Per agent group: ``present_log`` (times,
    agents present from that time on). ``end_s`` is when the last contact left.
    """

    __slots__ = (
        "arrival", "ctype", "outcome", "answer", "group", "handle", "acw", "patience",
        "present_log", "end_s", "forecast_factor",
    )

    def __init__(self, arrival, ctype, outcome, answer, group, handle, acw, patience,
                 present_log, end_s, forecast_factor):
        self.arrival = arrival
        self.ctype = ctype
        self.outcome = outcome
        self.answer = answer
        self.group = group
        self.handle = handle
        self.acw = acw
        self.patience = patience
        self.present_log: list[tuple[np.ndarray, np.ndarray]] = present_log
        self.end_s: float = end_s
        self.forecast_factor = forecast_factor

    @property
    def wait(self) -> np.ndarray:
        """Time in queue (s): to answer, to abandonment; inf while still waiting; 0 if blocked."""
        wait = np.where(self.outcome == ANSWERED, self.answer - self.arrival, self.patience)
        wait = np.where(self.outcome == BLOCKED, 0.0, wait)
        return np.where(self.outcome == WAITING, np.inf, wait)

    def __len__(self) -> int:
        return int(self.arrival.size)
