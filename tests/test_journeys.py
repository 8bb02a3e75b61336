"""Caller journeys: IVR, balking, retrials, resolution and repeat contacts, callbacks,
conversion, the customer rating and multi-day horizons.

1. Switched off, journeys change nothing: no-op journey keys give the foundation's JSON;
   journeys that are on but neutral route, queue and abandon like the lean engine; a
   journey on one contact type leaves the other types' draws and records unchanged.
2. With ample agents (nobody waits) the probabilities come back: contacts per issue =
   1 / first-contact resolution (geometric), fcr = first_contact x resolution_factor
   (capped at 1), the IVR's self-service share, the conversion probability.
3, 4. Properties on random journeys (hypothesis, 1-2 days): every customer's contacts
   form one chain (consecutive attempt and contact numbers; a retrial follows an
   abandoned, balked, blocked or failed-callback attempt, a repeat an answered unresolved
   contact; constant delays and the night's shift to the next morning reproduced
   exactly); every customer ends resolved, unresolved, abandoned for good, deferred or
   still waiting; lines, work conservation; offered = the sum of the outcome counts per
   day and interval; the customer KPIs and ratings agree with their definitions.
5-9. Callbacks (paired comparison, none lost, reach probability), balking (huge limit,
   limit 0 = Erlang B, predictor error), three days (repeats on later days, deferred,
   agents go home at night), located errors, and the rating model.

Every check rebuilds its quantity from the per-contact records, independently of
``ccsim.metrics.journeys``. Statistical checks use fixed seeds and 99 % Student-t
intervals over replications, so a failure is reproducible.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.arrivals import draw_contacts
from ccsim.engine.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK_FAILED,
    CB_ACCEPTED,
    CB_DECLINED,
    CB_NONE,
    FIRST,
    IVR_RESOLVED,
    REPEAT,
    RETRIAL,
    WAITING,
)
from ccsim.erlang import erlang_b
from ccsim.experiment.stats import mean_ci
from ccsim.plan import DAY_S, build_plan
from ccsim.scenario import ScenarioError

CONFIDENCE = 0.99
# An attempt that ended this way may be retried; an answered unresolved contact may repeat.
RETRYABLE = (ABANDONED, BALKED, BLOCKED, CALLBACK_FAILED)
COUNTS = ("answered", "abandoned", "blocked", "waiting_at_end", "balked", "ivr_resolved",
          "callbacks_failed")
OUTCOME_OF = {"waiting_at_end": WAITING, "answered": ANSWERED, "abandoned": ABANDONED,
              "blocked": BLOCKED, "balked": BALKED, "ivr_resolved": IVR_RESOLVED,
              "callbacks_failed": CALLBACK_FAILED}


def dumps(est) -> str:
    return json.dumps(est.to_dict(), sort_keys=True, allow_nan=False)


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


# --------------------------------------------------------------------------- 1: switched off


def foundation_types() -> dict:
    """Two contact types with patience, wrap-up and lines: a small but busy centre."""
    return {
        "sales": {"arrivals": {"rate": "50/h"}, "handle_time": exponential(240.0),
                  "after_call_work": constant(20.0), "patience": exponential(120.0), "lines": 8},
        "support": {"arrivals": {"per_interval": [20, 40, 30, 25]},
                    "handle_time": {"dist": "lognormal", "mean": 300.0, "cv": 0.8},
                    "patience": {"dist": "weibull", "mean": 200.0, "shape": 0.8}},
    }


FOUNDATION_GROUPS = {"front": {"skills": ["sales", "support"], "staffing": [3, 5, 4, 3]},
                     "back": {"skills": ["support"], "staffing": 2}}


def with_keys(types: dict, keys: dict) -> dict:
    out = json.loads(json.dumps(types))
    for ct in out.values():
        ct.update(json.loads(json.dumps(keys)))
    return out


@pytest.mark.parametrize("keys", [
    {"wait_predictor": "queue_position"},
    {"wait_predictor": "last_to_enter_service"},
    {"retrial": {"probability": 0.0, "delay": exponential(600.0)}},
], ids=["queue_position", "last_to_enter_service", "retrial-probability-0"])
def test_journey_keys_that_switch_nothing_on_give_the_foundations_json(keys):
    base = scenario(foundation_types(), FOUNDATION_GROUPS)
    variant = scenario(with_keys(foundation_types(), keys), FOUNDATION_GROUPS)
    assert build_plan(variant).contact_types[0].journey is None
    assert dumps(ccsim.simulate(variant, replications=3, seed=5)) == dumps(
        ccsim.simulate(base, replications=3, seed=5))


# Journey features that are on (so the journey path of the engine runs) but change nothing
# that happens to a contact: no self-service in a zero-second IVR, nobody balks, every
# answer resolves, no callback accepted, one attempt only.
NEUTRAL = {
    "ivr": {"time": constant(0.0), "self_service": 0.0},
    "balking": {"when_expected_wait_over": 0, "probability": 0.0},
    "retrial": {"probability": 1.0, "delay": constant(60.0), "max_attempts": 1},
    "resolution": {"first_contact": 1.0, "repeat": {"probability": 1.0, "delay": constant(60.0)}},
    "callback": {"offer_when_expected_wait_over": 0, "accept_probability": 0.0},
    "conversion": {"probability": 0.3},
}


def test_neutral_journeys_leave_the_foundations_kpis_unchanged():
    """The journey path of the engine routes, queues and abandons like the lean path."""
    base = ccsim.simulate(scenario(foundation_types(), FOUNDATION_GROUPS), replications=4,
                          seed=9, keep_records=True)
    neutral = ccsim.simulate(scenario(with_keys(foundation_types(), NEUTRAL), FOUNDATION_GROUPS),
                             replications=4, seed=9, keep_records=True)
    for a, b in zip(base.replication_results, neutral.replication_results, strict=True):
        for name, kpis in a.contact_types.items():
            for kpi, value in kpis.items():
                assert b.contact_types[name][kpi] == pytest.approx(value, nan_ok=True, rel=1e-12), (
                    name, kpi)
                assert np.allclose(b.intervals[name][kpi], a.intervals[name][kpi], equal_nan=True,
                                   rtol=1e-12, atol=0), (name, kpi)
        for name, kpis in a.agent_groups.items():
            for kpi, value in kpis.items():
                assert b.agent_groups[name][kpi] == pytest.approx(value, nan_ok=True, rel=1e-12)
    for ra, rb in zip(base.records, neutral.records, strict=True):
        assert len(rb) == len(ra)  # no retrial, no repeat
        for name in ("arrival", "ctype", "outcome", "answer", "group", "handle", "acw", "patience"):
            assert np.array_equal(getattr(ra, name), getattr(rb, name), equal_nan=True), name
        assert np.all(rb.journey["callback"][np.isfinite(rb.journey["predicted"])] == CB_DECLINED)


def test_a_journey_on_one_type_leaves_the_other_types_contacts_unchanged():
    types = foundation_types()
    types["support"].update(NEUTRAL, retrial={"probability": 0.7, "delay": exponential(300.0)},
                            resolution={"first_contact": 0.5,
                                        "repeat": {"probability": 0.8,
                                                   "delay": exponential(900.0)}},
                            callback={"offer_when_expected_wait_over": 60,
                                      "accept_probability": 0.5})
    # Each type with its own agents, so that support's journeys cannot change sales' queue.
    groups = {"front": {"skills": ["sales"], "staffing": [3, 5, 4, 3]},
              "back": {"skills": ["support"], "staffing": 2}}
    plain, journeyed = (build_plan(scenario(t, groups)) for t in (foundation_types(), types))
    assert plain.contact_types[0].journey is None and journeyed.contact_types[1].journey is not None
    for r in range(3):
        before, after = draw_contacts(plain, r), draw_contacts(journeyed, r)
        for k in range(2):
            for name in ("arrival", "handle", "acw", "patience"):
                assert np.array_equal(getattr(before, name)[before.ctype == k],
                                      getattr(after, name)[after.ctype == k]), (k, name)
        rec_a, rec_b = simulate_replication(plain, r), simulate_replication(journeyed, r)
        assert rec_b.journey is not None and (rec_b.journey["kind"] != FIRST).any()
        sales_a, sales_b = rec_a.ctype == 0, rec_b.ctype == 0
        for name in ("arrival", "outcome", "answer", "handle", "acw", "patience"):
            assert np.array_equal(getattr(rec_a, name)[sales_a], getattr(rec_b, name)[sales_b],
                                  equal_nan=True), name


# --------------------------------------------------------------------------- 2: ample agents


def ample_scenario(seed: int = 3) -> ccsim.Scenario:
    """Nobody waits: each type has far more agents than it could ever keep busy."""
    issue = {"arrivals": {"rate": "60/h"}, "handle_time": exponential(180.0),
             "patience": exponential(60.0)}
    repeat = {"probability": 1.0, "delay": constant(60.0), "max_contacts": 50}
    types = {
        "plain": {**issue, "resolution": {"first_contact": 0.6, "repeat": repeat}},
        "expert": {**issue, "resolution": {"first_contact": 0.6, "repeat": repeat}},
        "capped": {**issue, "resolution": {"first_contact": 0.6, "repeat": repeat}},
        "selfserve": {**issue, "ivr": {"time": exponential(40.0), "self_service": 0.3}},
        "sales": {**issue, "conversion": {"probability": 0.35, "per_minute_waited": 0.0}},
        "sales_slope": {**issue, "conversion": {"probability": 0.35, "per_minute_waited": -0.5}},
    }
    groups = {
        "desk": {"skills": ["plain", "selfserve", "sales", "sales_slope"], "staffing": 80},
        "experts": {"skills": ["expert"], "staffing": 40, "resolution_factor": 1.1},
        "wizards": {"skills": ["capped"], "staffing": 40, "resolution_factor": 2.0},
    }
    return scenario(types, groups, start="08:00", end="20:00", seed=seed)


@pytest.mark.slow
def test_with_ample_agents_journeys_reproduce_their_probabilities():
    sc = ample_scenario()
    est = ccsim.simulate(sc, replications=40, keep_records=True)
    plan = est.plan
    names = [ct.name for ct in plan.contact_types]
    early_s = plan.horizon_s - 2 * 3600.0  # issues started 2 h before closing never reach it
    n_early = int(early_s // plan.interval_s)
    cpi = {name: [] for name in ("plain", "expert")}
    for rec, result in zip(est.records, est.replication_results, strict=True):
        assert np.all(rec.wait[rec.outcome == ANSWERED] == 0.0), "somebody waited"
        assert not np.isin(rec.outcome, (ABANDONED, WAITING, BALKED)).any()
        customers = chains(rec)
        for name in cpi:
            k = names.index(name)
            early = [c for c in customers if rec.ctype[c] == k and rec.arrival[c] < early_s]
            assert not set(early) & set(rec.journey["deferred_customers"].tolist())
            sizes = np.array([customers[c].size for c in early])
            # The engine's per-interval KPI says the same for those intervals.
            per = result.intervals[name]
            n_i = per["unique_customers"][:n_early]
            assert n_i.sum() == len(early)
            contacts = np.nansum(per["contacts_per_issue"][:n_early] * n_i)
            assert contacts == pytest.approx(sizes.sum())
            cpi[name].append(sizes.mean())
    # Geometric number of contacts: each answered contact resolves with probability p.
    assert_covers(cpi["plain"], 1 / 0.6, "contacts per issue, factor 1")
    assert_covers(cpi["expert"], 1 / 0.66, "contacts per issue, factor 1.1")
    kpis = est.contact_types
    assert_covers(kpis["plain"]["fcr"].values, 0.6, "fcr, factor 1")
    assert_covers(kpis["expert"]["fcr"].values, 0.66, "fcr, factor 1.1")
    # 0.6 x 2.0 is capped at 1: every answer resolves, nobody calls again.
    assert np.all(kpis["capped"]["fcr"].values == 1.0)
    assert np.all(kpis["capped"]["contacts_per_issue"].values == 1.0)
    assert np.all(kpis["capped"]["repeat_contacts"].values == 0.0)
    selfserve = kpis["selfserve"]
    assert_covers(selfserve["ivr_resolved"].values / selfserve["offered"].values, 0.3,
                  "IVR self-service share")
    k = names.index("selfserve")
    ivr = [rec.entry[rec.ctype == k] - rec.arrival[rec.ctype == k] for rec in est.records]
    assert_covers([x.mean() for x in ivr], 40.0, "IVR time")
    # Nobody waits, so the slope of conversion against minutes waited does not matter.
    assert_covers(kpis["sales"]["conversion_rate"].values, 0.35, "conversion rate")
    assert_covers(kpis["sales_slope"]["conversion_rate"].values, 0.35, "conversion rate, slope")
    assert kpis["sales"]["sales"].values == pytest.approx(
        kpis["sales"]["conversion_rate"].values * kpis["sales"]["answered"].values, rel=1e-12)


@pytest.mark.slow
def test_retrials_repeats_and_conversion_follow_their_probabilities_and_delays():
    """Callers wait here: each decision is a coin with the scenario's probability, each
    delay is drawn from its distribution, and a sale's chance falls with the minutes
    waited (probability + per_minute_waited x minutes, clipped to [0, 1])."""
    extra = {"retrial": {"probability": 0.6, "delay": exponential(600.0), "max_attempts": 3},
             "resolution": {"first_contact": 0.7,
                            "repeat": {"probability": 0.5, "delay": exponential(1200.0)}},
             "conversion": {"probability": 0.4, "per_minute_waited": -0.1}}
    sc = stationary(extra, agents=4)
    plan, shares = build_plan(sc), {key: [] for key in ("retry", "repeat", "gap_r", "gap_p")}
    surplus = []
    for r in range(30):
        rec = simulate_replication(plan, r)
        j = rec.journey
        customers = chains(rec)
        deferred = set(j["deferred_customers"].tolist())
        retried, repeated, gaps = [], [], {RETRIAL: [], REPEAT: []}
        for customer, chain in customers.items():
            for i, c in enumerate(chain):
                nxt = chain[i + 1] if i + 1 < chain.size else None
                went_on = nxt is not None or customer in deferred
                if rec.outcome[c] == ABANDONED and j["attempt"][c] < 3:
                    retried.append(went_on)
                if rec.outcome[c] == ANSWERED and j["resolved"][c] == 0:
                    repeated.append(went_on)
                if nxt is not None:
                    gaps[j["kind"][nxt]].append(rec.arrival[nxt] - ended_at(rec, c))
        shares["retry"].append(np.mean(retried))
        shares["repeat"].append(np.mean(repeated))
        shares["gap_r"].append(np.mean(gaps[RETRIAL]))
        shares["gap_p"].append(np.mean(gaps[REPEAT]))
        answered = rec.outcome == ANSWERED
        p = np.clip(0.4 - 0.1 * rec.wait[answered] / 60.0, 0.0, 1.0)
        surplus.append(np.count_nonzero(j["converted"][answered] == 1) - p.sum())
    assert_covers(shares["retry"], 0.6, "share of abandoned callers who try again")
    assert_covers(shares["repeat"], 0.5, "share of unresolved issues that come back")
    assert_covers(shares["gap_r"], 600.0, "mean retrial delay")
    assert_covers(shares["gap_p"], 1200.0, "mean repeat delay")
    assert_covers(surplus, 0.0, "sales - expected sales given the waits")


# ------------------------------------------------------------ 3, 4: customers and conservation


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


def check_lines(plan, rec) -> None:
    """Blocked exactly when every line of the type is held at arrival. A line is held from
    arrival until the caller leaves the queue (abandons, balks, takes a callback, ends in
    the IVR) or, when answered inbound, until the talk ends."""
    j = rec.journey
    release = np.where(rec.outcome == ABANDONED, rec.entry + rec.patience, np.inf)
    inbound = (rec.outcome == ANSWERED) & (j["callback"] != CB_ACCEPTED)
    release[inbound] = rec.answer[inbound] + rec.handle[inbound]
    left = np.isin(rec.outcome, (BALKED, IVR_RESOLVED)) | (j["callback"] == CB_ACCEPTED)
    release[left] = rec.entry[left]
    for ct in plan.contact_types:
        if not ct.lines:
            continue
        mine = np.flatnonzero(rec.ctype == ct.index)
        held = mine[rec.outcome[mine] != BLOCKED]
        a, r = rec.arrival[held], release[held]
        for i in mine:
            t = rec.arrival[i]
            others = held[held != i]
            if np.any(rec.arrival[others] == t) or np.any(release[others] == t):
                continue  # simultaneous events: their order decides, not checked here
            in_use = np.count_nonzero((a < t) & (r > t))
            assert in_use <= ct.lines, (ct.name, t, in_use)
            assert (rec.outcome[i] == BLOCKED) == (in_use >= ct.lines), (
                f"{ct.name}: contact {i} at {t:g} s, {in_use} of {ct.lines} lines in use, "
                f"outcome {rec.outcome[i]}")


def check_work_conservation(plan, rec) -> None:
    """No caller (or accepted callback) waits while an agent who could take it is idle."""
    j = rec.journey
    leave = np.where(rec.outcome == ABANDONED, rec.entry + rec.patience, rec.entry)
    answered = np.isfinite(rec.answer)
    leave[answered] = rec.answer[answered]
    leave[rec.outcome == WAITING] = np.inf
    waited = leave > rec.entry
    for g, gp in enumerate(plan.agent_groups):
        mine = answered & (rec.group == g)
        starts, ends = rec.answer[mine], rec.answer[mine] + (rec.handle[mine] + rec.acw[mine])
        times, present = rec.present_log[g]
        points = np.unique(np.concatenate((times, starts, ends)))
        here = present[np.searchsorted(times, points, side="right") - 1]
        busy = (np.searchsorted(np.sort(starts), points, side="right")
                - np.searchsorted(np.sort(ends), points, side="right"))
        assert np.all(busy <= here), f"group {gp.name}: busy > present at {points[busy > here][:5]}"
        idle = here - busy
        seg_start = points[idle > 0]
        seg_end = np.append(points[1:], np.inf)[idle > 0]
        skilled = waited & np.isin(rec.ctype, gp.skill_indices)
        a, e = rec.entry[skilled], leave[skilled]
        k = np.searchsorted(seg_end, a, side="right")  # first idle stretch ending after entry
        has = k < seg_start.size
        clash = has.copy()
        clash[has] = seg_start[k[has]] < e[has]
        assert not clash.any(), (
            f"group {gp.name} had an idle agent while contacts waited: entered {a[clash][:5]}, "
            f"left {e[clash][:5]}, callback {j['callback'][skilled][clash][:5]}")


def check_conservation(plan, rec, result) -> None:
    """offered = answered + abandoned + blocked + waiting + balked + IVR + failed callbacks."""
    n_int = plan.n_intervals * plan.days
    day_of = np.floor(rec.arrival / DAY_S)
    offset = rec.arrival - day_of * DAY_S
    interval = (day_of * plan.n_intervals
                + np.minimum(offset // plan.interval_s, plan.n_intervals - 1)).astype(int)
    counted = rec.arrival >= plan.warmup_s
    for ct in plan.contact_types:
        day, per = result.contact_types[ct.name], result.intervals[ct.name]
        assert day["offered"] == sum(day[k] for k in COUNTS), ct.name
        assert np.array_equal(per["offered"], sum(per[k] for k in COUNTS)), ct.name
        mine = (rec.ctype == ct.index) & counted
        assert day["offered"] == np.count_nonzero(mine)
        assert np.array_equal(per["offered"], np.bincount(interval[mine], minlength=n_int))
        for kpi, code in OUTCOME_OF.items():
            these = mine & (rec.outcome == code)
            assert day[kpi] == np.count_nonzero(these), (ct.name, kpi)
            assert np.array_equal(per[kpi], np.bincount(interval[these], minlength=n_int)), (
                ct.name, kpi)
            assert per[kpi].sum() == day[kpi]


def check_issue_kpis(plan, rec, result, states: dict[int, str]) -> None:
    """Customer KPIs from the chains: issues, contacts per issue, abandoned for good."""
    j = rec.journey
    customers = chains(rec)
    for ct in plan.contact_types:
        day = result.contact_types[ct.name]
        mine = [c for c in customers
                if rec.ctype[c] == ct.index and rec.arrival[c] >= plan.warmup_s]
        assert day["unique_customers"] == len(mine)
        assert day["retrials"] == np.count_nonzero(
            (rec.ctype == ct.index) & (rec.arrival >= plan.warmup_s) & (j["kind"] == RETRIAL))
        assert day["repeat_contacts"] == np.count_nonzero(
            (rec.ctype == ct.index) & (rec.arrival >= plan.warmup_s) & (j["kind"] == REPEAT))
        if not mine:
            assert math.isnan(day["contacts_per_issue"])
            continue
        contacts = sum(customers[c].size for c in mine)
        assert day["contacts_per_issue"] == pytest.approx(contacts / len(mine), rel=1e-12)
        # Abandoned for good: never answered (a failed callback is no answer), not resolved
        # in the IVR, not deferred and not still waiting at the end.
        lost = sum(states[c] == "abandoned" for c in mine)
        assert day["abandon_rate_customer"] == pytest.approx(lost / len(mine), rel=1e-12), (
            ct.name, {s: sum(states[c] == s for c in mine) for s in set(states.values())})
        # fcr: of the issues whose first contact was answered, those it resolved.
        answered_first = [c for c in mine
                          if any(rec.outcome[x] == ANSWERED and j["contact_no"][x] == 1
                                 for x in customers[c])]
        resolved_first = [c for c in answered_first
                          if any(rec.outcome[x] == ANSWERED and j["contact_no"][x] == 1
                                 and j["resolved"][x] == 1 for x in customers[c])]
        if ct.journey is None or ct.journey.fcr is None or not answered_first:
            assert math.isnan(day["fcr"])
        else:
            assert day["fcr"] == pytest.approx(len(resolved_first) / len(answered_first), rel=1e-12)
        # Customer service level: the first attempt's inbound answer within the threshold.
        wait = rec.wait
        first_in = [c for c in mine
                    if rec.outcome[c] == ANSWERED and j["callback"][c] != CB_ACCEPTED]
        base = len(first_in) + sum(rec.outcome[c] == ABANDONED for c in mine)
        within = sum(wait[c] <= ct.sl_threshold for c in first_in)
        if base:
            assert day["service_level_customer"] == pytest.approx(within / base, rel=1e-12)
        else:
            assert math.isnan(day["service_level_customer"])


def check_ratings(plan, rec, result) -> None:
    """The rating model's score per issue, rebuilt from its definition (RatingSpec)."""
    j = rec.journey
    customers = chains(rec)
    wait = np.where(np.isfinite(rec.wait), rec.wait, 0.0)
    for ct in plan.contact_types:
        rating = ct.journey.rating if ct.journey is not None else None
        day = result.contact_types[ct.name]
        if rating is None:
            assert math.isnan(day["rating_mean"]) and math.isnan(day["share_satisfied"])
            continue
        mine = [c for c in customers
                if rec.ctype[c] == ct.index and rec.arrival[c] >= plan.warmup_s]
        scores = []
        for c in mine:
            chain = customers[c]
            out = rec.outcome[chain]
            if ct.journey.fcr is not None:
                resolved = (j["resolved"][chain] == 1).any() or (out == IVR_RESOLVED).any()
            else:  # without a resolution model, an answer (or the IVR) resolves
                resolved = np.isin(out, (ANSWERED, IVR_RESOLVED)).any()
            score = (rating.base + rating.per_minute_waited * wait[chain].sum() / 60.0
                     + rating.abandoned * np.isin(out, (ABANDONED, BALKED)).any()
                     + rating.unresolved * (not resolved)
                     + rating.per_extra_contact * (chain.size - 1)
                     + rating.noise * j["rating_noise"][c])
            scores.append(min(max(np.rint(score), 1), rating.scale))
        if not scores:
            assert math.isnan(day["rating_mean"])
            continue
        assert day["rating_mean"] == pytest.approx(np.mean(scores), rel=1e-9), ct.name
        assert day["share_satisfied"] == pytest.approx(
            np.mean(np.array(scores) >= rating.satisfied_at), rel=1e-9), ct.name


