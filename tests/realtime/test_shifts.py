"""Snapshots of centres whose groups work shifts: the roster goes on from the snapshot."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.metrics import compute_results
from ccsim.realtime import run_from_snapshot, whatif
from ccsim.realtime.snapshot import snapshot_from_dict
from ccsim.scenario import ScenarioError
from tests.common.workforce import scenario

SHIFTS = [
    {"start": "08:00", "end": "13:00", "headcount": 3, "breaks": [{"start": "10:00", "length": "15min"}]},
    {"start": "10:00", "end": "17:00", "headcount": 4,
     "breaks": [{"window": ["12:00", "14:00"], "length": "30min"}]},
    {"start": "12:30", "end": "17:00", "headcount": 2, "breaks": [{"start": "15:00", "length": "20min"}]},
]


def rostered(rate="0/h", **group) -> ccsim.Scenario:
    return scenario(rate, shifts=SHIFTS, **group)


@pytest.mark.parametrize("time", ["11:00", "12:40", "13:00", "15:10"])
def test_the_roster_goes_on_from_a_snapshot_that_does_not_list_the_group(time):
    """Agents on shift now (some on a planned break), breaks to come, shift ends and later
    shifts: with no calls, agents present per interval = the roster's, from the next interval."""
    sc = rostered()
    snap = snapshot_from_dict({"time": time}, scenario=sc)
    plan, rec, state = run_from_snapshot(sc, snap, 0)
    result = compute_results(plan, rec)
    present = result.group_intervals["team"]["agents_present"]
    scheduled = np.asarray(plan.agent_groups[0].staffing)
    np.testing.assert_allclose(present[1:], scheduled[1:], atol=1e-9)
    # In the snapshot's own interval, from the snapshot on: the roster's agents at that time.
    full = ccsim.simulate(sc, replications=1)
    first = int((snap.time - sc.horizon.start) // sc.horizon.interval)
    assert full.group_intervals["team"]["agents_present"][first + 1:] == pytest.approx(present[1:])
    on_break = len(state.groups[0].break_until)
    assert on_break == {"11:00": 0, "12:40": 1, "13:00": 1, "15:10": 2}[time]


def test_breaks_and_logouts_after_a_snapshot_never_interrupt_a_call():
    sc = rostered(rate="70/h")
    snap = snapshot_from_dict({"time": "12:10", "contact_types": {"calls": {"waiting": ["2min", "40s"]}},
                               "agent_groups": {"team": {"busy": ["3min", "1min", "20s"], "idle": 1,
                                                         "on_break": ["12:20"]}}}, scenario=sc)
    for r in range(4):
        plan, rec, state = run_from_snapshot(sc, snap, r)
        assert [len(state.groups[0].busy_until), len(state.groups[0].break_until), state.groups[0].idle] == [3, 1, 1]
        answered = rec.outcome == 1
        start = rec.answer[answered]
        end = start + rec.handle[answered] + rec.acw[answered]
        t, n = rec.present_log[0]
        busy_agents = state.groups[0].busy_until
        starts = np.concatenate([start, np.full(len(busy_agents), state.start_s)])
        ends = np.concatenate([end, busy_agents])
        points = np.unique(np.concatenate([t, starts, ends]))
        busy = ((starts[None, :] <= points[:, None]) & (ends[None, :] > points[:, None])).sum(axis=1)
        present = n[np.searchsorted(t, points, side="right") - 1]
        assert np.all(busy <= present), r
        # After the last shift has ended and every call is done, nobody is left.
        assert n[-1] == 0 or t[-1] <= plan.horizon_s
        result = compute_results(plan, rec)
        assert result.agent_groups["team"]["break_hours"] > 0


def test_a_snapshot_cannot_restaff_a_shift_group_but_can_list_its_agents():
    sc = rostered()
    for field, value in (("staffing", [3] * 10), ("absent", 2)):
        with pytest.raises(ScenarioError) as info:
            snapshot_from_dict({"time": "12:00", "agent_groups": {"team": {field: value}}}, scenario=sc)
        (problem,) = info.value.problems
        assert f"agent_groups.team.{field}" in str(problem) and "works shifts" in str(problem)
    snap = snapshot_from_dict({"time": "12:00", "agent_groups": {"team": {"idle": 2, "busy": ["1min"]}}},
                              scenario=sc)
    result = whatif(sc, snap, replications=2)
    assert result.variants["as is"].agent_groups["team"]["present_hours"].mean > 0


def test_whatif_cli_runs_from_a_snapshot_of_a_rostered_centre(tmp_path):
    scenario = tmp_path / "roster.yaml"
    import yaml

    scenario.write_text(yaml.safe_dump(rostered(rate="60/h").raw_data()))
    snapshot = tmp_path / "now.yaml"
    snapshot.write_text('time: "12:40"\ncontact_types: {calls: {waiting: [3min, 1min]}}\n'
                        'agent_groups: {team: {busy: [2min, 1min, 30s], on_break: ["12:55"]}}\n')
    result = CliRunner().invoke(main, ["whatif", str(scenario), "--snapshot", str(snapshot), "-r", "3",
                                       "--action", "contact_types.calls.patience.mean=5min"])
    assert result.exit_code == 0, result.output
    assert "calls" in result.output


def test_whatif_can_change_the_roster_of_a_later_shift():
    sc = rostered(rate="60/h")
    snap = snapshot_from_dict({"time": "11:10"}, scenario=sc)
    result = whatif(sc, snap, ["agent_groups.team.shifts[2].headcount=4"], replications=3)
    base, more = result.variants.values()
    # Two more agents from 12:30 to 17:00 (less their 20-minute break): 2 x (4.5 h - 1/3 h),
    # give or take the minutes agents ending a shift spend finishing a call.
    extra = more.agent_groups["team"]["present_hours"].values - base.agent_groups["team"]["present_hours"].values
    np.testing.assert_allclose(extra, 2 * (4.5 - 1 / 3), atol=0.25)
    assert more.contact_types["calls"]["service_level"].mean > base.contact_types["calls"]["service_level"].mean
    with pytest.raises(ValueError, match="no field agent_groups.team.shifts.7"):
        whatif(sc, snap, ["agent_groups.team.shifts[7].headcount=4"], replications=1)
