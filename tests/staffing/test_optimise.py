"""Staffing by simulation-based integer programming with cutting planes (``ccsim.staffing.optimise``)."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.staffing import resolve_options, staff
from ccsim.staffing.optimise import optimise
from ccsim.staffing.optimise.cuts import Constraint, Cut
from ccsim.staffing.optimise.model import Model, group_costs
from ccsim.staffing.optimise.run import day_cost

from .test_search import queue


def two_skills(seed=3, forecast_error=0.0):
    def calls(mean, rates):
        return {"arrivals": {"per_interval": rates, "forecast_error": forecast_error},
                "handle_time": {"dist": "exponential", "mean": mean},
                "patience": {"dist": "exponential", "mean": "3min"},
                "service_level": {"target": 0.8, "threshold": "20s"}}
    return ccsim.from_dict({
        "name": "two skills", "seed": seed, "horizon": {"start": "08:00", "end": "11:00", "interval": "1h"},
        "contact_types": {"sales": calls("4min", [60, 90, 70]), "support": calls("5min", [40, 70, 50])},
        "agent_groups": {"sales_only": {"skills": ["sales"], "staffing": 1},
                         "support_only": {"skills": ["support"], "staffing": 1},
                         "both": {"skills": {"sales": 1, "support": 1}, "staffing": 1}},
    })


def test_the_master_problem_meets_its_cuts_at_least_cost():
    # One group, two intervals; cuts x0 >= 3 and 0.5 x0 + x1 >= 4: least cost is x = (3, 3) (2.5 rounds up).
    c = Constraint("calls", "service_level", 0, 0.8, True)
    cuts = [Cut(c, {(0, 0): 1.0}, 3.0), Cut(c, {(0, 0): 0.5, (0, 1): 1.0}, 4.0)]
    model = Model(np.array([1.0]), 2, 1800.0, np.full((1, 2), 50))
    z, cost = model.solve(cuts)
    assert model.staffing(z).tolist() == [[3, 3]]
    assert cost == pytest.approx(3.0)  # 6 agent-intervals of half an hour


def test_generalists_cost_more_by_default_and_given_wages_win():
    plan = ccsim.experiment.plan_for(two_skills())
    assert group_costs(plan, None).tolist() == pytest.approx([1.0, 1.0, 1.1])
    assert group_costs(plan, {"both": 30.0}).tolist() == pytest.approx([1.0, 1.0, 30.0])


def test_single_skill_day_equals_the_search_within_one_agent_at_no_higher_cost():
    sc = queue([30, 55, 80, 90, 70, 50, 60, 35], patience="2min", seed=11)
    options = resolve_options(sc)
    found = optimise(sc, options, replications=40, check_replications=200, workers=2)
    search = staff(sc, options, replications=40, compare=False, workers=2)
    assert np.abs(found.staffing - search.required).max() <= 1, (found.staffing, search.required)
    assert found.cost_per_day <= day_cost(search.required, found.hourly, 1800.0) + 1e-9
    assert found.validation.intervals_met == found.validation.n_intervals
    assert found.validation.estimates.replications >= 200
    steps = [s.phase for s in found.steps]
    assert steps[0] == "start" and "verify" in steps  # progress reported for every step


@pytest.mark.slow
def test_multi_skill_optimiser_costs_no_more_than_the_heuristic_and_verifies():
    sc = two_skills()
    options = resolve_options(sc)
    found = optimise(sc, options, replications=40, check_replications=200, workers=2)
    search = staff(sc, options, replications=40, compare=False, workers=2)
    heuristic = day_cost(search.required, found.hourly, 3600.0)
    assert found.cost_per_day <= heuristic + 1e-9, (found.staffing, search.required)
    assert found.validation.intervals_met == found.validation.n_intervals
    assert all(b is not None for b in found.binding)


@pytest.mark.slow
def test_chance_constrained_staffing_meets_the_share_of_days_and_costs_more():
    sc = queue([60, 90, 120, 80], interval="1h", patience="3min", seed=5, forecast_error=0.1)
    expected = optimise(sc, resolve_options(sc), replications=40, check_replications=200, workers=2)
    chance = optimise(sc, resolve_options(sc, confidence=0.9), replications=100, check_replications=300, workers=2)
    assert chance.cost_per_day > expected.cost_per_day
    fresh = ccsim.simulate(sc.with_changes({"agent_groups.team.staffing": [int(v) for v in chance.staffing[0]]}),
                           replications=400, seed=424_242)
    for j in range(4):
        sl = np.array([r.intervals["calls"]["service_level"][j] for r in fresh.replication_results])
        share = float((sl >= 0.8).mean())
        half = 1.96 * np.sqrt(0.9 * 0.1 / sl.size)
        assert share + half >= 0.9, (j, share)


def test_one_step_gives_shifts_whose_coverage_is_the_staffing_simulated():
    from ccsim.staffing.roster import coverage

    sc = queue([40, 70, 90, 60], interval="1h", patience="3min", seed=5)
    found = optimise(sc, resolve_options(sc), shifts=True, replications=20, check_replications=200, workers=2)
    assert found.shifts is not None, found.steps
    patterns = [p for p, _ in found.shifts["team"]]
    counts = np.array([c for _, c in found.shifts["team"]])
    covered = coverage(patterns, sc.horizon.start, 4, 3600.0) @ counts
    assert np.all(found.staffing[0] <= covered + 1e-9)
    assert found.validation.intervals_met == 4


def test_cli_optimise_prints_json_with_the_comparison_and_refuses_one_step_alone(tmp_path):
    import json

    from .test_cli import FAST, invoke, scenario

    path = scenario(tmp_path)
    result = invoke("staff", path, "--method", "optimise", "--json", *FAST)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [r["label"] for r in doc["compared"]] == ["optimiser", "simulation search", "Erlang A"]
    assert doc["compared"][0]["cost_per_day"] <= doc["compared"][1]["cost_per_day"] + 1.0
    assert len(doc["binding"]) == 8 and doc["verification"]["replications"] >= 200
    bad = invoke("staff", path, "--one-step", *FAST)
    assert bad.exit_code == 2 and "--one-step goes with --method optimise" in bad.output


def test_cli_optimise_one_step_writes_out_csv_report_and_a_scenario_that_runs(tmp_path):
    import json

    from .test_cli import FAST, invoke, scenario

    path = scenario(tmp_path)
    out, written = tmp_path / "out", tmp_path / "optimised.yaml"
    talkative = [a for a in FAST if a != "--quiet"]  # progress lines on stderr (no bars: not a terminal)
    result = invoke("staff", path, "--method", "optimise", "--one-step", *talkative, "--out", out, "--csv",
                    tmp_path / "opt.csv", "--write-scenario", written, "--report", tmp_path / "opt.html")
    assert result.exit_code == 0, result.output
    assert "binding constraint" in result.output and "two step (search, then shifts)" in result.output
    # Progress inside the comparison's long steps too: the two step's roster rounds are announced.
    assert "solving the shifts (round 1)" in result.output
    doc = json.loads((out / "staffing.json").read_text())
    assert sorted(p.name for p in out.iterdir()) == ["staffing.csv", "staffing.json"]  # nothing staged left
    labels = [r["label"] for r in doc["compared"]]
    assert labels == ["optimiser (one step)", "simulation search", "two step (search, then shifts)", "Erlang A"]
    # One step prices paid hours; so does two step: the optimiser's shifts cost no more (the same prices).
    assert doc["compared"][0]["cost_per_day"] <= doc["compared"][2]["cost_per_day"] + 1e-6
    checks = doc["verification"]["constraints"]
    assert len(checks) == 8 and all(c["ci_low"] <= c["observed"] <= c["ci_high"] for c in checks)
    assert {c["verdict"] for c in checks} <= {"confirmed", "met", "borderline", "missed"}
    assert doc["groups"][0]["headcount"] == sum(s["headcount"] for s in doc["shifts"]["team"])
    csv_text = (tmp_path / "opt.csv").read_text()
    assert csv_text.startswith("kind,start,name,agents,binding") and csv_text.count("\nconstraint,") == 8
    html = (tmp_path / "opt.html").read_text()
    assert "Verification" in html and "binding constraint" in html and "two step" in html
    sc = ccsim.load(str(written))
    shifts = sc.agent_groups["team"].shifts
    assert shifts is not None and sum(s.headcount for s in shifts) == doc["groups"][0]["headcount"]
    run = invoke("run", written, "-r", "2", "--quiet")
    assert run.exit_code == 0, run.output


def test_cli_optimise_confidence_reports_the_premium_over_the_expected_value_staffing(tmp_path):
    import json

    from .test_cli import FAST, invoke, scenario

    path = scenario(tmp_path)
    result = invoke("staff", path, "--method", "optimise", "--confidence", "0.9", "--no-compare", "--json",
                    "--set", "contact_types.calls.arrivals.forecast_error=0.1", *FAST)
    assert result.exit_code == 0, result.output
    premium = json.loads(result.output)["chance_constrained"]
    assert premium["confidence"] == 0.9
    assert premium["extra_cost_per_day"] == pytest.approx(premium["cost_per_day"]
                                                          - premium["expected_value_cost_per_day"], abs=1e-3)
    assert premium["extra_cost_per_day"] > 0  # 90 % of days with a 10 % forecast error needs more agents


def test_a_day_level_target_beside_the_intervals_holds_on_fresh_days_and_costs_more():
    from ccsim.staffing.settings import SettingsSpec

    sc = queue([30, 55, 80, 90, 70, 50, 60, 35], patience="2min", seed=11)
    spec = SettingsSpec.model_validate({"targets": {"calls": {"day": {"service_level": 0.9}}}})
    options = resolve_options(sc, spec)
    found = optimise(sc, options, replications=30, check_replications=200, workers=2)
    plain = optimise(sc, resolve_options(sc), replications=30, check_replications=200, workers=2)
    day = [ch for ch in found.checks if ch.constraint.interval is None]
    assert len(day) == 1 and day[0].verdict in ("confirmed", "met"), day
    # Interval targets of 80 % alone leave the day well under 90 %: the day's target costs agents.
    plain_day = ccsim.simulate(sc.with_changes(plain.changes), replications=200, seed=77)
    assert plain_day.contact_types["calls"]["service_level"].ci95[1] < 0.9
    assert found.cost_per_day > plain.cost_per_day
    assert found.validation.intervals_met == found.validation.n_intervals


def test_the_search_refuses_day_level_targets_with_a_message(tmp_path):
    from .test_cli import FAST, invoke, scenario

    side = tmp_path / "staffing.yaml"
    side.write_text("targets:\n  calls: {day: {service_level: 0.9}}\n")
    result = invoke("staff", scenario(tmp_path), "--settings", side, *FAST)
    assert result.exit_code == 2 and "go with --method optimise" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("targets:\n  calls: {day: {service_level: 1.5}}\n")
    result = invoke("staff", scenario(tmp_path), "--settings", bad, "--method", "optimise", *FAST)
    assert result.exit_code == 2 and "bad.yaml:2" in result.output
    assert "targets.calls.day.service_level" in result.output