PROBABILITIES = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0))


def delays(low_s: float, high_s: float):
    """A constant delay (so the records reproduce it exactly) or an exponential one."""
    return st.one_of(
        st.floats(low_s, high_s).map(constant),
        st.sampled_from([0.0, 3600.0, 86400.0]).map(constant),
        st.floats(max(low_s, 1.0), high_s).map(exponential),
    )


@st.composite
def journeys(draw, names: list[str]) -> dict:
    """Random journey keys for one contact type (each feature on or off)."""
    out = {}
    if draw(st.booleans()):
        out["ivr"] = {"time": draw(delays(0.0, 120.0)), "self_service": draw(PROBABILITIES)}
    if draw(st.booleans()):
        out["balking"] = {"when_expected_wait_over": draw(st.sampled_from([0, 30, 120, 900])),
                          "probability": draw(PROBABILITIES)}
    if draw(st.booleans()):
        out["retrial"] = {"probability": draw(PROBABILITIES), "delay": draw(delays(0.0, 7200.0)),
                          "max_attempts": draw(st.integers(1, 4))}
    if draw(st.booleans()):
        out["resolution"] = {"first_contact": draw(PROBABILITIES)}
        if draw(st.booleans()):
            out["resolution"]["repeat"] = {
                "probability": draw(PROBABILITIES), "delay": draw(delays(0.0, 30 * 3600.0)),
                "max_contacts": draw(st.integers(1, 4)),
            }
            target = draw(st.sampled_from([None, *names]))
            if target is not None:
                out["resolution"]["repeat"]["as"] = target
    if draw(st.booleans()):
        out["callback"] = {"offer_when_expected_wait_over": draw(st.sampled_from([0, 30, 300])),
                           "accept_probability": draw(PROBABILITIES),
                           "reach_probability": draw(PROBABILITIES),
                           "dial_time": draw(st.sampled_from([0, 30]))}
        if draw(st.booleans()):
            out["callback"]["handle_time"] = draw(delays(10.0, 300.0))
        if draw(st.booleans()):
            out["callback"]["mode"] = "scheduled"
            out["callback"]["window"] = draw(st.sampled_from([0, 600, 7200]))
    if draw(st.booleans()):
        out["conversion"] = {"probability": draw(PROBABILITIES),
                             "per_minute_waited": draw(st.floats(-0.2, 0.2))}
    if draw(st.booleans()):
        out["rating"] = {"base": draw(st.floats(1.0, 6.0)),
                         "per_minute_waited": draw(st.floats(-0.5, 0.0)),
                         "per_extra_contact": draw(st.sampled_from([0.0, -0.4])),
                         "noise": draw(st.sampled_from([0.0, 0.6]))}
    if draw(st.booleans()):
        out["wait_predictor"] = draw(st.sampled_from(["queue_position", "last_to_enter_service"]))
    return out


