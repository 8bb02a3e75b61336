"""Properties that hold in every run, checked with hypothesis on random scenarios.

The random scenarios and the checks of the per-contact records are in
``tests.common.invariants`` (the routing invariants use them too); here they meet
the KPIs: every check rebuilds its quantity from the records independently of
``ccsim.metrics``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccsim
from ccsim.engine import ABANDONED, ANSWERED, simulate_replication
from ccsim.engine.arrivals import draw_contacts
from ccsim.engine.records import MESSAGE
from ccsim.plan import build_plan
from tests.common.invariants import (
    OUTCOMES,
    REL,
    check_lines,
    check_records,
    check_skills_and_staffing,
    contact_types,
    headcounts,
    overlap,
    queue_leave,
    scenario_dicts,
)

COUNTS = ("answered", "abandoned", "blocked", "waiting_at_end")


# --------------------------------------------------------------------------- KPI checks


def check_kpis(plan, rec, result):
    """Conservation per type, day and interval; KPIs agree with their definitions."""
    window = plan.horizon_s - plan.warmup_s
    leave = np.minimum(queue_leave(rec), plan.horizon_s)
    interval = np.minimum((rec.arrival // plan.interval_s).astype(int), plan.n_intervals - 1)
    counted = rec.arrival >= plan.warmup_s
    bounds = np.append(plan.interval_starts(), plan.horizon_s)
    disconnecting = any(t.disconnect_at_closing for t in plan.contact_types)
    counts = COUNTS + (("disconnected",) if disconnecting else ())
    messaging = any(np.isfinite(t.voicemail_s) for t in plan.contact_types)  # voicemail: messages counted
    counts = counts + (("messages",) if messaging else ())
    for ct in plan.contact_types:
        day, per = result.contact_types[ct.name], result.intervals[ct.name]
        assert ("disconnected" in day) == disconnecting, ct.name  # only where a scenario disconnects
        assert day["offered"] == sum(day[k] for k in counts), ct.name
        assert np.array_equal(per["offered"], sum(per[k] for k in counts)), ct.name
        for k in ("offered", *counts):
            assert per[k].sum() == day[k], (ct.name, k)
        mine = (rec.ctype == ct.index) & counted
        assert day["offered"] == mine.sum()
        by_outcome = dict(zip(("waiting_at_end", "answered", "abandoned", "blocked", "disconnected"), OUTCOMES,
                              strict=True))
        if not disconnecting:
            assert not np.any(rec.outcome == OUTCOMES[-1])
            del by_outcome["disconnected"]
        if messaging:
            by_outcome["messages"] = MESSAGE
        else:
            assert not np.any(rec.outcome == MESSAGE)
        for kpi, code in by_outcome.items():
            assert day[kpi] == np.count_nonzero(mine & (rec.outcome == code)), (ct.name, kpi)
            assert np.array_equal(per[kpi], np.bincount(
                interval[mine & (rec.outcome == code)], minlength=plan.n_intervals)), (ct.name, kpi)
        answered = mine & (rec.outcome == ANSWERED)
        # The service level's base: answered, abandoned (short abandons out) and disconnected at closing.
        base = np.count_nonzero(mine & ((rec.outcome == ANSWERED) | (rec.outcome == ABANDONED)
                                        | (rec.outcome == OUTCOMES[-1]) | (rec.outcome == MESSAGE))
                                & ~((rec.outcome == ABANDONED) & (rec.wait < ct.short_abandon)))
        within = np.count_nonzero(answered & (rec.wait <= ct.sl_threshold))
        if base:
            assert day["service_level"] == pytest.approx(within / base, rel=1e-12)
            assert 0.0 <= day["service_level"] <= 1.0
        else:
            assert math.isnan(day["service_level"])
        if answered.any():
            assert day["asa"] == pytest.approx(rec.wait[answered].mean(), rel=1e-9, abs=1e-9)
        # Little's law for the queue-length KPI: mean_queue x time = waiting time in the window.
        type_all = rec.ctype == ct.index
        a, e = rec.arrival[type_all], leave[type_all]
        assert day["mean_queue"] * window == pytest.approx(
            overlap(a, e, plan.warmup_s, plan.horizon_s), rel=REL, abs=1e-6), (
            f"{ct.name}: mean_queue x window != waiting time inside [warm-up, horizon end]")
        expected = [overlap(a, e, lo, hi) / plan.interval_s
                    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
        assert per["mean_queue"] == pytest.approx(np.array(expected), rel=REL, abs=1e-9), (
            f"{ct.name}: per-interval mean_queue != waiting time inside each interval")
    for gp in plan.agent_groups:
        # Busy time never exceeds present time (occupancy <= 1), up to the round-off
        # of metrics' prefix-sum overlaps (~1e-9 s here); an agent finishing a contact
        # after a staffing drop can make an interval's occupancy exactly 1.
        for kpis in (result.agent_groups[gp.name], result.group_intervals[gp.name]):
            busy_s = np.atleast_1d(kpis["busy_hours"]) * 3600
            present_s = np.atleast_1d(kpis["present_hours"]) * 3600
            assert np.all(busy_s >= -1e-6) and np.all(busy_s <= present_s + 1e-6), gp.name
            occupancy = np.atleast_1d(kpis["occupancy"])
            defined = ~np.isnan(occupancy)
            assert np.all(occupancy[defined] <= 1.0 + 1e-6 / present_s[defined]), gp.name


# --------------------------------------------------------------------------- properties


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts())
def test_records_and_kpis_obey_invariants(spec):
    sc = ccsim.scenario_from_dict(spec)
    est = ccsim.simulate(sc, replications=2, keep_records=True)
    plan = est.plan
    for rec, result in zip(est.records, est.replication_results, strict=True):
        check_records(plan, rec)
        check_kpis(plan, rec, result)


@st.composite
def single_skill_scenarios(draw) -> dict:
    """One type, one group with that single skill, busy, and staffing that drops at least once."""
    spec = draw(scenario_dicts(max_types=1, max_groups=1))
    n_intervals = ccsim.scenario_from_dict(spec).n_intervals
    spec["contact_types"]["t0"]["arrivals"] = {"rate": f"{draw(st.integers(10, 120))}/h"}
    staffing = draw(st.lists(st.integers(0, 6), min_size=n_intervals, max_size=n_intervals))
    if all(b >= a for a, b in zip(staffing, staffing[1:], strict=False)):
        drop_at = draw(st.integers(1, n_intervals - 1))
        staffing[drop_at - 1] = max(staffing[drop_at - 1], 1)
        staffing[drop_at] = draw(st.integers(0, staffing[drop_at - 1] - 1))
    spec["agent_groups"]["g0"]["staffing"] = staffing
    return spec


@settings(max_examples=200, deadline=None)
@given(single_skill_scenarios())
def test_single_skill_group_answers_in_arrival_order(spec):
    plan = build_plan(ccsim.scenario_from_dict(spec))
    rec = simulate_replication(plan, replication=0)
    answered = rec.outcome == ANSWERED
    assert np.all(np.diff(rec.answer[answered]) >= 0)
    check_records(plan, rec)  # staffing drops: busy <= present, nobody dropped


def dumps(est) -> str:
    return json.dumps(est.to_dict(), sort_keys=True, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(scenario_dicts())
def test_same_seed_gives_the_same_json(spec):
    sc = ccsim.scenario_from_dict(spec)
    first = dumps(ccsim.simulate(sc, replications=2, seed=11))
    assert dumps(ccsim.simulate(sc, replications=2, seed=11)) == first


@settings(max_examples=10, deadline=None)
@given(scenario_dicts())
def test_worker_processes_do_not_change_results(spec):
    sc = ccsim.scenario_from_dict(spec)
    serial = dumps(ccsim.simulate(sc, replications=3, seed=12, workers=1))
    assert dumps(ccsim.simulate(sc, replications=3, seed=12, workers=2)) == serial


@st.composite
def staffing_variants(draw):
    """A scenario and the same scenario with every group's staffing redrawn."""
    spec = draw(scenario_dicts())
    n_intervals = ccsim.scenario_from_dict(spec).n_intervals
    variant = json.loads(json.dumps(spec))
    for group in variant["agent_groups"].values():
        group["staffing"] = draw(headcounts(n_intervals, high=8))
    return spec, variant


