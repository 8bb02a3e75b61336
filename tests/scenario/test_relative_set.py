"""Relative changes: ``--set PATH+=VALUE``, ``-=`` and ``*=``, on the value the scenario gives."""

from pathlib import Path

import pytest

from ccsim.scenario import ScenarioError, load, loads

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "scenarios" / "retail_bank.yaml"
HELPDESK = ROOT / "scenarios" / "it_helpdesk.yaml"

SMALL = """\
name: Small
horizon: {start: "08:00", end: "10:00", interval: 30min}
contact_types:
  sales:
    arrivals: {rate: 60/h}
    handle_time: {dist: triangular, low: 1min, mode: 2min, high: 6min}
    after_call_work: {dist: constant, value: 30}
    patience: {dist: lognormal, mean: 2min, cv: 0.5}
    service_level: {target: 80%, threshold: 20s}
  chat:
    channel: chat
    arrivals: {volume: 100, profile: [1, 2, 2, 1], forecast_error: 0.1}
    handle_time: {dist: empirical, values: [60, 2min, 3min]}
  mail:
    channel: email
    arrivals: {per_interval: [10, 20, 30, 40], overnight: 50}
    handle_time: {dist: exponential, mean: 5min}
agent_groups:
  team: {skills: [sales, chat, mail], staffing: [2, 3, 0, 2], handle_time_factor: {sales: 1.2}}
  roster:
    skills: [sales]
    shifts: [{start: "08:00", end: "10:00", headcount: 3}]
"""


def changed(*sets):
    return loads(SMALL, source="s.yaml", overrides=sets)


def problems(*sets) -> list:
    with pytest.raises(ScenarioError) as info:
        changed(*sets)
    return info.value.problems


def test_staffing_plus_adds_an_agent_to_every_interval_and_minus_stops_at_zero():
    assert changed("agent_groups.team.staffing+=1").agent_groups["team"].staffing == (3, 4, 1, 3)
    assert changed("agent_groups.team.staffing-=2").agent_groups["team"].staffing == (0, 1, 0, 0)
    assert changed("agent_groups.team.staffing*=1.5").agent_groups["team"].staffing == (3, 5, 0, 3)  # half up
    single = changed("agent_groups.team.staffing=4", "agent_groups.team.staffing+=1")
    assert single.agent_groups["team"].staffing == 5


def test_arrivals_times_a_factor_scales_every_rate_volume_and_count():
    sc = changed("contact_types.sales.arrivals*=1.1", "contact_types.chat.arrivals*=1.1",
                 "contact_types.mail.arrivals*=110%")
    assert sc.contact_types["sales"].arrivals.rate * 3600 == pytest.approx(66.0)
    chat = sc.contact_types["chat"].arrivals
    assert chat.volume == pytest.approx(110.0)
    assert chat.profile == [1, 2, 2, 1] and chat.forecast_error == 0.1  # weights and the CV stay
    mail = sc.contact_types["mail"].arrivals
    assert mail.per_interval == pytest.approx([11, 22, 33, 44]) and mail.overnight == pytest.approx(55.0)


def test_durations_move_by_a_duration_in_any_unit():
    sc = changed("contact_types.sales.patience.mean+=30s", "contact_types.sales.after_call_work.value+=1min",
                 "contact_types.mail.handle_time.mean-=0.5 mins", "agent_groups.roster.shifts[0].end-=30min",
                 "horizon.warmup+=10min")
    assert sc.contact_types["sales"].patience.mean == 150.0
    assert sc.contact_types["sales"].after_call_work.value == 90.0
    assert sc.contact_types["mail"].handle_time.mean == 270.0
    assert sc.agent_groups["roster"].shifts[0].end == 9.5 * 3600
    assert sc.horizon.warmup == 600.0  # from its default, 0


