"""The columns of one replication that several KPIs need, and the arithmetic they share.

``Replication`` derives once per replication what the KPIs of every contact type and
agent group read: waits, arrival intervals, rows grouped by contact type, contacts
started per group. Divisions give nan where the denominator is not positive.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..engine.records import ANSWERED, Records
from ..plan import Plan
from .service_level import counted
from .timeline import grid_of, in_windows, interval_index

NAN = math.nan


class TypeKpis(NamedTuple):
    """A contact type's KPIs of one replication: for the day, per interval, its waiting-time
    histogram (for each wait t of ``service_level.wait_edges``, the contacts the service
    level counts as in time had t been the threshold) and the ratio parts of its ratio KPIs
    ({KPI: (numerator, denominator)} of the day)."""

    day: dict
    intervals: dict
    waits: np.ndarray
    parts: dict


def safe_div(a, b):
    """a / b, nan where b is not positive (element by element)."""
    if not (type(a) is np.ndarray and a.dtype == np.float64):
        a = np.asarray(a, dtype=float)
    if not (type(b) is np.ndarray and b.dtype == np.float64):
        b = np.asarray(b, dtype=float)
    if a.ndim == 0 and b.ndim == 0:
        return np.float64(float(a) / float(b) if b > 0 else NAN)
    # Divide only where b > 0 (no warnings to silence), nan elsewhere. (``empty`` and ``fill``
    # rather than ``np.full``: the same array without its Python wrapper, called per KPI.)
    out = np.empty(b.shape if a.shape == b.shape else np.broadcast(a, b).shape)
    out.fill(NAN)
    return np.divide(a, b, out=out, where=b > 0)


def div(a: float, b: float) -> float:
    """a / b for day values, nan unless b > 0."""
    return a / b if b > 0 else NAN


def mean_of(x: np.ndarray) -> float:
    """``float(x.mean())`` without its wrapper: numpy's own (pairwise) sum, then / size."""
    return float(np.add.reduce(x)) / x.size


def grouped_mean(values, index, n, counts=None):
    sums = np.bincount(index, weights=values, minlength=n)
    if counts is None:
        counts = np.bincount(index, minlength=n)
    return safe_div(sums, counts)


class Replication:
    """Columns of one replication that several KPIs need, derived once per replication."""

    __slots__ = ("plan", "rec", "grid", "wait", "arrival_interval", "handled", "answered", "issues",
                 "transfer_journeys",
                 "_answer_interval", "_order", "_bounds", "_by_type")

    def __init__(self, plan: Plan, rec: Records):
        self.plan, self.rec = plan, rec
        self.grid = grid_of(plan)
        self.wait = rec.wait
        # Intervals of the arrivals and of the answers, from one call (nan answers: -1).
        n = rec.arrival.size
        at = interval_index(plan, np.concatenate((rec.arrival, rec.answer)))
        self.arrival_interval = np.maximum(at[:n], 0)
        self._answer_interval = at[n:]
        self.handled = None  # see started()
        self.answered = None  # see answered_by()
        self.issues = None  # customers' issues (see journeys), found when first needed
        self.transfer_journeys: Any = None  # issues through their transfer legs (see transfers), when first needed
        n_types = len(plan.contact_types)
        self._order = None  # None: a single contact type, so every row is of that type
        if n_types > 1:
            # Rows grouped by contact type, each type's rows in their own order (a stable sort
            # of small integers sorts by radix): a column is gathered once for every type,
            # instead of one boolean selection per type.
            ctype = rec.ctype
            self._order = np.argsort(ctype.astype(np.int16 if n_types < 32768 else np.int64), kind="stable")
            counts = np.bincount(ctype, minlength=n_types)
            ends = np.cumsum(counts).tolist()
            self._bounds = list(zip([0] + ends[:-1], ends, strict=True))
            self._by_type: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def type_mask(self, k):
        """Rows of contact type *k*, or None when every row is (a single type)."""
        return None if self._order is None else self.rec.ctype == k

    def counted_rows(self, k):
        """The rows of contact type *k* counted in the statistics (arrived after the warm-up), in
        their order, and their intervals of arrival."""
        counted = self.rec.arrival >= self.plan.warmup_s
        rows = self.type_mask(k)
        if rows is not None:
            counted &= rows
        mine = np.flatnonzero(counted)
        return mine, self.arrival_interval[mine]

    def pick(self, column, k):
        """The rows of *column* (one entry per contact) of contact type *k*, in their order.

        Returns a view shared with other callers: read it, never write to it.
        """
        if self._order is None:
            return column
        held = self._by_type.get(id(column))
        if held is None or held[0] is not column:  # holding the column keeps its id unique
            held = self._by_type[id(column)] = (column, column[self._order])
        low, high = self._bounds[k]
        return held[1][low:high]

    def started(self):
        """Contacts started per (group, contact type, interval), and per (group, type)
        inside the statistics windows: one bincount each for every group and type."""
        if self.handled is None:
            plan, rec = self.plan, self.rec
            n_g, n_t, n_int = len(plan.agent_groups), len(plan.contact_types), self.grid.n_int
            taken = rec.group >= 0
            start = rec.answer[taken]
            at = self._answer_interval[taken]
            ok = at >= 0
            if n_g * n_t == 1:  # one group, one type: no key to build
                per_interval = np.bincount(at[ok], minlength=n_int)
                inside = np.array([np.count_nonzero(in_windows(plan, start))])
            else:
                key = rec.group[taken].astype(np.int64) * n_t + rec.ctype[taken]
                per_interval = np.bincount(key[ok] * n_int + at[ok], minlength=n_g * n_t * n_int)
                inside = np.bincount(key[in_windows(plan, start)], minlength=n_g * n_t)
            self.handled = (per_interval.reshape(n_g, n_t, n_int), inside.reshape(n_g, n_t))
        return self.handled

    def answered_by(self):
        """Contacts answered per (group, contact type, arrival interval), and per (group, type)
        for the day: the contacts the contact types count as answered, each under the group
        whose agent answered it, whenever that was (after the horizon end too).

        The one rule of a group's ``handled``: counted like every contact count, by arrival
        (after the warm-up) and in the interval of arrival, so that the groups' handled add
        up to the types' answered, per interval and for the day.
        """
        if self.answered is None:
            plan, rec = self.plan, self.rec
            n_g, n_t, n_int = len(plan.agent_groups), len(plan.contact_types), self.grid.n_int
            rows = (rec.outcome == ANSWERED) & counted(plan, rec.arrival)
            key = rec.group[rows].astype(np.int64) * n_t + rec.ctype[rows]
            per_interval = np.bincount(key * n_int + self.arrival_interval[rows],
                                       minlength=n_g * n_t * n_int).reshape(n_g, n_t, n_int)
            self.answered = (per_interval, per_interval.sum(axis=2))
        return self.answered



def is_type(ctype, types, n_types):
    """Which rows are of one of *types* (a lookup table instead of ``np.isin``)."""
    table = np.zeros(n_types, dtype=bool)
    table[types] = True
    return table[ctype]



def channel_types(plan: Plan, channel: str) -> list[int]:
    """Indices of the contact types of *channel* (voice, chat, email)."""
    return [ct.index for ct in plan.contact_types if ct.channel == channel]
