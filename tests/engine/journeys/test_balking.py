"""Balking: nobody below a huge limit, limit 0 is a loss system (Erlang B), and the
error of the announced waits.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.engine.records import ANSWERED, BALKED
from ccsim.erlang import erlang_b
from tests.common.journeys import assert_covers, stationary


def test_nobody_balks_below_a_huge_limit():
    limit = {"balking": {"when_expected_wait_over": "100h", "probability": 1.0}}
    plain = ccsim.simulate(stationary({}), replications=5)
    huge = ccsim.simulate(stationary(limit), replications=5, keep_records=True)
    assert np.all(huge.contact_types["calls"]["balked"].values == 0)
    for rec in huge.records:
        told = np.isfinite(rec.journey["predicted"])
        assert told.any() and not (rec.outcome == BALKED).any()
        assert np.all(rec.journey["predicted"][told] <= 100 * 3600)
    for kpi in ("offered", "answered", "abandoned", "service_level", "asa", "mean_queue"):
        assert np.array_equal(huge.contact_types["calls"][kpi].values,
                              plain.contact_types["calls"][kpi].values), kpi


@pytest.mark.slow
def test_at_limit_zero_everybody_who_would_queue_balks():
    """Nobody waits: callers find a free agent or leave, a loss system (Erlang B)."""
    balking = {"balking": {"when_expected_wait_over": 0, "probability": 1.0}}
    est = ccsim.simulate(stationary(balking), replications=40, keep_records=True)
    for rec in est.records:
        assert np.all(np.isin(rec.outcome, (ANSWERED, BALKED)))
        assert np.all(rec.wait == 0.0)
        assert np.all(rec.journey["predicted"][rec.outcome == BALKED] > 0)
        assert np.all(np.isnan(rec.journey["predicted"][rec.outcome == ANSWERED]))
    kpis = est.contact_types["calls"]
    assert np.all(kpis["mean_queue"].values == 0.0)
    assert_covers(kpis["balked"].values / kpis["offered"].values, erlang_b(5, 4.0),
                  "share balking = Erlang B(5 agents, 4 Erlang)")


@pytest.mark.parametrize("predictor", ["queue_position", "last_to_enter_service"])
def test_expected_wait_error_is_the_mean_error_of_the_announced_waits(predictor):
    extra = {"balking": {"when_expected_wait_over": "2min", "probability": 0.5},
             "wait_predictor": predictor}
    est = ccsim.simulate(stationary(extra, agents=4), replications=4, keep_records=True)
    plan = est.plan
    for rec, result in zip(est.records, est.replication_results, strict=True):
        error = result.contact_types["calls"]["expected_wait_error"]
        assert math.isfinite(error) and error >= 0
        told = (np.isfinite(rec.journey["predicted"]) & (rec.outcome == ANSWERED)
                & (rec.arrival >= plan.warmup_s))
        assert told.sum() > 20
        assert error == pytest.approx(np.mean(np.abs(rec.journey["predicted"][told]
                                                     - rec.wait[told])), rel=1e-9)
        balked = rec.outcome == BALKED
        assert balked.any() and np.all(rec.journey["predicted"][balked] > 120.0)
