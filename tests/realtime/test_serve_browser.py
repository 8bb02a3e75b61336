"""ccsim serve in headless Chromium: tiles update from the stream and show their thresholds; the
charts have axes and a legend; what-ifs run from the panel with real clicks, from now and from
the snapshot, side by side in the result table; a running one is cancelled with its button."""

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


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("starlette")
    proc = subprocess.Popen([sys.executable, "-m", "ccsim.cli", "serve", "scenarios/retail_bank.yaml",
                             "--snapshot", "scenarios/snapshot_example.yaml", "--speed", "60",
                             "--threshold", "queue=3,6"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
    try:
        yield f"http://127.0.0.1:{match.group(1)}/"
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 130


@pytest.fixture(scope="module")
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


def _rows(browser):
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#result tr')).slice(1).map(r => r.innerText)")


def _run(browser, actions, replications, origin):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    box = browser.find_element(By.ID, "actions")
    box.clear()
    box.send_keys(actions)
    reps = browser.find_element(By.ID, "reps")
    reps.clear()
    reps.send_keys(str(replications))
    Select(browser.find_element(By.ID, "from")).select_by_value(origin)
    browser.find_element(By.ID, "run").click()


def test_wallboard_streams_and_runs_whatifs_side_by_side(server, browser):
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
    assert browser.find_element(By.ID, "from").get_attribute("value") == "now"  # the live run is running
    _run(browser, "agent_groups.sellers.staffing+=2@12:30", 3, "now")
    texts = _wait(lambda: _rows(browser) or None, 60)
    assert len(texts) == 4 and any("agent_groups.sellers.staffing+=2@12:30\tsales" in t for t in texts)
    assert all("%" in t and "[" in t for t in texts)  # values with their CIs
    live_from = texts[0].split("\t")[0]
    assert re.fullmatch(r"\d\d:\d\d:\d\d \(live\)", live_from) and live_from > "11:40:00"
    assert browser.find_element(By.ID, "jobstatus").text == "done"
    _run(browser, "callbacks=on", 2, "snapshot")
    texts = _wait(lambda: len(_rows(browser)) == 8 and _rows(browser), 60)
    assert texts[0].startswith("11:40:00 (snapshot)\tas is") and texts[4].startswith(live_from)  # newest first
    assert any("callbacks=on" in t for t in texts[:4]) and any("staffing+=2@12:30" in t for t in texts[4:])
    # Charts a planner can read: time and value axes, a legend, the series told apart by dash.
    charts = browser.execute_script("""return Array.from(document.querySelectorAll('#charts svg')).map(s => ({
        title: s.dataset.title, x: Array.from(s.querySelectorAll('.xtick')).map(t => t.textContent),
        y: Array.from(s.querySelectorAll('.ytick')).map(t => t.textContent),
        legend: Array.from(s.querySelectorAll('.legend-item')).map(g => [g.dataset.series,
          g.querySelector('line').getAttribute('stroke-dasharray'), g.querySelector('text').textContent]),
        simulated: s.querySelectorAll('polyline[data-series=simulated]').length}))""")
    assert [c["title"] for c in charts] == ["sales: contacts offered per interval", "sales: service level per interval",
                                            "support: contacts offered per interval",
                                            "support: service level per interval"]
    offered, sl = charts[0], charts[1]
    assert offered["x"][0] == "11:30" and all(re.fullmatch(r"\d\d:\d\d", t) for t in offered["x"])
    assert offered["y"][0] == "0" and int(offered["y"][-1]) >= 150  # sales forecast peaks at 153 per interval
    assert [name for name, _, _ in offered["legend"]] == ["forecast", "actual", "simulated"]
    assert len({dash for _, dash, _ in offered["legend"]}) == 3  # colour and dash
    assert offered["legend"][2][2] == "simulated (as is, from 11:40:00)" and offered["simulated"] >= 1
    assert sl["y"] == ["0%", "25%", "50%", "75%", "100%"]
    assert [s for s, _, _ in sl["legend"]] == ["target", "actual", "simulated"]
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


def test_thresholds_in_force_are_shown(server, browser):
    from selenium.webdriver.common.by import By

    if not browser.current_url.startswith(server):
        browser.get(server)
    cells = _wait(lambda: browser.execute_script(
        "return Object.fromEntries(Array.from(document.querySelectorAll('#thresholds tr[data-kpi] td[data-type]'))"
        ".map(td => [td.parentElement.dataset.kpi + '/' + td.dataset.type, td.textContent]))") or None)
    assert cells["queue/sales"] == "amber ≥ 3 · red ≥ 6"  # --threshold queue=3,6
    assert cells["longest_wait/sales"] == "amber ≥ 20s · red ≥ 40s"  # sales: SL threshold 20 s, and twice it
    assert cells["longest_wait/support"] == "amber ≥ 30s · red ≥ 60s"
    assert cells["service_level/support"] == "amber < 80% · red < 70%"  # the target, and 10 points below
    assert "amber < 95% · red < 85%" in browser.find_element(By.CSS_SELECTOR, "#thresholds tr[data-kpi=staffed]").text
    title = browser.execute_script(
        "return document.querySelector('#types .tile[data-type=sales][data-kpi=queue]').title")
    assert title == "queue: amber ≥ 3 · red ≥ 6"


def test_a_running_whatif_is_cancelled_with_its_button(server, browser):
    from selenium.webdriver.common.by import By

    if not browser.current_url.startswith(server):
        browser.get(server)
    before = len(_rows(browser))
    _run(browser, "callbacks=on\nagent_groups.advisors.staffing+=3", 200, "now")  # 600 runs: minutes
    cancel = browser.find_element(By.ID, "cancel")
    _wait(lambda: cancel.is_enabled(), 20)
    status = browser.find_element(By.ID, "jobstatus")
    _wait(lambda: status.text.startswith("running"), 20)
    cancel.click()
    _wait(lambda: status.text == "cancelled", 20)
    assert not cancel.is_enabled() and browser.find_element(By.ID, "run").is_enabled()
    assert len(_rows(browser)) == before  # a cancelled what-if has no result to show