@st.composite
def journey_scenarios(draw) -> dict:
    """1-2 contact types with random journeys, small volumes, 2-3 h days, 1-2 days."""
    interval_min = draw(st.sampled_from([30, 60]))
    hours = draw(st.integers(2, 3))
    n_intervals = hours * 60 // interval_min
    names = [f"t{k}" for k in range(draw(st.integers(1, 2)))]
    types = {}
    for name in names:
        ct = {"arrivals": {"rate": f"{draw(st.integers(0, 40))}/h"},
              "handle_time": draw(st.one_of(st.floats(30.0, 600.0).map(exponential),
                                            st.floats(30.0, 600.0).map(constant)))}
        if draw(st.booleans()):
            ct["after_call_work"] = draw(st.floats(0.0, 60.0).map(constant))
        if draw(st.integers(0, 3)):
            ct["patience"] = draw(st.one_of(st.floats(1.0, 600.0).map(exponential),
                                            st.floats(0.0, 600.0).map(constant)))
        if draw(st.integers(0, 3)) == 0:
            ct["lines"] = draw(st.integers(1, 4))
        ct.update(draw(journeys(names)))
        types[name] = ct
    staffing = st.one_of(st.integers(0, 4),
                         st.lists(st.integers(0, 4), min_size=n_intervals, max_size=n_intervals))
    groups = {"g0": {"skills": names, "staffing": draw(staffing)}}
    if len(names) > 1 and draw(st.booleans()):
        groups["g1"] = {"skills": [names[1]], "staffing": draw(staffing),
                        "resolution_factor": draw(st.sampled_from([0.5, 1.0, 1.5]))}
    return {
        "name": "journeys",
        "horizon": {"start": "08:00", "end": f"{8 + hours:02d}:00",
                    "interval": f"{interval_min}min",
                    "warmup": draw(st.sampled_from([0, 0, 900])), "days": draw(st.integers(1, 2))},
        "seed": draw(st.integers(0, 2**32)),
        "contact_types": types,
        "agent_groups": groups,
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journey_scenarios())
def test_customers_are_conserved_through_retrials_and_repeats(spec):
    """Chains, end states, lines, work conservation, outcome counts and customer KPIs."""
    sc = ccsim.from_dict(spec)
    est = ccsim.simulate(sc, replications=2, keep_records=True)
    plan = est.plan
    for rec, result in zip(est.records, est.replication_results, strict=True):
        if rec.journey is None:  # every journey feature was drawn switched off (or a no-op)
            assert all(ct.journey is None for ct in plan.contact_types)
            continue
        states = check_journey_records(plan, rec, spec["contact_types"])
        check_lines(plan, rec)
        check_work_conservation(plan, rec)
        check_conservation(plan, rec, result)
        check_issue_kpis(plan, rec, result, states)
        check_ratings(plan, rec, result)


