"""No value of an identifying cell reaches any message or file of an error path.

Caller numbers, customer ids, e-mail addresses and agent names are planted in
call-detail and history exports whose header is swapped or shifted, or that hold
an unbalanced quote, and in snapshots; every message printed (stdout, stderr)
and every file written is searched for them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.common.bounded import bounded

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "examples" / "history" / "history.csv"
DETAILS = ROOT / "examples" / "history" / "details.csv"
BANK = ROOT / "scenarios" / "retail_bank.yaml"
SNAPSHOT = ROOT / "scenarios" / "snapshot_example.yaml"

PLANTED = ["+44 7700 900123", "+447700900123", "447700900123", "CUST-884213", "C88421",
           "alice.smithson@example.com", "Alice Smithson", "Smithson"]


def planted_details(n: int = 400) -> list[list[str]]:
    """The example call detail, its identifying columns replaced by planted identifiers."""
    rows = list(csv.reader(io.StringIO(DETAILS.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1 : n + 1]
    header += ["agent_name", "email"]
    for i, row in enumerate(body):
        row[0] = PLANTED[i % 3]
        row[1] = PLANTED[3 + i % 2]
        row += [PLANTED[6 + i % 2], PLANTED[5]]
    return [header, *body]


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def swap(rows, a: str, b: str):
    header = rows[0]
    i, j = header.index(a), header.index(b)
    header[i], header[j] = header[j], header[i]
    return rows


def shifted(rows):
    """An unquoted comma in the agent's name: every cell after it moves one to the right."""
    text = []
    for row in rows:
        text.append(",".join(row).replace("Alice Smithson", "Smithson, Alice"))
    return text


def unbalanced(rows):
    text = [",".join(row) for row in rows]
    text[5] = text[5].replace("CUST-884213", '"CUST-884213', 1).replace("C88421", '"C88421', 1)
    return text + text[6:] * 40


def assert_nothing_leaks(tmp_path: Path, result) -> None:
    outputs = {"stdout": result.stdout, "stderr": result.stderr}
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix != ".csv" and path.name != "snapshot.yaml":  # not the inputs
            outputs[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    for name, text in outputs.items():
        for identifier in PLANTED:
            assert identifier not in text, f"{identifier!r} in {name}:\n{text[-3000:]}"


def run_calibrate(tmp_path: Path, history: Path, details: Path | None = None):
    args = ["calibrate", str(history), "--for", "2027-01-04", "--out", str(tmp_path / "out" / "scenario.yaml"),
            "--report", str(tmp_path / "out" / "report.txt")]
    if details is not None:
        args += ["--details", str(details)]
    return bounded(*args, timeout=120)


DETAIL_CASES = {
    "phone number under contact_type": lambda rows: swap(rows, "caller_number", "contact_type"),
    "customer id under contact_type": lambda rows: swap(rows, "customer_id", "contact_type"),
    "phone number under handle_s": lambda rows: swap(rows, "caller_number", "handle_s"),
    "customer id under arrival_time": lambda rows: swap(rows, "customer_id", "arrival_time"),
    "agent name under answer_time": lambda rows: swap(rows, "agent_name", "answer_time"),
    "e-mail under acw_s": lambda rows: swap(rows, "email", "acw_s"),
    "shifted by a comma in a name": shifted,
    "unbalanced quote": unbalanced,
}


@pytest.mark.parametrize("case", DETAIL_CASES)
def test_call_detail_errors_name_rows_and_columns_not_values(tmp_path, case):
    rows = DETAIL_CASES[case](planted_details())
    details = tmp_path / "details.csv"
    if isinstance(rows[0], str):
        details.write_text("\n".join(rows) + "\n", encoding="utf-8")
    else:
        write_rows(details, rows)
    result = run_calibrate(tmp_path, HISTORY, details)
    if case == "customer id under contact_type":  # ids that are valid names: calibrated, their types ignored
        assert result.returncode == 0 and "2 call detail types not in the interval history" in result.stdout
    else:
        assert result.returncode == 2, result.stderr[-2000:]
        assert "row " in result.stderr
    assert "Traceback" not in result.stderr
    assert_nothing_leaks(tmp_path, result)


def planted_history() -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(HISTORY.read_text(encoding="utf-8"))))
    rows[0].append("team_lead")
    for i, row in enumerate(rows[1:]):
        row.append(PLANTED[i % len(PLANTED)])
    return rows


HISTORY_CASES = {
    "names under contact_type": lambda rows: swap(rows, "team_lead", "contact_type"),
    "names under offered": lambda rows: swap(rows, "team_lead", "offered"),
    "names under aht_s": lambda rows: swap(rows, "team_lead", "aht_s"),
    "names under date": lambda rows: swap(rows, "team_lead", "date"),
    "shifted by a comma in a name": shifted,
}


@pytest.mark.parametrize("case", HISTORY_CASES)
def test_history_errors_name_rows_and_columns_not_values(tmp_path, case):
    rows = HISTORY_CASES[case](planted_history())
    history = tmp_path / "history.csv"
    if isinstance(rows[0], str):
        history.write_text("\n".join(rows) + "\n", encoding="utf-8")
    else:
        write_rows(history, rows)
    result = run_calibrate(tmp_path, history)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert_nothing_leaks(tmp_path, result)


SNAPSHOT_CASES = {
    "idle": ("    idle: 0", '    idle: "{}"'),
    "busy": ("busy: [7min,", 'busy: ["{}",'),
    "waiting": ("waiting: [4min,", 'waiting: ["{}",'),
    "on_break": ('on_break: ["11:45"]', 'on_break: ["{}"]'),
    "absent": ("absent: 3 ", 'absent: "{}" '),
    "time": ('time: "11:40"', 'time: "{}"'),
    "factor": ("factor: 1.15", 'factor: "{}"'),
    "whole file": (None, "{}"),
}


@pytest.mark.parametrize("case", SNAPSHOT_CASES)
@pytest.mark.parametrize("identifier", ["+44 7700 900123", "CUST-884213", "Alice Smithson"])
def test_snapshot_errors_do_not_quote_values(tmp_path, case, identifier):
    old, new = SNAPSHOT_CASES[case]
    text = SNAPSHOT.read_text(encoding="utf-8")
    text = new.format(identifier) + "\n" if old is None else text.replace(old, new.format(identifier), 1)
    path = tmp_path / "snapshot.yaml"
    path.write_text(text, encoding="utf-8")
    result = bounded("whatif", str(BANK), "--snapshot", str(path), "-r", "1", "-q", "--out",
                     str(tmp_path / "whatif.json"))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "snapshot.yaml:" in result.stderr
    assert_nothing_leaks(tmp_path, result)
