"""Snapshots and the horizon's calendar: a one-day scenario's snapshot keeps the day's
opening hours; a snapshot while closed, or of a multi-day scenario without its day, is a located
error (multi-day snapshots: test_multiday_snapshots.py)."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from ccsim.cli import main
from ccsim.plan import build_plan
from ccsim.realtime import run_from_snapshot
from ccsim.realtime.snapshot import snapshot_from_dict
from ccsim.scenario import ScenarioError, load

BANK = "scenarios/retail_bank.yaml"  # 08:00-20:00
SNAPSHOT = "scenarios/snapshot_example.yaml"  # 11:40


def whatif(*sets: str):
    args = ["whatif", BANK, "--snapshot", SNAPSHOT, "-r", "1"]
    for s in sets:
        args += ["--set", s]
    return CliRunner().invoke(main, args)


def test_a_snapshot_keeps_the_days_shorter_hours():
    """A Saturday open 08:00-14:00: from 11:40 nobody arrives after 14:00 and nobody logs in then."""
    bank = load(BANK, overrides=["horizon.first_day=saturday", "horizon.opening_hours.saturday=08:00-14:00"])
    snap = snapshot_from_dict({"time": "11:40"}, scenario=bank)
    plan, rec, _ = run_from_snapshot(bank, snap, 0)
    close = 14 * 3600.0 - plan.clock_start
    assert plan.calendar.hours[0] == (0.0, close)  # the rest of the day starts at 11:30
    assert rec.arrival.size > 100 and rec.arrival.max() < close
    for times, present in rec.present_log:
        after = times >= close
        assert np.all(np.diff(present[after]) <= 0)  # only leaving after 14:00
    assert whatif("horizon.first_day=saturday", "horizon.opening_hours.saturday=08:00-14:00").exit_code == 0


@pytest.mark.parametrize("sets, message", [
    (("horizon.days=3",), "6:1: day: the scenario's horizon has 3 days (horizon.days): give the day the "
                          "snapshot was taken on, day: N (1 to 3)"),
    (("horizon.first_day=sunday", "horizon.opening_hours.sunday=closed"),
     "6:7: time: the scenario's calendar has its day closed"),
    (("horizon.first_day=monday", "horizon.holidays=[1]"), "6:7: time: the scenario's calendar has its day closed"),
    (("horizon.first_day=saturday", "horizon.opening_hours.saturday=08:00-11:00"),
     "6:7: time: 11:40 is outside the day's opening hours 08:00-11:00 (horizon.opening_hours)"),
])
def test_a_snapshot_while_closed_is_refused_where_it_stands(sets, message):
    done = whatif(*sets)
    assert done.exit_code == 2, done.output
    assert f"snapshot_example.yaml:{message}" in done.output
    assert "Traceback" not in done.output
    bank = load(BANK, overrides=list(sets))
    with pytest.raises(ScenarioError):
        snapshot_from_dict({"time": "11:40"}, scenario=bank)
    assert build_plan(bank) is not None
