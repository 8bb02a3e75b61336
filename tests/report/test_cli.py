"""Terminal verdicts and colour, --format, and the files of --out (CSV columns, Parquet)."""

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.report.export import CONTACT_COLUMNS, parquet_available
from ccsim.report.table import render_tables, verdict_lines

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = str(ROOT / "scenarios" / "it_helpdesk.yaml")
BANK = str(ROOT / "scenarios" / "retail_bank.yaml")
ANSI = "\033["


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_one_line_verdict_per_contact_type_plain_when_not_a_terminal():
    result = invoke("run", BANK, "-r", 4)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    verdicts = [line for line in lines if line.startswith(("sales: service level", "support: service level"))]
    assert len(verdicts) == 2
    for line in verdicts:
        assert any(verb in line for verb in (" meets ", " misses ", " is borderline for "))
        assert "80 % in" in line and "; abandonment " in line
    assert ANSI not in result.output  # CliRunner's stdout is not a terminal


def test_verdict_matches_the_targets_and_colours_on_request():
    est = ccsim.simulate(ccsim.load(HELPDESK), replications=5)
    verdict = est.targets()["incidents"]["verdict"]
    word = {"met": "meets", "missed": "misses", "borderline": "is borderline for"}[verdict]
    sl = est.contact_types["incidents"]["service_level"]
    (line,) = verdict_lines(est)
    assert line.startswith(f"incidents: service level {100 * sl.mean:.1f} % ± {100 * sl.half_width:.1f} {word} "
                           "70 % in 1 min; abandonment ")
    coloured = render_tables(est, colour=True)
    assert ANSI in coloured and ANSI not in render_tables(est, colour=False)


def test_format_json_is_json_and_csv_is_the_intervals_csv():
    as_json = invoke("run", HELPDESK, "-r", 3, "--json").output
    assert invoke("run", HELPDESK, "-r", 3, "--format", "json").output == as_json
    assert json.loads(as_json)["replications"] == 3
    text = invoke("run", HELPDESK, "-r", 3, "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 18 and rows[0]["start"] == "08:00" and rows[0]["contact_type"] == "incidents"
    assert "service_level_p10" in rows[0] and "spread" not in rows[0]
    assert invoke("run", HELPDESK, "-r", 3, "--format", "table").output.startswith("IT helpdesk")
    bad = CliRunner().invoke(main, ["run", HELPDESK, "--json", "--format", "csv"])
    assert bad.exit_code == 2 and "--json means --format json" in bad.output


def test_out_dir_columns_and_parquet(tmp_path):
    out = tmp_path / "out"
    parquet = ["--parquet"] if parquet_available() else []
    result = invoke("run", HELPDESK, "-r", 2, "--out", out, "--records", *parquet, "--report", tmp_path / "r.html")
    assert result.exit_code == 0
    doc = json.loads((out / "results.json").read_text())
    with open(out / "contacts.csv", newline="") as handle:
        contacts = list(csv.DictReader(handle))
    assert tuple(contacts[0]) == CONTACT_COLUMNS
    assert len(contacts) == doc["contact_types"]["incidents"]["offered"]["mean"] * 2
    assert all(row["customer_id"] == row["contact_id"] and row["attempt"] == "1" and row["resolved"] == ""
               for row in contacts)
    answered = [row for row in contacts if row["outcome"] == "answered"]
    assert all(float(r["answer_s"]) == pytest.approx(float(r["arrival_s"]) + float(r["wait_s"]), abs=2e-3)
               for r in answered)
    with open(out / "intervals.csv", newline="") as handle:
        intervals = list(csv.DictReader(handle))
    assert intervals[0]["offered_p10"] != "" and all("{" not in v for v in intervals[0].values())
    with open(out / "groups.csv", newline="") as handle:
        assert "occupancy_p90" in next(csv.DictReader(handle))
    assert not (out / "contacts.parquet").exists() or parquet
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(out / "contacts.parquet")
    assert table.column_names == list(CONTACT_COLUMNS) and table.num_rows == len(contacts)
    assert str(table.schema.field("wait_s").type) == "double"
    assert table.column("answer_s").null_count == len(contacts) - len(answered)
    frame = pq.read_table(out / "intervals.parquet").to_pylist()
    assert [r["start"] for r in frame] == [r["start"] for r in intervals]
    assert frame[0]["service_level"] == pytest.approx(float(intervals[0]["service_level"]))
    assert (out / "groups.parquet").exists()


def test_parquet_needs_out_and_is_written_whenever_pyarrow_is_installed(tmp_path):
    from ccsim.report.export import parquet_available

    result = CliRunner().invoke(main, ["run", HELPDESK, "--parquet"])
    assert result.exit_code == 2 and "--parquet needs --out DIR" in result.output
    assert invoke("run", HELPDESK, "-r", 2, "--out", tmp_path).exit_code == 0
    written = sorted(p.name for p in tmp_path.glob("*.parquet"))
    assert written == (["groups.parquet", "intervals.parquet"] if parquet_available() else [])


def test_report_with_precision_targets(tmp_path):
    out = tmp_path / "p.html"
    result = invoke("run", HELPDESK, "--precision", "service_level=0.05", "--max-replications", 40,
                    "--report", out, "-q")
    assert result.exit_code == 0
    assert "Precision</h3>" in out.read_text()


def test_contacts_carry_the_caller_journey_columns_when_the_scenario_has_journeys():
    from ccsim.report.export import contact_columns

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        if path.name.startswith("snapshot_"):  # a snapshot, not a scenario (docs/realtime.md)
            continue
        est = ccsim.simulate(ccsim.load(path), replications=1, keep_records=True)
        if getattr(est.records[0], "journey", None):
            break
    else:
        pytest.skip("no bundled scenario has caller journeys")
    columns = contact_columns(est, est.records)
    journey = est.records[0].journey
    assert (columns["customer_id"] == journey["customer"]).all()
    assert (columns["contact_no"] >= 1).all() and (columns["attempt"] >= 1).all()
    assert (columns["attempt"] > 1).any() or (columns["contact_no"] > 1).any()
    assert len(set(columns["customer_id"].tolist())) < len(columns["customer_id"])  # retrials share a customer
    assert set(columns["resolved"].tolist()) <= {None, True, False}