DRAWN = ("arrival", "ctype", "handle", "acw", "patience")


@settings(max_examples=200, deadline=None)
@given(staffing_variants())
def test_staffing_changes_leave_contacts_unchanged(specs):
    """Common random numbers: the n-th caller of a type is the same whatever the staffing."""
    plans = [build_plan(ccsim.scenario_from_dict(s)) for s in specs]
    for replication in (0, 1):
        draws = [draw_contacts(p, replication) for p in plans]
        records = [simulate_replication(p, replication) for p in plans]
        for name in DRAWN:
            assert np.array_equal(getattr(draws[0], name), getattr(draws[1], name)), name
            assert np.array_equal(getattr(records[0], name), getattr(records[1], name)), name
            assert np.array_equal(getattr(records[0], name), getattr(draws[0], name)), name
        for plan, rec in zip(plans, records, strict=True):
            check_skills_and_staffing(plan, rec)


@settings(max_examples=100, deadline=None)
@given(scenario_dicts(max_types=2), st.data())
def test_adding_a_contact_type_leaves_the_others_unchanged(spec, data):
    extended = json.loads(json.dumps(spec))
    n_intervals = ccsim.scenario_from_dict(spec).n_intervals
    extended["contact_types"]["extra"] = data.draw(contact_types(n_intervals))
    extended["agent_groups"]["extra_group"] = {"skills": ["extra"], "staffing": 1}
    before = draw_contacts(build_plan(ccsim.scenario_from_dict(spec)), 0)
    after = draw_contacts(build_plan(ccsim.scenario_from_dict(extended)), 0)
    for k in range(len(spec["contact_types"])):
        for name in ("arrival", "handle", "acw", "patience"):
            assert np.array_equal(getattr(before, name)[before.ctype == k],
                                  getattr(after, name)[after.ctype == k]), name


