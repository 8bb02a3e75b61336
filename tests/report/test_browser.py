"""The HTML report in a real browser: headless Chromium renders it, its figures, and no console error.

Needs Debian's chromium and chromium-driver (``make test`` installs them when
run as root) and selenium (dev extra). Skipped when they are missing, except
in CI (``CI`` set), where a missing browser is a failure.
"""

from pathlib import Path

import pytest

import ccsim
from tests.common.browser import chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser():
    with chromium(page_load_timeout=60) as driver:
        yield driver


def check_page(driver, path: Path, screenshot: Path, sections: list[str], figures: int) -> None:
    driver.set_window_size(1280, 900)  # the page's own height below, not the previous page's
    driver.get(path.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == [], errors
    headings = driver.execute_script("return Array.from(document.querySelectorAll('h2')).map(h => h.textContent)")
    assert all(s in headings for s in sections), headings
    images = driver.execute_script("""
        return Array.from(document.querySelectorAll('img, svg')).map(el => {
            const r = el.getBoundingClientRect();
            return {tag: el.tagName, complete: el.complete === undefined ? true : el.complete,
                    natural: el.naturalWidth === undefined ? 1 : el.naturalWidth,
                    width: r.width, height: r.height, alt: el.getAttribute('alt')};
        });""")
    assert len(images) == figures, images
    for image in images:
        # naturalWidth > 0: the browser decoded the embedded SVG; a broken image has 0.
        assert image["complete"] and image["natural"] > 0, image
        assert image["width"] > 300 and image["height"] > 100, image
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(height + 40, 16000))
    assert driver.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 50_000


def test_run_report_renders_in_chromium(browser, tmp_path):
    est = ccsim.simulate(ccsim.load(ROOT / "scenarios" / "retail_bank.yaml"), replications=10)
    page = ccsim.report(est, tmp_path / "retail_bank.html")
    check_page(browser, page, tmp_path / "retail_bank.png",
               ["At a glance", "Scenario at a glance", "KPIs", "Per interval", "Waiting times"], figures=7)
    print(f"screenshot: {tmp_path / 'retail_bank.png'}")


def test_comparison_and_sweep_reports_render_in_chromium(browser, tmp_path):
    sc = ccsim.load(ROOT / "scenarios" / "it_helpdesk.yaml")
    comp = ccsim.compare(sc, sc.with_changes({"agent_groups.desk.staffing": 4}), replications=8)
    check_page(browser, ccsim.report(comp, tmp_path / "compare.html"), tmp_path / "compare.png",
               ["At a glance", "Differences", "Per interval", "Waiting times"], figures=7)
    curve = ccsim.sweep(sc, {"agent_groups.desk.staffing": [2, 3, 4, 5]}, replications=5)
    check_page(browser, ccsim.report(curve, tmp_path / "sweep.html"), tmp_path / "sweep.png",
               ["Trade-off curves", "Every point"], figures=4)
