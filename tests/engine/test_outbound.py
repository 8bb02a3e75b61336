"""Outbound dialling and blending: theory (Erlang Blend), the pacing rule, conservation, policies.

Every check runs replications and compares with an interval, never with the number one
seed gives.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.dialer import MACHINE, NO_ANSWER, RIGHT_PARTY, WRONG_PARTY
from ccsim.engine.records import ABANDONED, ANSWERED, NOT_REACHED
from ccsim.erlang import erlang_blend
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError, loads
from tests.common.invariants import check_outbound, scenario_dicts

Z = 3.29  # 99.9 %: several KPIs per test


def scenario(text: str):
    return loads(text)


def values(kpis, name):
    return np.asarray(kpis[name].values, dtype=float)


def agrees(sample: np.ndarray, truth: float, what: str) -> None:
    mean = float(sample.mean())
    se = float(sample.std(ddof=1) / math.sqrt(sample.size))
    assert abs(mean - truth) <= Z * se + 1e-9, f"{what}: simulated {mean:.5g} ± {Z * se:.3g}, analytic {truth:.5g}"


BLEND = """
name: erlang blend
horizon: {start: "00:00", end: "10:00", interval: 60min, warmup: 1h}
seed: 5
replications: 60
contact_types:
  service:
    arrivals: {rate: 4/min}
    handle_time: {dist: exponential, mean: 3min}
    service_level: {target: 0.8, threshold: 20s}
  campaign:
    direction: outbound
    handle_time: {dist: exponential, mean: 3min}
    dialer: {policy: progressive, keep_free: 2}
agent_groups:
  blended: {skills: [service, campaign], staffing: 16}
"""


def test_blending_agrees_with_erlang_blend():
    """16 agents, threshold 2, 4 calls/min, AHT 3 min: the threshold policy of Bhulai & Koole
    (CCmath's Erlang Blend) — service level, ASA, probability of waiting, outbound calls per
    hour and occupancy within their 99.9 % intervals of the analytic values."""
    truth = erlang_blend(16, 2, 4 / 60, 180.0, 20.0)
    est = ccsim.simulate(scenario(BLEND), workers=1)
    service, campaign, group = est.contact_types["service"], est.contact_types["campaign"], est.agent_groups["blended"]
    agrees(values(service, "service_level"), truth.service_level, "service level")
    agrees(values(service, "asa"), truth.asa, "ASA")
    agrees(values(service, "p_wait"), truth.prob_wait, "P(wait)")
    agrees(values(group, "occupancy"), truth.occupancy, "occupancy")
    # Outbound calls finished per hour: those dialled after the warm-up over the 9 hours counted.
    agrees(values(campaign, "answered") / 9.0, truth.outbound_per_hour, "outbound calls per hour")
    # A threshold of 0 gives more outbound calls and a worse inbound service level (both ways).
    loose = erlang_blend(16, 0, 4 / 60, 180.0, 20.0)
    assert loose.outbound_per_hour > truth.outbound_per_hour and loose.service_level < truth.service_level


def test_erlang_blend_refuses_bad_arguments():
    with pytest.raises(ValueError, match="threshold"):
        erlang_blend(4, 4, 1 / 60, 180.0)
    with pytest.raises(ValueError, match="unstable"):
        erlang_blend(4, 1, 4 / 60, 180.0)
    with pytest.raises(ValueError, match="aht"):
        erlang_blend(4, 1, 1 / 60, 0.0)


PREDICTIVE = """
name: predictive campaign
horizon: {{start: "09:00", end: "13:00", interval: 60min}}
seed: 11
replications: 40
contact_types:
  sales:
    direction: outbound
    handle_time: {{dist: exponential, mean: 4min}}
    patience: {{dist: uniform, low: 1s, high: 6s}}
    dialer:
      policy: predictive
      kappa: 3.5
      reach: 0.3
      wrong_party: {{probability: 0.05, handle_time: {{dist: constant, value: 15s}}}}
      answering_machine: {{probability: 0.15}}
      ring_time: {{dist: uniform, low: 5s, high: 25s}}
      no_answer_time: {{dist: constant, value: 30s}}
      {pacing}
agent_groups:
  sellers: {{skills: [sales], staffing: 20}}
"""


def test_pacing_holds_the_abandoned_call_limit_in_every_replication():
    """With pacing at 3 %, every day's abandoned share of live calls (no agent within 2 s of the
    greeting) is at most 3 %; the same dialer without pacing abandons far more."""
    paced = ccsim.simulate(scenario(PREDICTIVE.format(pacing="pacing: {abandon_limit: 3%, grace: 2s}")),
                           workers=1)
    rate = values(paced.contact_types["sales"], "outbound_abandon_rate")
    assert (rate <= 0.03 + 1e-12).all(), rate.max()
    free = ccsim.simulate(scenario(PREDICTIVE.format(pacing="")), workers=1)
    loose = values(free.contact_types["sales"], "outbound_abandon_rate")
    assert loose.mean() > 0.06
    # Pacing costs connects, but it still dials more than one call per free agent when it may.
    assert values(paced.contact_types["sales"], "right_party_connects").mean() > 0


def test_dialled_calls_are_conserved_and_counted_by_who_answered():
    est = ccsim.simulate(scenario(PREDICTIVE.format(pacing="")), workers=1, replications=10, keep_records=True)
    sales = est.contact_types["sales"]
    dialled = values(sales, "dialled")
    parts = sum(values(sales, n) for n in ("right_party", "wrong_party", "machines", "no_answer"))
    assert np.array_equal(dialled, parts)
    # Offered = live calls (machines are dropped here): answered + abandoned, nobody left waiting.
    live = values(sales, "right_party") + values(sales, "wrong_party")
    assert np.array_equal(values(sales, "offered"), live)
    assert np.array_equal(live, values(sales, "answered") + values(sales, "abandoned"))
    share = values(sales, "right_party_rate")
    assert abs(share.mean() - 0.3) < 0.02
    for rec in est.records:
        result = rec.dial_result
        reached = (result == RIGHT_PARTY) | (result == WRONG_PARTY)
        assert ((rec.outcome == NOT_REACHED) == ((result == NO_ANSWER) | (result == MACHINE))).all()
        assert np.isin(rec.outcome[reached], (ANSWERED, ABANDONED)).all()
        # The party answers after the ringing: queue entry after the dialling.
        assert (rec.entry[reached] >= rec.arrival[reached] + 5.0 - 1e-9).all()
        # Wrong parties talk their own short time.
        wrong = (result == WRONG_PARTY) & (rec.outcome == ANSWERED)
        assert np.allclose(rec.handle[wrong], 15.0)


def test_preview_dialling_never_mismatches_and_keeps_the_agent_busy_for_the_preview():
    text = """
