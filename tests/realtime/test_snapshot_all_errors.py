"""A snapshot reports all its problems at once, as a scenario does: a bad value in one part
hides neither an unknown name nor a wrong length in another."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from ccsim.cli import main
from ccsim.realtime import load_snapshot
from ccsim.realtime.snapshot import loads_snapshot
from ccsim.scenario import ScenarioError, load
from ccsim.scenario.errors import MAX_LISTED

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "scenarios" / "retail_bank.yaml"

MIXED = """\
time: "11:40"
contact_types:
  sales: {waiting: [2min, soon]}
  sale: {waiting: [1min]}
agent_groups:
  sellers: {idle: -1}
  advisors: {idle: 2, staffing: [10, 10]}
  advisers: {idle: 1}
reforecast:
  support: {per_interval: [1, 2, 3]}
"""


def problems(text: str) -> list:
    with pytest.raises(ScenarioError) as info:
        loads_snapshot(text, "now.yaml", load(BANK))
    return info.value.problems


def test_field_errors_names_and_lengths_together():
    found = {(p.line, p.path): p.message for p in problems(MIXED)}
    assert "expected a duration" in found[(3, "contact_types.sales.waiting[1]")]
    assert found[(4, "contact_types.sale")] == ("unknown contact type 'sale' (known: sales, support; "
                                                "did you mean 'sales'?)")
    assert "greater than or equal to 0" in found[(6, "agent_groups.sellers.idle")]
    assert found[(7, "agent_groups.advisors.staffing")].startswith("expected 17 values")
    assert "did you mean 'advisors'?" in found[(8, "agent_groups.advisers")]
    assert found[(10, "reforecast.support.per_interval")].startswith("expected 17 values")
    assert len(found) == 6


def test_a_bad_time_still_reports_the_names():
    found = {p.path: p.message for p in problems(MIXED.replace('"11:40"', '"25:00"'))}
    assert "time" in found and "contact_types.sale" in found and "agent_groups.advisers" in found
    assert "agent_groups.advisors.staffing" not in found  # its length depends on the time


def test_the_command_lists_them_with_the_capped_printer(tmp_path):
    path = tmp_path / "now.yaml"
    path.write_text(MIXED)
    result = CliRunner().invoke(main, ["whatif", str(BANK), "--snapshot", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "error: the snapshot has 6 problems:" in result.output
    many = tmp_path / "many.yaml"
    groups = "".join(f"  g{i}: {{idle: 1}}\n" for i in range(MAX_LISTED + 30))
    many.write_text(f'time: "11:40"\nagent_groups:\n{groups}')
    result = CliRunner().invoke(main, ["whatif", str(BANK), "--snapshot", str(many)])
    assert result.exit_code == 2
    assert f"error: the snapshot has {MAX_LISTED + 30} problems:" in result.output
    assert "... and 30 more problems" in result.output


def test_the_bundled_snapshot_still_loads():
    assert load_snapshot(ROOT / "scenarios" / "snapshot_example.yaml", load(BANK)).time == 11 * 3600 + 40 * 60
