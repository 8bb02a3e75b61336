"""Waiting-time curves per contact type, read from the results' histograms.

The curve is the service-level curve: for each wait t, the share of contacts in
time had t been the threshold, among those the service level counts — its own
rules (``ccsim.metrics.service_level``): answered + abandoned, with short
abandons and accepted callbacks left out of both, warm-up arrivals left out,
waits from queue entry; emails by reply time (in opening hours with
``opening_hours_only``) over replied + backlog older than the threshold.

Each replication's curve comes from its histogram (``Results.waits``, made with
its KPIs), so no contact is simulated again and no record is needed. ``share``
is the mean of the days' curves, so at the threshold it is the service level of
the KPI table; ``pooled`` puts every day's contacts together (the ratio of
sums), at the threshold the service level's ``ratio_of_sums`` estimate.
"""

from __future__ import annotations

import math

import numpy as np

from ..experiment.estimates import Estimates, quiet_empty_means
from ..metrics.service_level import threshold_index, wait_edges

SHOWN_SHARE = 0.95  # the curves are drawn up to where this share of the answered contacts was answered
LONG_WAIT_S = 3600.0  # a threshold of an hour or more (email): its waits are read in hours


def time_scales(thresholds: dict[str, float]) -> list[list[str]]:
    """Names that may share a time axis, in order: those whose service-level threshold is under
    an hour (calls, chats) and those of an hour or more (emails). Seconds and hours never share
    an axis: a 20 s call wait would be invisible beside a 4 h email wait."""
    short = [n for n, t in thresholds.items() if t < LONG_WAIT_S]
    long = [n for n, t in thresholds.items() if t >= LONG_WAIT_S]
    return [group for group in (short, long) if group]


class WaitDistribution:
    """The service-level curve of one contact type, on a grid of waits (s)."""

    __slots__ = ("name", "threshold_s", "target", "grid_s", "share", "pooled", "replications", "contacts")

    def __init__(self, name, threshold_s, target, grid_s, share, pooled, replications, contacts):
        self.name: str = name
        self.threshold_s: float = threshold_s
        self.target: float = target
        self.grid_s: np.ndarray = grid_s
        self.share: np.ndarray = share  # mean over replications of in time within grid_s[i] / counted
        self.pooled: np.ndarray = pooled  # all replications' in time within grid_s[i] / all counted
        self.replications: int = replications
        self.contacts: int = contacts  # counted contacts of all replications (the denominators)

    def at(self, wait_s: float) -> float:
        """Share in time within *wait_s*: the curve's own value at a point of its grid (the
        threshold is one), interpolated between them."""
        return _at(self.grid_s, self.share, wait_s)

    def pooled_at(self, wait_s: float) -> float:
        """As ``at``, for the pooled curve."""
        return _at(self.grid_s, self.pooled, wait_s)


def _at(grid: np.ndarray, values: np.ndarray, wait_s: float) -> float:
    i = int(np.searchsorted(grid, wait_s))
    if i < grid.size and grid[i] == wait_s:
        return float(values[i])
    return float(np.interp(wait_s, grid, values))


def wait_distributions(est: Estimates, max_replications: int | None = None) -> dict[str, WaitDistribution]:
    """Per contact type, the share in time within each wait, from the first *max_replications*
    replications' histograms (all of them by default)."""
    plan = est.plan
    results = est.replication_results[:max_replications]
    curves = {}
    for ct in plan.contact_types:
        within = np.array([r.waits[ct.name] for r in results], dtype=float).reshape(len(results), -1)
        base = np.array([r.contact_types[ct.name]["sl_counted"] for r in results], dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"), quiet_empty_means():
            daily = np.where(base[:, None] > 0, within / np.where(base > 0, base, 1.0)[:, None], np.nan)
            share = np.nanmean(daily, axis=0) if len(results) else np.full(within.shape[1], np.nan)
        total = float(base.sum())
        pooled = within.sum(axis=0) / total if total > 0 else np.full(within.shape[1], np.nan)
        curves[ct.name] = (within, share, pooled, int(total))
    # One span for the types of one time scale (calls and chats; emails), so that the curves drawn
    # together cover the same waits: up to where 95 % of the answered contacts were answered, and at
    # least three thresholds.
    tops = {}
    for group in time_scales({ct.name: ct.sl_threshold for ct in plan.contact_types}):
        members = [ct for ct in plan.contact_types if ct.name in group]
        top = max([10.0] + [3.0 * ct.sl_threshold for ct in members]
                  + [_quantile_wait(wait_edges(ct), curves[ct.name][0].sum(axis=0)) for ct in members])
        tops.update(dict.fromkeys(group, top))
    out = {}
    for ct in plan.contact_types:
        top = tops[ct.name]
        _, share, pooled, contacts = curves[ct.name]
        edges = wait_edges(ct)
        shown = int(np.searchsorted(edges, top, side="left")) + 1  # up to the first edge at or past top
        shown = min(max(shown, threshold_index(ct) + 1), edges.size - 1)  # never the infinite edge
        out[ct.name] = WaitDistribution(ct.name, ct.sl_threshold, ct.sl_target, edges[:shown].copy(),
                                        share[:shown], pooled[:shown], len(results), contacts)
    return out


def _quantile_wait(edges: np.ndarray, within: np.ndarray) -> float:
    """The first finite edge by which SHOWN_SHARE of the contacts in time at all were; 0 for none."""
    answered = within[-1]  # the last edge is infinity: every contact answered (replied) counts
    if not answered > 0:
        return 0.0
    i = int(np.searchsorted(within, SHOWN_SHARE * answered, side="left"))
    finite = edges.size - 2
    return float(edges[min(i, finite)]) if math.isfinite(edges[min(i, finite)]) else 0.0
