"""Killing a run: no worker outlives it, SIGTERM is an interrupt, and no kill at any moment
leaves a partial file or destroys the previous good output."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = str(ROOT / "scenarios" / "erlang_a_reference.yaml")
HELPDESK = str(ROOT / "scenarios" / "it_helpdesk.yaml")

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[1] == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")  # a zombie has already died


def start(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ccsim.cli", "run", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def wait_for_workers(proc: subprocess.Popen, count: int = 2, timeout_s: float = 60.0) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        workers = children(proc.pid)
        if len(workers) >= count:
            return workers
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"no {count} worker processes within {timeout_s} s")


def gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [pid for pid in pids if alive(pid)]
        if not left:
            return []
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def test_sigkill_of_a_run_with_workers_leaves_no_process_of_it_alive(tmp_path):
    proc = start(REFERENCE, "-r", 5000, "--workers", 2, "-q", "--out", tmp_path / "out")
    workers = wait_for_workers(proc)
    time.sleep(0.5)  # the workers are busy with replications
    proc.kill()
    proc.communicate()
    left = gone_within(workers, 5.0)
    kill_all(left)
    assert left == [], f"workers {left} outlived their run"
    assert not (tmp_path / "out").exists()


def test_sigterm_stops_a_run_like_ctrl_c(tmp_path):
    out = tmp_path / "out"
    first = start(HELPDESK, "-r", 2, "-q", "--out", out, "--records")
    assert first.wait(timeout=120) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = start(REFERENCE, "-r", 5000, "--workers", 2, "-q", "--out", out, "--records")
    workers = wait_for_workers(proc)
    time.sleep(0.5)
    proc.terminate()
    try:
        _, stderr = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        kill_all(workers)
        pytest.fail("the run did not stop within 15 s of SIGTERM")
    left = gone_within(workers, 5.0)
    kill_all(left)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert left == []
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(os.listdir(tmp_path)) == ["out"]


def complete(out: Path, replications: int) -> bool:
    """The folder holds a whole output of a run: every file complete and consistent."""
    doc = json.loads((out / "results.json").read_text())
    assert doc["replications"] == replications
    text = (out / "contacts.csv").read_text()
    assert text.endswith("\n")
    rows = list(csv.reader(text.splitlines()))
    assert {len(row) for row in rows} == {len(rows[0])}
    assert {row[0] for row in rows[1:]} == {str(r) for r in range(replications)}
    # Every contact of the last day is there (the KPIs count those after the warm-up).
    last = [row for row in rows[1:] if row[0] == str(replications - 1)]
    assert int(last[-1][1]) == len(last) - 1
    assert (out / "report.html").read_text().rstrip().endswith("</html>")
    for name in ("intervals.csv", "groups.csv"):
        assert (out / name).read_text().endswith("\n")
    return True


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_a_kill_at_any_moment_never_leaves_a_partial_file_nor_loses_the_old_output(tmp_path, how):
    out = tmp_path / "out"
    args = ["-q", "--out", out, "--records", "--report", out / "report.html", "--workers", 2]
    assert start(REFERENCE, "-r", 2, *args).wait(timeout=120) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert complete(out, 2)
    # Moments from the simulation (the workers are up) to the writing of the files and their
    # swap; the run takes some 3-10 s here, so a late moment may come after its end (fine).
    replaced = 0
    delays = (0.0, 0.8, 1.8, 3.0, 4.5, 6.5)
    for delay in delays:
        proc = start(REFERENCE, "-r", 8, *args, start_new_session=True)
        workers = wait_for_workers(proc)  # from here on ccsim's handlers are in place
        time.sleep(delay)
        if how == "SIGINT":
            try:
                os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole group
            except ProcessLookupError:
                pass
        else:
            proc.kill()
        _, stderr = proc.communicate(timeout=60)
        assert "Traceback" not in stderr, stderr
        kill_all(gone_within(workers, 5.0))
        now = {p.name: p.read_bytes() for p in out.iterdir()}
        if now != before:  # the run put its whole new output in place before the signal came
            # (a Ctrl-C after that, while the process exits, may still end it: 130, the signal, or
            # the command-line library's own "Aborted!" once ccsim's command has returned)
            late_abort = proc.returncode == 1 and stderr.rstrip().endswith("Aborted!")
            assert proc.returncode in (0, 130, -signal.SIGINT, -signal.SIGKILL) or late_abort, stderr
            assert sorted(now) == sorted(before) and complete(out, 8)
            replaced += 1
            assert start(REFERENCE, "-r", 2, *args).wait(timeout=120) == 0
            now = before = {p.name: p.read_bytes() for p in out.iterdir()}
        elif how == "SIGINT" and proc.returncode != 0:
            assert proc.returncode == 130, stderr
        hidden = [name for name in os.listdir(tmp_path) if name != "out"]
        assert how == "SIGKILL" or hidden == []  # an interrupt cleans up; a kill leaves a hidden folder
        assert all(name.startswith(".out.ccsim-") for name in hidden), hidden
    # What kills left is removed by the next run.
    assert start(HELPDESK, "-r", 1, "-q", "--out", out).wait(timeout=120) == 0
    assert sorted(os.listdir(tmp_path)) == ["out"]
    assert replaced < len(delays)  # at least one kill came during the run
