"""Round trip: 8 weeks of history simulated by ccsim from a known scenario -> calibrate -> the truth back.

The truth is examples/history/truth.yaml: sales with exponential patience (mean
3 min) and lognormal handle times (mean 5 min), support with lognormal
patience (mean 4 min) and gamma handle times (mean 7 min); Monday to Saturday
with weekday factors, a +1 %/week trend and a 5 % day-volume forecast error.
"""

import datetime as dt
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.calibrate import calibrate, read_details, read_history
from ccsim.calibrate.patience import estimate_from_details
from ccsim.calibrate.synthetic import rows_to_csv, synthesize
from ccsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TRUTH = ROOT / "examples" / "history" / "truth.yaml"
START = dt.date(2026, 10, 12)  # a Monday; 8 weeks to Sunday 2026-12-06
TARGET = dt.date(2026, 12, 7)  # the Monday after
WEEKDAY_FACTORS = (1.25, 1.10, 1.00, 1.00, 0.95, 0.60, 1.00)
TREND = 0.01
TRUE_AHT = {"sales": 300.0, "support": 420.0}
TRUE_PATIENCE = {"sales": ("exponential", 180.0), "support": ("lognormal", 240.0)}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """History, call detail with planted personal columns, and the CLI's outputs."""
    folder = tmp_path_factory.mktemp("roundtrip")
    truth = ccsim.load(TRUTH)
    syn = synthesize(truth, START, 56, seed=11, weekday_factors=WEEKDAY_FACTORS, trend_per_week=TREND,
                     closed_weekdays=(6,), details_from=START + dt.timedelta(days=28), personal=True)
    history, details = folder / "history.csv", folder / "details.csv"
    history.write_text(rows_to_csv(syn.interval_rows))
    details.write_text(rows_to_csv(syn.detail_rows))
    out, report = folder / "scenario.yaml", folder / "report.json"
    result = CliRunner().invoke(main, ["calibrate", str(history), "--details", str(details),
                                       "--for", TARGET.isoformat(), "--out", str(out), "--report", str(report)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    weeks = (TARGET - START).days / 7
    expected = {name: base * WEEKDAY_FACTORS[TARGET.weekday()] * (1 + TREND) ** weeks
                for name, base in (("sales", 1200.0), ("support", 900.0))}
    return {"syn": syn, "history": history, "details": details, "out": out, "report": report,
            "result": result, "doc": json.loads(report.read_text()), "expected": expected, "folder": folder}


def test_day_volume_recovered_within_the_forecasts_own_error(data):
    for name, truth in data["expected"].items():
        fc = data["doc"]["contact_types"][name]["forecast"]
        error = fc["forecast_error"]
        assert 0.02 < error < 0.10, error  # the truth's 5 % forecast error, estimated out of sample
        assert abs(fc["volume"] / truth - 1) <= error, (name, fc["volume"], truth, error)


def test_backtest_beats_same_day_last_week(data):
    for name in ("sales", "support"):
        bt = data["doc"]["contact_types"][name]["forecast"]["backtest"]
        assert bt["days"] >= 12
        model, naive = bt["model"], bt["naive_same_day_last_week"]
        # Per interval the pooled profile clearly wins; per day the naive forecast's error is the
        # difference of two noisy days, so over 18 days it may tie by luck: allow that, not a loss.
        assert model["interval_wape"] < 0.9 * naive["interval_wape"]
        assert model["interval_mape"] < naive["interval_mape"]
        assert model["day_wape"] <= 1.05 * naive["day_wape"]
        assert 0 < model["day_mape"]


def test_mean_handle_time_within_3_percent(data):
    for name, truth in TRUE_AHT.items():
        handle = data["doc"]["contact_types"][name]["handle_time"]
        assert handle["source"] == "call detail"
        assert abs(handle["mean_s"] / truth - 1) < 0.03, (name, handle["mean_s"])
    assert data["doc"]["contact_types"]["support"]["handle_time"]["distribution"]["dist"] == "gamma"
    assert data["doc"]["contact_types"]["sales"]["handle_time"]["distribution"]["dist"] == "lognormal"


def test_mean_patience_within_its_ci_for_exponential_and_lognormal(data):
    for name, (family, truth) in TRUE_PATIENCE.items():
        p = data["doc"]["contact_types"][name]["patience"]
        assert p["method"] == "censored-mle"
        lo, hi = p["mean_ci95"]  # the chosen fit's interval
        assert lo <= truth <= hi, (name, p["distribution"], lo, hi)
        same_family = next(f for f in p["fits"] if f["distribution"]["dist"] == family)
        lo, hi = same_family["mean_ci95"]
        assert lo <= truth <= hi, (name, family, lo, hi)


def test_naive_mean_of_abandon_times_is_biased_and_the_censored_estimate_is_not(data):
    """Answered callers only show that their patience exceeded their wait: leaving them out biases low."""
    details = read_details(data["details"])
    for name, (_, truth) in TRUE_PATIENCE.items():
        t = details.types[name]
        est = estimate_from_details(t.wait_s, t.abandoned)
        naive_lo, naive_hi = est.naive_ci95
        assert naive_hi < 0.6 * truth  # far below, and the truth is far outside its CI
        lo, hi = est.chosen.mean_ci95
        assert lo <= truth <= hi


def test_scenario_runs_as_is_and_says_where_numbers_came_from(data):
    text = data["out"].read_text()
    for phrase in ("Poisson regression", "out of sample", "censored maximum likelihood",
                   "best by likelihood (AIC)", "Staffing is NOT from the history", "Erlang A"):
        assert phrase in text
    scenario = ccsim.load(data["out"])
    assert scenario.horizon.n_intervals == 24
    est = ccsim.simulate(scenario, replications=2, seed=3)
    assert est.contact_types["sales"]["offered"].mean > 1000


def test_no_personal_value_reaches_any_output(data, tmp_path):
    planted = {row[col] for row in data["syn"].detail_rows for col in ("caller_number", "customer_id")}
    assert len(planted) > 1000
    texts = [data["out"].read_text(), data["report"].read_text(), data["result"].stdout, data["result"].stderr]
    # also the text report and an error run whose messages quote cells of the columns read
    text_report = tmp_path / "report.txt"
    ok = CliRunner().invoke(main, ["calibrate", str(data["history"]), "--details", str(data["details"]),
                                   "--for", TARGET.isoformat(), "--out", str(tmp_path / "s.yaml"),
                                   "--report", str(text_report), "--json", "--figures", str(tmp_path / "fig")])
    assert ok.exit_code == 0
    svgs = sorted((tmp_path / "fig").glob("*.svg"))
    assert [p.name for p in svgs] == ["calibration_sales.svg", "calibration_support.svg"]
    texts += [text_report.read_text(), ok.stdout, ok.stderr] + [p.read_text() for p in svgs]
    lines = data["details"].read_text().splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[2], "not-a-sales-type!")  # a bad contact_type cell
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    failed = CliRunner().invoke(main, ["calibrate", str(data["history"]), "--details", str(bad),
                                       "--for", TARGET.isoformat(), "--out", str(tmp_path / "never.yaml")])
    assert failed.exit_code == 2 and "row 6" in failed.stderr
    texts += [failed.stdout, failed.stderr]
    everything = "\n".join(texts)
    # Every planted value has one of two shapes; look for either, also without spaces or separators.
    squeezed = re.sub(r"[\s-]", "", everything)
    assert not re.search(r"7700\s*900\s*\d{3}", everything) and not re.search(r"7700900\d{3}", squeezed)
    assert not re.search(r"CUST-?\d{6}", everything) and not re.search(r"CUST\d{6}", squeezed)
    assert not [v for v in list(planted)[:200] if v in everything]
    assert "caller_number" in ok.stdout  # named as not read, never its values


def test_interval_data_alone_falls_back_to_erlang_a(data):
    cal = calibrate(read_history(data["history"]), TARGET)
    sales = next(tc for tc in cal.types if tc.name == "sales")
    p = sales.patience
    assert p.method == "erlang-a" and any("Erlang A" in note for note in p.notes)
    lo, hi = p.chosen.mean_ci95
    assert lo <= TRUE_PATIENCE["sales"][1] <= hi  # exact for exponential patience
    assert abs(sales.handle.mean / TRUE_AHT["sales"] - 1) < 0.03
    assert sales.handle.source == "interval averages"
    assert "Erlang A relation" in cal.scenario_text
    ccsim.loads(cal.scenario_text)


def test_bundled_example_is_the_calibration_of_the_bundled_history():
    folder = ROOT / "examples" / "history"
    bundled = ccsim.load(folder / "calibrated.yaml")
    cal = calibrate(read_history(folder / "history.csv"), TARGET, read_details(folder / "details.csv"))
    again = ccsim.loads(cal.scenario_text)
    for name, ct in bundled.contact_types.items():
        assert math.isclose(ct.arrivals.volume, again.contact_types[name].arrivals.volume, rel_tol=1e-3)
        assert math.isclose(ct.handle_time.analytic_mean(), again.contact_types[name].handle_time.analytic_mean(),
                            rel_tol=1e-3)
        assert np.allclose(ct.arrivals.profile, again.contact_types[name].arrivals.profile, rtol=1e-2)
    est = ccsim.simulate(bundled, replications=2, seed=1)
    assert est.contact_types["support"]["answered"].mean > 0