name: preview
horizon: {start: "09:00", end: "11:00", interval: 60min}
seed: 3
replications: 8
contact_types:
  renewals:
    direction: outbound
    handle_time: {dist: constant, value: 120s}
    patience: {dist: constant, value: 1s}
    dialer:
      policy: preview
      preview_time: {dist: constant, value: 30s}
      ring_time: {dist: constant, value: 10s}
      no_answer_time: {dist: constant, value: 20s}
      reach: 0.5
      campaign_size: 150
agent_groups:
  team: {skills: [renewals], staffing: 4}
"""
    est = ccsim.simulate(scenario(text), workers=1, keep_records=True)
    renewals = est.contact_types["renewals"]
    assert (values(renewals, "mismatches") == 0).all()
    assert (values(renewals, "abandoned") == 0).all()
    assert (values(renewals, "dialled") <= 150).all()
    for rec in est.records:
        talked = rec.outcome == ANSWERED
        assert np.allclose(rec.handle[talked], 30.0 + 10.0 + 120.0)
        missed = rec.outcome == NOT_REACHED
        assert np.allclose(rec.handle[missed], 30.0 + 20.0)
    # Four agents could work 4 x 2 h / 105 s = 274 records: the list of 150 runs out, every
    # record taking its preview and ring (and a talk for half of them) of the agents' time.
    assert (values(renewals, "dialled") == 150).all()
    per_record = 0.5 * 160.0 + 0.5 * 50.0
    occupancy = values(est.agent_groups["team"], "occupancy")
    assert abs(occupancy.mean() - 150 * per_record / (4 * 7200.0)) < 0.05


def test_campaign_size_and_dialer_hours_bound_the_calls():
    text = """
