"""Customers and conservation, properties on random journeys (hypothesis, 1-2 days):
every customer's contacts form one chain (consecutive attempt and contact numbers; a
retrial follows an abandoned, balked, blocked or failed-callback attempt, a repeat an
answered unresolved contact; constant delays and the night's shift to the next morning
reproduced exactly); every customer ends resolved, unresolved, abandoned for good,
deferred or still waiting; lines, work conservation; offered = the sum of the outcome
counts per day and interval; the customer KPIs and ratings agree with their definitions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccsim
from ccsim.engine.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK_FAILED,
    CB_ACCEPTED,
    FIRST,
    IVR_RESOLVED,
    REPEAT,
    RETRIAL,
    WAITING,
)
from ccsim.plan import DAY_S
from tests.common.journeys import chains, check_journey_records, constant, exponential, overloaded, scenario

COUNTS = ("answered", "abandoned", "blocked", "waiting_at_end", "balked", "ivr_resolved",
          "callbacks_failed")
OUTCOME_OF = {"waiting_at_end": WAITING, "answered": ANSWERED, "abandoned": ABANDONED,
              "blocked": BLOCKED, "balked": BALKED, "ivr_resolved": IVR_RESOLVED,
              "callbacks_failed": CALLBACK_FAILED}


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
