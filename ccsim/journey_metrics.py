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

from .engine.records import (
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
    WAITING,
    Records,
)
from .plan import Plan

JOURNEY_KPIS = (
    "ivr_resolved", "balked", "retrials", "repeat_contacts", "callbacks_offered", "callbacks_accepted",
    "callbacks_completed", "callbacks_failed", "callback_delay", "sales", "conversion_rate",
    "expected_wait_error", "deferred", "unique_customers", "fcr", "contacts_per_issue",
    "abandon_rate_customer", "service_level_customer", "rating_mean", "share_satisfied",
)


def _div(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim == 0 and b.ndim == 0:
        return np.float64(float(a) / float(b) if b > 0 else math.nan)
    return np.divide(a, b, out=np.full(np.broadcast(a, b).shape, math.nan), where=b > 0)


def journey_kpis(plan: Plan, rec: Records, k: int, ctx=None) -> tuple[dict, dict]:
    """Day and per-interval journey KPIs of contact type *k*.

    ctx: the replication's shared columns (``metrics._Replication``), made if not given.
    """
    from .metrics import _Replication  # the one interval rule, shared

    ctx = ctx or _Replication(plan, rec)
    j = rec.journey
    n_int = ctx.grid.n_int
    rows = ctx.type_rows[k]
    counted = rec.arrival >= plan.warmup_s
    if rows is not None:
        counted &= rows
    interval = ctx.arrival_interval
    outcome = rec.outcome
    wait = ctx.wait
    cb = j["callback"]

    def both(mask, weights=None):
        per = np.bincount(interval[mask], weights=None if weights is None else weights[mask], minlength=n_int)
        return float(per.sum()), per.astype(float)

    out_day, out_int = {}, {}

    def put(name, mask):
        out_day[name], out_int[name] = both(counted & mask)

    put("ivr_resolved", outcome == IVR_RESOLVED)
    put("balked", outcome == BALKED)
    put("retrials", j["kind"] == RETRIAL)
    put("repeat_contacts", j["kind"] == REPEAT)
    put("callbacks_offered", (cb == CB_ACCEPTED) | (cb == CB_DECLINED))
    put("callbacks_accepted", cb == CB_ACCEPTED)
    put("callbacks_completed", (cb == CB_ACCEPTED) & (outcome == ANSWERED))
    put("callbacks_failed", outcome == CALLBACK_FAILED)
    reached = (outcome == ANSWERED) | (outcome == CALLBACK_FAILED)
    called = counted & (cb == CB_ACCEPTED) & reached
    delay = np.where(called, wait, 0.0)
    total, per = both(called, delay)
    n_called = np.bincount(interval[called], minlength=n_int)
    out_day["callback_delay"] = float(_div(total, n_called.sum()))
    out_int["callback_delay"] = _div(per, n_called)
    put("sales", j["converted"] == 1)
    with_model = counted & (outcome == ANSWERED) & (j["converted"] >= 0)
    n_model = np.bincount(interval[with_model], minlength=n_int)
    out_day["conversion_rate"] = float(_div(out_day["sales"], n_model.sum()))
    out_int["conversion_rate"] = _div(out_int["sales"], n_model)
    told = counted & np.isfinite(j["predicted"]) & reached
    error = np.where(told, np.abs(j["predicted"] - np.where(told, wait, 0.0)), 0.0)
    total, per = both(told, error)
    n_told = np.bincount(interval[told], minlength=n_int)
    out_day["expected_wait_error"] = float(_div(total, n_told.sum()))
    out_int["expected_wait_error"] = _div(per, n_told)
    out_day["deferred"] = float(rec.deferred[k]) if rec.deferred is not None else 0.0
    out_int["deferred"] = np.full(n_int, np.nan)  # known per type for the horizon only
    issue_day, issue_int = _issue_kpis(plan, rec, k, ctx)
    out_day.update(issue_day)
    out_int.update(issue_int)
    return out_day, out_int


class _Issues:
    """Each customer's issue, from all contacts of the replication (every contact type):
    found once per replication and shared by the KPIs of every type."""

    __slots__ = ("first", "idx", "n_issues", "contacts", "ever_answered", "ivr", "abandoned_for_good",
                 "has_first", "resolved_first", "resolved_any", "first_inbound", "first_wait",
                 "first_abandoned", "first_type", "first_kind", "first_counted")

    def __init__(self, plan: Plan, rec: Records, wait):
        j = rec.journey
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
        self.contacts = np.bincount(idx, minlength=n_issues).astype(float)
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


def _issue_kpis(plan: Plan, rec: Records, k: int, ctx):
    """Per-customer KPIs: each issue is attributed to its first contact's type and interval."""
    j = rec.journey
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
    first, idx, n_issues, contacts = issues.first, issues.idx, issues.n_issues, issues.contacts
    mine = (issues.first_type == k) & issues.first_counted
    ct = plan.contact_types[k]
    modelled = ct.journey is not None and ct.journey.fcr is not None
    sl_within = issues.first_inbound & (issues.first_wait <= ct.sl_threshold)
    sl_base = issues.first_inbound | issues.first_abandoned
    at = ctx.arrival_interval[first]

    def per(mask, weights=None):
        m = mine & mask
        return np.bincount(at[m], weights=None if weights is None else weights[m], minlength=n_int).astype(float)

    n_i = np.bincount(at[mine], minlength=n_int).astype(float)
    n_mine = float(mine.sum())
    day = {
        "unique_customers": n_mine,
        "contacts_per_issue": float(_div(contacts[mine].sum(), n_mine)),
        "abandon_rate_customer": float(_div((mine & issues.abandoned_for_good).sum(), n_mine)),
        "service_level_customer": float(_div((mine & sl_within).sum(), (mine & sl_base).sum())),
        "fcr": float(_div((mine & issues.resolved_first).sum(), (mine & issues.has_first).sum()))
        if modelled else math.nan,
    }
    intervals = {
        "unique_customers": n_i,
        "contacts_per_issue": _div(np.bincount(at[mine], weights=contacts[mine], minlength=n_int), n_i),
        "abandon_rate_customer": _div(per(issues.abandoned_for_good), n_i),
        "service_level_customer": _div(per(sl_within), per(sl_base)),
        "fcr": _div(per(issues.resolved_first), per(issues.has_first)) if modelled else np.full(n_int, np.nan),
    }
    rating = ct.journey.rating if ct.journey is not None else None
    if rating is None:
        day.update(rating_mean=math.nan, share_satisfied=math.nan)
        intervals.update(rating_mean=np.full(n_int, np.nan), share_satisfied=np.full(n_int, np.nan))
        return day, intervals
    outcome, wait = rec.outcome, ctx.wait
    finite_wait = np.where(np.isfinite(wait), wait, 0.0)
    minutes = np.bincount(idx, weights=finite_wait, minlength=n_issues) / 60.0
    abandoned_any = np.bincount(idx, weights=(outcome == ABANDONED) | (outcome == BALKED),
                                minlength=n_issues) > 0
    unresolved = ~(issues.resolved_any | issues.ivr) if modelled else ~(issues.ever_answered | issues.ivr)
    score = (rating.base + rating.per_minute_waited * minutes + rating.abandoned * abandoned_any
             + rating.unresolved * unresolved + rating.per_extra_contact * (contacts - 1)
             + rating.noise * j["rating_noise"][first])
    score = np.clip(np.rint(score), 1, rating.scale)
    satisfied = score >= rating.satisfied_at
    day["rating_mean"] = float(score[mine].mean()) if mine.any() else math.nan
    day["share_satisfied"] = float(satisfied[mine].mean()) if mine.any() else math.nan
    intervals["rating_mean"] = _div(per(np.ones(n_issues, dtype=bool), score), n_i)
    intervals["share_satisfied"] = _div(per(satisfied), n_i)
    return day, intervals