def test_a_day_without_any_contact_has_journey_kpis():
    sc = scenario({"calls": {"arrivals": {"rate": "0/h"}, "handle_time": exponential(60.0),
                             "resolution": {"first_contact": 0.5}}},
                  {"agents": {"skills": ["calls"], "staffing": 1}})
    day = ccsim.simulate(sc, replications=2).contact_types["calls"]
    assert np.all(day["offered"].values == 0) and np.all(day["unique_customers"].values == 0)
    assert np.all(np.isnan(day["contacts_per_issue"].values))


def test_customers_still_waiting_at_the_end_are_not_abandoned_for_good():
    """Nobody is staffed in the last hour and nobody gives up: the callers left are still
    waiting at the end (waiting_at_end), not customers lost for good."""
    sc = scenario({"calls": {"arrivals": {"rate": "30/h"}, "handle_time": exponential(300.0),
                             "resolution": {"first_contact": 0.5}}},
                  {"agents": {"skills": ["calls"], "staffing": [1, 0]}}, end="10:00")
    est = ccsim.simulate(sc, replications=3, keep_records=True)
    for rec, result in zip(est.records, est.replication_results, strict=True):
        assert np.all(np.isin(rec.outcome, (ANSWERED, WAITING))) and (rec.outcome == WAITING).any()
        day = result.contact_types["calls"]
        assert day["waiting_at_end"] > 0 and day["abandoned"] == 0
        assert day["abandon_rate_customer"] == 0.0


