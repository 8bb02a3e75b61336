"""ccsim serve: the app with Starlette's TestClient, the bind refusal, the command's errors."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from ccsim.realtime import load_snapshot  # noqa: E402
from ccsim.realtime.serve import build  # noqa: E402
from ccsim.realtime.serve.board import Threshold, parse_threshold, status  # noqa: E402
from ccsim.scenario import load  # noqa: E402
from ccsim.units import parse_clock  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios/retail_bank.yaml"
SNAPSHOT = ROOT / "scenarios/snapshot_example.yaml"


@pytest.fixture(scope="module")
def client():
    sc = load(SCENARIO)
    app, feed, jobs = build(sc, load_snapshot(SNAPSHOT, sc), speed=600.0)
    with TestClient(app) as c:
        yield c, feed



def run_to_end(feed, jobs, timeout_s: float) -> None:
    """Run the wallboard's live feed (at the speed it was built with) to its end, then stop it."""
    feed.start()
    try:
        deadline = time.monotonic() + timeout_s
        while feed.running and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        feed.stop()
        jobs.close()

def test_state_carries_the_library_kpis(client):
    c, feed = client
    assert feed.wait_started()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and json.loads(c.get("/api/state").text)["t"] < 700:
        time.sleep(0.2)
    state = c.get("/api/state").json()
    assert state["clock"] >= "11:40"
    sales = state["contact_types"][0]
    assert sales["name"] == "sales" and sales["offered"] >= 16  # the 16 callers waiting at 11:40
    assert feed.state.service_level(0) == pytest.approx(sales["service_level"]) or sales["service_level"] is None
    assert {g["name"] for g in state["agent_groups"]} == {"sellers", "advisors"}
    assert all(set(g) >= {"busy", "idle", "break", "aux", "scheduled", "staffed_status"} for g in state["agent_groups"])


def test_board_has_forecast_per_interval(client):
    c, _ = client
    board = c.get("/api/board").json()
    assert board["intervals"][0] == "11:30" and board["snapshot_time"] == "11:40"
    assert len(board["forecast"][0]) == len(board["intervals"]) and board["forecast"][0][0] > 0


def test_speed_is_checked(client):
    c, feed = client
    assert c.post("/api/speed", json={"speed": 7}).status_code == 400
    assert c.post("/api/speed", json={"speed": 600}).json() == {"speed": 600.0}


def test_whatif_job_runs_and_bad_actions_are_refused(client):
    c, _ = client
    bad = c.post("/api/whatif", json={"actions": ["agent_groups.x.shifts+=2"]})
    assert bad.status_code == 400 and "agent_groups.x.shifts" in bad.json()["error"]
    assert c.post("/api/whatif", json={"actions": ["callbacks=on"], "path": "/etc"}).status_code == 400
    job = c.post("/api/whatif", json={"actions": ["agent_groups.sellers.staffing+=2@12:00"], "replications": 2})
    assert job.status_code == 202
    job_id = job.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = c.get(f"/api/whatif/{job_id}").json()
        if body["status"] not in ("queued", "running"):
            break
        time.sleep(0.2)
    assert body["status"] == "done", body
    rows = body["result"]["rows"]
    assert {r["variant"] for r in rows} == {"as is", "agent_groups.sellers.staffing+=2@12:00"}
    added = next(r for r in rows if r["variant"] != "as is" and r["contact_type"] == "sales")
    assert added["difference"]["service_level"]["estimate"] > 0  # two more sellers help sales


def test_stream_sends_state_events(client):
    c, _ = client
    with c.stream("GET", "/api/stream") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        seen = 0
        for line in response.iter_lines():
            if line.startswith("data: "):
                assert "contact_types" in json.loads(line[6:])
                seen += 1
                if seen == 2:
                    break
    assert seen == 2


def test_thresholds():
    assert parse_threshold("queue=5,10") == ("queue", Threshold(5, 10))
    for bad in ("queue=10,5", "speedy=1,2", "service_level=0.7,0.8", "asa=x,2"):
        with pytest.raises(ValueError):
            parse_threshold(bad)
    assert status("service_level", 0.75, (0.8, 0.7)) == "amber"
    assert status("queue", 12, (5, 10)) == "red"


