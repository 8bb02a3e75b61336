"""Caller journeys, shared by their tests: small scenarios, 99 % Student-t intervals over
replications, and the per-contact checks of customers' chains.

Every check rebuilds its quantity from the per-contact records, independently of
``ccsim.metrics.journeys``. Statistical checks use fixed seeds and 99 % intervals
over replications, so a failure is reproducible.
"""

from __future__ import annotations

import numpy as np

import ccsim
from ccsim.engine.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK_FAILED,
    CB_ACCEPTED,
    CB_NONE,
    FIRST,
    IVR_RESOLVED,
    REPEAT,
    RETRIAL,
    WAITING,
)
from ccsim.experiment.stats import mean_ci
from ccsim.plan import DAY_S

CONFIDENCE = 0.99
# An attempt that ended this way may be retried; an answered unresolved contact may repeat.
RETRYABLE = (ABANDONED, BALKED, BLOCKED, CALLBACK_FAILED)


def ci(values, confidence: float = CONFIDENCE) -> tuple[float, float]:
    mean, interval = mean_ci(np.asarray(values, dtype=float), confidence)
    assert interval is not None, values
    return interval


def assert_covers(values, truth: float, what: str, confidence: float = CONFIDENCE) -> None:
    lo, hi = ci(values, confidence)
    assert lo - 1e-12 <= truth <= hi + 1e-12, (
        f"{what}: {confidence:.0%} CI [{lo:.5g}, {hi:.5g}] (mean {np.nanmean(values):.5g}) "
        f"misses {truth:.5g}")


def constant(seconds: float) -> dict:
    return {"dist": "constant", "value": seconds}


def exponential(seconds: float) -> dict:
    return {"dist": "exponential", "mean": seconds}


def scenario(types: dict, groups: dict, *, start: str = "08:00", end: str = "12:00",
             interval: str = "60min", days: int = 1, seed: int = 1, **horizon) -> ccsim.Scenario:
    return ccsim.from_dict({
        "name": "journeys",
        "horizon": {"start": start, "end": end, "interval": interval, "days": days, **horizon},
        "seed": seed,
        "contact_types": types,
        "agent_groups": groups,
    })


def stationary(extra: dict, *, agents: int = 5, seed: int = 2) -> ccsim.Scenario:
    """M/M/c+M at 4 Erlang (5 agents by default) over 8 h after a 1 h warm-up."""
    calls = {"arrivals": {"rate": "48/h"}, "handle_time": exponential(300.0),
             "patience": exponential(240.0), **extra}
    return scenario({"calls": calls}, {"agents": {"skills": ["calls"], "staffing": agents}},
                    start="08:00", end="17:00", warmup="1h", seed=seed)


def overloaded(callback: dict | None = None, seed: int = 1) -> ccsim.Scenario:
    """Two hours of arrivals at 120 % load (144/h x 5 min on 10 agents), impatient callers;
    the agents stay after the last arrival until everybody has been served."""
    calls = {"arrivals": {"rate": "144/h"}, "handle_time": exponential(300.0),
             "patience": exponential(300.0), "service_level": {"threshold": 20}}
    if callback is not None:
        calls["callback"] = callback
    return scenario({"calls": calls}, {"agents": {"skills": ["calls"], "staffing": 10}},
                    start="08:00", end="10:00", interval="30min", seed=seed)


def next_open(plan, t: float) -> tuple[float, int]:
    """When a retrial or repeat due at t arrives, and on which day (>= days: deferred).

    In the night it comes the next morning, as long after opening as it fell after
    closing (modulo the day's open hours).
    """
    day = int(t // DAY_S)
    offset = t - day * DAY_S
    if offset >= plan.horizon_s:
        day += 1
        t = day * DAY_S + (offset - plan.horizon_s) % plan.horizon_s
    return t, day


def ended_at(rec, c: int) -> float:
    """When attempt c ended, i.e. when its retrial (or repeat) delay starts."""
    o = rec.outcome[c]
    if o == ABANDONED:
        return rec.entry[c] + rec.patience[c]  # the caller's deadline
    if o == BALKED:
        return rec.entry[c]
    if o == BLOCKED:
        return rec.arrival[c]
    # Answered (repeat) or a failed callback (the agent dialled for ``handle`` seconds).
    return rec.answer[c] + (rec.handle[c] + rec.acw[c])


def constant_delay(specs: dict, name: str, kind: int) -> float | None:
    """The retrial (or repeat) delay of contact type *name* if it is constant, else None."""
    if kind == RETRIAL:
        d = specs[name].get("retrial", {}).get("delay")
    else:
        d = (specs[name].get("resolution", {}).get("repeat") or {}).get("delay")
    return d["value"] if d is not None and d.get("dist") == "constant" else None


def chains(rec) -> dict[int, np.ndarray]:
    """Each customer's contacts in (contact_no, attempt) order."""
    j = rec.journey
    if not len(rec):
        return {}
    order = np.lexsort((j["attempt"], j["contact_no"], j["customer"]))
    cust = j["customer"][order]
    cuts = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1], True])
    return {int(cust[a]): order[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)}