def test_a_customer_whose_callback_failed_was_never_answered():
    """Every accepted callback fails (reach 0) and nobody tries again: those customers never
    spoke to an agent. They are lost for good, and their issue is unresolved."""
    callback = {"offer_when_expected_wait_over": 0, "accept_probability": 1.0,
                "reach_probability": 0.0, "dial_time": 30}
    sc = overloaded(callback)
    rating = {"base": 4.6, "per_minute_waited": 0, "abandoned": 0, "unresolved": -1.5,
              "per_extra_contact": 0, "noise": 0}
    sc = sc.with_changes({"contact_types.calls.rating": rating})
    est = ccsim.simulate(sc, replications=3, keep_records=True)
    for rec, result in zip(est.records, est.replication_results, strict=True):
        assert np.all(rec.journey["kind"] == FIRST)  # one contact per customer
        failed = np.count_nonzero(rec.outcome == CALLBACK_FAILED)
        answered = np.count_nonzero(rec.outcome == ANSWERED)
        assert failed > 0
        day = result.contact_types["calls"]
        issues = day["unique_customers"]
        never = issues - answered
        assert day["abandon_rate_customer"] == pytest.approx(never / issues, rel=1e-12)
        # Answered: 4.6 rounds to 5; never answered: 4.6 - 1.5 rounds to 3.
        assert day["rating_mean"] == pytest.approx((5 * answered + 3 * never) / issues, rel=1e-12)


