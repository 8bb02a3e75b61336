"""KPIs of caller journeys: per contact attempt and per customer (issue).

Added to a contact type's KPIs when the scenario has caller journeys. Attempt
KPIs count contacts by the interval in which they arrived, like the
foundation's; customer KPIs follow each customer's issue from its first
contact (counted under that contact's type and interval) through retrials and
repeat contacts to its end.

* ivr_resolved, balked, callbacks_failed: attempts ending that way
  (offered = answered + abandoned + blocked + waiting_at_end + balked +
  ivr_resolved + callbacks_failed)
* retrials: attempts that are a retrial (after abandoning, balking, being
  blocked or a failed callback); repeat_contacts: contacts of an unresolved issue
* callbacks_offered / callbacks_accepted / callbacks_completed; callback_delay =
  mean time from accepting to being called back (s)
* sales, conversion_rate = sales / answered contacts with a conversion model
* expected_wait_error = mean |announced expected wait − actual wait| of answered
  contacts that were told a prediction (s)
* deferred: retrials and repeat contacts that would fall after the horizon
* unique_customers: issues that started in the interval
* fcr = issues resolved at their first answered contact / issues whose first
  contact was answered
* contacts_per_issue = contact attempts per issue (retrials and repeats included)
* abandon_rate_customer = issues never answered (a failed callback answers
  nobody), not resolved in the IVR, not deferred and not still waiting at the
  end ("abandoned for good") / issues
* service_level_customer = issues whose first attempt was answered within the
  threshold / issues whose first attempt was answered or abandoned
* rating_mean, share_satisfied: the rating model's score per issue
"""

from __future__ import annotations

import math

import numpy as np

from ..engine.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    CALLBACK_FAILED,
    CB_ACCEPTED,
    CB_DECLINED,
    FIRST,
    IVR_RESOLVED,
    REPEAT,
    RETRIAL,
    TRANSFER,
    WAITING,
    Records,
)
from ..plan import Plan
from .replication import Replication


