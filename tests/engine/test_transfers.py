"""Transfers in the engine: every contact and every leg ends exactly once, the agents'
times join up at each hand-over, and the losses of a conference with no waiting agree
with Erlang B over replications."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import ccsim
from ccsim.engine.records import ABANDONED, ANSWERED, DISCONNECTED, RETURNED, VOICEMAIL_LEFT, WAITING
from ccsim.erlang import erlang_b
from ccsim.scenario import loads
from tests.common.invariants import check_transfers, transfer_scenario_dicts

Z = 3.29  # 99.9 % two-sided

MIXED = """\
name: mixed transfers
horizon: {start: "08:00", end: "12:00", interval: 60min, days: 2}
seed: 5
contact_types:
  front:
    arrivals: {rate: 70/h}
    handle_time: {dist: exponential, mean: 2min}
    after_call_work: {dist: constant, value: 20s}
    patience: {dist: exponential, mean: 3min}
    lines: 12
    transfers:
      - {to: expert, probability: 0.25, mode: warm, conference: {dist: exponential, mean: 1min},
         wait_limit: 40s, if_not_reached: back, delay: {dist: constant, value: 5s}}
      - {to: expert, probability: 0.2, if_not_reached: voicemail, groups: [desk]}
      - {to: boss, probability: 0.1, mode: warm, if_not_reached: abandon}
  expert:
    arrivals: {rate: 10/h}
    handle_time: {dist: exponential, mean: 4min}
    patience: {dist: exponential, mean: 90s}
    transfers:
      - {to: boss, probability: 0.2}
  boss:
    arrivals: {rate: 0}
    handle_time: {dist: exponential, mean: 3min}
    patience: {dist: exponential, mean: 2min}
    at_closing: disconnect
agent_groups:
  desk: {skills: [front], staffing: 3}
  backup: {skills: [front, expert], staffing: [1, 1, 0, 0]}
  experts: {skills: [expert], staffing: 2}
  bosses: {skills: [boss], staffing: [1, 1, 1, 0]}
