"""KPIs of transfers: each leg, and each issue's whole journey.

Added to every contact type's KPIs when the scenario has transfer rules. A leg is a row of
the records (``Records.transfers``: leg, issue, prev, rule, conference); legs count under
their own type and the interval of their arrival (the hand-over), like every contact, so
``offered`` of a transfer's target counts the legs it received.

* transfers_made: legs transferred out of this type's contacts (counted where the new leg arrived)
* legs_in: legs this type received by transfer; legs_answered, legs_abandoned,
  legs_voicemail (a message left), legs_returned (a warm transfer not reached, back with
  the first agent): how they ended
* conference_time: mean conference (s) of the warm transfers answered here
* issues: issues whose first contact is of this type (counted by its arrival);
  issues_served: those that ended with an agent (an answered leg nobody transferred on);
  legs_per_issue: rows per issue (its first contact included); journey_wait: mean of the
  waits over all legs of each issue served (s)
"""

from __future__ import annotations

import math

import numpy as np

from ..engine.records import ABANDONED, ANSWERED, RETURNED, VOICEMAIL_LEFT, Records
from ..plan import Plan
from .replication import Replication

NAMES = ("transfers_made", "legs_in", "legs_answered", "legs_abandoned", "legs_voicemail", "legs_returned",
         "conference_time", "issues", "issues_served", "legs_per_issue", "journey_wait")


class _Journeys:
    """Per issue, found once per replication: rows, served or not, waits over its legs."""

    __slots__ = ("served", "rows", "waited")

    def __init__(self, rec: Records, wait: np.ndarray):
        tr = rec.transfers
        assert tr is not None
        n = rec.arrival.size
        issue, prev = tr["issue"], tr["prev"]
        on = (prev >= 0) & (rec.outcome != RETURNED)  # legs that carried the caller on
        carried = np.bincount(prev[on], minlength=n) > 0
        ended_served = (rec.outcome == ANSWERED) & ~carried
        self.served = np.bincount(issue, weights=ended_served, minlength=n) > 0
        self.rows = np.bincount(issue, minlength=n).astype(float)
        self.waited = np.bincount(issue, weights=np.where(np.isfinite(wait), wait, 0.0), minlength=n)


def transfer_kpis(plan: Plan, rec: Records, k: int, ctx: Replication) -> tuple[dict, dict]:
    """Day and per-interval transfer KPIs of contact type *k*."""
    tr = rec.transfers
    assert tr is not None, "transfer KPIs need transfer records"
    n_int = ctx.grid.n_int
    counted = rec.arrival >= plan.warmup_s
    at = ctx.arrival_interval
    outcome, prev = rec.outcome, tr["prev"]
    leg = prev >= 0
    mine = counted & (rec.ctype == k)
    from_mine = counted & leg & (rec.ctype[np.maximum(prev, 0)] == k)
    mine_legs = mine & leg
    warm = np.zeros(rec.arrival.size, dtype=bool)
    if leg.any():
        rules = [plan.contact_types[t].transfers for t in range(len(plan.contact_types))]
        warm_of = {(t, i) for t, rs in enumerate(rules) for i, r in enumerate(rs) if r.warm}
        rows = np.flatnonzero(mine_legs)
        warm[rows] = [(int(rec.ctype[prev[r]]), int(tr["rule"][r])) in warm_of for r in rows.tolist()]
    conferred = warm & (outcome == ANSWERED)
    flags = {
        "transfers_made": from_mine,
        "legs_in": mine_legs,
        "legs_answered": mine_legs & (outcome == ANSWERED),
        "legs_abandoned": mine_legs & (outcome == ABANDONED),
        "legs_voicemail": mine_legs & (outcome == VOICEMAIL_LEFT),
        "legs_returned": mine_legs & (outcome == RETURNED),
    }
    day, intervals = {}, {}
    for name, flag in flags.items():
        per = np.bincount(at[flag], minlength=n_int).astype(float)
        intervals[name], day[name] = per, float(per.sum())
    n_conf = np.bincount(at[conferred], minlength=n_int).astype(float)
    conf = np.bincount(at[conferred], weights=tr["conference"][conferred], minlength=n_int)
    intervals["conference_time"] = _div(conf, n_conf)
    day["conference_time"] = float(conf.sum() / n_conf.sum()) if n_conf.sum() else math.nan
    if ctx.transfer_journeys is None:
        ctx.transfer_journeys = _Journeys(rec, ctx.wait)
    j = ctx.transfer_journeys
    firsts = np.flatnonzero(mine & ~leg)
    fa = at[firsts]
    served = j.served[firsts]
    n_issues = np.bincount(fa, minlength=n_int).astype(float)
    n_served = np.bincount(fa[served], minlength=n_int).astype(float)
    rows = np.bincount(fa, weights=j.rows[firsts], minlength=n_int)
    waited = np.bincount(fa[served], weights=j.waited[firsts][served], minlength=n_int)
    intervals.update(issues=n_issues, issues_served=n_served, legs_per_issue=_div(rows, n_issues),
                     journey_wait=_div(waited, n_served))
    total_issues, total_served = float(n_issues.sum()), float(n_served.sum())
    day.update(issues=total_issues, issues_served=total_served,
               legs_per_issue=float(rows.sum() / total_issues) if total_issues else math.nan,
               journey_wait=float(waited.sum() / total_served) if total_served else math.nan)
    return {name: day[name] for name in NAMES}, {name: intervals[name] for name in NAMES}


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.full(a.shape, math.nan), where=b > 0)
