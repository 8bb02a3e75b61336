"""Ctrl-C during a long run stops the workers promptly and writes nothing."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccsim.cli.common import ProgressBar

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_promptly_and_writes_nothing(tmp_path, workers):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccsim.cli", "run", str(ROOT / "scenarios" / "erlang_a_reference.yaml"),
         "--replications", "5000", "--workers", workers, "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    time.sleep(2.5)
    assert proc.poll() is None, proc.stderr.read()
    os.killpg(proc.pid, signal.SIGINT)  # like Ctrl-C in a terminal: the whole process group
    sent = time.monotonic()
    try:
        _, stderr = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the run did not stop within 15 s of Ctrl-C")
    assert time.monotonic() - sent < 10
    assert proc.returncode == 130
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert not out.exists() or not any(out.iterdir())


def test_progress_bar_only_after_a_second_and_only_when_enabled(capsys, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("ccsim.cli.common.time.monotonic", lambda: clock[0])
    bar = ProgressBar("replications", enabled=True)
    bar(1, 10)
    assert capsys.readouterr().err == ""  # quick work stays silent
    clock[0] += 1.5
    bar(5, 10)
    err = capsys.readouterr().err
    assert "replications" in err and "5/10" in err
    clock[0] += 1.0
    bar(10, 10)
    assert capsys.readouterr().err.endswith("\n")
    quiet = ProgressBar("replications", enabled=False)
    clock[0] += 5
    quiet(3, 10)
    assert capsys.readouterr().err == ""