def test_a_distribution_times_a_factor_scales_its_durations_not_its_shape():
    sc = changed("contact_types.sales.handle_time*=2", "contact_types.chat.handle_time*=0.5",
                 "contact_types.sales.patience*=1.5")
    ht = sc.contact_types["sales"].handle_time
    assert (ht.low, ht.mode, ht.high) == (120.0, 240.0, 720.0)
    assert sc.contact_types["chat"].handle_time.values == [30.0, 60.0, 90.0]
    patience = sc.contact_types["sales"].patience
    assert patience.mean == 180.0 and patience.cv == 0.5


def test_shares_numbers_and_mappings():
    sc = changed("contact_types.sales.service_level.target+=5%", "agent_groups.team.handle_time_factor*=1.5",
                 "contact_types.sales.service_level.threshold*=3", "replications*=2")
    assert sc.contact_types["sales"].service_level.target == pytest.approx(0.85)
    assert sc.agent_groups["team"].handle_time_factor == {"sales": pytest.approx(1.8)}
    assert sc.contact_types["sales"].service_level.threshold == 60.0
    assert sc.replications == 20


def test_a_shift_headcount_changes_and_a_roster_has_no_staffing():
    assert changed("agent_groups.roster.shifts[0].headcount+=2").agent_groups["roster"].shifts[0].headcount == 5
    (problem,) = problems("agent_groups.roster.staffing+=1")
    assert problem.source == "--set agent_groups.roster.staffing+=1" and problem.path == "agent_groups.roster.staffing"
    assert "'roster' works shifts" in problem.message and "shifts[0].headcount+=N" in problem.message


@pytest.mark.parametrize("change, says", [
    ("contact_types.sales.channel*=2", "'*=' changes numbers, and contact_types.sales.channel is text ('voice')"),
    ("agent_groups.team.skills+=1", "'+=' changes numbers"),
    ("contact_types.sales.arrivals+=10", "it takes '*=' (a factor"),
    ("contact_types.sales.handle_time+=30s", "it takes '*=' (a factor"),
    ("contact_types.sales.handle_time.mode*=lots", "'*=' takes a factor: a number such as 1.1"),
    ("horizon.start*=2", "a clock time: it moves by '+=' or '-='"),
    ("horizon.start-=9h", "outside 00:00-24:00"),
    ("contact_types.mail.service_level.threshold*=2", "not in the scenario"),  # an email's own default
    ("contact_types.mail.patience.mean+=1min", "not in the scenario, so there is nothing to change by '+='"),
    ("agent_groups.team.staffing+=1.5", "a whole number of agents"),
    ("contact_types.sales.patiense.mean+=30s", "did you mean 'patience'?"),
])
def test_a_change_that_cannot_be_made_says_why_and_where(change, says):
    (problem,) = problems(change)
    assert problem.source == f"--set {change}" and problem.line is None
    assert says in problem.message, problem.message


def test_the_result_is_validated_like_the_file():
    (problem,) = problems("contact_types.sales.service_level.target+=30%")
    assert problem.path == "contact_types.sales.service_level.target" and "from 0 to 1" in problem.message
    (problem,) = problems("contact_types.sales.patience.mean-=5min")
    assert "must be positive" in problem.message


def test_with_changes_and_sweeps_take_the_operators_too():
    bank = load(BANK)
    sellers = bank.agent_groups["sellers"].staffing
    assert bank.with_changes(["agent_groups.sellers.staffing+=1"]).agent_groups["sellers"].staffing == tuple(
        n + 1 for n in sellers)
    # a sweep's axis "PATH+=0..2" reaches with_changes as {"PATH+": value}
    assert bank.with_changes({"agent_groups.sellers.staffing+": 2}).agent_groups["sellers"].staffing == tuple(
        n + 2 for n in sellers)
    helpdesk = load(HELPDESK, overrides=["contact_types.incidents.arrivals*=1.1"])
    assert helpdesk.contact_types["incidents"].arrivals.per_interval[0] == pytest.approx(6.6)
