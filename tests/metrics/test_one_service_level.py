"""One service level everywhere: the terminal table, the JSON, the report's waiting-time
curve at the threshold and the live dashboard show the same value for every bundled
scenario (one replication, the same seed), because they all count by the rules of
``ccsim.metrics.service_level``."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.engine.arrivals import draw_contacts
from ccsim.experiment import plan_for
from ccsim.metrics.service_level import threshold_index, wait_edges
from ccsim.realtime.live import run_live
from ccsim.report.waits import wait_distributions

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if not p.name.startswith("snapshot_"))
# Emails by reply time counted in opening hours only (the curve used to ignore it).
EMAIL_IN_OPENING_HOURS = ["contact_types.email.service_level.threshold=8h",
                          "contact_types.email.service_level.opening_hours_only=true"]
CASES = [(p, []) for p in SCENARIOS] + [(ROOT / "scenarios" / "omnichannel.yaml", EMAIL_IN_OPENING_HOURS)]
IDS = [p.stem for p in SCENARIOS] + ["omnichannel_email_opening_hours"]


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-12


@pytest.fixture(scope="module", params=CASES, ids=IDS)
def case(request):
    path, overrides = request.param
    sc = ccsim.load(path, overrides=overrides)
    est = ccsim.simulate(sc, replications=1, seed=sc.seed)
    kpi = {name: kpis["service_level"].values[0] for name, kpis in est.contact_types.items()}
    return path, overrides, sc, est, kpi


def test_the_json_and_the_terminal_show_the_kpi(case):
    path, overrides, sc, est, kpi = case
    sets = [a for o in overrides for a in ("--set", o)]
    runner = CliRunner()
    doc = json.loads(runner.invoke(main, ["run", str(path), "-r", "1", "-q", "--json", *sets]).output)
    table = runner.invoke(main, ["run", str(path), "-r", "1", "-q", *sets]).output
    for name, value in kpi.items():
        shown = doc["contact_types"][name]["service_level"]["mean"]
        assert same(math.nan if shown is None else shown, value), name
        text = "–" if math.isnan(value) else f"{100 * value:.1f} %"
        row = next(line for line in table.splitlines() if re.match(rf"{re.escape(name)}\s{{2,}}\d", line))
        assert re.split(r"\s{2,}", row)[5] == text, (name, row)
        if not math.isnan(value):
            assert f"{name}: service level {100 * value:.1f} %" in table


def test_the_report_curve_at_the_threshold_is_the_kpi(case):
    _, _, sc, est, kpi = case
    curves = wait_distributions(est)
    for ct in est.plan.contact_types:
        curve = curves[ct.name]
        assert same(curve.at(ct.sl_threshold), kpi[ct.name]), ct.name
        assert same(curve.pooled_at(ct.sl_threshold), kpi[ct.name]), ct.name
        finite = curve.share[~np.isnan(curve.share)]
        assert np.all(np.diff(finite) >= 0) and np.all(finite <= 1.0)


def test_the_live_dashboard_at_the_end_of_a_full_run_is_the_kpi(case):
    _, _, sc, est, kpi = case
    plan = plan_for(sc, sc.seed)
    state, records, _ = run_live(plan, draw_contacts(plan, 0), 0, speed=1e12)
    assert records is not None  # the whole day ran
    for ct in plan.contact_types:
        assert same(state.service_level(ct.index), kpi[ct.name]), ct.name


def test_the_histogram_holds_the_kpis_counts_at_the_threshold():
    sc = ccsim.load(ROOT / "scenarios" / "telco_support.yaml")  # callbacks, IVR, retrials, three days
    est = ccsim.simulate(sc, replications=3, seed=5)
    for ct in est.plan.contact_types:
        edges = wait_edges(ct)
        assert edges[threshold_index(ct)] == ct.sl_threshold and edges[0] == 0.0 and edges[-1] == math.inf
        for r in est.replication_results:
            within = r.waits[ct.name]
            day = r.contact_types[ct.name]
            assert within[threshold_index(ct)] == day["answered_within_threshold"]
            assert np.all(np.diff(within) >= 0) and within[-1] <= day["sl_counted"]


def test_the_curve_over_many_days_is_the_mean_of_the_days_and_the_pooled_curve_the_ratio_of_sums():
    est = ccsim.simulate(ccsim.load(ROOT / "scenarios" / "it_helpdesk.yaml"), replications=7, seed=3)
    k = est.contact_types["incidents"]
    curve = wait_distributions(est)["incidents"]
    assert curve.replications == 7 and curve.contacts == k["sl_counted"].values.sum()
    assert curve.at(60.0) == pytest.approx(k["service_level"].mean, abs=1e-12)
    pooled = k["answered_within_threshold"].values.sum() / k["sl_counted"].values.sum()
    assert curve.pooled_at(60.0) == pytest.approx(pooled, abs=1e-12)
    assert wait_distributions(est, max_replications=3)["incidents"].replications == 3
