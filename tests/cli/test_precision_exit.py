"""A --precision target not reached has its own exit code (3), documented; results are
printed and written all the same. And ``run --help`` writes the example as ``asa=5%``."""

import json
from pathlib import Path

from click.testing import CliRunner

from ccsim.cli import PRECISION_NOT_REACHED, main

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = str(ROOT / "scenarios" / "it_helpdesk.yaml")


def test_precision_not_reached_exits_3_with_the_results(tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", HELPDESK, "--precision", "service_level=0.0001", "--max-replications", "6",
                                  "-q", "--out", str(out)])
    assert PRECISION_NOT_REACHED == 3
    assert r.exit_code == 3, r.output
    assert "Precision NOT reached within 6 replications" in r.output
    assert "precision not reached within 6 replications (exit code 3)" in r.output
    assert json.loads((out / "results.json").read_text())["replications"] == 6  # written all the same


def test_precision_not_reached_exits_3_with_json_too():
    r = CliRunner().invoke(main, ["run", HELPDESK, "--precision", "asa=0.01%", "--max-replications", "5", "--json"])
    assert r.exit_code == 3
    assert json.loads(r.stdout)["replications"] == 5


def test_precision_reached_exits_0():
    r = CliRunner().invoke(main, ["run", HELPDESK, "--precision", "service_level=0.5", "--max-replications", "10"])
    assert r.exit_code == 0, r.output
    assert "Precision reached" in r.output


def test_the_exit_code_is_documented():
    text = (ROOT / "docs" / "output.md").read_text()
    section = text[text.index("## Exit codes"):]
    assert "`3`" in section and "--precision" in section
    import ccsim.cli

    assert "3 a ``--precision`` target not reached" in ccsim.cli.__doc__


def test_run_help_writes_percent_once():
    r = CliRunner().invoke(main, ["run", "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert "asa=5%;" in r.output and "%%" not in r.output
