"""Experiments: determinism across executors, paired comparisons, sweeps, precision, CI coverage."""

import json
import math
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim.erlang import erlang_c_service_level
from ccsim.experiment.compare import compare
from ccsim.experiment.precision import parse_precision, simulate_to_precision
from ccsim.experiment.sweep import parse_axis, sweep

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = ROOT / "scenarios" / "it_helpdesk.yaml"


def mmc(rate_per_h=240, aht="3min", agents=14, hours=4, patience=None, warmup="30min", replications=10):
    calls = {"arrivals": {"rate": f"{rate_per_h}/h"}, "handle_time": {"dist": "exponential", "mean": aht},
             "service_level": {"target": 0.8, "threshold": "20s"}}
    if patience:
        calls["patience"] = {"dist": "exponential", "mean": patience}
    return ccsim.from_dict({
        "name": "M/M/c", "horizon": {"start": "00:00", "end": f"{hours:02d}:00", "interval": "30min",
                                      "warmup": warmup},
        "seed": 9, "replications": replications,
        "contact_types": {"calls": calls},
        "agent_groups": {"agents": {"skills": ["calls"], "staffing": agents}},
    })


def dumps(est) -> str:
    return json.dumps(est.to_dict(), sort_keys=True)


def test_results_identical_whatever_the_workers_or_executor():
    sc = ccsim.load(HELPDESK)
    serial = dumps(ccsim.simulate(sc, replications=12, workers=1))
    assert dumps(ccsim.simulate(sc, replications=12, workers=2)) == serial
    assert dumps(ccsim.simulate(sc, replications=12, workers=3)) == serial
    with ThreadPoolExecutor(2) as pool:
        assert dumps(ccsim.simulate(sc, replications=12, executor=pool)) == serial


@pytest.mark.slow
def test_results_identical_on_a_dask_local_cluster():
    distributed = pytest.importorskip("distributed")
    sc = ccsim.load(HELPDESK)
    serial = dumps(ccsim.simulate(sc, replications=8, workers=1))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        assert dumps(ccsim.simulate(sc, replications=8, executor=client)) == serial
        comp = compare(sc, sc.with_changes({"agent_groups.desk.staffing": 4}), replications=4, executor=client)
    local = compare(sc, sc.with_changes({"agent_groups.desk.staffing": 4}), replications=4)
    assert json.dumps(comp.to_dict()) == json.dumps(local.to_dict())


def test_paired_ci_is_much_narrower_than_unpaired_for_one_more_agent():
    sc = mmc(rate_per_h=250, agents=14, hours=8, patience="3min", replications=30)
    comp = compare(sc, sc.with_changes({"agent_groups.agents.staffing": 15}))
    rows = {(r["name"], r["kpi"]): r for r in comp.rows()}
    for kpi in ("service_level", "asa", "abandon_rate"):
        row = rows[("calls", kpi)]
        paired = row["paired_ci95"][1] - row["paired_ci95"][0]
        unpaired = row["unpaired_ci95"][1] - row["unpaired_ci95"][0]
        assert paired < 0.5 * unpaired, (kpi, paired, unpaired)
        assert row["significant"]
    assert rows[("calls", "service_level")]["difference"] > 0
    assert rows[("calls", "offered")]["difference"] == 0.0  # same callers in both variants


def test_comparing_a_scenario_with_itself_gives_zero_differences():
    sc = ccsim.load(HELPDESK)
    comp = compare(sc, sc, replications=5)
    for row in comp.rows():
        assert row["difference"] == 0.0 or (isinstance(row["difference"], float) and math.isnan(row["difference"]))


@pytest.mark.parametrize(
    "text, path, values",
    [("agent_groups.s.staffing=20..24", "agent_groups.s.staffing", [20, 21, 22, 23, 24]),
     ("agent_groups.s.staffing=20..30:5", "agent_groups.s.staffing", [20, 25, 30]),
     ("x.y=0.5..1.0:0.25", "x.y", [0.5, 0.75, 1.0]),
     ("contact_types.c.patience.mean=[2min, 4min]", "contact_types.c.patience.mean", ["2min", "4min"]),
     ("seed=3", "seed", [3])],
)
def test_axis_forms(text, path, values):
    assert parse_axis(text) == (path, values)


@pytest.mark.parametrize("bad", ["no_equals", "a=5..1", "a=1..5:0", "a=[]"])
def test_bad_axes(bad):
    with pytest.raises(ValueError):
        parse_axis(bad)


