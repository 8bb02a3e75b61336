"""The command line: exit codes, no tracebacks, atomic outputs, JSON keys."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
BANK = str(ROOT / "scenarios" / "retail_bank.yaml")
HELPDESK = str(ROOT / "scenarios" / "it_helpdesk.yaml")


def invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_run_prints_tables_with_targets():
    result = invoke("run", HELPDESK, "--replications", "3")
    assert result.exit_code == 0, result.output
    assert "incidents" in result.output and "desk" in result.output
    assert "70 % in 1 min" in result.output
    assert any(v in result.output for v in ("met", "MISSED", "borderline"))


def test_json_has_the_fixed_keys():
    result = invoke("run", BANK, "--replications", "3", "--seed", "11", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert {"scenario", "seed", "replications", "ccsim_version", "contact_types", "agent_groups", "intervals"} <= set(
        doc
    )
    assert doc["seed"] == 11 and doc["replications"] == 3
    for kpi in (
        "offered",
        "answered",
        "abandoned",
        "blocked",
        "service_level",
        "asa",
        "mean_wait",
        "wait_p90",
        "abandon_rate",
        "blocked_rate",
        "max_queue",
    ):
        entry = doc["contact_types"]["sales"][kpi]
        assert {"mean", "ci95"} <= set(entry)
        assert entry["ci95"] is None or len(entry["ci95"]) == 2
    for kpi in ("occupancy", "utilisation", "contacts_per_hour"):
        assert 0 <= doc["agent_groups"]["advisors"][kpi]["mean"]
    row = doc["intervals"][0]
    assert row["start"] == "08:00" and row["contact_type"] == "sales" and "service_level" in row
    assert len(doc["intervals"]) == 2 * 24


def test_one_replication_has_null_ci():
    doc = json.loads(invoke("run", HELPDESK, "-r", "1", "--json").output)
    assert doc["contact_types"]["incidents"]["offered"]["ci95"] is None


def test_set_overrides_change_the_run():
    low = json.loads(invoke("run", HELPDESK, "-r", "4", "--json", "--set", "agent_groups.desk.staffing=1").output)
    high = json.loads(invoke("run", HELPDESK, "-r", "4", "--json", "--set", "agent_groups.desk.staffing=8").output)
    assert low["contact_types"]["incidents"]["offered"] == high["contact_types"]["incidents"]["offered"]
    assert (
        low["contact_types"]["incidents"]["service_level"]["mean"]
        < high["contact_types"]["incidents"]["service_level"]["mean"]
    )


def test_out_dir_files_and_records(tmp_path):
    out = tmp_path / "out"
    result = invoke("run", HELPDESK, "-r", "2", "--out", str(out), "--records")
    assert result.exit_code == 0
    from ccsim.report.export import parquet_available

    expected = ["contacts.csv", "groups.csv", "intervals.csv", "results.json"]
    if parquet_available():  # Parquet beside the CSVs whenever pyarrow is installed
        expected += ["contacts.parquet", "groups.parquet", "intervals.parquet"]
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    doc = json.loads((out / "results.json").read_text())
    lines = (out / "contacts.csv").read_text().splitlines()
    assert lines[0].startswith("replication,contact_id,contact_type,arrival_s")
    offered = sum(doc["contact_types"]["incidents"]["offered"]["mean"] * 2 for _ in [0])
    assert len(lines) - 1 == pytest.approx(offered)
    assert (out / "intervals.csv").read_text().splitlines()[0].startswith("start,contact_type,offered")


def test_bad_scenario_exits_2_without_traceback_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(HELPDESK).read_text().replace("lines: 8", "lines: -8").replace("target: 0.70", "target: 7"))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "ccsim.cli", "run", str(bad), "--out", str(out)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{bad}:" in proc.stderr and "contact_types.incidents.lines" in proc.stderr
    assert "contact_types.incidents.service_level.target" in proc.stderr
    assert not out.exists()


def test_missing_file_and_bad_option_exit_2():
    assert invoke("run", "no/such.yaml").exit_code == 2
    assert invoke("run", HELPDESK, "--replications", "0").exit_code == 2
    assert invoke("validate", "no/such.yaml").exit_code == 2


def test_validate():
    result = invoke("validate", BANK)
    assert result.exit_code == 0 and "valid" in result.output
    result = invoke("validate", BANK, "--set", "horizon.interval=7min")
    assert result.exit_code == 2 and "does not divide" in result.output


def test_erlang_command_known_values():
    result = invoke("erlang", "--rate", "100/30min", "--aht", "180", "--agents", "14", "--patience", "5min", "--json")
    assert result.exit_code == 0
    row = json.loads(result.output)["rows"][0]
    assert row["erlang_c_prob_wait"] == pytest.approx(0.1741, abs=1e-4)
    assert row["erlang_c_service_level"] == pytest.approx(0.8884, abs=1e-4)
    assert row["erlang_c_asa"] == pytest.approx(7.84, abs=0.01)
    assert row["erlang_a_abandon_rate"] == pytest.approx(0.01398, abs=1e-4)
    table = invoke("erlang", "--rate", "200/h", "--aht", "3min", "--agents", "10..14")
    assert table.exit_code == 0 and len(table.output.split("\n\n")[1].splitlines()) == 2 + 5
    assert invoke("erlang", "--rate", "fast", "--aht", "3min", "--agents", "3").exit_code == 2


def test_same_seed_same_json():
    a = invoke("run", BANK, "-r", "3", "--json").output
    b = invoke("run", BANK, "-r", "3", "--json").output
    assert a == b