name: hours
horizon: {start: "08:00", end: "12:00", interval: 60min}
seed: 7
replications: 6
contact_types:
  callback_list:
    direction: outbound
    handle_time: {dist: exponential, mean: 2min}
    dialer: {policy: progressive, start: "09:00", end: "10:30", reach: 0.4, campaign_size: 200,
             no_answer_time: {dist: constant, value: 20s}}
agent_groups:
  team: {skills: [callback_list], staffing: 3}
"""
    est = ccsim.simulate(scenario(text), workers=1, keep_records=True)
    for rec in est.records:
        dialled = rec.dial_result >= 0
        assert dialled.sum() <= 200
        assert (rec.arrival[dialled] >= 3600.0).all() and (rec.arrival[dialled] < 9000.0).all()
    per_interval = est.intervals["callback_list"]["dialled"]  # mean calls dialled per interval
    assert per_interval[0] == 0 and per_interval[3] == 0 and per_interval[1] > 0 and per_interval[2] > 0


def test_blend_threshold_protects_the_inbound_service_level():
    """Keeping agents free for inbound (keep_free) trades outbound calls for inbound service:
    both move the expected way between thresholds 0 and 3, beyond their CIs."""
    def run(keep: int):
        text = BLEND.replace("keep_free: 2", f"keep_free: {keep}").replace("replications: 60", "replications: 20")
        est = ccsim.simulate(scenario(text), workers=1)
        return est.contact_types["service"]["service_level"], est.contact_types["campaign"]["answered"]

    sl0, out0 = run(0)
    sl3, out3 = run(3)
    assert sl3.ci95[0] > sl0.ci95[1]
    assert out0.ci95[0] > out3.ci95[1]


@pytest.mark.parametrize("body,where,expected", [
    ("direction: outbound\n    handle_time: {dist: constant, value: 60s}",
     "contact_types.sales", "needs a 'dialer'"),
    ("arrivals: {rate: 10/h}\n    handle_time: {dist: constant, value: 60s}\n    dialer: {policy: progressive}",
     "contact_types.sales", "direction: outbound"),
    ("direction: outbound\n    handle_time: {dist: constant, value: 60s}\n"
     "    dialer: {policy: predictive, preset: dial2xfree, kappa: 3}",
     "contact_types.sales.dialer", "sets kappa and extra"),
    ("direction: outbound\n    handle_time: {dist: constant, value: 60s}\n"
     "    dialer: {policy: progressive, watch: [nobody]}",
     "contact_types.sales.dialer.watch[0]", "unknown agent group 'nobody'"),
    ("direction: outbound\n    handle_time: {dist: constant, value: 60s}\n"
     "    dialer: {policy: progressive, reach: [0.2, 0.3, 0.4]}",
     "contact_types.sales.dialer.reach", "one probability per interval (2 intervals)"),
    ("direction: outbound\n    handle_time: {dist: constant, value: 60s}\n"
     "    dialer: {policy: progressive, reach: 1.5}",
     "contact_types.sales.dialer.reach", "1.5"),
    ("direction: outbound\n    arrivals: {rate: 10/h}\n    handle_time: {dist: constant, value: 60s}\n"
     "    dialer: {policy: progressive}",
     "contact_types.sales", "leave 'arrivals' out"),
    ("direction: outbound\n    handle_time: {dist: constant, value: 60s}\n"
     "    dialer: {policy: progressive, ring_time: [{dist: constant, value: 5s}]}",
     "contact_types.sales.dialer.ring_time", "one distribution per interval (2 intervals), got 1"),
])
def test_outbound_fields_are_checked_with_located_errors(body, where, expected):
    text = f"""name: bad
horizon: {{start: "09:00", end: "11:00", interval: 60min}}
contact_types:
  sales:
    {body}
agent_groups:
  team: {{skills: [sales], staffing: 3}}
