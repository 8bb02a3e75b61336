"""HTML reports and figures: every bundled scenario, size, titles/labels/targets, the plot API."""

import base64
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.experiment.estimates import Estimate
from ccsim.metrics.catalogue import journey_kpis
from ccsim.report import figures as F
from ccsim.report.html import build_report
from ccsim.report.waits import wait_distributions

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.yaml")
                   if not p.name.startswith("snapshot_"))  # snapshots: tests/realtime/
HELPDESK = ROOT / "scenarios" / "it_helpdesk.yaml"
IMG_RE = re.compile(r'<img alt="([^"]*)" width="(\d+)" height="(\d+)" src="data:image/svg\+xml;base64,([^"]+)"')


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def svgs(page: str) -> list[str]:
    return [base64.b64decode(m.group(4)).decode("utf-8") for m in IMG_RE.finditer(page)]


@pytest.fixture(scope="module")
def helpdesk():
    return ccsim.simulate(ccsim.load(HELPDESK), replications=12)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_report_of_every_bundled_scenario_builds(path, tmp_path):
    sc = ccsim.load(path)
    est = ccsim.simulate(sc, replications=3)
    out = ccsim.report(est, tmp_path / "report.html")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for title in ("At a glance", "Scenario at a glance", "KPIs", "Per interval", "Waiting times"):
        assert f">{title}</h2>" in page, title
    for name in list(sc.contact_types) + list(sc.agent_groups):
        assert name in page
    journeys = any(k in journey_kpis() for kpis in est.contact_types.values() for k in kpis)
    assert ("Caller journeys</h2>" in page) == journeys
    images = svgs(page)
    assert len(images) >= 7  # volumes, SL, ASA, queue, occupancy, staffing, waits (+ journeys)
    assert all(svg.lstrip().startswith("<?xml") and "<svg" in svg for svg in images)
    # Self-contained: nothing is fetched from anywhere when the page is viewed.
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page


def test_report_of_1000_replications_stays_under_5_mb(tmp_path):
    out = tmp_path / "report.html"
    result = invoke("run", HELPDESK, "--replications", 1000, "--workers", 2, "--report", out, "-q")
    assert result.exit_code == 0, result.output
    size = out.stat().st_size
    print(f"report of 1000 replications: {size / 1e6:.2f} MB")
    assert size < 5_000_000
    page = out.read_text(encoding="utf-8")
    assert "1000 replications" in page and "mean of the 1000 replications" in page


def test_report_is_the_same_for_the_same_seed(tmp_path, helpdesk):
    a = ccsim.report(helpdesk, tmp_path / "a.html").read_bytes()
    b = ccsim.report(helpdesk, tmp_path / "b.html").read_bytes()
    assert a == b


def test_cli_report_for_run_compare_and_sweep(tmp_path):
    run = tmp_path / "run.html"
    assert invoke("run", HELPDESK, "-r", 4, "--report", run, "-q").exit_code == 0
    assert "KPIs</h2>" in run.read_text()
    comp = tmp_path / "compare.html"
    result = invoke("compare", HELPDESK, "--set", "agent_groups.desk.staffing=4", "-r", 4, "--report", comp, "-q")
    assert result.exit_code == 0, result.output
    page = comp.read_text()
    assert "Differences</h2>" in page and "paired 95 % CI" in page and "with agent_groups.desk.staffing=4" in page
    assert len(svgs(page)) == 7  # differences, SL, ASA, queue, occupancy, staffing, waits
    sweep = tmp_path / "sweep.html"
    result = invoke("sweep", HELPDESK, "--set", "agent_groups.desk.staffing=2..4", "-r", 3, "--report", sweep, "-q")
    assert result.exit_code == 0, result.output
    page = sweep.read_text()
    assert "Trade-off curves</h2>" in page and len(svgs(page)) == 4
    assert page.count('class="num met"') + page.count('class="num missed"') + page.count('class="num borderline"') == 3


def test_report_write_failure_exits_1_and_writes_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = CliRunner().invoke(main, ["run", str(HELPDESK), "-r", "2", "--report", str(blocker / "r.html")])
    assert result.exit_code == 1 and "error: cannot write" in result.output


def test_figures_have_titles_axis_labels_with_units_and_target_lines(helpdesk):
    dists = wait_distributions(helpdesk)
    runs = [("", helpdesk)]
    drawn = {}
    for name, draw in {
        "volumes": lambda ax: F.draw_volumes(ax, helpdesk),
        "service_level": lambda ax: F.draw_service_level(ax, runs),
        "asa": lambda ax: F.draw_asa(ax, runs),
        "queue": lambda ax: F.draw_queue_length(ax, runs),
        "occupancy": lambda ax: F.draw_occupancy(ax, runs),
        "staffing": lambda ax: F.draw_staffing(ax, runs),
        "waits": lambda ax: F.draw_waits(ax, [("", dists)]),
    }.items():
        fig, (ax,) = F.new_figure()
        draw(ax)
        drawn[name] = ax
        assert ax.get_title(loc="left"), name
        assert ax.get_xlabel() and ax.get_ylabel(), name
    for name in ("service_level", "asa", "occupancy", "waits"):
        assert re.search(r"\((%|s|min|h)\)$", drawn[name].get_ylabel()), drawn[name].get_ylabel()
    assert drawn["waits"].get_xlabel() == "wait t (min)"  # the helpdesk's waits reach minutes

    def target_lines(ax):
        return [line for line in ax.get_lines() if line.get_color() == F.TARGET_COLOUR]

    sl_targets = target_lines(drawn["service_level"])
    assert [line.get_ydata()[0] for line in sl_targets] == [pytest.approx(70.0)]
    assert "target 70 % in 1 min" in [line.get_label() for line in sl_targets]
    assert [line.get_ydata()[0] for line in target_lines(drawn["asa"])] == [pytest.approx(1.0)]  # 1 min, in min
    waits = target_lines(drawn["waits"])
    assert {line.get_label() for line in waits} == {"threshold 1 min", "target 70 %"}


