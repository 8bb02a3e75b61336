"""Waiting-time distributions per contact type, from per-contact records.

The curve is the service-level curve: for each wait t, the share of contacts
answered within t among those the service level counts (answered + abandoned,
short abandons left out, warm-up arrivals left out; see docs/kpis.md). At the
threshold it is the service level of the pooled contacts; its plateau is the
share answered at all.

Records are large, so only the first ``max_replications`` replications are
used. When the estimates kept no records, those replications are simulated
again: replication r always draws from the same random streams, so the
records are exactly those of the estimates' own replications.
"""

from __future__ import annotations

import numpy as np

from ..engine.records import ABANDONED, ANSWERED, Records
from ..estimates import Estimates

MAX_WAIT_REPLICATIONS = 50
GRID_POINTS = 240


class WaitDistribution:
    """The service-level curve of one contact type, on a grid of waits (s)."""

    __slots__ = ("name", "threshold_s", "target", "grid_s", "share", "replications", "contacts")

    def __init__(self, name, threshold_s, target, grid_s, share, replications, contacts):
        self.name: str = name
        self.threshold_s: float = threshold_s
        self.target: float = target
        self.grid_s: np.ndarray = grid_s
        self.share: np.ndarray = share  # answered within grid_s[i] / counted contacts
        self.replications: int = replications
        self.contacts: int = contacts  # counted contacts (the denominator)

    def at(self, wait_s: float) -> float:
        """Share answered within *wait_s* (interpolated on the grid)."""
        return float(np.interp(wait_s, self.grid_s, self.share))


def records_for(est: Estimates, max_replications: int = MAX_WAIT_REPLICATIONS) -> list[Records]:
    """Records of the first *max_replications* replications: kept ones, or simulated again."""
    if est.records:
        return list(est.records[:max_replications])
    from ..runner import run_replication

    count = min(est.replications, max_replications)
    return [run_replication(est.plan, r, keep_records=True)[1] for r in range(count)]


def wait_distributions(est: Estimates, records: list[Records] | None = None,
                       max_replications: int = MAX_WAIT_REPLICATIONS) -> dict[str, WaitDistribution]:
    """Per contact type, the share answered within each wait, pooled over replications."""
    if records is None:
        records = records_for(est, max_replications)
    plan = est.plan
    pooled = {}
    for ct in plan.contact_types:
        answered_waits, counted = [], 0
        for rec in records:
            mine = (rec.ctype == ct.index) & (rec.arrival >= plan.warmup_s)
            outcome = rec.outcome[mine]
            wait = rec.wait[mine]
            answered = outcome == ANSWERED
            short = (outcome == ABANDONED) & (wait < ct.short_abandon)
            counted += int(answered.sum() + (outcome == ABANDONED).sum() - short.sum())
            answered_waits.append(wait[answered])
        pooled[ct.name] = (np.sort(np.concatenate(answered_waits)) if answered_waits else np.empty(0), counted)
    # One grid for every type, so that their curves span the same waits: up to where 95 % of
    # answered contacts were answered (a long tail of late callbacks would flatten the curve).
    top = max([10.0] + [3.0 * ct.sl_threshold for ct in plan.contact_types]
              + [float(np.quantile(w, 0.95)) for w, _ in pooled.values() if w.size])
    out = {}
    for ct in plan.contact_types:
        waits, counted = pooled[ct.name]
        grid = np.union1d(np.linspace(0.0, top, GRID_POINTS), [ct.sl_threshold])
        within = np.searchsorted(waits, grid, side="right")
        share = within / counted if counted else np.full(grid.size, np.nan)
        out[ct.name] = WaitDistribution(ct.name, ct.sl_threshold, ct.sl_target, grid, share,
                                        len(records), counted)
    return out