def end_state(rec, chain: np.ndarray, deferred: bool) -> str:
    """How a customer's issue ended: resolved, unresolved (answered at some contact but
    not resolved), abandoned (for good: never answered), deferred or waiting."""
    last = chain[-1]
    o = rec.outcome[last]
    if deferred:
        return "deferred"
    if o == WAITING:
        return "waiting"
    if o == IVR_RESOLVED or rec.journey["resolved"][last] == 1:
        return "resolved"
    if (rec.outcome[chain] == ANSWERED).any():  # a failed callback is no answer
        return "unresolved"
    assert o in RETRYABLE, o
    return "abandoned"


def check_journey_records(plan, rec, specs: dict) -> dict[int, str]:
    check_contacts(plan, rec)
    return check_chains(plan, rec, specs)


def check_contacts(plan, rec) -> None:
    """Each contact's journey fields agree with its outcome and its type's journey."""
    j = rec.journey
    for name, column in j.items():
        if name != "deferred_customers":
            assert column.shape == (len(rec),), name
    journey = [ct.journey for ct in plan.contact_types]
    arrival, outcome, kind, cb = rec.arrival, rec.outcome, j["kind"], j["callback"]
    # Every contact arrives inside some day's open hours.
    day = np.floor(arrival / DAY_S)
    assert np.all((arrival >= 0) & (day < plan.days)), "arrival outside the horizon"
    assert np.all(arrival - day * DAY_S < plan.horizon_s), "a contact arrived at night"
    # Queue entry after the IVR; waits never negative; answered after entering.
    assert np.all(rec.entry >= arrival)
    has_ivr = np.array([jp is not None and jp.ivr_time is not None for jp in journey])[rec.ctype]
    assert np.all(rec.entry[~has_ivr] == arrival[~has_ivr])
    assert np.all(rec.wait >= 0)
    answered = (outcome == ANSWERED) | (outcome == CALLBACK_FAILED)
    assert np.array_equal(answered, np.isfinite(rec.answer))
    assert np.array_equal(answered, rec.group >= 0)
    assert np.all(rec.answer[answered] >= rec.entry[answered])
    # Waiting inbound callers are answered before their patience runs out.
    inbound = (outcome == ANSWERED) & (cb != CB_ACCEPTED)
    late = rec.answer[inbound] - rec.entry[inbound] > rec.patience[inbound]
    assert not late.any(), "answered after its patience ran out"
    # Accepted callbacks are never abandoned; failed callbacks were accepted ones.
    assert np.all(np.isin(outcome[cb == CB_ACCEPTED], (ANSWERED, CALLBACK_FAILED, WAITING)))
    assert np.all(cb[outcome == CALLBACK_FAILED] == CB_ACCEPTED)
    predicted = j["predicted"]
    for k, jp in enumerate(journey):
        mine = rec.ctype == k
        o = outcome[mine]
        if jp is None:
            assert np.all(kind[mine] != RETRIAL)
            assert not np.isin(o, (BALKED, IVR_RESOLVED, CALLBACK_FAILED)).any()
            assert np.all(cb[mine] == CB_NONE) and np.all(j["converted"][mine] == -1)
            continue
        # Balkers and callback offers were told a wait above their limit.
        balked = mine & (outcome == BALKED)
        assert jp.balk_over is not None or not balked.any()
        assert np.all(predicted[balked] > (jp.balk_over or 0.0))
        offered = mine & (cb != CB_NONE)
        assert jp.callback_over is not None or not offered.any()
        assert np.all(predicted[offered] > (jp.callback_over or 0.0))
        if jp.balk_over is None and jp.callback_over is None:
            assert np.all(np.isnan(predicted[mine]))
        if jp.ivr_time is None or jp.self_service == 0.0:
            assert not (o == IVR_RESOLVED).any()
        # Resolution is decided for answered contacts only (and the IVR's are resolved).
        resolved = j["resolved"][mine]
        if jp.fcr is None:
            assert np.all(resolved[o != IVR_RESOLVED] == -1)
        else:
            assert np.all((resolved >= 0) == ((o == ANSWERED) | (o == IVR_RESOLVED)))
        assert np.all(resolved[o == IVR_RESOLVED] == 1)
        converted = j["converted"][mine]
        if jp.conversion_p is None:
            assert np.all(converted == -1)
        else:
            assert np.all((converted >= 0) == (o == ANSWERED))