# --------------------------------------------------------------------------- 5: callbacks


def overloaded(callback: dict | None = None, seed: int = 1) -> ccsim.Scenario:
    """Two hours of arrivals at 120 % load (144/h x 5 min on 10 agents), impatient callers;
    the agents stay after the last arrival until everybody has been served."""
    calls = {"arrivals": {"rate": "144/h"}, "handle_time": exponential(300.0),
             "patience": exponential(300.0), "service_level": {"threshold": 20}}
    if callback is not None:
        calls["callback"] = callback
    return scenario({"calls": calls}, {"agents": {"skills": ["calls"], "staffing": 10}},
                    start="08:00", end="10:00", interval="30min", seed=seed)


CALLBACK = {"offer_when_expected_wait_over": 60, "accept_probability": 0.8,
            "reach_probability": 0.9, "dial_time": 30}


@pytest.mark.slow
def test_callbacks_lower_abandonment_and_raise_the_service_level():
    """Callers told a long wait take a callback instead of abandoning; those answered
    inbound are the ones told a short wait, so the inbound service level rises.

    Virtual hold keeps the callbacks in the queue, and a callback never abandons, so the
    agents do more work; patience 5 min and 80 % acceptance make the gain clear of noise
    (about +0.11, 95 % paired CI [0.08, 0.15] at 40 replications)."""
    comparison = ccsim.compare(overloaded(), overloaded(CALLBACK), replications=40)
    rows = {row["kpi"]: row for row in comparison.rows()
            if row["section"] == "contact_types" and row["name"] == "calls"}
    abandon, sl = rows["abandon_rate"], rows["service_level"]
    assert abandon["significant"] and abandon["difference"] < 0, abandon
    assert sl["significant"] and sl["difference"] > 0, sl


@pytest.mark.parametrize("mode", ["virtual_hold", "scheduled"])
def test_no_accepted_callback_is_lost(mode):
    est = ccsim.simulate(overloaded({**CALLBACK, "mode": mode}), replications=30, keep_records=True)
    failed_share = []
    for rec, result in zip(est.records, est.replication_results, strict=True):
        cb = rec.journey["callback"]
        accepted = cb == CB_ACCEPTED
        assert accepted.sum() > 10
        # Agents stay until the system is empty: every callback is made, none abandons.
        assert np.all(np.isin(rec.outcome[accepted], (ANSWERED, CALLBACK_FAILED))), (
            np.unique(rec.outcome[accepted], return_counts=True))
        assert np.all(rec.answer[accepted] >= rec.entry[accepted])
        # A failed callback costs the agent the dialling time only.
        failed = rec.outcome == CALLBACK_FAILED
        assert np.all(rec.handle[failed] == 30.0) and np.all(rec.acw[failed] == 0.0)
        day = result.contact_types["calls"]
        assert day["callbacks_accepted"] == accepted.sum()
        assert day["callbacks_offered"] == np.count_nonzero(cb != CB_NONE)
        assert day["callbacks_completed"] + day["callbacks_failed"] == day["callbacks_accepted"]
        assert day["callback_delay"] == pytest.approx(
            np.mean(rec.answer[accepted] - rec.entry[accepted]), rel=1e-12)
        assert day["callbacks_completed"] == np.count_nonzero(accepted & (rec.outcome == ANSWERED))
        failed_share.append(day["callbacks_failed"] / day["callbacks_accepted"])
    assert_covers(failed_share, 1 - 0.9, "share of callbacks that do not reach the customer")


def test_service_level_leaves_accepted_callbacks_out_of_its_base():
    """Day service level = answered within threshold / sl_counted, like the intervals' and
    the total's: a callback is not an inbound answer (it is in neither part)."""
    est = ccsim.simulate(overloaded(CALLBACK), replications=3, keep_records=True)
    for rec, result in zip(est.records, est.replication_results, strict=True):
        day = result.contact_types["calls"]
        inbound = (rec.outcome == ANSWERED) & (rec.journey["callback"] != CB_ACCEPTED)
        within = inbound & (rec.wait <= 20.0)
        base = np.count_nonzero(inbound) + np.count_nonzero(rec.outcome == ABANDONED)
        assert day["answered_within_threshold"] == np.count_nonzero(within)
        assert day["sl_counted"] == base
        assert day["service_level"] == pytest.approx(np.count_nonzero(within) / base, rel=1e-12)
        assert result.total["service_level"] == pytest.approx(day["service_level"], rel=1e-12)


# --------------------------------------------------------------------------- 6: balking


def test_nobody_balks_below_a_huge_limit():
    limit = {"balking": {"when_expected_wait_over": "100h", "probability": 1.0}}
    plain = ccsim.simulate(stationary({}), replications=5)
    huge = ccsim.simulate(stationary(limit), replications=5, keep_records=True)
    assert np.all(huge.contact_types["calls"]["balked"].values == 0)
    for rec in huge.records:
        told = np.isfinite(rec.journey["predicted"])
        assert told.any() and not (rec.outcome == BALKED).any()
        assert np.all(rec.journey["predicted"][told] <= 100 * 3600)
    for kpi in ("offered", "answered", "abandoned", "service_level", "asa", "mean_queue"):
        assert np.array_equal(huge.contact_types["calls"][kpi].values,
                              plain.contact_types["calls"][kpi].values), kpi


@pytest.mark.slow
def test_at_limit_zero_everybody_who_would_queue_balks():
    """Nobody waits: callers find a free agent or leave, a loss system (Erlang B)."""
    balking = {"balking": {"when_expected_wait_over": 0, "probability": 1.0}}
    est = ccsim.simulate(stationary(balking), replications=40, keep_records=True)
    for rec in est.records:
        assert np.all(np.isin(rec.outcome, (ANSWERED, BALKED)))
        assert np.all(rec.wait == 0.0)
        assert np.all(rec.journey["predicted"][rec.outcome == BALKED] > 0)
        assert np.all(np.isnan(rec.journey["predicted"][rec.outcome == ANSWERED]))
    kpis = est.contact_types["calls"]
    assert np.all(kpis["mean_queue"].values == 0.0)
    assert_covers(kpis["balked"].values / kpis["offered"].values, erlang_b(5, 4.0),
                  "share balking = Erlang B(5 agents, 4 Erlang)")


