"""Faults while writing: a full disk at any point of a run leaves the previous output exactly as
it was, and every write failure is one line naming the file, exit code 1, no traceback.

The disk fills by injection: ``open`` in the modules that write a run's files returns files
that take a given number of bytes in all and then fail as a full disk does (a partial write,
then ``OSError(ENOSPC)`` without a file name); other injections fail the Parquet writer, the
final flush to disk and the folder swap itself.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import ccsim.cli
import ccsim.report.export as export
import ccsim.report.files as files
from ccsim.cli import main


def patch_writers(monkeypatch, name, value, raising=True):
    """Patch NAME where the output is written: the tables (export) and the folder's plumbing
    (files), in each module that has it; ``open`` in both, as each writes files itself."""
    patched = False
    for module in (export, files):
        if name == "open" or hasattr(module, name):
            monkeypatch.setattr(module, name, value, raising=False)
            patched = True
    assert patched or not raising, name


ROOT = Path(__file__).resolve().parents[2]
HELPDESK = str(ROOT / "scenarios" / "it_helpdesk.yaml")
HISTORY = ROOT / "examples" / "history" / "history.csv"
ENOSPC = "No space left on device"


def full_disk() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as write() raises it: no file name


class Disk:
    """A disk with *free* bytes left for the files opened through ``open``."""

    def __init__(self, free: int):
        self.free = free

    def open(self, file, mode="r", *args, **kwargs):
        handle = builtins.open(file, mode, *args, **kwargs)
        return handle if "r" in mode and "+" not in mode else _Quota(handle, self)


class _Quota:
    def __init__(self, handle, disk: Disk):
        self._handle = handle
        self._disk = disk

    def write(self, data):
        size = len(data.encode("utf-8") if isinstance(data, str) else data)
        if size > self._disk.free:
            part = self._disk.free
            if part:
                self._handle.write(data[:part])
            self._disk.free = 0
            raise full_disk()
        self._disk.free -= size
        return self._handle.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()

    def __getattr__(self, name):
        return getattr(self._handle, name)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry of *folder* (hidden ones too) with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def run(*args):
    result = CliRunner().invoke(main, ["run", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def previous(tmp_path):
    """A good output of an earlier run: --out with --records and the report inside the folder."""
    out = tmp_path / "out"
    first = run(HELPDESK, "-r", 2, "-q", "--out", out, "--records", "--report", out / "report.html", "--seed", 1)
    assert first.exit_code == 0, first.output
    assert {"results.json", "contacts.csv", "report.html"} <= set(snapshot(out))
    return out


def fails_with_full_disk(result, out: Path) -> None:
    assert result.exit_code == 1, result.output
    assert ENOSPC in result.stderr and result.stderr.count("\n") == 1, result.stderr
    named = result.stderr.split("cannot write ", 1)[1].split(":")[0]
    assert ".ccsim-" not in named and (Path(named) == out or Path(named).parent == out), named


# Bytes the disk takes before it is full. The run writes about 40 kB of contacts.csv (while it
# simulates), 80 kB of results.json, 15 kB of intervals.csv, 8 kB of groups.csv and 215 kB of
# report: full inside contacts.csv's header, its first block, a later block, results.json,
# intervals.csv, groups.csv, the report; and just short of the end.
@pytest.mark.parametrize("free", [0, 50, 3_000, 25_000, 60_000, 125_000, 138_000, 250_000, 345_000])
def test_a_full_disk_anywhere_leaves_the_old_output_folder_exactly_as_it_was(previous, monkeypatch, free):
    before, siblings = snapshot(previous), sorted(os.listdir(previous.parent))
    disk = Disk(free)
    patch_writers(monkeypatch, "open", disk.open, raising=False)
    monkeypatch.setattr(ccsim.cli, "open", disk.open, raising=False)
    patch_writers(monkeypatch, "parquet_available", lambda: False)
    patch_writers(monkeypatch, "_BLOCK_ROWS", 200)  # several blocks per replication
    result = run(HELPDESK, "-r", 3, "-q", "--out", previous, "--records", "--report", previous / "report.html",
                 "--seed", 2)
    fails_with_full_disk(result, previous)
    assert snapshot(previous) == before
    assert sorted(os.listdir(previous.parent)) == siblings  # no staging folder left beside it


def test_without_a_full_disk_the_same_run_replaces_the_folder_as_a_whole(previous, monkeypatch):
    patch_writers(monkeypatch, "open", Disk(10**9).open, raising=False)
    patch_writers(monkeypatch, "parquet_available", lambda: False)
    (previous / "contacts.parquet").unlink()
    result = run(HELPDESK, "-r", 3, "-q", "--out", previous, "--seed", 2)  # no --records, no report now
    assert result.exit_code == 0, result.output
    # The old report is not ccsim's output of this run and stays; an old contacts.csv (and the old
    # Parquet tables) never stay beside new results.
    assert sorted(snapshot(previous)) == ["groups.csv", "intervals.csv", "report.html", "results.json"]
    assert sorted(os.listdir(previous.parent)) == ["out"]


def injections():
    def parquet_fails(columns, schema):
        raise full_disk()

    def flush_fails(path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    def swap_fails(a, b):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(b))

    def report_fails(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    return {"parquet": ("_contacts_table", parquet_fails), "flush": ("_fsync_file", flush_fails),
            "swap": ("_exchange", swap_fails), "report": ("stage_bytes", report_fails)}


@pytest.mark.parametrize("where", sorted(injections()))
def test_a_failure_of_parquet_flush_swap_or_report_leaves_the_old_output(previous, monkeypatch, tmp_path, where):
    name, failure = injections()[where]
    if name == "_contacts_table":
        pytest.importorskip("pyarrow")
    before = snapshot(previous)
    old_report = tmp_path / "elsewhere.html"
    old_report.write_text("the old report")
    # The report beside the folder (staged as a file) or inside it (the folder is then swapped whole).
    report = old_report if where == "report" else previous / "report.html"
    patch_writers(monkeypatch, name, failure)
    result = run(HELPDESK, "-r", 2, "-q", "--out", previous, "--records", "--report", report, "--seed", 3)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot write" in result.stderr and ".ccsim-" not in result.stderr, result.stderr
    assert snapshot(previous) == before
    assert old_report.read_text() == "the old report"
    assert sorted(os.listdir(tmp_path)) == ["elsewhere.html", "out"]


def test_without_an_atomic_exchange_two_renames_replace_the_folder(previous, monkeypatch):
    patch_writers(monkeypatch, "_exchange", lambda a, b: False)
    before = snapshot(previous)
    result = run(HELPDESK, "-r", 2, "-q", "--out", previous, "--records", "--report", previous / "report.html",
                 "--seed", 4)
    assert result.exit_code == 0, result.output
    after = snapshot(previous)
    assert sorted(after) == sorted(before) and after["results.json"] != before["results.json"]
    assert sorted(os.listdir(previous.parent)) == ["out"]


def test_a_full_disk_on_a_first_run_leaves_nothing(tmp_path, monkeypatch):
    patch_writers(monkeypatch, "open", Disk(1000).open, raising=False)
    out = tmp_path / "new" / "deeper" / "out"
    result = run(HELPDESK, "-r", 2, "-q", "--out", out, "--records")
    fails_with_full_disk(result, out)
    assert os.listdir(tmp_path) == []  # not even the folders that were to hold it


def test_a_folder_shared_with_other_files_keeps_them_and_gets_the_new_files(tmp_path, monkeypatch):
    mine = tmp_path / "notes.txt"
    mine.write_text("the user's own file")
    assert run(HELPDESK, "-r", 2, "-q", "--out", tmp_path, "--records").exit_code == 0
    old = snapshot(tmp_path)
    assert {"notes.txt", "results.json", "contacts.csv"} <= set(old)
    patch_writers(monkeypatch, "open", Disk(30_000).open, raising=False)
    failed = run(HELPDESK, "-r", 3, "-q", "--out", tmp_path, "--records", "--seed", 9)
    fails_with_full_disk(failed, tmp_path)
    assert snapshot(tmp_path) == old
    monkeypatch.undo()
    assert run(HELPDESK, "-r", 3, "-q", "--out", tmp_path, "--seed", 9).exit_code == 0
    new = snapshot(tmp_path)
    assert new["notes.txt"] == b"the user's own file" and new["results.json"] != old["results.json"]
    assert "contacts.csv" not in new  # ccsim's own stale file does not stay beside new results


def test_a_staging_folder_left_by_a_killed_run_is_removed_by_the_next(previous):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = previous.parent / f".out.ccsim-{pid}-abc123"
    stale.mkdir()
    (stale / "contacts.csv").write_text("half a file")
    lost = previous.parent / f".out.ccsim-old-{pid}-def456"
    assert run(HELPDESK, "-r", 2, "-q", "--out", previous).exit_code == 0
    assert not stale.exists() and not lost.exists()
    # A swap killed between its two renames (file systems without an atomic exchange): the old
    # output is put back in place.
    old = snapshot(previous)
    previous.rename(lost)
    assert run(HELPDESK, "--set", "horizon.end=bad", "-q", "--out", previous).exit_code == 2
    export.sweep_stale(previous.parent, "out")
    assert snapshot(previous) == old and not lost.exists()


def test_a_full_disk_while_streaming_events_is_one_line_and_exit_1(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    for target, stdout in (("/dev/full", None), ("-", "/dev/full")):
        with open(stdout or os.devnull, "w") as sink:
            proc = subprocess.run([sys.executable, "-m", "ccsim.cli", "run", HELPDESK, "-r", "1", "--events", target],
                                  stdout=sink, stderr=subprocess.PIPE, text=True, timeout=120)
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr and ENOSPC in proc.stderr and proc.stderr.count("\n") == 1
    assert Path("/dev/full").is_char_device()  # a device is never removed as an incomplete file


def test_an_events_file_that_cannot_be_finished_is_removed(tmp_path, monkeypatch):
    import ccsim.realtime.live as live

    written = []

    class FullAfterSome:
        def __init__(self, stream, plan):
            self.stream = stream

        def __call__(self, *args, **kwargs):
            written.append(1)
            if len(written) > 50:
                raise full_disk()
            self.stream.write("{}\n")

    monkeypatch.setattr(live, "EventWriter", FullAfterSome)
    events = tmp_path / "events.jsonl"
    result = run(HELPDESK, "-r", 1, "--events", events)
    assert result.exit_code == 1 and ENOSPC in result.stderr and str(events) in result.stderr
    assert not events.exists()


def test_calibration_files_that_cannot_be_written_are_named_not_the_scenario(tmp_path, monkeypatch):
    patch_writers(monkeypatch, "open", Disk(20_000).open, raising=False)  # the scenario fits, the figures don't
    scenario = tmp_path / "calibrated.yaml"
    result = CliRunner().invoke(main, ["calibrate", str(HISTORY), "--for", "2026-12-07", "--out", str(scenario),
                                       "--figures", str(tmp_path / "figures")])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert ENOSPC in result.stderr
    named = result.stderr.split("cannot write ", 1)[1].split(":")[0]
    assert named != str(scenario) and Path(named).parent == tmp_path / "figures", result.stderr


def test_quota_files_behave_like_files(tmp_path):
    disk = Disk(5)
    with disk.open(tmp_path / "f", "w") as handle:
        handle.write("abc")
        with pytest.raises(OSError, match="No space"):
            handle.write("defg")
    assert (tmp_path / "f").read_text() == "abcde"
    assert isinstance(Disk(0).open(io.__file__, "r").read(1), str)


def test_a_calibration_that_cannot_write_its_figures_writes_no_scenario_either(tmp_path, monkeypatch):
    scenario = tmp_path / "calibrated.yaml"
    scenario.write_text("old scenario\n", encoding="utf-8")
    patch_writers(monkeypatch, "open", Disk(20_000).open, raising=False)  # the scenario fits, the figures don't
    result = CliRunner().invoke(main, ["calibrate", str(HISTORY), "--for", "2026-12-07", "--out", str(scenario),
                                       "--figures", str(tmp_path / "figures")])
    assert result.exit_code == 1, result.output
    assert scenario.read_text(encoding="utf-8") == "old scenario\n"  # all new files, or none
    figures = tmp_path / "figures"
    assert not figures.exists() or not any(figures.iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # nothing staged left behind