"""
    with pytest.raises(ScenarioError) as err:
        loads(text, source="bad.yaml")
    message = str(err.value)
    assert "bad.yaml:" in message and where in message and expected in message, message


def test_outbound_runs_with_events_and_journeys_beside_it(tmp_path):
    """An outbound type composes with an inbound type that has caller journeys, and with the
    event sink: every dialled call that reached a live party arrives, and is answered or abandons."""
    text = BLEND.replace("replications: 60", "replications: 2").replace(
        "    service_level: {target: 0.8, threshold: 20s}",
        "    service_level: {target: 0.8, threshold: 20s}\n    patience: {dist: exponential, mean: 2min}\n"
        "    retrial: {probability: 0.5, delay: {dist: exponential, mean: 5min}}")
    sc = scenario(text)
    from ccsim.engine.arrivals import draw_contacts
    from ccsim.engine.run import run_draws

    plan = build_plan(sc)
    events = []
    rec = run_draws(plan, draw_contacts(plan, 0), 0, sink=lambda *e: events.append(e))
    k = [ct.name for ct in plan.contact_types].index("campaign")
    arrivals = {e[2] for e in events if e[0] == "arrival" and e[3] == k}
    reached = set(np.flatnonzero((rec.ctype == k) & (rec.dial_result == RIGHT_PARTY)).tolist())
    assert arrivals == reached and reached
    answered = {e[2] for e in events if e[0] == "answer" and e[3] == k}
    assert answered == set(np.flatnonzero((rec.ctype == k) & (rec.outcome == ANSWERED)).tolist())


@st.composite
def dialled_scenarios(draw):
    """``scenario_dicts`` with an outbound type on a dialer (any policy), served by some groups."""
    data = draw(scenario_dicts(max_types=2, max_groups=2))
    groups = list(data["agent_groups"])
    policy = draw(st.sampled_from(["preview", "progressive", "predictive"]))
    dialer = {"policy": policy, "reach": draw(st.sampled_from([0.2, 0.5, 1.0])),
              "ring_time": {"dist": "uniform", "low": 1, "high": 20},
              "no_answer_time": {"dist": "constant", "value": draw(st.sampled_from([0, 15]))},
              "end": "09:30", "keep_free": draw(st.integers(0, 1))}
    if policy == "predictive":
        dialer["kappa"] = draw(st.sampled_from([0.5, 2.0, 3.0]))
        dialer["extra"] = draw(st.integers(-1, 2))
        if draw(st.booleans()):
            dialer["pacing"] = {"abandon_limit": 0.03}
    if policy == "preview":
        dialer["preview_time"] = {"dist": "constant", "value": 10}
    if draw(st.booleans()):
        dialer["wrong_party"] = {"probability": 0.1}
    if draw(st.booleans()):
        dialer["answering_machine"] = {"probability": 0.2, **({"handle_time": {"dist": "constant", "value": 15}}
                                                               if draw(st.booleans()) else {})}
    if draw(st.booleans()):
        dialer["campaign_size"] = draw(st.integers(0, 60))
    data["contact_types"]["dialled"] = {
        "direction": "outbound", "handle_time": {"dist": "exponential", "mean": 120}, "dialer": dialer,
        "patience": {"dist": "uniform", "low": 1, "high": 10}}
    for g in draw(st.lists(st.sampled_from(groups), min_size=1, max_size=len(groups), unique=True)):
        skills = data["agent_groups"][g]["skills"]
        skills.insert(draw(st.integers(0, len(skills))), "dialled")
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=dialled_scenarios(), replication=st.integers(0, 3))
def test_every_run_with_a_dialer_keeps_every_invariant(data, replication):
    """Dialled calls compose with lines, closings, warm-ups, staffing drops and several
    groups and types: the engine's invariants hold on every run (tests.common.invariants)."""
    plan = build_plan(ccsim.from_dict(data))
    check_outbound(plan, simulate_replication(plan, replication))


def test_ring_times_per_interval_follow_the_interval_of_the_dialling():
    text = """
name: rings
horizon: {start: "09:00", end: "11:00", interval: 60min}
seed: 2
replications: 3
contact_types:
  sales:
    direction: outbound
    handle_time: {dist: constant, value: 60s}
    dialer: {policy: progressive, reach: 1, ring_time: [{dist: constant, value: 5s}, {dist: constant, value: 25s}]}
agent_groups:
  team: {skills: [sales], staffing: 3}
"""
    est = ccsim.simulate(loads(text), workers=1, keep_records=True)
    for rec in est.records:
        dialled = rec.dial_result >= 0
        ring = (rec.entry - rec.arrival)[dialled]
        first = rec.arrival[dialled] < 3600.0
        assert np.allclose(ring[first], 5.0) and np.allclose(ring[~first], 25.0)
        assert (est.contact_types["sales"]["reached"].values == est.contact_types["sales"]["dialled"].values).all()