"""


def _records(text: str, replications: int):
    est = ccsim.simulate(loads(text, source="t.yaml"), replications=replications, workers=1, keep_records=True)
    return est, est.records


@pytest.fixture(scope="module")
def mixed():
    return _records(MIXED, 8)


def test_every_contact_and_leg_ends_exactly_once(mixed):
    est, records = mixed
    ends = {WAITING, ANSWERED, ABANDONED, DISCONNECTED, VOICEMAIL_LEFT, RETURNED, 3}  # 3: blocked
    for rec in records:
        tr = rec.transfers
        n = rec.arrival.size
        assert set(np.unique(rec.outcome).tolist()) <= ends
        assert np.count_nonzero(rec.outcome == WAITING) == 0  # every caller is gone at the end
        leg = tr["prev"] >= 0
        # A leg comes from an answered contact of the same issue, one leg further on.
        assert np.all(rec.outcome[tr["prev"][leg]] == ANSWERED)
        assert np.array_equal(tr["issue"][leg], tr["issue"][tr["prev"][leg]])
        assert np.array_equal(tr["leg"][leg], tr["leg"][tr["prev"][leg]] + 1)
        assert np.all(tr["issue"][~leg] == np.flatnonzero(~leg)) and np.all(tr["leg"][~leg] == 1)
        # A contact carries its caller on at most once (a returned leg gives the caller back).
        on = leg & (rec.outcome != RETURNED)
        assert np.bincount(tr["prev"][on], minlength=n).max(initial=0) <= 1
        # Only returned legs come before another leg of the same contact.
        again = np.bincount(tr["prev"][leg], minlength=n) > 1
        for c in np.flatnonzero(again):
            mine = np.flatnonzero(tr["prev"] == c)
            assert np.all(rec.outcome[mine[:-1]] == RETURNED)
        # Each issue ends once: with an agent, or unanswered at its last leg.
        carried = np.zeros(n, dtype=bool)
        carried[tr["prev"][on]] = True
        ended = ~carried & (rec.outcome != RETURNED)
        assert np.array_equal(np.bincount(tr["issue"][ended], minlength=n)[~leg], np.ones((~leg).sum()))


def test_each_leg_is_counted_under_its_type(mixed):
    est, _ = mixed
    cts = est.contact_types

    def v(t, k):
        return np.asarray(cts[t][k].values, dtype=float)

    made = sum(v(t, "transfers_made") for t in cts)
    assert np.array_equal(made, sum(v(t, "legs_in") for t in cts))
    for t in cts:
        ended = v(t, "legs_answered") + v(t, "legs_abandoned") + v(t, "legs_voicemail") + v(t, "legs_returned")
        if "disconnected" in cts[t]:
            ended = ended + np.asarray(cts[t]["disconnected"].values) * (t == "boss")
        assert np.all(ended == v(t, "legs_in")), t
    # Offered counts the legs a type received beside its own arrivals.
    assert np.all(v("boss", "offered") == v("boss", "legs_in"))
    assert np.all(v("front", "issues") == v("front", "offered"))


def test_agents_times_join_up_at_each_hand_over(mixed):
    _, records = mixed
    warm_legs = 0
    for rec in records:
        tr = rec.transfers
        leg = np.flatnonzero(tr["prev"] >= 0)
        prev = tr["prev"][leg]
        first_end = rec.answer[prev] + rec.handle[prev]  # the first agent's talk, to the hand-over
        from_front = rec.ctype[prev] == 0
        warm = from_front & np.isin(tr["rule"][leg], [0, 2])
        answered = rec.outcome[leg] == ANSWERED
        cold = ~warm
        # Cold: the first agent hands over as the leg arrives.
        assert np.allclose(first_end[cold], rec.arrival[leg][cold], atol=1e-6)
        # Warm, answered: the first agent stays through the conference.
        both = warm & answered
        warm_legs += both.sum()
        assert np.allclose(first_end[both], rec.answer[leg][both] + tr["conference"][leg][both], atol=1e-6)
        # The second agent's talk includes the conference.
        assert np.all(rec.handle[leg][both] >= tr["conference"][leg][both])
        # Warm, not reached: the first agent waited the leg's whole wait (40 s at most for rule 0).
        gone = warm & ~answered & (rec.outcome[leg] != DISCONNECTED)
        waited = rec.wait[leg][gone]
        assert np.all(first_end[gone] >= rec.arrival[leg][gone] + waited - 1e-6)
        assert np.all(waited[tr["rule"][leg][gone] == 0] <= 40.0 + 1e-9)
    assert warm_legs > 0


def test_a_leg_after_the_closing_to_a_disconnecting_type_is_disconnected_at_once(mixed):
    _, records = mixed
    seen = 0
    for rec in records:
        late = (rec.ctype == 2) & (rec.transfers["prev"] >= 0) & ((rec.arrival % 86400.0) >= 4 * 3600.0)
        assert np.all(rec.outcome[late] == DISCONNECTED)
        seen += late.sum()
    assert seen > 0


def test_a_conference_without_waiting_is_lost_as_erlang_b_says():
    """Poisson calls to a front desk with (practically) unlimited agents: the ends of their
    talks are Poisson (M/G/inf), so the warm transfers to 2 accounting agents with no wait
    allowed form an M/M/2/2 loss system: a share B(2, p lambda E[conference]) is not reached."""
    text = """\
name: erlang b conference
horizon: {start: "00:00", end: "12:00", interval: 60min}
seed: 11
contact_types:
  front:
    arrivals: {rate: 2/min}
    handle_time: {dist: exponential, mean: 3min}
    transfers:
      - {to: accounting, probability: 0.5, mode: warm, wait_limit: 0s, if_not_reached: back,
         conference: {dist: exponential, mean: 2min}}
  accounting:
    arrivals: {rate: 0}
    handle_time: {dist: constant, value: 0s}
agent_groups:
  desk: {skills: [front], staffing: 60}
  accounting: {skills: [accounting], staffing: 2}