@pytest.mark.parametrize("predictor", ["queue_position", "last_to_enter_service"])
def test_expected_wait_error_is_the_mean_error_of_the_announced_waits(predictor):
    extra = {"balking": {"when_expected_wait_over": "2min", "probability": 0.5},
             "wait_predictor": predictor}
    est = ccsim.simulate(stationary(extra, agents=4), replications=4, keep_records=True)
    plan = est.plan
    for rec, result in zip(est.records, est.replication_results, strict=True):
        error = result.contact_types["calls"]["expected_wait_error"]
        assert math.isfinite(error) and error >= 0
        told = (np.isfinite(rec.journey["predicted"]) & (rec.outcome == ANSWERED)
                & (rec.arrival >= plan.warmup_s))
        assert told.sum() > 20
        assert error == pytest.approx(np.mean(np.abs(rec.journey["predicted"][told]
                                                     - rec.wait[told])), rel=1e-9)
        balked = rec.outcome == BALKED
        assert balked.any() and np.all(rec.journey["predicted"][balked] > 120.0)


# --------------------------------------------------------------------------- 7: several days


STAFFING = [3, 4, 5, 5, 5, 5, 4, 3]


def three_days(seed: int = 4) -> ccsim.Scenario:
    """08:00-16:00 three days running; every unresolved issue comes back a day later."""
    calls = {"arrivals": {"rate": "36/h"}, "handle_time": exponential(360.0),
             "patience": exponential(300.0),
             "resolution": {"first_contact": 0.5, "repeat": {
                 "probability": 1.0, "delay": constant(DAY_S), "max_contacts": 10}}}
    return scenario({"calls": calls}, {"agents": {"skills": ["calls"], "staffing": STAFFING}},
                    start="08:00", end="16:00", days=3, seed=seed)


