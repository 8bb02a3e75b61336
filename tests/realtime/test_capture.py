"""What-if from the live moment: the live run's state turned into a snapshot (ccsim.realtime.capture)."""

from pathlib import Path

import pytest

from ccsim.realtime import load_snapshot
from ccsim.realtime.capture import CaptureError, capture_at
from ccsim.realtime.snapshot import loads_snapshot
from ccsim.realtime.whatif import whatif
from ccsim.scenario import load, loads
from ccsim.units import parse_clock

ROOT = Path(__file__).resolve().parents[2]

# Nobody calls before 11:00 and every duration is constant: the centre at any moment
# before 11:00 is known exactly from the snapshot at 10:00.
QUIET_MORNING = """
name: Quiet morning
horizon: {start: "10:00", end: "12:00", interval: 30min}
seed: 3
replications: 2
contact_types:
  sales:
    channel: voice
    arrivals: {per_interval: [0, 0, 40, 40]}
    handle_time: {dist: constant, value: 10min}
    patience: {dist: constant, value: 1h}
    service_level: {target: 0.8, threshold: 20s}
agent_groups:
  sellers:
    skills: [sales]
    staffing: [3, 3, 3, 3]
"""

AT_TEN = """
time: "10:00"
contact_types:
  sales: {waiting: [1min, 30s]}
agent_groups:
  sellers: {idle: 0, busy: [4min, 2min], on_break: ["10:20"]}
"""


@pytest.fixture(scope="module")
def quiet():
    sc = loads(QUIET_MORNING)
    return sc, loads_snapshot(AT_TEN, scenario=sc)


def test_capture_at_a_known_moment_is_the_centre_then(quiet):
    sc, ten = quiet
    snap = capture_at(sc, ten, parse_clock("10:03"))
    assert snap.time == parse_clock("10:03")
    assert snap.contact_types["sales"].waiting == [240.0, 210.0]  # 1 min and 30 s, 3 min later
    sellers = snap.agent_groups["sellers"]
    assert sellers.busy == [420.0, 300.0] and sellers.idle == 0 and sellers.chats == []
    assert sellers.on_break == [parse_clock("10:20")]
    assert sellers.staffing == [3, 3, 3, 3]
    # 10:10: the callers were answered as the calls ended (10:06 and 10:08), nobody waits.
    later = capture_at(sc, ten, parse_clock("10:10"))
    assert later.contact_types == {}
    assert later.agent_groups["sellers"].busy == [240.0, 120.0]
    # 10:25: all three calls are over and the break too: three idle agents.
    idle = capture_at(sc, ten, parse_clock("10:25")).agent_groups["sellers"]
    assert (idle.idle, idle.busy, idle.on_break) == (3, [], [])


def test_whatif_from_a_captured_moment_is_the_whatif_from_the_same_snapshot_by_hand(quiet):
    sc, ten = quiet
    captured = capture_at(sc, ten, parse_clock("10:03"))
    by_hand = loads_snapshot("""
time: "10:03"
contact_types:
  sales: {waiting: [4min, 3.5min]}
agent_groups:
  sellers: {idle: 0, busy: [7min, 5min], on_break: ["10:20"]}
""", scenario=sc)
    actions = ["agent_groups.sellers.staffing+=1@11:00"]
    assert whatif(sc, captured, actions, seed=11).to_dict() == whatif(sc, by_hand, actions, seed=11).to_dict()


def test_capture_at_the_start_gives_back_the_snapshot_the_run_started_from():
    sc = load(ROOT / "scenarios/retail_bank.yaml")
    source = load_snapshot(ROOT / "scenarios/snapshot_example.yaml", sc)
    captured = capture_at(sc, source, source.time)
    assert captured.contact_types["sales"].callbacks == [540.0, 240.0]
    assert captured.reforecast["sales"].factor == 1.15
    advisors = captured.agent_groups["advisors"]  # three off sick: in the rest of the day's staffing
    assert advisors.staffing[0] == max(0, sc.agent_groups["advisors"].staffing_at(7) - 3)
    a = whatif(sc, source, ["callbacks=on"], replications=2).to_dict()
    b = whatif(sc, captured, ["callbacks=on"], replications=2).to_dict()
    assert a == b


