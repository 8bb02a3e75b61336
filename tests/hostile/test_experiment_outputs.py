"""``ccsim compare --out`` and ``ccsim sweep --out`` are written as ``ccsim run --out`` is: a full
disk, a failed rename or Ctrl-C at any point leaves the previous output exactly as it was (no
mix of old and new files, nothing half-written, no staging folder left); a failure is one line
naming the file, exit code 1, no traceback.

The disk fills by injection as in test_faults.py: ``open`` where the files are written returns
files that take a given number of bytes in all and then fail as a full disk does.
"""

from __future__ import annotations

import errno
import os

import pytest
from click.testing import CliRunner

import ccsim.cli.experiments as experiments
import ccsim.report.export as export
import ccsim.report.files as files
from ccsim.cli import main

from .test_faults import ENOSPC, HELPDESK, Disk, snapshot

MORE = "agent_groups.desk.staffing+=1"


def invoke(*args):
    result = CliRunner().invoke(main, [*map(str, args)])
    assert "Traceback" not in result.output, result.output
    return result


def compare(out, *more, seed=1):
    return invoke("compare", HELPDESK, "-r", 2, "-w", 1, "-q", "--set", MORE, "--seed", seed, "--out", out, *more)


def sweep(out, *more, seed=1):
    return invoke("sweep", HELPDESK, "-r", 1, "-w", 1, "-q", "--set", "agent_groups.desk.staffing=[3, 5]",
                  "--seed", seed, "--out", out, *more)


def fill_disk(monkeypatch, free: int) -> None:
    disk = Disk(free)
    monkeypatch.setattr(experiments, "open", disk.open, raising=False)
    monkeypatch.setattr(files, "open", disk.open, raising=False)


def fails_with_one_line(result, out) -> None:
    assert result.exit_code == 1, result.output
    assert "cannot write" in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert ".ccsim-" not in result.stderr, result.stderr
    named = result.stderr.split("cannot write ", 1)[1].split(":")[0]
    assert str(out) in named, named


@pytest.fixture
def previous_comparison(tmp_path):
    out = tmp_path / "out"
    first = compare(out, "--report", out / "report.html")
    assert first.exit_code == 0, first.output
    assert sorted(snapshot(out)) == ["comparison.csv", "comparison.json", "report.html"]
    return out


# comparison.json is about 15 kB, comparison.csv 6 kB and the report 260 kB: the disk is full
# at the first byte, inside comparison.json, inside comparison.csv (the json complete), inside
# the report, and near the report's end.
@pytest.mark.parametrize("free", [0, 4_000, 18_000, 100_000, -1])
def test_a_full_disk_anywhere_in_a_comparison_leaves_the_old_output_as_it_was(previous_comparison, monkeypatch,
                                                                             free):
    out = previous_comparison
    before, siblings = snapshot(out), sorted(os.listdir(out.parent))
    if free < 0:
        free = sum(len(v) for v in before.values()) - 2_000
    fill_disk(monkeypatch, free)
    result = compare(out, "--report", out / "report.html", seed=2)
    fails_with_one_line(result, out)
    assert snapshot(out) == before
    assert sorted(os.listdir(out.parent)) == siblings  # no staging folder left beside it


def test_a_comparison_replaces_its_files_together_and_keeps_the_users_own(previous_comparison):
    out = previous_comparison
    before = snapshot(out)
    (out / "notes.txt").write_text("the user's own file")
    result = compare(out, seed=2)  # no report this time
    assert result.exit_code == 0, result.output
    after = snapshot(out)
    assert sorted(after) == ["comparison.csv", "comparison.json", "notes.txt", "report.html"]
    assert after["comparison.json"] != before["comparison.json"]
    assert after["comparison.csv"] != before["comparison.csv"]
    assert after["notes.txt"] == b"the user's own file" and after["report.html"] == before["report.html"]
    assert "wrote " in result.stderr and "comparison.json" in result.stderr
    assert sorted(os.listdir(out.parent)) == ["out"]