# --------------------------------------------------------------------------- regressions


def closing_scenario(patience: dict | None) -> ccsim.Scenario:
    """Nobody staffed in the last hour: callers then wait until they give up (or forever)."""
    calls = {"arrivals": {"rate": "20/h"}, "handle_time": {"dist": "exponential", "mean": "5min"}}
    if patience is not None:
        calls["patience"] = patience
    return ccsim.scenario_from_dict({
        "name": "closing",
        "horizon": {"start": "08:00", "end": "12:00", "interval": "60min"},
        "contact_types": {"calls": calls},
        "agent_groups": {"agents": {"skills": ["calls"], "staffing": [1, 1, 1, 0]}},
    })


@pytest.mark.parametrize("patience", [{"dist": "exponential", "mean": "30min"}, None],
                         ids=["abandon-after-last-event", "wait-forever"])
def test_queue_after_the_last_event_is_counted(patience):
    """Callers still queued after the last agent left count in the queue length until they
    leave (abandon) or the horizon ends (waiting_at_end)."""
    sc = closing_scenario(patience)
    est = ccsim.simulate(sc, replications=1, keep_records=True)
    plan, rec, result = est.plan, est.records[0], est.replication_results[0]
    check_records(plan, rec)
    check_kpis(plan, rec, result)


def test_a_line_is_released_once_when_talk_ends_with_the_patience_deadline():
    """Answered on arrival with handle time == patience: the talk end and the (stale)
    patience deadline are the same instant, and the line must be freed only once."""
    constant = {"dist": "constant", "value": 120}
    sc = ccsim.scenario_from_dict({
        "name": "lines",
        "horizon": {"start": "08:00", "end": "16:00"},
        "contact_types": {"calls": {"arrivals": {"rate": "30/h"}, "handle_time": constant,
                                    "patience": constant, "lines": 1}},
        "agent_groups": {"agents": {"skills": ["calls"], "staffing": 1}},
    })
    plan = build_plan(sc)
    check_lines(plan, simulate_replication(plan, replication=0))
