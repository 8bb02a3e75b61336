"""Staffing, step 1 and the pieces around it: Erlang columns, multi-skill allocation, shrinkage,
cost, the side file and the requirement CSV (errors located), infeasible targets."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim import erlang as E
from ccsim.experiment import plan_for
from ccsim.scenario import ScenarioError
from ccsim.staffing import InfeasibleTargets, resolve_options, staff
from ccsim.staffing.analytic import (
    agents_to_close_gap,
    analytic_staffing,
    erlang_a_requirement,
    erlang_c_requirement,
    square_root_requirement,
    volume_multiplier,
)
from ccsim.staffing.cost import Cost, plan_cost
from ccsim.staffing.multiskill import allocate, owners
from ccsim.staffing.requirement import requirement_from_text
from ccsim.staffing.settings import settings_from_text
from ccsim.staffing.shrinkage import positions_needed, scheduled_positions
from ccsim.staffing.targets import TypeTargets


def one_queue(per_interval=(40, 80, 120, 80), patience=None, interval="30min", **extra):
    calls = {"arrivals": {"per_interval": list(per_interval)},
             "handle_time": {"dist": "exponential", "mean": "4min"}, **extra}
    if patience:
        calls["patience"] = {"dist": "exponential", "mean": patience}
    hours = len(per_interval) * {"30min": 0.5, "1h": 1.0, "2h": 2.0}[interval]
    return ccsim.from_dict({
        "name": "one queue", "horizon": {"start": "08:00", "end": f"{8 + int(hours):02d}:{int(60 * (hours % 1)):02d}",
                                         "interval": interval},
        "seed": 2, "contact_types": {"calls": calls},
        "agent_groups": {"team": {"skills": ["calls"], "staffing": 10}},
    })


def test_erlang_c_column_is_the_smallest_staffing_meeting_the_target():
    t = TypeTargets(0.8, 20.0)
    rate, aht = 200 / 3600, 240.0
    c = erlang_c_requirement(rate, aht, t)
    assert E.erlang_c_service_level(rate, aht, c, 20.0) >= 0.8 > E.erlang_c_service_level(rate, aht, c - 1, 20.0)
    # A maximum ASA and occupancy only ever add agents.
    assert erlang_c_requirement(rate, aht, TypeTargets(0.8, 20.0, max_asa_s=2.0)) > c
    assert erlang_c_requirement(rate, aht, t, max_occupancy=0.7) >= math.ceil(rate * aht / 0.7)
    assert erlang_c_requirement(0.0, aht, t) == 0


def test_erlang_a_column_needs_fewer_agents_with_impatient_callers_and_equals_c_without():
    t = TypeTargets(0.8, 20.0)
    rate, aht = 300 / 3600, 240.0
    c = erlang_c_requirement(rate, aht, t)
    assert erlang_a_requirement(rate, aht, math.inf, t) == c
    a = erlang_a_requirement(rate, aht, 60.0, t)
    assert a < c
    r = E.erlang_a(rate, aht, a, 60.0, 20.0)
    assert r.service_level >= 0.8
    capped = erlang_a_requirement(rate, aht, 60.0, TypeTargets(0.8, 20.0, max_abandon=0.01))
    assert E.erlang_a(rate, aht, capped, 60.0, 20.0).abandon_rate <= 0.01 and capped > a


def test_square_root_staffing_is_close_to_erlang_c_and_reports_beta():
    t = TypeTargets(0.8, 20.0)
    for per_hour in (30, 300, 3000):
        rate = per_hour / 3600
        c, beta = square_root_requirement(rate, 180.0, t)
        assert beta > 0
        assert c == E.square_root_staffing(rate, 180.0, beta)
        assert abs(c - erlang_c_requirement(rate, 180.0, t)) <= 2


def test_confidence_plans_for_a_quantile_of_the_forecast_error():
    assert volume_multiplier(0.0, 0.9) == 1.0
    assert volume_multiplier(0.2, None) == 1.0
    assert 1.2 < volume_multiplier(0.2, 0.9) < 1.3  # the 90 % quantile of a mean-1, CV-0.2 gamma
    sc = one_queue(per_interval=[100] * 4)
    sc = sc.with_changes({"contact_types.calls.arrivals.forecast_error": 0.2})
    plain = analytic_staffing(plan_for(sc), resolve_options(sc).targets)["calls"]
    sure = analytic_staffing(plan_for(sc), resolve_options(sc, confidence=0.9).targets)["calls"]
    assert (sure.erlang_c > plain.erlang_c).all()


def test_gap_estimate_reads_the_simulation_through_the_analytic_curve():
    rate, aht = 300 / 3600, 240.0
    c = erlang_c_requirement(rate, aht, TypeTargets(0.8, 20.0))
    sl_two_short = E.erlang_c_service_level(rate, aht, c - 2, 20.0)
    assert agents_to_close_gap("service_level", sl_two_short, 0.8, rate, aht, math.inf, 20.0, c - 2) == 2
    assert agents_to_close_gap("service_level", 0.79, 0.8, rate, aht, math.inf, 20.0, c) == 1


def test_multi_skill_start_goes_to_the_owners():
    sc = ccsim.from_dict({
        "name": "two skills", "horizon": {"start": "08:00", "end": "09:00"},
        "contact_types": {k: {"arrivals": {"rate": "100/h"}, "handle_time": {"dist": "exponential", "mean": "3min"}}
                          for k in ("sales", "support")},
        "agent_groups": {"sellers": {"skills": ["sales"], "staffing": 5},
                         "helpers": {"skills": ["support", "sales"], "staffing": 5},
                         "all": {"skills": ["support", "sales"], "staffing": 2}},
    })
    plan = plan_for(sc)
    assert owners(plan) == {0: [0], 1: [1, 2]}  # sales: the specialist; support: both at priority 1
    start = allocate(plan, {"sales": np.array([7, 7]), "support": np.array([5, 4])})
    assert start.tolist() == [[7, 7], [3, 2], [2, 2]]


def test_shrinkage_turns_required_agents_into_positions():
    assert scheduled_positions(np.array([14, 0, 7]), 0.30).tolist() == [20, 0, 10]
    assert scheduled_positions(np.array([14]), 0.0).tolist() == [14]
    assert positions_needed(14, 0.3) == pytest.approx(20.0)
    with pytest.raises(ValueError, match="shrinkage"):
        scheduled_positions(np.array([1]), 1.0)


def test_cost_of_a_plan_adds_paid_hours_and_simulated_contacts():
    sc = one_queue(patience="1min")
    est = ccsim.simulate(sc, replications=4, seed=3)
    cost = Cost({"team": 20.0}, abandoned_contact=5.0)
    parts = plan_cost(cost, {"team": 16.0}, est)
    assert parts["staff"] == 320.0
    abandoned = est.contact_types["calls"]["abandoned"].values
    assert np.allclose(parts["total"].values, 320.0 + 5.0 * abandoned)


def test_side_file_is_read_and_wins_over_the_scenario_and_loses_to_options():
    sc = one_queue(patience="2min")
    spec, located = settings_from_text(
        "targets:\n  calls: {service_level: 0.9, threshold: 30s, max_abandon: 0.05}\n"
        "max_occupancy: 0.85\nconfidence: 0.8\nshrinkage: {team: 0.25}\ncost: {agent_hour: 20}\n")
    options = resolve_options(sc, spec, located, threshold_s=15.0)
    t = options.targets.contact_types["calls"]
    assert (t.service_level, t.threshold_s, t.max_abandon) == (0.9, 15.0, 0.05)
    assert options.targets.max_occupancy == {"team": 0.85}
    assert options.targets.confidence == 0.8
    assert options.shrinkage == {"team": 0.25} and options.shrinkage_given
    assert options.cost.agent_hour == {"team": 20.0}


def test_side_file_errors_name_the_place_and_what_was_expected():
    sc = one_queue()
    with pytest.raises(ScenarioError) as info:
        settings_from_text("targets:\n  calls: {service_level: 1.5}\nshrinkage: 2\ncolour: red\n", "st.yaml")
    text = str(info.value)
    assert "st.yaml:2:26: targets.calls.service_level:" in text
    assert "st.yaml:3:12: shrinkage:" in text
    assert "st.yaml:4:1: colour: unknown field 'colour'" in text
    spec, located = settings_from_text("targets:\n  billing: {service_level: 0.9}\n", "st.yaml")
    with pytest.raises(ScenarioError, match=r"st.yaml:2:3: targets.billing: unknown contact type 'billing' "
                                            r"\(known: calls\)"):
        resolve_options(sc, spec, located)


def test_requirement_csv_is_read_and_its_errors_located():
    sc = one_queue()
    req = requirement_from_text("start,required\n08:00,3\n08:30,4\n09:00,6\n09:30,4\n", sc, "r.csv")
    assert req.required["team"].tolist() == [3, 4, 6, 4]
    with pytest.raises(ScenarioError) as info:
        requirement_from_text("start,required\n08:00,3\n08:45,4\n09:00,x\n", sc, "r.csv")
    text = str(info.value)
    assert "r.csv:3:1: start: '08:45' is not an interval start" in text
    assert "r.csv:4:2: required: expected a number of agents >= 0, got 'x'" in text


def test_infeasible_targets_are_refused_at_once_with_what_to_do():
    sc = one_queue()
    with pytest.raises(InfeasibleTargets, match=r"100 % in 0 s cannot be guaranteed.*below 100 %"):
        staff(sc, resolve_options(sc, service_level=1.0, threshold_s=0.0))
    with pytest.raises(InfeasibleTargets, match="maximum ASA of 0 s"):
        staff(sc, resolve_options(sc, max_asa_s=0.0))


def test_erlang_columns_count_chat_places_not_agents():
    """A chat team with concurrency c is N c servers: agents = ceil(servers / c), each chat as
    slow as with every place taken."""
    voice = one_queue(patience="3min")
    chat = voice.with_changes({"contact_types.calls.channel": "chat", "contact_types.calls.concurrency": 3,
                               "contact_types.calls.concurrency_slowdown": [1.0, 1.1, 1.25]})
    v = analytic_staffing(plan_for(voice), resolve_options(voice).targets)["calls"]
    c = analytic_staffing(plan_for(chat), resolve_options(chat).targets)["calls"]
    assert c.slots == 3 and c.aht_s == pytest.approx(v.aht_s * 1.25)
    t = resolve_options(chat).targets.contact_types["calls"]
    for j, rate in enumerate(c.rate):
        servers = erlang_a_requirement(rate, v.aht_s * 1.25, 180.0, t)
        assert c.erlang_a[j] == math.ceil(servers / 3)
    assert np.all(c.erlang_c < v.erlang_c)


def _mail_day(overnight: float, threshold: str, opening_hours_only: bool = False, agents: int = 2):
    return ccsim.from_dict({
        "name": "Mail", "seed": 4, "horizon": {"start": "08:00", "end": "20:00", "interval": "1h"},
        "contact_types": {"mail": {
            "channel": "email", "arrivals": {"per_interval": [20] * 12, "overnight": overnight},
            "handle_time": {"dist": "exponential", "mean": "1min"},
            "service_level": {"target": 0.9, "threshold": threshold, "opening_hours_only": opening_hours_only}}},
        "agent_groups": {"team": {"skills": ["mail"], "staffing": agents}},
    })


def test_mail_received_overnight_longer_ago_than_the_threshold_is_refused_at_once():
    """12 closed hours, 120 emails overnight, a 4 h threshold: 80 are late at 08:00 whatever the
    staffing, so the first interval's service level is at most 1 - 80 / 140 (43 %)."""
    sc = _mail_day(120, "4h")
    with pytest.raises(InfeasibleTargets, match=r"mail: .*90 % in 4 h cannot be met in the 08:00 interval.*"
                                                r"about 140 emails .* about 80 came in overnight.* at most 43 %"
                                                r".*opening_hours_only: true"):
        staff(sc, resolve_options(sc), replications=2, check_replications=2, workers=1)
    # The bound is what the simulation gives with agents enough to answer everything at once.
    plenty = ccsim.simulate(sc.with_changes({"agent_groups.team.staffing": 200}), replications=20)
    first = np.array([r.intervals["mail"]["service_level"][0] for r in plenty.replication_results])
    half_width = 2.1 * first.std(ddof=1) / math.sqrt(len(first))
    assert first.mean() == pytest.approx(1 - 80 / 140, abs=half_width + 0.01)
    # Counted in opening hours, or with a threshold longer than the night, the target is reachable.
    for reachable in (_mail_day(120, "4h", opening_hours_only=True), _mail_day(120, "13h")):
        found = staff(reachable, resolve_options(reachable), replications=4, check_replications=4, workers=1,
                      compare=False)
        assert found.validation.intervals_met == found.validation.n_intervals
