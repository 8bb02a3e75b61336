"""``ccsim live``: Ctrl-C exits with 130 like every other command, and the dashboard shows
the longest wait and the ASA beside the queue, by the KPI's own definitions."""

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ccsim
from ccsim.engine.arrivals import draw_contacts
from ccsim.experiment import plan_for
from ccsim.realtime.live import LiveState, render_dashboard, run_live, short_time

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_ctrl_c_stops_live_with_exit_code_130(tmp_path, how):
    events = tmp_path / "events.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccsim.cli", "live", str(ROOT / "scenarios" / "retail_bank.yaml"),
         "--speed", "600", "--no-dashboard", "--events", str(events)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (not events.exists() or events.stat().st_size == 0):
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.1)  # running: the day has started streaming
        assert events.stat().st_size > 0
        if how == "SIGINT":
            os.killpg(proc.pid, signal.SIGINT)  # like Ctrl-C in a terminal: the process group
        else:
            proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert stdout.startswith("stopped at ") and "(end of day)" not in stdout  # the summary so far
    assert "ASA" in stdout
    lines = events.read_text().splitlines()
    assert lines and all(json.loads(line)["event"] for line in lines)  # what was streamed is kept


def test_live_to_the_end_of_the_day_exits_0():
    proc = subprocess.run(
        [sys.executable, "-m", "ccsim.cli", "live", str(ROOT / "scenarios" / "it_helpdesk.yaml"),
         "--speed", "1e12", "--no-dashboard"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "(end of day)" in proc.stdout


@pytest.mark.parametrize("name", ["it_helpdesk", "omnichannel", "telco_support"])
def test_the_dashboards_asa_at_the_end_of_a_full_run_is_the_kpi(name):
    sc = ccsim.load(ROOT / "scenarios" / f"{name}.yaml")
    plan = plan_for(sc, sc.seed)
    est = ccsim.simulate(sc, replications=1, seed=sc.seed)
    state, records, pacer = run_live(plan, draw_contacts(plan, 0), 0, speed=1e12)
    assert records is not None and pacer.stopped_by is None
    for ct in plan.contact_types:
        kpi = est.contact_types[ct.name]["asa"].mean
        live = state.asa(ct.index)
        assert (math.isnan(kpi) and math.isnan(live)) or live == pytest.approx(kpi, rel=1e-9, abs=1e-9), ct.name


def test_the_dashboard_shows_longest_wait_and_asa_beside_the_queue():
    sc = ccsim.load(ROOT / "scenarios" / "retail_bank.yaml")
    plan = plan_for(sc)
    n = 10
    entry = [float(10 * c) for c in range(n)]
    state = LiveState(plan, [1e9] * n, entry)
    for c in range(n):
        state("arrival", entry[c], c, 0, -1, -1)
    state("answer", 30.0, 0, 0, 0, 1)  # waited 30 s
    state("answer", 50.0, 1, 0, 0, 2)  # waited 40 s
    state.now = 200.0
    assert state.asa(0) == pytest.approx(35.0)
    assert state.longest_wait(0) == pytest.approx(180.0)  # contact 2, in the queue since 20 s
    assert math.isnan(state.longest_wait(1)) and math.isnan(state.asa(1))
    lines = render_dashboard(state, 80, 24, speed=60)
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    header = next(line for line in lines if line.startswith("contact type"))
    assert header.split()[2:5] == ["queue", "longest", "ASA"]
    row = next(line for line in lines if line.startswith(plan.contact_types[0].name))
    assert row.split()[1:4] == ["8", "3.0min", "35s"]


def test_short_times_are_read_in_a_persons_unit():
    assert [short_time(x) for x in (math.nan, 4.4, 119.0, 150.0, 5892.7)] == ["-", "4s", "119s", "2.5min", "1.6h"]
