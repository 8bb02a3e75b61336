"""Calibration CSVs and snapshots that would exhaust memory or time: row-numbered or located
errors, exit 2, no traceback, in bounded time and memory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.common.bounded import bounded

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "examples" / "history" / "history.csv"
BANK = ROOT / "scenarios" / "retail_bank.yaml"
SNAPSHOT = ROOT / "scenarios" / "snapshot_example.yaml"


def history_with(tmp_path: Path, row: int, column: int, cell: str) -> Path:
    lines = HISTORY.read_text(encoding="utf-8").splitlines()
    cells = lines[row - 1].split(",")
    cells[column] = cell
    lines[row - 1] = ",".join(cells)
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def calibrate(tmp_path: Path, history: Path) -> str:
    result = bounded("calibrate", str(history), "--for", "2027-01-04", "--out", str(tmp_path / "out.yaml"))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and not (tmp_path / "out.yaml").exists()
    return result.stderr


def test_a_count_of_ten_to_the_thirteen_is_refused_by_row(tmp_path):
    stderr = calibrate(tmp_path, history_with(tmp_path, 5, 3, "10000000000000"))
    assert "row 5, column 'offered'" in stderr and "at most 1,000,000,000" in stderr


@pytest.mark.parametrize("cell", ["99999999999999999999:00:00", "1" * 400 + ":00:00", "1e400", "9" * 5000])
def test_a_duration_that_overflows_is_refused_by_row(tmp_path, cell):
    stderr = calibrate(tmp_path, history_with(tmp_path, 7, 6, cell))
    assert "row 7, column 'aht_s'" in stderr and "expected a duration" in stderr


def test_an_unbalanced_quote_swallowing_the_file_is_refused_by_row(tmp_path):
    lines = HISTORY.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",sales,", ',"sales,', 1)
    lines += [lines[-1]] * 3000  # more than 131,072 characters after the open quote
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stderr = calibrate(tmp_path, path)
    assert "row 4" in stderr and "unbalanced quote" in stderr


def test_a_cell_over_the_field_limit_is_refused_by_row(tmp_path):
    stderr = calibrate(tmp_path, history_with(tmp_path, 3, 2, '"' + "x" * 200_000 + '"'))
    assert "row 3" in stderr and "131,072 characters" in stderr


def snapshot_with(tmp_path: Path, old: str, new: str) -> Path:
    text = SNAPSHOT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "snapshot.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def whatif(snapshot: Path, *actions: str) -> str:
    args = ["whatif", str(BANK), "--snapshot", str(snapshot), "-r", "1", "-q"]
    for action in actions:
        args += ["--action", action]
    result = bounded(*args)
    assert result.returncode == 2, result.stderr[-2000:] + result.stdout[-500:]
    assert "Traceback" not in result.stderr and "--action" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("idle", ["100000000000", "1" + "0" * 50])
def test_a_huge_idle_count_is_located(tmp_path, idle):
    stderr = whatif(snapshot_with(tmp_path, "    idle: 0", f"    idle: {idle}"), "callbacks=on")
    assert "snapshot.yaml:15:11: agent_groups.sellers.idle: expected less than or equal to 100000" in stderr


def test_nul_bytes_in_a_snapshot_are_located(tmp_path):
    stderr = whatif(snapshot_with(tmp_path, 'time: "11:40"', 'time: "11:40\x00"'))
    assert "snapshot.yaml:6:13: (yaml): a NUL character" in stderr


def test_absent_a_million_is_not_accepted_silently(tmp_path):
    stderr = whatif(snapshot_with(tmp_path, "absent: 3 ", "absent: 1000000 "))
    assert "agent_groups.advisors.absent" in stderr
    stderr = whatif(snapshot_with(tmp_path, "absent: 3 ", "absent: 500 "))
    assert "agent_groups.advisors.absent: 500 absent, but 'advisors' has at most" in stderr


def test_a_million_waiting_callers_are_within_bounds_or_refused(tmp_path):
    waiting = "[" + ", ".join(["30s"] * 200_000) + "]"
    text = SNAPSHOT.read_text(encoding="utf-8").replace("limits", "")
    path = tmp_path / "snapshot.yaml"
    path.write_text(text.replace("waiting: [4min,", f"waiting: {waiting[:-1]}, 4min,", 1), encoding="utf-8")
    bank = tmp_path / "bank.yaml"
    shutil.copy(BANK, bank)
    with bank.open("a", encoding="utf-8") as handle:
        handle.write("limits: {contacts: 100000}\n")
    result = bounded("whatif", str(bank), "--snapshot", str(path), "-r", "1", "-q")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "contacts waiting in the snapshot; at most 100,000" in result.stderr
