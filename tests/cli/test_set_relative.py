"""``--set`` with +=, -= and *= in run, validate, compare and sweep."""

import json
from pathlib import Path

from click.testing import CliRunner

from ccsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = str(ROOT / "scenarios" / "it_helpdesk.yaml")


def invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_run_with_one_agent_more_equals_the_staffing_written_out():
    plus = invoke("run", HELPDESK, "-r", "2", "-q", "--json", "--set", "agent_groups.desk.staffing+=1")
    written = invoke("run", HELPDESK, "-r", "2", "-q", "--json", "--set",
                     "agent_groups.desk.staffing=[4, 4, 5, 5, 5, 4, 4, 4, 4, 4, 4, 5, 5, 5, 4, 4, 4, 3]")
    assert plus.exit_code == 0, plus.output
    assert json.loads(plus.output)["contact_types"] == json.loads(written.output)["contact_types"]


def test_compare_ten_percent_more_calls():
    result = invoke("compare", HELPDESK, "-r", "2", "-q", "--json", "--set", "contact_types.incidents.arrivals*=1.1")
    assert result.exit_code == 0, result.output
    offered = next(row for row in json.loads(result.output)["differences"]
                   if row["name"] == "incidents" and row["kpi"] == "offered")
    assert offered["b"] > offered["a"]


def test_sweep_over_agents_added():
    result = invoke("sweep", HELPDESK, "-r", "1", "-q", "--json", "--set", "agent_groups.desk.staffing+=0..1")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["points"]) == 2


def test_a_relative_change_on_text_is_a_located_error_exit_2():
    result = CliRunner().invoke(main, ["validate", HELPDESK, "--set", "contact_types.incidents.channel*=2"])
    assert result.exit_code == 2
    assert "--set contact_types.incidents.channel*=2: contact_types.incidents.channel: '*=' changes numbers" \
        in result.output
    assert "Traceback" not in result.output
