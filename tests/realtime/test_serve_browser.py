"""ccsim serve in headless Chromium: tiles update from the stream; a what-if run from the panel
with real clicks fills its result table."""

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.common.browser import chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server():
    pytest.importorskip("starlette")
    proc = subprocess.Popen([sys.executable, "-m", "ccsim.cli", "serve", "scenarios/retail_bank.yaml",
                             "--snapshot", "scenarios/snapshot_example.yaml", "--speed", "60"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
    try:
        yield f"http://127.0.0.1:{match.group(1)}/"
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 130


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


def _wait(predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_wallboard_streams_and_runs_a_whatif(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server)
    clock = browser.find_element(By.ID, "clock")
    first = _wait(lambda: clock.text if re.match(r"\d\d:\d\d:\d\d", clock.text) else None)
    _wait(lambda: clock.text != first and clock.text)  # the stream moves the clock on
    # Tiles are redrawn from every event: read them in one go in the page.
    tiles = browser.execute_script(
        "return Array.from(document.querySelectorAll('#types .tile')).map(t => t.className)")
    assert len(tiles) == 10  # 2 contact types x 5 tiles
    assert any("red" in t.split() for t in tiles)  # 16 sales callers waiting at 11:40
    assert browser.execute_script("return document.querySelectorAll('#charts svg').length") == 2
    box = browser.find_element(By.ID, "actions")
    box.clear()
    box.send_keys("agent_groups.sellers.staffing+=2@12:00")
    reps = browser.find_element(By.ID, "reps")
    reps.clear()
    reps.send_keys("3")
    browser.find_element(By.ID, "run").click()
    texts = _wait(lambda: browser.execute_script(
        "return Array.from(document.querySelectorAll('#result tr')).slice(1).map(r => r.innerText)") or None, 120)
    assert len(texts) == 4 and any(t.startswith("agent_groups.sellers.staffing+=2@12:00\tsales") for t in texts)
    assert all("%" in t and "[" in t for t in texts)  # values with their CIs
    assert browser.find_element(By.ID, "jobstatus").text == "done"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