def test_sweep_and_comparison_figures(helpdesk):
    sc = helpdesk.scenario
    curve = ccsim.sweep(sc, {"agent_groups.desk.staffing": [2, 3, 4]}, replications=3)
    fig, (ax,) = F.new_figure()
    F.draw_sweep(ax, curve, "service_level")
    assert ax.get_xlabel() == "agent_groups.desk.staffing (agents)" and ax.get_ylabel() == "service level (%)"
    assert any(line.get_color() == F.TARGET_COLOUR for line in ax.get_lines())
    comp = ccsim.compare(sc, sc.with_changes({"agent_groups.desk.staffing": 4}), replications=4)
    fig, (ax,) = F.new_figure()
    F.draw_differences(ax, comp, "service_level")
    assert ax.get_title(loc="left").startswith("Service level: B − A")
    assert ax.get_xlabel() == "B − A (percentage points)"


def test_waiting_time_curve_at_the_threshold_is_the_service_level(helpdesk):
    dist = wait_distributions(helpdesk)["incidents"]
    k = helpdesk.contact_types["incidents"]
    pooled = k["answered_within_threshold"].values.sum() / k["sl_counted"].values.sum()
    assert dist.replications == 12 and dist.contacts == k["sl_counted"].values.sum()
    assert dist.at(60.0) == pytest.approx(k["service_level"].mean, abs=1e-12)
    assert dist.pooled_at(60.0) == pytest.approx(pooled, abs=1e-12)
    assert np.all(np.diff(dist.share) >= 0) and dist.share[-1] <= 1.0
    # From the results' histograms: records kept or not, the same curve.
    kept = ccsim.simulate(helpdesk.scenario, replications=12, keep_records=True)
    again = wait_distributions(kept)["incidents"]
    assert np.array_equal(again.share, dist.share)
    assert wait_distributions(helpdesk, max_replications=5)["incidents"].replications == 5


def test_journeys_section_only_when_journey_kpis_are_present(helpdesk):
    assert "Caller journeys" not in build_report(helpdesk).to_html()
    est = ccsim.simulate(helpdesk.scenario, replications=4)
    rng = np.random.default_rng(1)
    est.contact_types["incidents"]["fcr"] = Estimate(rng.uniform(0.6, 0.8, 4))
    est.contact_types["incidents"]["contacts_per_issue"] = Estimate(rng.uniform(1.1, 1.3, 4))
    est.contact_types["incidents"]["share_satisfied"] = Estimate(rng.uniform(0.7, 0.9, 4))
    est.contact_types["incidents"]["some_new_kpi_rate"] = Estimate(rng.uniform(0.1, 0.2, 4))
    page = build_report(est).to_html()
    assert "Caller journeys</h2>" in page
    assert "first-contact resolution" in page and "contacts per issue" in page
    assert "some new kpi rate" in page  # unknown KPIs are rendered too, in the KPI table
    assert len(svgs(page)) == 8


def test_plot_api_returns_axes_for_notebooks(helpdesk):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        for method in ("service_level", "queue_length", "waits", "occupancy", "staffing", "asa", "volumes"):
            ax = getattr(helpdesk.plot, method)()
            assert isinstance(ax, matplotlib.axes.Axes), method
            assert ax.get_title(loc="left") and ax.get_ylabel()
        fig, axes = plt.subplots(1, 2)
        assert helpdesk.plot.service_level("incidents", ax=axes[0]) is axes[0]
        with pytest.raises(ValueError, match="unknown contact type 'sales'"):
            helpdesk.plot.service_level("sales")
    finally:
        plt.close("all")


def test_ccsim_report_is_callable_and_still_a_package(tmp_path, helpdesk):
    import ccsim.report.export as export

    assert export.__name__ == "ccsim.report.export"
    assert ccsim.report.write_report(helpdesk, tmp_path / "r.html").exists()
    with pytest.raises(TypeError, match="cannot report a dict"):
        ccsim.report({}, tmp_path / "x.html")


def test_matplotlib_is_imported_only_when_plotting():
    code = ("import sys, ccsim\n"
            "from ccsim.report.table import render_tables\n"
            "from ccsim.report.export import intervals_csv\n"
            "est = ccsim.simulate(ccsim.load(sys.argv[1]), replications=2)\n"
            "render_tables(est); intervals_csv(est)\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported early'\n"
            "est.plot\n"
            "assert 'matplotlib' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code, str(HELPDESK)], check=True)


def test_channels_section_only_for_chats_emails_or_per_agent_statistics(helpdesk):
    assert "Channels and agents" not in build_report(helpdesk).to_html()
    omni = ccsim.simulate(ccsim.load(ROOT / "scenarios" / "omnichannel.yaml"), replications=3)
    page = build_report(omni).to_html()
    assert "Channels and agents</h2>" in page
    assert "email backlog per interval" in page and "advisors: occupancy by channel" in page
    assert "chat_team: occupancy by channel" in page and "sellers: occupancy by channel" not in page
    assert "backlog at end" in page and "chat slots used" in page
    fig, (ax,) = F.new_figure()
    F.draw_channel_occupancy(ax, omni, "chat_team")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["occupancy (all)", "on calls", "on chats", "chat slots used"]
    assert ax.get_ylabel() == "share of time (%)"