def test_a_capture_holds_counts_and_durations_only(quiet):
    sc, ten = quiet
    data = capture_at(sc, ten, parse_clock("10:03")).model_dump()
    assert set(data["contact_types"]["sales"]) == {"waiting", "callbacks"}
    assert all(isinstance(v, float) for v in data["contact_types"]["sales"]["waiting"])


def test_capture_before_the_start_is_refused(quiet):
    sc, ten = quiet
    with pytest.raises(CaptureError, match="before the live run's start"):
        capture_at(sc, ten, parse_clock("09:59"))


def test_a_multi_day_run_is_captured_on_its_day():
    sc = loads(QUIET_MORNING.replace('interval: 30min}', 'interval: 30min, days: 2}'))
    ten = loads_snapshot(AT_TEN + "day: 1\n", scenario=sc)
    snap = capture_at(sc, ten, parse_clock("10:03"))
    assert (snap.day, snap.time) == (1, parse_clock("10:03"))
    assert snap.agent_groups["sellers"].busy == [420.0, 300.0]
    # The second morning: day 1's callers all served, three sellers logged in at 10:00, nobody calls yet.
    second = capture_at(sc, ten, parse_clock("10:05"), day=2)
    assert (second.day, second.time, second.contact_types) == (2, parse_clock("10:05"), {})
    sellers = second.agent_groups["sellers"]
    assert (sellers.idle, sellers.busy, sellers.on_break, sellers.staffing) == (3, [], [], [3, 3, 3, 3])
    by_hand = loads_snapshot('time: "10:05"\nday: 2\nagent_groups: {sellers: {idle: 3}}\n', scenario=sc)
    actions = ["callbacks=on"]
    assert whatif(sc, second, actions, seed=5).to_dict() == whatif(sc, by_hand, actions, seed=5).to_dict()
    # Between the two days (12:00 to 10:00) the centre is outside its horizon: no snapshot.
    with pytest.raises(ValueError, match="outside the scenario's horizon"):
        capture_at(sc, ten, parse_clock("13:00"))



@pytest.mark.parametrize("path", sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml")
                                        if not p.name.startswith("snapshot")))
def test_every_bundled_scenario_is_captured_midday_and_its_whatif_runs(path):
    from ccsim.realtime.snapshot import snapshot_from_dict
    from ccsim.units import format_clock_exact

    sc = load(ROOT / "scenarios" / path)
    h = sc.horizon
    empty = {"time": format_clock_exact(h.start)} | ({"day": 1} if h.days > 1 else {})
    at = h.start + (h.end - h.start) * 0.4
    at = at - at % 60 + 17
    snap = capture_at(sc, snapshot_from_dict(empty, scenario=sc), at)  # validated against the scenario
    assert snap.time == at and (snap.day == 1 if h.days > 1 else snap.day is None)
    assert set(snap.agent_groups) == set(sc.agent_groups)
    result = whatif(sc, snap, [], replications=1)
    assert list(result.variants) == ["as is"]


def test_agents_away_on_aux_a_later_day_are_on_break_until_they_are_back_that_day():
    text = QUIET_MORNING.replace('interval: 30min}', 'interval: 30min, days: 2}').replace(
        "staffing: [3, 3, 3, 3]", "staffing: [3, 3, 3, 3]\n    aux: 30%")
    sc = loads(text)
    ten = loads_snapshot(AT_TEN + "day: 1\n", scenario=sc)
    at = parse_clock("10:10:07")
    sellers = capture_at(sc, ten, at, day=2).agent_groups["sellers"]
    assert sellers.on_break and all(at < until <= parse_clock("12:00") for until in sellers.on_break)
    assert sellers.idle + len(sellers.busy) + len(sellers.on_break) == 3