"""
    est = ccsim.simulate(loads(text, source="b.yaml"), replications=30, workers=1)
    cts = est.contact_types
    returned = np.asarray(cts["accounting"]["legs_returned"].values, dtype=float)
    legs = np.asarray(cts["accounting"]["legs_in"].values, dtype=float)
    r = returned.sum() / legs.sum()
    resid = returned - r * legs
    se = resid.std(ddof=1) / (math.sqrt(legs.size) * legs.mean())
    expected = erlang_b(2, 0.5 * 2.0 * 2.0)  # 1 leg/min x 2 min
    assert abs(r - expected) <= Z * se + 0.01, (r, se, expected)  # 0.01: the morning's start from empty


def test_same_seed_same_legs():
    a = ccsim.simulate(loads(MIXED, source="t.yaml"), replications=2, workers=1, keep_records=True)
    b = ccsim.simulate(loads(MIXED, source="t.yaml"), replications=2, workers=1, keep_records=True)
    for x, y in zip(a.records, b.records, strict=True):
        assert np.array_equal(x.outcome, y.outcome)
        assert np.array_equal(x.transfers["prev"], y.transfers["prev"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transfer_scenario_dicts())
def test_random_scenarios_with_transfers_obey_the_invariants(spec):
    est = ccsim.simulate(ccsim.scenario_from_dict(spec), replications=2, workers=1, keep_records=True)
    for rec in est.records:
        check_transfers(est.plan, rec)
    for name, kpis in est.contact_types.items():
        ends = ["answered", "abandoned", "blocked", "waiting_at_end", "legs_voicemail", "legs_returned"]
        ends += ["disconnected"] if "disconnected" in kpis else []
        assert np.array_equal(kpis["offered"].values, sum(kpis[k].values for k in ends)), name


def test_first_contact_resolution_counts_a_transferred_issue_as_one_contact():
    """With plenty of agents (nobody waits or hangs up), an issue transferred with probability
    0.4 is resolved at its last leg by that type's first_contact: FCR of the front's issues =
    0.6 x 0.5 + 0.4 x 0.9 = 0.66, and each issue is one contact (contacts_per_issue = 1)."""
    text = """\
name: fcr with transfers
horizon: {start: "08:00", end: "16:00", interval: 60min}
seed: 3
contact_types:
  front:
    arrivals: {rate: 120/h}
    handle_time: {dist: exponential, mean: 2min}
    resolution: {first_contact: 0.5}
    transfers:
      - {to: expert, probability: 0.4}
  expert:
    arrivals: {rate: 0}
    handle_time: {dist: exponential, mean: 4min}
    resolution: {first_contact: 0.9}
agent_groups:
  desk: {skills: [front], staffing: 30}
  experts: {skills: [expert], staffing: 30}
"""
    est = ccsim.simulate(loads(text, source="f.yaml"), replications=20, workers=1)
    front = est.contact_types["front"]
    fcr = np.asarray(front["fcr"].values, dtype=float)
    mean, se = fcr.mean(), fcr.std(ddof=1) / math.sqrt(fcr.size)
    assert abs(mean - 0.66) <= Z * se, (mean, se)
    assert np.all(np.asarray(front["contacts_per_issue"].values) == 1.0)
    made = np.asarray(front["transfers_made"].values, dtype=float)
    share = made.sum() / np.asarray(front["answered"].values, dtype=float).sum()
    assert abs(share - 0.4) <= Z * math.sqrt(0.4 * 0.6 / np.asarray(front["answered"].values).sum())


def test_the_terminal_shows_a_transfers_table_only_where_there_are_transfers(mixed):
    from ccsim.report.table import render_tables

    est, _ = mixed
    text = render_tables(est)
    assert "transferred out" in text and "journey wait" in text
    no_rules = MIXED[:MIXED.index("    transfers:\n")] + MIXED[MIXED.index("  expert:\n"):].replace(
        "    transfers:\n      - {to: boss, probability: 0.2}\n", "")
    plain = ccsim.simulate(loads(no_rules, source="p.yaml"), replications=1, workers=1)
    assert "transferred out" not in render_tables(plain)


def test_a_rule_limited_to_some_groups_applies_only_after_their_service(mixed):
    est, records = mixed
    desk = [g.name for g in est.plan.agent_groups].index("desk")
    seen = 0
    for rec in records:
        tr = rec.transfers
        by_rule_1 = (tr["prev"] >= 0) & (tr["rule"] == 1)
        prev = tr["prev"][by_rule_1]
        prev = prev[rec.ctype[prev] == 0]  # rule 1 of front (groups: [desk])
        assert np.all(rec.group[prev] == desk)
        seen += prev.size
    assert seen > 0
    # The backup group serves front too, and its calls are transferred by the other rules.
    backup = [g.name for g in est.plan.agent_groups].index("backup")
    assert any(np.any(rec.group[rec.transfers["prev"][rec.transfers["prev"] >= 0]] == backup) for rec in records)