@pytest.mark.slow
def test_three_days_repeat_contacts_land_on_later_days_and_agents_go_home_at_night():
    sc = three_days()
    specs = sc.raw_data()["contact_types"]
    est = ccsim.simulate(sc, replications=30, keep_records=True)
    plan = est.plan
    first_per_day, offered_per_day = [], []
    for rec, result in zip(est.records, est.replication_results, strict=True):
        j = rec.journey
        day_of = (rec.arrival // DAY_S).astype(int)
        first_per_day.append(np.bincount(day_of[j["kind"] == FIRST], minlength=3))
        offered_per_day.append(np.bincount(day_of, minlength=3))
        per = result.intervals["calls"]
        # The KPIs per interval of each day: issues started, contacts offered.
        issues = per["unique_customers"].reshape(3, plan.n_intervals).sum(axis=1)
        assert np.array_equal(issues, first_per_day[-1])
        offered = per["offered"].reshape(3, plan.n_intervals).sum(axis=1)
        assert np.array_equal(offered, offered_per_day[-1])
        # A repeat comes a day after its predecessor ended (the chains check the exact
        # time): never on the first day, on both later days.
        repeats = j["kind"] == REPEAT
        assert np.all(day_of[repeats] >= 1)
        assert set(day_of[repeats].tolist()) == {1, 2}
        check_journey_records(plan, rec, specs)
        # Deferred: the repeats that would come on day 4, from contacts of days 2 and 3.
        assert rec.deferred[0] > 0
        assert result.contact_types["calls"]["deferred"] == rec.deferred[0]
        customers = chains(rec)
        for customer in j["deferred_customers"]:
            assert day_of[customers[customer][-1]] >= 1
        check_present_log(plan, rec)
    first = np.array(first_per_day)
    expected = 36 * plan.horizon_s / 3600
    for d in range(3):
        assert_covers(first[:, d], expected, f"first contacts on day {d + 1}")
    assert_covers(first[:, 1] - first[:, 0], 0.0, "day 2 - day 1 first contacts")
    assert_covers(first[:, 2] - first[:, 0], 0.0, "day 3 - day 1 first contacts")
    # Offered contacts add the repeats: about 50 % more on day 2 than on day 1.
    offered = np.array(offered_per_day)
    lo, _ = ci(offered[:, 1] - offered[:, 0])
    assert lo > 0


def check_present_log(plan, rec) -> None:
    """Each day opens with its staffing, busy <= present, and nobody stays the night."""
    times, present = rec.present_log[0]
    assert np.all(np.diff(times) >= 0) and np.all(present >= 0)

    def level(t):  # right-continuous: the last entry at or before t
        return present[np.searchsorted(times, t, side="right") - 1]

    for d in range(plan.days):
        base = d * DAY_S
        for i, staffed in enumerate(STAFFING):
            assert level(base + i * plan.interval_s) >= staffed, (d, i)
        if d:  # yesterday's agents have all gone: the day opens with exactly its staffing
            assert level(base) == STAFFING[0], d
        if d < plan.days - 1:
            # Closing: agents finish what waits, then leave; nobody is present at night.
            night = (times >= base + plan.horizon_s) & (times < base + DAY_S)
            assert night.any() and present[night][-1] == 0, (d, present[night])
            assert level(base + DAY_S - 1.0) == 0
    # Busy agents never outnumber present ones.
    answered = np.isfinite(rec.answer)
    starts = rec.answer[answered]
    ends = starts + (rec.handle[answered] + rec.acw[answered])
    points = np.unique(np.concatenate((times, starts, ends)))
    busy = (np.searchsorted(np.sort(starts), points, side="right")
            - np.searchsorted(np.sort(ends), points, side="right"))
    here = present[np.searchsorted(times, points, side="right") - 1]
    assert np.all(busy <= here), points[busy > here][:5]


# --------------------------------------------------------------------------- 8: errors


SMALL = """\
name: Small
horizon: {start: "08:00", end: "10:00", interval: 30min}
contact_types:
  sales:
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 3min}
    patience: {dist: exponential, mean: 2min}
JOURNEY
  support:
    arrivals: {rate: 10/h}
    handle_time: {dist: exponential, mean: 5min}
agent_groups:
  team: {skills: [sales, support], staffing: 3}
"""


def problems_of(journey: str, **kw) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        ccsim.loads(SMALL.replace("JOURNEY", journey), source="s.yaml", **kw)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("line, path", [
    ("    retrial: {probability: 1.5, delay: {dist: constant, value: 1min}}",
     "retrial.probability"),
    ("    ivr: {time: {dist: constant, value: 30s}, self_service: 1.5}", "ivr.self_service"),
    ("    balking: {when_expected_wait_over: 1min, probability: 1.5}", "balking.probability"),
    ("    resolution: {first_contact: 1.5}", "resolution.first_contact"),
    ("    resolution: {first_contact: 0.5,\n"
     "                 repeat: {probability: 1.5, delay: {dist: constant, value: 1d}}}",
     "resolution.repeat.probability"),
    ("    callback: {offer_when_expected_wait_over: 1min, accept_probability: 1.5}",
     "callback.accept_probability"),
    ("    callback: {offer_when_expected_wait_over: 1min, accept_probability: 0.5,\n"
     "               reach_probability: 1.5}",
     "callback.reach_probability"),
    ("    conversion: {probability: 1.5}", "conversion.probability"),
])
def test_probabilities_outside_zero_one_are_located(line, path):
    text = SMALL.replace("JOURNEY", line)
    at = text.index("1.5")  # the error points at the bad value itself
    where = f"s.yaml:{text.count(chr(10), 0, at) + 1}:{at - text.rfind(chr(10), 0, at)}"
    (only,) = problems_of(line)
    assert only == (f"{where}: contact_types.sales.{path}: "
                    "expected less than or equal to 1, got 1.5"), only
    (only,) = problems_of(line.replace("1.5", "-0.25"))
    assert only == (f"{where}: contact_types.sales.{path}: "
                    "expected greater than or equal to 0, got -0.25"), only


def test_a_repeat_as_an_unknown_contact_type_is_located():
    (only,) = problems_of("    resolution: {first_contact: 0.5, repeat: {probability: 0.5, "
                          "delay: {dist: constant, value: 1d}, as: billing}}")
    assert only.startswith("s.yaml:8:")
    assert ("contact_types.sales.resolution.repeat.as: unknown contact type 'billing' "
            "(known: sales, support)") in only


def test_an_unknown_key_inside_callback_lists_the_allowed_fields():
    (only,) = problems_of("    callback: {offer_when_expected_wait_over: 1min, "
                          "accept_probability: 0.5, reach: 0.9}")
    assert only.startswith("s.yaml:8:")
    assert "contact_types.sales.callback.reach: unknown field 'reach' (expected one of: " in only
    for field in ("offer_when_expected_wait_over", "accept_probability", "reach_probability",
                  "handle_time", "dial_time"):
        assert field in only.split("expected one of:")[1], field


def test_every_journey_error_of_a_file_at_once_and_in_overrides():
    found = problems_of("    retrial: {probability: 1.5, delay: {dist: constant, value: 1min}}\n"
                        "    wait_predictor: crystal_ball\n"
                        "    rating: {scale: 1}")
    assert len(found) == 3, found
    assert any(": contact_types.sales.wait_predictor: expected 'queue_position' or "
               "'last_to_enter_service', got 'crystal_ball'" in p for p in found), found
    assert any(": contact_types.sales.rating.scale: " in p for p in found), found
    found = problems_of("", overrides=["contact_types.support.retrial={probability: 0.5, "
                                       "delay: {dist: exponential, mean: 10min}, max_attempts: 0}"])
    assert len(found) == 1 and "contact_types.support.retrial.max_attempts" in found[0], found
    sc = ccsim.loads(SMALL.replace("JOURNEY", ""), overrides=[
        "contact_types.support.retrial={probability: 0.5, "
        "delay: {dist: exponential, mean: 10min}}"])
    assert sc.contact_types["support"].retrial.probability == 0.5
    assert sc.contact_types["support"].retrial.delay.mean == 600.0


# --------------------------------------------------------------------------- 9: rating


def rated(rating: dict, first_contact: float = 1.0) -> ccsim.Scenario:
    """Ample agents, no waiting, no abandoning, no repeat: one answered contact per issue."""
    calls = {"arrivals": {"rate": "60/h"}, "handle_time": exponential(180.0),
             "resolution": {"first_contact": first_contact}, "rating": rating}
    return scenario({"calls": calls}, {"agents": {"skills": ["calls"], "staffing": 40}})


@pytest.mark.parametrize("rating, score", [
    ({"base": 4.6}, 5),
    ({"base": 3.4}, 3),
    ({"base": 4.2, "satisfied_at": 4}, 4),
    ({"base": 7.2}, 5),  # clipped to the scale
    ({"base": -2.0}, 1),  # clipped to 1
    ({"base": 8.4, "scale": 10, "satisfied_at": 9}, 8),
])
def test_without_noise_every_score_is_the_rounded_clipped_base(rating, score):
    est = ccsim.simulate(rated({**rating, "noise": 0}), replications=3, keep_records=True)
    satisfied_at = rating.get("satisfied_at", 4)
    for rec, result in zip(est.records, est.replication_results, strict=True):
        assert np.all(rec.outcome == ANSWERED) and np.all(rec.wait == 0)
        day = result.contact_types["calls"]
        assert day["rating_mean"] == score
        assert day["share_satisfied"] == float(score >= satisfied_at)
        per = result.intervals["calls"]
        has = per["unique_customers"] > 0
        assert np.all(per["rating_mean"][has] == score)
        assert np.all(per["share_satisfied"][has] == float(score >= satisfied_at))


def test_an_unresolved_issue_costs_the_unresolved_penalty():
    est = ccsim.simulate(rated({"base": 4.6, "unresolved": -1.5, "noise": 0}, first_contact=0.0),
                         replications=2)
    assert np.all(est.contact_types["calls"]["rating_mean"].values == 3.0)  # rint(3.1)
    assert np.all(est.contact_types["calls"]["share_satisfied"].values == 0.0)
    assert np.all(est.contact_types["calls"]["fcr"].values == 0.0)


def test_rating_noise_gives_the_distribution_of_rounded_normal_scores():
    from statistics import NormalDist

    base, noise = 3.7, 0.8
    est = ccsim.simulate(rated({"base": base, "noise": noise}), replications=30)
    z = NormalDist(base, noise)
    # P(score = s) for s = 1..5: the normal mass rounding to s, the tails clipped.
    edges = [-math.inf, 1.5, 2.5, 3.5, 4.5, math.inf]
    p = [z.cdf(hi) - z.cdf(lo) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    kpis = est.contact_types["calls"]
    mean = sum(s * q for s, q in zip(range(1, 6), p, strict=True))
    assert_covers(kpis["rating_mean"].values, mean, "mean rating")
    assert_covers(kpis["share_satisfied"].values, p[3] + p[4], "share satisfied (>= 4)")