def check_chains(plan, rec, specs: dict) -> dict[int, str]:
    """Every customer's contacts form one chain; return each customer's end state.

    *specs* maps contact type name to its scenario dict (for constant delays).
    """
    j = rec.journey
    names = [ct.name for ct in plan.contact_types]
    journey = [ct.journey for ct in plan.contact_types]
    arrival, outcome, kind = rec.arrival, rec.outcome, j["kind"]
    contact_no, attempt, resolved = j["contact_no"], j["attempt"], j["resolved"]
    customers = chains(rec)
    firsts = np.flatnonzero(kind == FIRST)
    assert np.array_equal(j["customer"][firsts], firsts), "a first contact is its own customer"
    assert sorted(customers) == firsts.tolist(), "a customer without a first contact"
    deferred_customers = set(j["deferred_customers"].tolist())
    assert deferred_customers <= set(customers)
    deferred_by_type = np.zeros(len(names), dtype=np.int64)
    states = {}
    for customer, chain in customers.items():
        for prev, c in zip(chain[:-1], chain[1:], strict=True):
            k = rec.ctype[prev]
            jp = journey[k]
            assert jp is not None, f"{names[k]} has no journey, yet customer {customer} went on"
            if attempt[c] > 1:
                # A retrial: the same contact and type, after an attempt that did not get
                # through.
                assert kind[c] == RETRIAL and rec.ctype[c] == k
                assert contact_no[c] == contact_no[prev] and attempt[c] == attempt[prev] + 1
                assert outcome[prev] in RETRYABLE, (customer, outcome[prev])
                assert attempt[c] <= jp.retrial_max
            else:
                # A repeat contact of an answered, unresolved issue (maybe as another type).
                assert kind[c] == REPEAT and contact_no[c] == contact_no[prev] + 1
                assert outcome[prev] == ANSWERED and resolved[prev] == 0, (
                    customer, outcome[prev], resolved[prev])
                assert contact_no[c] <= jp.repeat_max
                assert rec.ctype[c] == (k if jp.repeat_as is None else jp.repeat_as)
            due = ended_at(rec, prev)
            assert arrival[c] >= due, (customer, arrival[c], due)
            delay = constant_delay(specs, names[k], kind[c])
            if delay is not None:
                expected, _ = next_open(plan, due + delay)
                assert arrival[c] == expected, (customer, arrival[c], expected, due, delay)
        numbers = contact_no[chain]
        assert np.array_equal(np.unique(numbers), np.arange(1, numbers.max() + 1))
        for m in np.unique(numbers):
            attempts = attempt[chain][numbers == m]
            assert np.array_equal(attempts, np.arange(1, attempts.size + 1)), (customer, m)
        last = chain[-1]
        k, jp = rec.ctype[last], journey[rec.ctype[last]]
        deferred = customer in deferred_customers
        states[customer] = end_state(rec, chain, deferred)
        can_retry = (jp is not None and outcome[last] in RETRYABLE and jp.retrial_p > 0
                     and attempt[last] < jp.retrial_max)
        can_repeat = (jp is not None and outcome[last] == ANSWERED and resolved[last] == 0
                      and jp.repeat_p > 0 and contact_no[last] < jp.repeat_max)
        if deferred:
            # Only a contact that can lead to another one leads to a deferred one.
            assert can_retry or can_repeat, customer
            follow_up = RETRIAL if can_retry else REPEAT
            deferred_by_type[k if can_retry or jp.repeat_as is None else jp.repeat_as] += 1
            delay = constant_delay(specs, names[k], follow_up)
            if delay is not None:
                _, day = next_open(plan, ended_at(rec, last) + delay)
                assert day >= plan.days, (customer, "deferred within the horizon")
        else:
            # With probability 1, a possible retrial or repeat always happens.
            assert not (can_retry and jp.retrial_p == 1.0), (customer, "retrial missing")
            assert not (can_repeat and jp.repeat_p == 1.0), (customer, "repeat missing")
    assert np.array_equal(rec.deferred, deferred_by_type), (rec.deferred, deferred_by_type)
    return states