def test_non_local_bind_is_refused():
    proc = subprocess.run([sys.executable, "-m", "ccsim.cli", "serve", str(SCENARIO), "--host", "0.0.0.0"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--allow-remote" in proc.stderr and "Traceback" not in proc.stderr


def _finished(c, job_id, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = c.get(f"/api/whatif/{job_id}").json()
        if body["status"] not in ("queued", "running"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"what-if {job_id} still {body['status']}")


def test_whatif_from_now_runs_from_the_live_clock(client):
    c, feed = client
    assert feed.wait_started()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and c.get("/api/state").json()["t"] < 900:  # past 11:45
        time.sleep(0.1)
    job = c.post("/api/whatif", json={"actions": ["callbacks=on"], "replications": 2, "from": "now"})
    assert job.status_code == 202, job.text
    assert job.json()["from"] == "now" and job.json()["from_time"] >= "11:45:00"
    body = _finished(c, job.json()["id"])
    assert body["status"] == "done", body
    assert body["result"]["from_time"] == body["from_time"]
    # Interval figures from the interval after the one the what-if starts in (that one is cut).
    starts = [start for start, _ in body["result"]["simulated_offered"]["sales"]]
    at = parse_clock(body["from_time"])
    assert 0 <= parse_clock(starts[0]) - at < 1800
    assert len(body["result"]["simulated_service_level"]["support"]) == len(starts)
    listed = c.get("/api/whatif").json()
    assert [j["id"] for j in listed][-1] == body["id"] and listed[-1]["from"] == "now"
    assert c.post("/api/whatif", json={"actions": ["callbacks=on"], "from": "yesterday"}).status_code == 400


def test_whatif_from_now_is_refused_once_the_live_run_has_ended():
    sc = load(SCENARIO)
    app, feed, jobs = build(sc, load_snapshot(SNAPSHOT, sc), speed=600.0)
    with TestClient(app) as c:
        assert feed.wait_started()
        feed.stop()
        refused = c.post("/api/whatif", json={"actions": ["callbacks=on"], "from": "now"})
        assert refused.status_code == 409 and "has ended" in refused.json()["error"]
        assert c.post("/api/whatif", json={"actions": ["callbacks=on"], "replications": 1}).status_code == 202


def test_board_gives_the_levels_in_force_defaults_filled_in():
    sc = load(SCENARIO)
    app, feed, jobs = build(sc, load_snapshot(SNAPSHOT, sc), levels=dict([parse_threshold("queue=3,6")]))
    try:
        levels = TestClient(app).get("/api/board").json()["levels"]  # no lifespan: the run not started
    finally:
        jobs.close()
    sales = levels["contact_types"]["sales"]
    assert sales["queue"] == {"amber": 3, "red": 6, "better": "lower"}
    assert sales["longest_wait"] == {"amber": 20, "red": 40, "better": "lower"}  # the SL threshold, twice it
    assert sales["service_level"] == {"amber": 0.8, "red": 0.7, "better": "higher"}  # target, 10 points below
    assert levels["contact_types"]["support"]["asa"]["red"] == 30
    assert levels["staffed"] == {"amber": 0.95, "red": 0.85, "better": "higher"}


def test_a_snapshot_callers_wait_counts_once_on_the_board():
    sc = load(SCENARIO)
    app, feed, jobs = build(sc, load_snapshot(SNAPSHOT, sc), speed=1.0)
    feed.start()
    try:
        assert feed.wait_started()
        sales = json.loads(feed.latest)["contact_types"][0]
    finally:
        feed.stop()
        jobs.close()
    assert 540 <= sales["longest_wait"] < 560  # the callback promised 9 min before 11:40


def test_the_live_moment_captured_while_paced_is_the_unpaced_capture_at_that_moment():
    from ccsim.realtime.capture import capture_at

    sc = load(SCENARIO)
    source = load_snapshot(SNAPSHOT, sc)
    app, feed, jobs = build(sc, source, speed=600.0)
    feed.start()
    try:
        assert feed.wait_started()
        time.sleep(1.0)
        now = feed.capture()
    finally:
        feed.stop()
        jobs.close()
    assert now.time > source.time
    assert now == capture_at(sc, source, now.time)


def test_the_boards_service_level_per_interval_is_the_kpi_per_interval_at_the_end():
    import math

    from ccsim.metrics import compute_results
    from ccsim.plan import build_plan
    from ccsim.realtime.whatif import residual_scenario, run_from_snapshot

    sc = load(SCENARIO)
    source = load_snapshot(SNAPSHOT, sc)
    app, feed, jobs = build(sc, source, speed=1e9)  # the rest of the day in a moment
    run_to_end(feed, jobs, timeout_s=30)
    assert not feed.running and feed.error is None
    live = json.loads(feed.latest)["actual_service_level"]
    residual, extra = residual_scenario(sc, source)
    plan = build_plan(residual)
    _, records, _ = run_from_snapshot(sc, source, 0, plan=plan, extra_now=extra)
    kpi = compute_results(plan, records).intervals
    for ct in plan.contact_types:
        expected = [None if math.isnan(v) else pytest.approx(float(v), abs=1e-12)
                    for v in kpi[ct.name]["service_level"]]
        assert live[ct.index] == expected, ct.name


def test_pages_asking_for_now_at_once_are_all_answered():
    from concurrent.futures import ThreadPoolExecutor

    sc = load(SCENARIO)
    app, feed, jobs = build(sc, load_snapshot(SNAPSHOT, sc), speed=60.0)
    feed.start()
    try:
        assert feed.wait_started()
        with ThreadPoolExecutor(3) as pool:
            taken = list(pool.map(lambda _: feed.capture(timeout=5.0), range(3)))
    finally:
        feed.stop()
        jobs.close()
    assert len(taken) == 3 and all(snap.time >= parse_clock("11:40") for snap in taken)  # none left waiting


def test_a_run_of_several_days_is_shown_a_day_at_a_time():
    import math

    from ccsim.metrics import compute_results
    from ccsim.plan import build_plan
    from ccsim.realtime.snapshot import snapshot_from_dict
    from ccsim.realtime.whatif import residual_scenario, run_from_snapshot

    sc = load(ROOT / "scenarios/telco_support.yaml")  # three days, 08:00-22:00
    source = snapshot_from_dict({"time": "08:00", "day": 1}, scenario=sc)
    app, feed, jobs = build(sc, source, speed=1e9)
    run_to_end(feed, jobs, timeout_s=60)
    state = json.loads(feed.latest)
    assert feed.error is None and state["day"] == 3 and "22:00" <= state["clock"] < "24:00"
    board = feed.board
    assert state["actual"] == board.actual[2] and sum(map(sum, board.actual[0])) > 0
    assert sum(sum(map(sum, day)) for day in board.actual) == sum(feed.state.offered)
    residual, extra = residual_scenario(sc, source)
    plan = build_plan(residual)
    _, records, _ = run_from_snapshot(sc, source, 0, plan=plan, extra_now=extra)
    kpi = compute_results(plan, records).intervals
    for ct in plan.contact_types:
        live = [v for day in range(plan.days) for v in board.service_levels(day)[ct.index]]
        expected = [None if math.isnan(v) else pytest.approx(float(v), abs=1e-12)
                    for v in kpi[ct.name]["service_level"]]
        assert live == expected, ct.name


def test_a_whatif_of_several_days_gives_the_board_its_first_days_intervals():
    from ccsim.realtime.serve.jobs import result_table
    from ccsim.realtime.snapshot import snapshot_from_dict
    from ccsim.realtime.whatif import whatif

    sc = load(ROOT / "scenarios/telco_support.yaml")
    source = snapshot_from_dict({"time": "12:10", "day": 2}, scenario=sc)
    table = result_table(whatif(sc, source, [], replications=1))
    assert (table["from_day"], table["from_time"]) == (2, "12:10:00")
    starts = [start for start, _ in table["simulated_offered"]["support"]]
    assert starts[0] == "12:30" and starts[-1] == "21:30" and len(starts) == len(set(starts))  # day 2 only