def test_sweep_grid_on_common_random_numbers():
    sc = ccsim.load(HELPDESK)
    result = sweep(sc, {"agent_groups.desk.staffing": [2, 3, 4, 5],
                        "contact_types.incidents.patience.mean": ["3min", "6min"]}, replications=6)
    assert len(result.points) == 8
    offered = {tuple(p.estimates.contact_types["incidents"]["offered"].values) for p in result.points}
    assert len(offered) == 1  # every point sees the same arrivals
    by_staff = [p for p in result.points if p.values["contact_types.incidents.patience.mean"] == "3min"]
    sls = [p.estimates.contact_types["incidents"]["service_level"].mean for p in by_staff]
    assert sls == sorted(sls)  # smooth, monotone curve thanks to common random numbers
    rows = result.rows()
    assert {"service_level_ci_low", "service_level_ci_high", "occupancy"} <= set().union(*rows)


def test_sweep_refuses_invalid_points_before_running():
    sc = ccsim.load(HELPDESK)
    with pytest.raises(ccsim.ScenarioError, match="must not be negative"):
        sweep(sc, {"agent_groups.desk.staffing": [2, -1]}, replications=2)


def test_precision_adds_batches_until_tight_and_matches_a_plain_run():
    sc = ccsim.load(HELPDESK)
    est = simulate_to_precision(sc, [parse_precision("service_level=0.03")], max_replications=500)
    p = est.precision
    assert p["met"] and p["batches"] >= 2
    assert est.contact_types["incidents"]["service_level"].half_width <= 0.03
    plain = ccsim.simulate(sc, replications=p["replications_needed"])
    assert np.array_equal(plain.contact_types["incidents"]["service_level"].values,
                          est.contact_types["incidents"]["service_level"].values)


def test_precision_cap_and_relative_targets():
    sc = ccsim.load(HELPDESK)
    est = simulate_to_precision(sc, [parse_precision("incidents.asa=0.1%")], max_replications=12)
    assert not est.precision["met"] and est.precision["replications_needed"] == 12
    assert parse_precision("asa=5%").relative and parse_precision("asa=5%").half_width == 0.05
    for bad in ("asa", "asa=-1", "asa=x%"):
        with pytest.raises(ValueError):
            parse_precision(bad)
    with pytest.raises(ValueError, match="no contact type or agent group has a KPI"):
        simulate_to_precision(sc, [parse_precision("speed=1")], max_replications=10)


def test_spread_across_days_and_service_level_risk():
    sc = ccsim.load(ROOT / "scenarios" / "retail_bank.yaml")
    est = ccsim.simulate(sc, replications=20)
    spread = est.interval_spread["sales"]["service_level"]
    assert spread.shape == (3, 24)
    ok = ~np.isnan(spread[0])
    assert np.all(spread[0][ok] <= spread[1][ok]) and np.all(spread[1][ok] <= spread[2][ok])
    risk = est.service_level_risk()["sales"]
    assert re.fullmatch(r"\d\d:\d\d", risk["start"]) and 0 <= risk["p10"] <= 1
    doc = est.to_dict()
    assert set(doc["intervals"][0]["spread"]["service_level"]) or True
    assert len(doc["intervals"][0]["spread"]["service_level"]) == 3
    assert {"p10", "p50", "p90"} <= set(doc["contact_types"]["sales"]["service_level"])


@pytest.mark.slow
def test_ci_coverage_over_independent_batches_of_an_erlang_c_case():
    """Over 200 independent batches the 95 % CI covers the exact Erlang C value 90-99 % of the time."""
    rate, aht, agents = 480 / 3600, 60.0, 10  # 8 Erlangs on 10 agents: relaxes within seconds
    exact = erlang_c_service_level(rate, aht, agents, 20.0)
    sc = mmc(rate_per_h=480, aht="1min", agents=10, hours=3, warmup="20min", replications=8)
    covered = 0
    batches = 200
    for batch in range(batches):
        est = ccsim.simulate(sc, seed=1000 + batch)
        lo, hi = est.contact_types["calls"]["service_level"].ci95
        covered += lo <= exact <= hi
    assert 0.90 * batches <= covered <= 0.99 * batches, covered


def test_with_changes_to_frame_and_html():
    sc = ccsim.load(HELPDESK)
    variant = sc.with_changes({"agent_groups.desk.staffing": 5, "contact_types.incidents.patience.mean": "2min"})
    assert variant.agent_groups["desk"].staffing == 5
    assert variant.contact_types["incidents"].patience.mean == 120.0
    assert sc.agent_groups["desk"].staffing != 5  # the original is unchanged
    est = ccsim.simulate(variant, replications=3)
    frame = est.to_frame()
    assert len(frame) == sc.n_intervals and {"start", "contact_type", "service_level"} <= set(frame.columns)
    html = est._repr_html_()
    assert "<table>" in html and "incidents" in html


def test_readme_python_example_runs(monkeypatch):
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(block, "README.md", "exec"), {"print": lambda *a, **k: None})


def test_experiments_doc_python_example_runs(monkeypatch):
    text = (ROOT / "docs" / "experiments.md").read_text()
    block = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(block, "experiments.md", "exec"), {})
