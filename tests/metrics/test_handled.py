"""A group's handled follows the contact types' rule: the groups' handled add up to the answered.

Contacts are counted by arrival (after the warm-up) in their arrival interval, whenever
answered; a group's ``handled`` counts the contacts its agents answered by the same rule,
so an overloaded day whose queue runs past closing does not lose the calls answered after
it from the groups' table (it showed answered 233.7 against handled 127.8).
"""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.experiment.runner import run_replication
from ccsim.plan import build_plan

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if not p.name.startswith("snapshot_"))

# Four agents for 60 calls an hour of 4 minutes: the queue grows all morning and is served
# long after the horizon ends (no patience: every caller waits).
OVERLOADED = """\
name: overloaded
horizon: {start: "08:00", end: "12:00", interval: 30min}
seed: 3
replications: 3
contact_types:
  calls:
    arrivals: {per_interval: [30, 30, 30, 30, 30, 30, 30, 30]}
    handle_time: {dist: exponential, mean: 4min}
agent_groups:
  desk:
    skills: [calls]
    staffing: 4
"""


def assert_handled_adds_up(plan, res):
    types = [ct.name for ct in plan.contact_types]
    answered = sum(res.contact_types[t]["answered"] for t in types)
    handled = sum(g["handled"] for g in res.agent_groups.values())
    assert handled == answered
    answered_i = sum(res.intervals[t]["answered"] for t in types)
    handled_i = sum(g["handled"] for g in res.group_intervals.values())
    np.testing.assert_array_equal(handled_i, answered_i)
    # Per contact type: each group's handled_<type> (or handled, for a group of one skill).
    for k, t in enumerate(types):
        by_type = 0.0
        by_type_i = np.zeros_like(answered_i)
        for gp in plan.agent_groups:
            if k not in gp.skill_indices:
                continue
            key = "handled" if len(gp.skill_indices) == 1 else f"handled_{t}"
            by_type += res.agent_groups[gp.name][key]
            by_type_i = by_type_i + res.group_intervals[gp.name][key]
        assert by_type == res.contact_types[t]["answered"], t
        np.testing.assert_array_equal(by_type_i, res.intervals[t]["answered"], err_msg=t)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_groups_handled_add_up_to_the_answered_on_every_bundled_scenario(path):
    plan = build_plan(ccsim.load(path))
    for r in range(2):
        res, _ = run_replication(plan, r)
        assert_handled_adds_up(plan, res)


def test_an_overloaded_day_keeps_the_calls_answered_after_closing_in_the_groups_table(tmp_path):
    path = tmp_path / "overloaded.yaml"
    path.write_text(OVERLOADED)
    plan = build_plan(ccsim.load(path))
    res, rec = run_replication(plan, 0, keep_records=True)
    assert np.nanmax(rec.answer) > plan.horizon_s  # the queue ran past closing
    assert_handled_adds_up(plan, res)

    # Every output reads the same numbers: JSON, CSV and the terminal table.
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text())
    assert data["agent_groups"]["desk"]["handled"]["mean"] == data["contact_types"]["calls"]["answered"]["mean"]
    rows = list(csv.DictReader((out / "groups.csv").open()))
    handled_csv = sum(float(r["handled"]) for r in rows)
    assert handled_csv == pytest.approx(data["contact_types"]["calls"]["answered"]["mean"])
    text = CliRunner().invoke(main, ["run", str(path)]).output
    answered = f"{data['contact_types']['calls']['answered']['mean']:.1f}"
    desk = next(line for line in text.splitlines() if line.startswith("desk"))
    assert answered in desk.split()
