"""``ccsim validate`` takes several files: each one's problems, exit 2 if any failed."""

from pathlib import Path

from click.testing import CliRunner

from ccsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = str(ROOT / "scenarios" / "it_helpdesk.yaml")
BANK = str(ROOT / "scenarios" / "retail_bank.yaml")
BAD = """\
name: bad
horizon: {start: "08:00", end: "10:00"}
contact_types:
  a: {arrivals: {rate: 1/min}, handle_time: {dist: exponential, mean: 2min}}
agent_groups:
  g: {skills: [b], staffing: 2}
"""


def test_every_file_is_checked_and_reported(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    worse = tmp_path / "worse.yaml"
    worse.write_text(BAD.replace("rate: 1/min", "rate: 1/week"))
    result = CliRunner().invoke(main, ["validate", HELPDESK, str(bad), BANK, str(worse)])
    assert result.exit_code == 2
    assert f"{HELPDESK}: valid" in result.output and f"{BANK}: valid" in result.output
    assert f"error: the scenario {bad} has 1 problem:" in result.output
    assert f"{bad}:6:16: agent_groups.g.skills[0]: unknown contact type 'b'" in result.output
    assert f"error: the scenario {worse} has 2 problems:" in result.output
    assert "Traceback" not in result.output


def test_all_valid_exit_0_and_set_applies_to_each():
    result = CliRunner().invoke(main, ["validate", HELPDESK, BANK])
    assert result.exit_code == 0 and result.output.count(": valid") == 2
    result = CliRunner().invoke(main, ["validate", HELPDESK, BANK, "--set", "horizon.interval=7min"])
    assert result.exit_code == 2 and result.output.count("does not divide") == 2
