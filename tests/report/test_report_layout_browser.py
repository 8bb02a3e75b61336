"""The report's layout in headless Chromium: wide tables scroll inside their card (and fit
the page when printed), figures and their legends stay inside the card."""

from pathlib import Path

import pytest

import ccsim

from .test_browser import browser  # noqa: F401  (the headless Chromium fixture)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
OMNI = ROOT / "scenarios" / "omnichannel.yaml"

MEASURE = """
return Array.from(document.querySelectorAll('section')).map(s => ({
    id: s.id, width: s.clientWidth, scroll: s.scrollWidth,
    tables: Array.from(s.querySelectorAll('.scroll')).map(d => ({
        box: d.clientWidth, content: d.scrollWidth, overflow: getComputedStyle(d).overflowX,
        table: d.querySelector('table').getBoundingClientRect().width})),
    images: Array.from(s.querySelectorAll('img')).map(i => i.getBoundingClientRect().right
                                                       - s.getBoundingClientRect().right),
}));"""


@pytest.fixture(scope="module")
def wide_report(tmp_path_factory):
    """A sweep of the omnichannel centre: every point's table has 17 columns."""
    sc = ccsim.load(OMNI)
    curve = ccsim.sweep(sc, {"contact_types.chat.handle_time.mean": ["3min", "4min"]}, replications=2, workers=1)
    return ccsim.report(curve, tmp_path_factory.mktemp("layout") / "sweep.html")


@pytest.fixture(scope="module")
def channel_report(tmp_path_factory):
    """A run of the omnichannel centre, with its "Channels and agents" section."""
    est = ccsim.simulate(ccsim.load(OMNI), replications=2, workers=1)
    return ccsim.report(est, tmp_path_factory.mktemp("layout") / "omni.html")


def test_run_report_fits_a_narrow_window(browser, channel_report):  # noqa: F811
    browser.set_window_size(700, 900)
    browser.get(channel_report.as_uri())
    sections = browser.execute_script(MEASURE)
    assert any(s["id"] == "channels" and s["tables"] for s in sections)
    for s in sections:
        assert s["scroll"] <= s["width"] + 1, s


def test_wide_tables_scroll_inside_their_card(browser, wide_report):  # noqa: F811
    browser.set_window_size(900, 900)
    browser.get(wide_report.as_uri())
    sections = browser.execute_script(MEASURE)
    wide = [t for s in sections for t in s["tables"] if t["content"] > t["box"] + 1]
    assert wide, "the sweep's table should be wider than a 900 px window"
    for s in sections:
        assert s["scroll"] <= s["width"] + 1, s  # nothing sticks out of a card
        for t in s["tables"]:
            assert t["overflow"] == "auto"
        for overhang in s["images"]:
            assert overhang <= 1, s  # figures (and their legends) shrink to the card


def test_wide_tables_fit_the_page_when_printed(browser, wide_report):  # noqa: F811
    browser.set_window_size(900, 900)
    browser.get(wide_report.as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        sections = browser.execute_script(MEASURE)
        for s in sections:
            for t in s["tables"]:
                assert t["overflow"] == "visible"
                assert t["table"] <= s["width"] + 1, s  # the table shrinks to the page: nothing cut
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
