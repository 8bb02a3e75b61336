"""The pages say the same as the scenario schema and the engine, and as each other.

A field documented on two pages (docs/scenario.md, the reference, and docs/channels.md)
has one range and one default, those of the schema (``ccsim/scenario``); what the
engine draws anew for a retrial and per contact type is said where the field is.
"""

from __future__ import annotations

import re
from pathlib import Path

import ccsim

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def table_row(page: str, first: str, field: str) -> list[str]:
    """The cells of the table row documenting *field* (first cell *first*, '' for scenario.md)."""
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3:
            continue
        if first and cells[0] != first:
            continue
        if cells[1 if first else 0] == f"`{field}`":
            return cells[2:] if first else cells[1:]
    raise AssertionError(f"{page}: no row for {field}")


def chat_scenario(slowdown):
    chat = {"channel": "chat", "concurrency": 3, "arrivals": {"rate": "10/h"},
            "handle_time": {"dist": "exponential", "mean": "3min"}}
    if slowdown is not None:
        chat["concurrency_slowdown"] = slowdown
    return {"name": "x", "horizon": {"start": "08:00", "end": "09:00"}, "contact_types": {"c": chat},
            "agent_groups": {"g": {"skills": ["c"], "staffing": 1}}}


def accepted(data) -> bool:
    try:
        ccsim.from_dict(data)
    except ccsim.ScenarioError:
        return False
    return True


def test_concurrency_slowdown_has_one_range_and_default_the_schemas():
    # The schema: each multiplier from 1 to 20, at most `concurrency` of them (3 here).
    assert accepted(chat_scenario([1.0, 20.0])) and accepted(chat_scenario([1.0, 1.2, 1.45]))
    assert not accepted(chat_scenario([0.9])) and not accepted(chat_scenario([20.5]))
    assert not accepted(chat_scenario([1.0, 1.1, 1.2, 1.3]))
    assert ccsim.from_dict(chat_scenario(None)).contact_types["c"].slowdown() == [1.0, 1.0, 1.0]
    expected = "list of numbers from 1 to 20, at most `concurrency` of them"
    reference = table_row("scenario.md", "", "concurrency_slowdown")
    channels = table_row("channels.md", "contact type", "concurrency_slowdown")
    assert reference[0] == channels[0] == expected
    assert reference[1] == channels[1]  # the same default


def test_overflow_after_has_one_range_and_default():
    for first, page in (("", "scenario.md"), ("contact type", "channels.md")):
        cells = table_row(page, first, "overflow_after")
        assert cells[0] == "duration ≥ 0" and cells[1] == "none: `0`, at once", page
    group = table_row("channels.md", "agent group", "overflow_after")
    # The group's row of scenario.md is the second overflow_after row of that page.
    rows = [line for line in (DOCS / "scenario.md").read_text().splitlines() if line.startswith("| `overflow_after`")]
    assert len(rows) == 2
    assert group[0] in rows[1] and group[1] in rows[1]
    # And the default is what a scenario gets: no delay without one.
    sc = ccsim.from_dict({
        "name": "x", "horizon": {"start": "08:00", "end": "09:00"}, "routing": "overflow",
        "contact_types": {"a": {"arrivals": {"rate": "10/h"}, "handle_time": {"dist": "exponential", "mean": "3min"}}},
        "agent_groups": {"g": {"skills": ["a"], "staffing": 1}},
    })
    assert sc.contact_types["a"].overflow_after is None


def test_retrials_draw_a_new_patience_and_handle_time_and_the_page_says_so():
    text = (DOCS / "journeys.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `retrial`"))
    assert "new patience, handle time and after-call work" in row


def test_forecast_error_is_drawn_per_contact_type_and_the_page_says_so():
    text = " ".join((DOCS / "scenario.md").read_text(encoding="utf-8").split())
    at = text.index("`forecast_error: 0.10`")
    assert "per contact type" in text[at:at + 400]
    # The engine: one factor per type (and day), from the type's own stream.
    sc = ccsim.from_dict({
        "name": "x", "horizon": {"start": "08:00", "end": "09:00"},
        "contact_types": {t: {"arrivals": {"rate": "100/h", "forecast_error": 0.3},
                              "handle_time": {"dist": "exponential", "mean": "3min"}} for t in ("a", "b")},
        "agent_groups": {"g": {"skills": ["a", "b"], "staffing": 5}},
    })
    from ccsim.engine.arrivals import draw_contacts
    from ccsim.experiment import plan_for

    factors = draw_contacts(plan_for(sc), 0).forecast_factor
    assert len(factors) == 2 and factors[0] != factors[1]


def test_calibration_page_knows_multi_day_scenarios():
    text = (DOCS / "calibration.md").read_text(encoding="utf-8")
    assert "multi-day scenario does not exist" not in text
    assert "`horizon.days`" in text
    assert re.search(r"\| `days` \| integer 1–366", (DOCS / "scenario.md").read_text(encoding="utf-8"))


def test_the_live_dashboard_labels_on_the_page_are_the_dashboards():
    from ccsim.experiment import plan_for
    from ccsim.realtime.live import LiveState, render_dashboard

    plan = plan_for(ccsim.load(ROOT / "scenarios" / "retail_bank.yaml"))
    lines = render_dashboard(LiveState(plan, [], []), 80, 24)
    text = (DOCS / "realtime.md").read_text(encoding="utf-8")
    section = text[text.index("## Live"):text.index("### Event stream")]
    for header in (lines[2], next(line for line in lines if line.startswith("agent group"))):
        for label in header.split()[2 if header.startswith("contact") else 2:]:
            assert f"`{label}`" in section, label
