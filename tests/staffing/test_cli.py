"""``ccsim staff`` and ``ccsim shifts`` on the command line: outputs, files, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import ccsim
from ccsim.cli import main

SMALL = """\
name: small line
seed: 3
horizon: {start: "08:00", end: "12:00", interval: 30min}
contact_types:
  calls:
    arrivals: {per_interval: [20, 35, 50, 60, 55, 45, 35, 25]}
    handle_time: {dist: exponential, mean: 4min}
    patience: {dist: exponential, mean: 2min}
agent_groups:
  team: {skills: [calls], staffing: 6}
"""
FAST = ["--replications", "8", "--check-replications", "6", "--workers", "1", "--quiet"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def test_staff_prints_the_table_and_writes_csv_json_scenario_and_report(tmp_path):
    sc = scenario(tmp_path)
    out = tmp_path / "out"
    result = invoke("staff", sc, *FAST, "--shrinkage", "0.3", "--cost", "agent_hour=20", "--cost",
                    "abandoned_contact=3", "--csv", tmp_path / "st.csv", "--out", out, "--write-scenario",
                    tmp_path / "found.yaml", "--report", tmp_path / "st.html")
    assert result.exit_code == 0, result.output
    text = result.output
    for column in ("Erlang C", "Erlang A", "sqrt (beta)", "simulation", "scheduled", "service level", "cost/day"):
        assert column in text
    assert "simulated days" in text and "Erlang C" in text
    doc = json.loads((out / "staffing.json").read_text())
    assert {"search", "staffing", "analytic", "plans", "intervals", "targets"} <= set(doc)
    required = doc["staffing"]["team"]["required"]
    assert doc["staffing"]["team"]["scheduled"] == [-(-r * 10 // 7) for r in required]
    assert doc["search"]["simulated_days"] > 0 and doc["plans"][0]["cost"]["total"]["mean"] > 0
    csv_text = (tmp_path / "st.csv").read_text()
    assert csv_text.startswith("start,kind,name,") and "agent_group,team" in csv_text
    found = ccsim.load(tmp_path / "found.yaml")
    assert list(found.agent_groups["team"].staffing) == required
    html = (tmp_path / "st.html").read_text()
    assert "Required against scheduled" in html and "Per interval" in html and "<svg" not in html[:200]


def test_staff_then_shifts_closes_the_loop(tmp_path):
    sc = scenario(tmp_path)
    assert invoke("staff", sc, *FAST, "--csv", tmp_path / "st.csv", "--no-compare").exit_code == 0
    result = invoke("shifts", sc, "--requirement", tmp_path / "st.csv", "--lengths", "4h,3h", "--replications", "6",
                    "--write-scenario", tmp_path / "roster.yaml", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "shifts:" in result.output and "paid hours" in result.output and "roster simulated" in result.output
    rostered = ccsim.load(tmp_path / "roster.yaml")
    assert rostered.agent_groups["team"].shifts
    assert ccsim.simulate(rostered, replications=2).contact_types["calls"]["offered"].mean > 0


def test_staff_with_shifts_in_one_go_prints_json(tmp_path):
    sc = scenario(tmp_path)
    result = invoke("staff", sc, *FAST, "--no-compare", "--shifts", "--lengths", "4h", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["roster"]["groups"][0]["shifts"] and "roster_check" in doc


def test_infeasible_targets_exit_2_with_a_message(tmp_path):
    result = invoke("staff", scenario(tmp_path), "--service-level", "100%", "--threshold", "0s")
    assert result.exit_code == 2
    assert "cannot be guaranteed" in result.output and "Traceback" not in result.output


def test_bad_side_file_and_requirement_exit_2_located(tmp_path):
    sc = scenario(tmp_path)
    settings = tmp_path / "st.yaml"
    settings.write_text("targets:\n  calls: {max_abandon: 3}\n")
    result = invoke("staff", sc, "--settings", settings)
    assert result.exit_code == 2
    assert f"{settings}:2:24: targets.calls.max_abandon:" in result.output
    req = tmp_path / "req.csv"
    req.write_text("start,required\n08:00,2\n08:30,-1\n")
    result = invoke("shifts", sc, "--requirement", req)
    assert result.exit_code == 2
    assert f"{req}:3:2: required: expected a number of agents >= 0, got '-1'" in result.output


def test_bad_options_exit_2(tmp_path):
    sc = scenario(tmp_path)
    assert invoke("staff", sc, "--shrinkage", "1").exit_code == 2
    assert invoke("staff", sc, "--cost", "agent_hour").exit_code == 2
    assert invoke("staff", sc, "--lengths", "8h").exit_code == 2  # needs --shifts
