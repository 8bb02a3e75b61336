"""Times in the unit a person thinks in, by one rule (ccsim.units.format_time) in every
terminal table, HTML table and figure: an email's ASA in hours, a call's in seconds."""

import re
from pathlib import Path

import pytest

import ccsim
from ccsim.report import figures as F
from ccsim.report.experiments import render_comparison
from ccsim.report.html import build_report
from ccsim.report.table import render_tables
from ccsim.units import format_target, format_threshold, format_time, time_unit

ROOT = Path(__file__).resolve().parents[2]
OMNI = ROOT / "scenarios" / "omnichannel.yaml"
# Four or more digits of seconds: a time nobody reads ('5892.7 s').
RAW_SECONDS = re.compile(r"\b\d[\d,]{3,}(\.\d)? ?s\b")


@pytest.fixture(scope="module")
def omni():
    return ccsim.simulate(ccsim.load(OMNI), replications=3, workers=1)


def test_the_rule():
    assert format_time(5892.7) == "1.6 h"
    assert format_time(4.54) == "4.5 s"
    assert format_time(119.0) == "119.0 s"
    assert format_time(300.0) == "5.0 min"
    assert format_time(5892.7, half=720.0) == "1.6 h ± 0.2"
    assert format_time(-90.0, signed=True) == "-90.0 s"
    assert format_time(None) == format_time(float("nan")) == "–"
    assert time_unit(3600.0) == ("h", 3600.0) and time_unit(59.0) == ("s", 1.0)
    assert format_threshold(28800) == "8 h" and format_threshold(20) == "20 s" and format_threshold(90) == "1.5 min"
    assert format_target(0.9, 28800) == "90 % in 8 h"
    from ccsim.report.labels import fmt

    assert fmt("agents_present", -1e-15, signed=True) == "+0.0"  # rounding noise, not a decrease


def test_terminal_tables_write_email_waits_in_hours(omni):
    text = render_tables(omni)
    email = next(line for line in text.splitlines() if line.startswith("email "))
    assert "90 % in 4 h" in email
    assert re.search(r"\d\.\d h ± \d", email), email  # ASA and P90 wait of emails in hours
    sales = next(line for line in text.splitlines() if line.startswith("sales "))
    assert "80 % in 20 s" in sales and re.search(r"\d\.\d s ± \d", sales)
    assert not RAW_SECONDS.search(text), RAW_SECONDS.search(text)


def test_comparison_table_writes_email_waits_in_hours():
    sc = ccsim.load(OMNI)
    comp = ccsim.compare(sc, sc, replications=2, workers=1)
    text = render_comparison(comp)
    assert not RAW_SECONDS.search(text), RAW_SECONDS.search(text)
    email_asa = next(line for line in text.splitlines() if line.startswith("email") and " ASA " in line)
    assert re.search(r"\d\.\d h", email_asa), email_asa


def test_html_report_tables_and_targets_in_people_units(omni):
    html = build_report(omni).to_html()
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert not RAW_SECONDS.search(text), RAW_SECONDS.search(text)
    assert "90 % in 4 h" in text


def test_calls_and_emails_never_share_a_time_axis(omni):
    assert F.type_scales(omni) == [["sales", "support", "chat"], ["email"]]
    fig, (ax,) = F.new_figure()
    with pytest.raises(ValueError, match="cannot share a time axis"):
        F.draw_asa(ax, [("", omni)])
    axes = omni.plot.asa()
    assert len(axes) == 2
    assert axes[0].get_ylabel() in ("ASA (s)", "ASA (min)")
    assert axes[1].get_ylabel() == "ASA (h)"
    waits = omni.plot.waits()
    assert waits[0].get_xlabel() in ("wait t (s)", "wait t (min)") and waits[1].get_xlabel() == "wait t (h)"
    import matplotlib.pyplot as plt

    plt.close("all")


def test_html_report_draws_email_waits_on_their_own_axis(omni, monkeypatch):
    seen = []
    real = F.draw_asa

    def spy(ax, runs, names=None):
        real(ax, runs, names)
        seen.append((tuple(names), ax.get_ylabel()))

    monkeypatch.setattr(F, "draw_asa", spy)
    build_report(omni)
    assert (("email",), "ASA (h)") in seen
    assert all("email" not in names for names, label in seen if label != "ASA (h)")