def test_an_interrupt_while_writing_a_comparison_leaves_the_old_output(previous_comparison, monkeypatch):
    out = previous_comparison
    before = snapshot(out)

    def interrupted(path, data):  # Ctrl-C while the report is staged, the tables already written
        raise KeyboardInterrupt

    for module in (export, files):
        monkeypatch.setattr(module, "stage_bytes", interrupted)
    monkeypatch.setattr(experiments, "_same_folder", lambda a, b: False)  # the report staged as a file
    result = compare(out, "--report", out / "report.html", seed=3)
    assert result.exit_code == 130, result.output
    assert snapshot(out) == before
    assert sorted(os.listdir(out.parent)) == ["out"]


def test_a_failed_folder_swap_leaves_the_old_comparison(previous_comparison, monkeypatch):
    out = previous_comparison
    before = snapshot(out)

    def swap_fails(a, b):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(b))

    monkeypatch.setattr(files, "_exchange", swap_fails)
    result = compare(out, "--report", out / "report.html", seed=4)
    fails_with_one_line(result, out)
    assert snapshot(out) == before
    assert sorted(os.listdir(out.parent)) == ["out"]


def test_a_full_disk_on_a_first_comparison_leaves_nothing(tmp_path, monkeypatch):
    fill_disk(monkeypatch, 1000)
    out = tmp_path / "new" / "deeper" / "out"
    result = compare(out)
    fails_with_one_line(result, out)
    assert ENOSPC in result.stderr
    assert os.listdir(tmp_path) == []  # not even the folders that were to hold it


@pytest.fixture
def previous_sweep(tmp_path):
    out = tmp_path / "out"
    first = sweep(out, "--csv", tmp_path / "points.csv")
    assert first.exit_code == 0, first.output
    assert sorted(snapshot(out)) == ["sweep.csv", "sweep.json"]
    return out


@pytest.mark.parametrize("free", [0, 5_000, -2, -1])
def test_a_full_disk_anywhere_in_a_sweep_leaves_the_old_output_and_csv_as_they_were(previous_sweep, monkeypatch,
                                                                                   free):
    out = previous_sweep
    points = out.parent / "points.csv"
    before, old_points = snapshot(out), points.read_bytes()
    if free == -2:  # sweep.json complete, full inside sweep.csv
        free = len(before["sweep.json"]) + 100
    elif free == -1:  # both tables complete, full inside the --csv file beside them
        free = len(before["sweep.json"]) + len(before["sweep.csv"]) + 100
    fill_disk(monkeypatch, free)
    result = sweep(out, "--csv", points, seed=2)
    assert result.exit_code == 1 and ENOSPC in result.stderr, result.output
    assert result.stderr.count("\n") == 1 and ".ccsim-" not in result.stderr, result.stderr
    assert snapshot(out) == before
    assert points.read_bytes() == old_points
    assert sorted(os.listdir(out.parent)) == ["out", "points.csv"]


def test_a_sweep_replaces_its_files_together(previous_sweep):
    out = previous_sweep
    points = out.parent / "points.csv"
    before, old_points = snapshot(out), points.read_bytes()
    result = sweep(out, "--csv", points, seed=2)
    assert result.exit_code == 0, result.output
    after = snapshot(out)
    assert sorted(after) == ["sweep.csv", "sweep.json"]
    assert after["sweep.json"] != before["sweep.json"] and after["sweep.csv"] != before["sweep.csv"]
    assert points.read_bytes() == after["sweep.csv"] != old_points
    assert sorted(os.listdir(out.parent)) == ["out", "points.csv"]


def test_a_sweep_csv_inside_the_out_folder_is_part_of_the_folder(tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = sweep(out, "--csv", out / "points.csv", "--report", out / "sweep.html")
    assert first.exit_code == 0, first.output
    before = snapshot(out)
    assert sorted(before) == ["points.csv", "sweep.csv", "sweep.html", "sweep.json"]
    assert before["points.csv"] == before["sweep.csv"]
    fill_disk(monkeypatch, len(before["sweep.json"]) + len(before["sweep.csv"]) + 100)  # full inside points.csv
    failed = sweep(out, "--csv", out / "points.csv", "--report", out / "sweep.html", seed=2)
    fails_with_one_line(failed, out)
    assert snapshot(out) == before and sorted(os.listdir(tmp_path)) == ["out"]
    monkeypatch.undo()
    again = sweep(out, "--csv", out / "points.csv", "--report", out / "sweep.html", seed=2)
    assert again.exit_code == 0, again.output
    after = snapshot(out)
    assert sorted(after) == sorted(before) and after["points.csv"] == after["sweep.csv"] != before["sweep.csv"]
