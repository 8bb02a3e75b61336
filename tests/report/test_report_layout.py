"""The report's layout: legends inside their figure, target lines told apart, the channels
section in HTML tables, sweep legends that name the group (the browser checks are in
test_report_layout_browser.py)."""

import re
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim.report import figures as F
from ccsim.report.channel_section import channels_section
from ccsim.report.html import build_report

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "scenarios" / "retail_bank.yaml"
OMNI = ROOT / "scenarios" / "omnichannel.yaml"


@pytest.fixture(scope="module")
def bank():
    return ccsim.simulate(ccsim.load(BANK), replications=2, workers=1)


@pytest.fixture(scope="module")
def omni():
    return ccsim.simulate(ccsim.load(OMNI), replications=2, workers=1)


def inside(fig) -> bool:
    renderer = fig.canvas.get_renderer()
    w, h = fig.get_size_inches() * fig.dpi
    for ax in fig.axes:
        box = ax.get_tightbbox(renderer)
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > w + 0.5 or box.y1 > h + 0.5:
            return False
    return True


def test_long_legends_are_never_cut_off(bank):
    runs = [("as planned for the week of 2 March", bank), ("with three more advisors after lunch", bank)]
    fig, axes = F.new_figure(nrows=2)
    F.draw_service_level(axes[0], runs)
    F.draw_asa(axes[1], runs)
    assert not inside(fig)  # as drawn, the legend runs past the right edge
    left_inches = [ax.get_position().x0 * fig.get_size_inches()[0] for ax in fig.axes]
    F.to_svg(fig)
    assert inside(fig)
    # The Axes kept their place from the left: time axes of a report still line up.
    assert [ax.get_position().x0 * fig.get_size_inches()[0] for ax in fig.axes] == pytest.approx(left_inches)


def test_a_legend_with_many_entries_takes_columns_not_the_space_below(omni):
    runs = [(f"variant {i}", omni) for i in range(4)]
    fig, (ax,) = F.new_figure()
    F.draw_service_level(ax, runs)  # 4 variants x 4 types + a target line
    assert ax.get_legend()._ncols >= 2
    F.to_svg(fig)
    assert inside(fig)


def test_the_two_threshold_lines_are_told_apart(bank):
    fig, (ax,) = F.new_figure()
    F.draw_asa(ax, [("", bank)])  # sales 20 s, support 30 s
    lines = [line for line in ax.get_lines() if line.get_color() == F.TARGET_COLOUR]
    assert len(lines) == 2
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    labels = sorted(line.get_label() for line in lines)
    assert labels == ["SL threshold 20 s (sales)", "SL threshold 30 s (support)"]
    texts = {t.get_text() for t in ax.texts}
    assert {"sales", "support"} <= texts  # named at the line's end too
    from ccsim.report.waits import wait_distributions

    fig, (ax,) = F.new_figure()
    F.draw_waits(ax, [("", wait_distributions(bank))])
    vertical = [line for line in ax.get_lines() if line.get_color() == F.TARGET_COLOUR
                and np.ptp(np.asarray(line.get_xdata(), dtype=float)) == 0]
    assert len({str(line.get_linestyle()) for line in vertical}) == 2
    assert {line.get_label() for line in vertical} == {"threshold 20 s (sales)", "threshold 30 s (support)"}


def test_channels_and_agents_section_uses_the_report_tables(omni):
    section = channels_section(omni)
    assert "<pre>" not in section.body
    assert section.body.count('<div class="scroll"><table>') == 2  # groups by channel, emails
    assert '<td class="num">' in section.body
    assert "Agent groups by channel" in section.body and "90 % in 4 h" in section.body


def test_sweep_legends_name_the_group(bank):
    sc = bank.scenario
    curve = ccsim.sweep(sc, {"agent_groups.sellers.staffing": [18, 22], "agent_groups.advisors.staffing": [40, 44]},
                        replications=2, workers=1)
    fig, (ax,) = F.new_figure()
    F.draw_sweep(ax, curve, "service_level")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "sales, advisors staffing 40" in labels and "support, advisors staffing 44" in labels
    html = build_report(curve).to_html()
    assert re.search(r"<h2>Trade-off curves</h2>", html)
