"""Memory that stays bounded: replications do not add up, per-contact records go to disk.

Each workload runs as ``ccsim run`` in a fresh process; its peak RSS is read from ``wait4``
(``ru_maxrss`` of that one child). The full-size acceptance figures (a million calls a day)
are ``slow``; ``benchmarks/memory.py`` measures them and ten million calls with records.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "wait4"), reason="reads the peak memory with wait4")

DAY = """\
name: a large day
horizon: {{start: "00:00", end: "24:00", interval: 1h}}
seed: 1
replications: 1
contact_types:
  calls:
    arrivals: {{rate: {rate}/h}}
    handle_time: {{dist: exponential, mean: 5min}}
    patience: {{dist: exponential, mean: 3min}}
    service_level: {{target: 0.80, threshold: 20s}}
agent_groups:
  agents: {{skills: [calls], staffing: {agents}}}
"""


def day(tmp_path: Path, calls_per_day: int) -> Path:
    path = tmp_path / f"day_{calls_per_day}.yaml"
    rate = calls_per_day / 24
    path.write_text(DAY.format(rate=round(rate), agents=round(rate * 5 / 60 * 1.02 + 10)))
    return path


def peak_mib(*args) -> float:
    """Peak RSS (MiB) of one ``ccsim run`` at one worker."""
    proc = subprocess.Popen([sys.executable, "-m", "ccsim.cli", "run", *map(str, args), "--workers", "1", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert os.waitstatus_to_exitcode(status) == 0, stderr
    return usage.ru_maxrss / 1024  # KiB on Linux


def test_replications_do_not_add_up(tmp_path):
    scenario = day(tmp_path, 300_000)
    one = peak_mib(scenario, "-r", 1)
    five = peak_mib(scenario, "-r", 5)
    assert five <= 1.2 * one, f"5 replications peaked at {five:.0f} MiB, one at {one:.0f} MiB"


def test_records_are_streamed_to_disk_not_held(tmp_path):
    scenario = day(tmp_path, 300_000)
    two = peak_mib(scenario, "-r", 2, "--out", tmp_path / "two", "--records")
    six = peak_mib(scenario, "-r", 6, "--out", tmp_path / "out", "--records")
    # 1.8 million rows (180 MB of CSV): held in memory they took over a gigabyte. Streamed, six
    # days of records peak as two (Parquet's library, when installed, keeps a pool of its own
    # that fills over the first days: both runs pay it).
    assert six <= 1.1 * two, f"6 days with records {six:.0f} MiB, two days {two:.0f} MiB"
    lines = sum(1 for _ in open(tmp_path / "out" / "contacts.csv", encoding="utf-8"))
    assert lines > 1_600_000


@pytest.mark.slow
def test_five_days_of_a_million_calls_peak_as_one(tmp_path):
    """Each replication's contacts are dropped before the next: five days of a million calls peak
    as one (were they kept, five would peak at several times one)."""
    scenario = day(tmp_path, 1_000_000)
    one = peak_mib(scenario, "-r", 1)
    five = peak_mib(scenario, "-r", 5)
    assert five <= 1.2 * one, f"5 replications peaked at {five:.0f} MiB, one at {one:.0f} MiB"


@pytest.mark.slow
def test_a_million_calls_with_records_under_a_gigabyte(tmp_path):
    peak = peak_mib(day(tmp_path, 1_000_000), "-r", 1, "--out", tmp_path / "out", "--records")
    assert peak < 1024, f"{peak:.0f} MiB"