def _div(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim == 0 and b.ndim == 0:
        return np.float64(float(a) / float(b) if b > 0 else math.nan)
    return np.divide(a, b, out=np.full(np.broadcast(a, b).shape, math.nan), where=b > 0)


def journey_kpis(plan: Plan, rec: Records, k: int, ctx=None) -> tuple[dict, dict]:
    """Day and per-interval journey KPIs of contact type *k*.

    ctx: the replication's shared columns (``Replication``: the one interval rule, shared),
    made if not given.
    """
    ctx = ctx or Replication(plan, rec)
    j = rec.journey
    assert j is not None, "journey KPIs need journey records"
    n_int = ctx.grid.n_int
    # The type's counted contacts only, in their order: every KPI below counts among them.
    mine, interval = ctx.counted_rows(k)
    outcome = rec.outcome[mine]
    wait = ctx.wait[mine]
    cb = j["callback"][mine]
    kind = j["kind"][mine]
    converted = j["converted"][mine]
    predicted = j["predicted"][mine]
    answered = outcome == ANSWERED
    accepted = cb == CB_ACCEPTED

    out_day, out_int = {}, {}
    # Counts per interval of several conditions from one bincount over (condition, interval).
    counts = {
        "ivr_resolved": outcome == IVR_RESOLVED,
        "balked": outcome == BALKED,
        "retrials": kind == RETRIAL,
        "repeat_contacts": kind == REPEAT,
        "callbacks_offered": accepted | (cb == CB_DECLINED),
        "callbacks_accepted": accepted,
        "callbacks_completed": accepted & answered,
        "callbacks_failed": outcome == CALLBACK_FAILED,
        "sales": converted == 1,
    }
    reached = answered | (outcome == CALLBACK_FAILED)
    called = accepted & reached
    with_model = answered & (converted >= 0)
    told = np.isfinite(predicted) & reached
    flags = list(counts.values()) + [called, with_model, told]
    table = _count_table(flags, interval, n_int)

    def put(name):
        i = list(counts).index(name)
        out_day[name], out_int[name] = float(table[i].sum()), table[i].astype(float)

    n_called, n_model, n_told = table[len(counts):]

    def weighted(mask, weights):
        per = np.bincount(interval[mask], weights=weights[mask], minlength=n_int)
        return float(per.sum()), per

    # KPIs in their documented order (the order of the CSV columns).
    for name in list(counts)[:-1]:
        put(name)
    total, per = weighted(called, wait)
    out_day["callback_delay"] = float(_div(total, n_called.sum()))
    out_int["callback_delay"] = _div(per, n_called)
    put("sales")
    out_day["conversion_rate"] = float(_div(out_day["sales"], n_model.sum()))
    out_int["conversion_rate"] = _div(out_int["sales"], n_model)
    total, per = weighted(told, np.abs(predicted - np.where(told, wait, 0.0)))
    out_day["expected_wait_error"] = float(_div(total, n_told.sum()))
    out_int["expected_wait_error"] = _div(per, n_told)
    out_day["deferred"] = float(rec.deferred[k]) if rec.deferred is not None else 0.0
    out_int["deferred"] = np.full(n_int, np.nan)  # known per type for the horizon only
    issue_day, issue_int = _issue_kpis(plan, rec, k, ctx)
    out_day.update(issue_day)
    out_int.update(issue_int)
    return out_day, out_int


def _count_table(flags, interval, n_int) -> np.ndarray:
    """Per condition (boolean arrays over the same rows), its rows per interval:
    shape (conditions, intervals), whole numbers."""
    which, row = np.nonzero(np.stack(flags)) if flags[0].size else (np.zeros(0, int), np.zeros(0, int))
    return np.bincount(which * n_int + interval[row], minlength=len(flags) * n_int).reshape(len(flags), n_int)


class _Issues:
    """Each customer's issue, from all contacts of the replication (every contact type):
    found once per replication and shared by the KPIs of every type."""

    __slots__ = ("first", "idx", "n_issues", "contacts", "ever_answered", "ivr", "abandoned_for_good",
                 "has_first", "resolved_first", "resolved_any", "first_inbound", "first_wait",
                 "first_abandoned", "first_type", "first_counted", "_waited")

    def __init__(self, plan: Plan, rec: Records, wait):
        j = rec.journey
        assert j is not None, "issues need journey records"
        customer = j["customer"]
        order = np.lexsort((j["attempt"], j["contact_no"], rec.arrival, customer))
        cust = customer[order]
        starts = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1]])
        first = order[starts]  # each issue's first contact
        issue_of = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, order.size]))
        idx = np.empty(order.size, dtype=np.int64)
        idx[order] = issue_of  # issue number of every contact
        n_issues = starts.size
        outcome = rec.outcome
        answered = outcome == ANSWERED  # a failed callback reached nobody
        self.ever_answered = np.bincount(idx, weights=answered, minlength=n_issues) > 0
        still_waiting = np.bincount(idx, weights=outcome == WAITING, minlength=n_issues) > 0
        self.ivr = np.bincount(idx, weights=outcome == IVR_RESOLVED, minlength=n_issues) > 0
        deferred = np.isin(customer[first], j["deferred_customers"])
        # A transferred issue is one contact: its transfer legs are not contacts of their own.
        self.contacts = np.bincount(idx, weights=j["kind"] != TRANSFER, minlength=n_issues)
        self.resolved_any = np.bincount(idx, weights=j["resolved"] == 1, minlength=n_issues) > 0
        # First answered contact of the first contact (contact_no 1): resolved there?
        first_contact_answered = (j["contact_no"] == 1) & answered
        self.has_first = np.bincount(idx, weights=first_contact_answered, minlength=n_issues) > 0
        self.resolved_first = np.bincount(idx, weights=first_contact_answered & (j["resolved"] == 1),
                                          minlength=n_issues) > 0
        first_out = outcome[first]
        self.first_wait = wait[first]
        self.first_inbound = (first_out == ANSWERED) & (j["callback"][first] != CB_ACCEPTED)
        self.first_abandoned = first_out == ABANDONED
        self.abandoned_for_good = ~self.ever_answered & ~self.ivr & ~deferred & ~still_waiting
        self.first_type = rec.ctype[first]
        self.first_counted = (j["kind"][first] == FIRST) & (rec.arrival[first] >= plan.warmup_s)
        self.first, self.idx, self.n_issues = first, idx, n_issues
        self._waited: tuple[np.ndarray, np.ndarray] | None = None

    def waited(self, rec: Records, wait):
        """Per issue: minutes waited over all its contacts, and whether any abandoned or balked."""
        if self._waited is None:
            idx, n_issues, outcome = self.idx, self.n_issues, rec.outcome
            finite_wait = np.where(np.isfinite(wait), wait, 0.0)
            minutes = np.bincount(idx, weights=finite_wait, minlength=n_issues) / 60.0
            abandoned_any = np.bincount(idx, weights=(outcome == ABANDONED) | (outcome == BALKED),
                                        minlength=n_issues) > 0
            self._waited = (minutes, abandoned_any)
        return self._waited


