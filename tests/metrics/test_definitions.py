"""The field's other definitions by name (service level over answered and over offered,
P(wait > 0)), rebuilt from the records; ratio-of-sums estimates across replications."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim.engine.records import ABANDONED, ANSWERED, CB_ACCEPTED
from ccsim.experiment.estimates import RatioOfSums
from ccsim.experiment.stats import t_quantile
from ccsim.report.waits import wait_distributions

ROOT = Path(__file__).resolve().parents[2]


def ratio(a, b):
    return a / b if b > 0 else math.nan


@pytest.mark.parametrize("name", ["it_helpdesk", "telco_support", "erlang_a_reference"])
def test_named_definitions_rebuilt_from_the_records(name):
    """Short abandons (helpdesk), callbacks and IVR (telco), a warm-up (Erlang A)."""
    sc = ccsim.load(ROOT / "scenarios" / f"{name}.yaml")
    est = ccsim.simulate(sc, replications=2, seed=11, keep_records=True)
    plan = est.plan
    for rec, res in zip(est.records, est.replication_results, strict=True):
        wait = rec.wait
        for ct in plan.contact_types:
            mine = (rec.ctype == ct.index) & (rec.arrival >= plan.warmup_s)
            inbound = mine & (rec.outcome == ANSWERED)
            if rec.journey is not None:
                inbound &= rec.journey["callback"] != CB_ACCEPTED
            abandoned = mine & (rec.outcome == ABANDONED)
            within = inbound & (wait <= ct.sl_threshold)
            handled = inbound | abandoned
            day = res.contact_types[ct.name]
            assert day["service_level_answered"] == pytest.approx(ratio(within.sum(), inbound.sum()), nan_ok=True)
            assert day["service_level_offered"] == pytest.approx(ratio(within.sum(), mine.sum()), nan_ok=True)
            assert day["p_wait"] == pytest.approx(ratio((handled & (wait > 0)).sum(), handled.sum()), nan_ok=True)
            # The day's ratio parts give the day's value.
            for kpi, (num, den) in res.parts[ct.name].items():
                assert ratio(num, den) == pytest.approx(day[kpi], nan_ok=True), kpi
            # Per interval, counted by arrival interval like every contact KPI.
            per = res.intervals[ct.name]
            assert np.nansum(per["service_level_offered"] * per["offered"]) == pytest.approx(within.sum())


def test_email_definitions_count_replies():
    sc = ccsim.load(ROOT / "scenarios" / "omnichannel.yaml")
    est = ccsim.simulate(sc, replications=2, seed=4)
    for res in est.replication_results:
        e = res.contact_types["email"]
        assert e["service_level_answered"] == pytest.approx(e["answered_within_threshold"] / e["answered"])
        assert e["service_level_offered"] == pytest.approx(e["answered_within_threshold"] / e["offered"])
        assert res.parts["email"]["service_level"] == (e["answered_within_threshold"], e["sl_counted"])


def test_ratio_of_sums_beside_the_mean_of_daily_ratios():
    est = ccsim.simulate(ccsim.load(ROOT / "scenarios" / "it_helpdesk.yaml"), replications=15, seed=2)
    k = est.contact_types["incidents"]
    x, y = k["answered_within_threshold"].values, k["sl_counted"].values
    sl = k["service_level"]
    assert sl.mean == pytest.approx(np.mean(x / y))  # the mean of daily ratios, as before
    r = sl.ratio_of_sums
    assert r.estimate == pytest.approx(x.sum() / y.sum(), abs=1e-15)
    # Delta method: R ± t s / (sqrt(n) ybar), s the standard deviation of x - R y.
    n, big_r = x.size, x.sum() / y.sum()
    half = t_quantile(0.95, n - 1) * np.std(x - big_r * y, ddof=1) / (math.sqrt(n) * y.mean())
    assert r.ci95 == pytest.approx((big_r - half, big_r + half))
    assert k["abandon_rate"].ratio_of_sums.estimate == pytest.approx(k["abandoned"].values.sum()
                                                                    / k["offered"].values.sum())
    assert k["asa"].ratio_of_sums is not None and k["wait_p90"].ratio_of_sums is None
    assert est.total["service_level"].ratio_of_sums is not None
    # The report's pooled curve at the threshold is the ratio of sums.
    assert wait_distributions(est)["incidents"].pooled_at(60.0) == pytest.approx(r.estimate, abs=1e-12)
    doc = json.loads(json.dumps(est.to_dict()))
    assert doc["contact_types"]["incidents"]["service_level"]["ratio_of_sums"] == {
        "estimate": r.estimate, "ci95": list(r.ci95)}
    assert "ratio_of_sums" not in doc["contact_types"]["incidents"]["offered"]


def test_ratio_of_sums_without_interval_or_denominator():
    one = RatioOfSums([3.0], [4.0])
    assert one.estimate == 0.75 and one.ci95 is None
    none = RatioOfSums([0.0, 0.0], [0.0, 0.0])
    assert math.isnan(none.estimate) and none.ci95 is None
    assert none.to_dict() == {"estimate": None, "ci95": None}