def _issue_kpis(plan: Plan, rec: Records, k: int, ctx):
    """Per-customer KPIs: each issue is attributed to its first contact's type and interval."""
    j = rec.journey
    assert j is not None, "issue KPIs need journey records"
    n_int = ctx.grid.n_int
    customer = j["customer"]
    if customer.size == 0:  # nobody called
        nan = np.full(n_int, np.nan)
        day = {key: math.nan for key in ("contacts_per_issue", "abandon_rate_customer",
                                         "service_level_customer", "fcr", "rating_mean", "share_satisfied")}
        day["unique_customers"] = 0.0
        intervals = {key: nan.copy() for key in day}
        intervals["unique_customers"] = np.zeros(n_int)
        return day, intervals
    if ctx.issues is None:
        ctx.issues = _Issues(plan, rec, ctx.wait)
    issues = ctx.issues
    # This type's issues (first contact of the type, counted), in issue order.
    mine = np.flatnonzero((issues.first_type == k) & issues.first_counted)
    first = issues.first[mine]
    contacts = issues.contacts[mine]
    ct = plan.contact_types[k]
    modelled = ct.journey is not None and ct.journey.fcr is not None
    first_inbound = issues.first_inbound[mine]
    sl_within = first_inbound & (issues.first_wait[mine] <= ct.sl_threshold)
    sl_base = first_inbound | issues.first_abandoned[mine]
    at = ctx.arrival_interval[first]
    flags = [issues.abandoned_for_good[mine], sl_within, sl_base, issues.resolved_first[mine],
             issues.has_first[mine]]
    table = _count_table(flags, at, n_int)
    totals = table.sum(axis=1).tolist()
    per = dict(zip(("abandoned_for_good", "sl_within", "sl_base", "resolved_first", "has_first"),
                   table.astype(float), strict=True))
    n_i = np.bincount(at, minlength=n_int).astype(float)
    n_mine = float(mine.size)
    day = {
        "unique_customers": n_mine,
        "contacts_per_issue": float(_div(contacts.sum(), n_mine)),
        "abandon_rate_customer": float(_div(totals[0], n_mine)),
        "service_level_customer": float(_div(totals[1], totals[2])),
        "fcr": float(_div(totals[3], totals[4])) if modelled else math.nan,
    }
    intervals = {
        "unique_customers": n_i,
        "contacts_per_issue": _div(np.bincount(at, weights=contacts, minlength=n_int), n_i),
        "abandon_rate_customer": _div(per["abandoned_for_good"], n_i),
        "service_level_customer": _div(per["sl_within"], per["sl_base"]),
        "fcr": _div(per["resolved_first"], per["has_first"]) if modelled else np.full(n_int, np.nan),
    }
    rating = ct.journey.rating if ct.journey is not None else None
    if rating is None:
        day.update(rating_mean=math.nan, share_satisfied=math.nan)
        intervals.update(rating_mean=np.full(n_int, np.nan), share_satisfied=np.full(n_int, np.nan))
        return day, intervals
    minutes, abandoned_any = issues.waited(rec, ctx.wait)
    if modelled:
        unresolved = ~(issues.resolved_any[mine] | issues.ivr[mine])
    else:
        unresolved = ~(issues.ever_answered[mine] | issues.ivr[mine])
    # The rating of this type's issues only (element by element, as for all issues).
    score = (rating.base + rating.per_minute_waited * minutes[mine] + rating.abandoned * abandoned_any[mine]
             + rating.unresolved * unresolved + rating.per_extra_contact * (contacts - 1)
             + rating.noise * j["rating_noise"][first])
    score = np.clip(np.rint(score), 1, rating.scale)
    satisfied = score >= rating.satisfied_at
    day["rating_mean"] = float(score.mean()) if mine.size else math.nan
    day["share_satisfied"] = float(satisfied.mean()) if mine.size else math.nan
    intervals["rating_mean"] = _div(np.bincount(at, weights=score, minlength=n_int), n_i)
    intervals["share_satisfied"] = _div(np.bincount(at[satisfied], minlength=n_int).astype(float), n_i)
    return day, intervals
