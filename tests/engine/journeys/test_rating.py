"""The customer rating model: rounded, clipped scores, the unresolved penalty, and the
distribution of noisy scores.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.engine.records import ANSWERED
from tests.common.journeys import assert_covers, exponential, scenario


def rated(rating: dict, first_contact: float = 1.0) -> ccsim.Scenario:
    """Ample agents, no waiting, no abandoning, no repeat: one answered contact per issue."""
    calls = {"arrivals": {"rate": "60/h"}, "handle_time": exponential(180.0),
             "resolution": {"first_contact": first_contact}, "rating": rating}
    return scenario({"calls": calls}, {"agents": {"skills": ["calls"], "staffing": 40}})


@pytest.mark.parametrize("rating, score", [
    ({"base": 4.6}, 5),
    ({"base": 3.4}, 3),
    ({"base": 4.2, "satisfied_at": 4}, 4),
    ({"base": 7.2}, 5),  # clipped to the scale
    ({"base": -2.0}, 1),  # clipped to 1
    ({"base": 8.4, "scale": 10, "satisfied_at": 9}, 8),
])
def test_without_noise_every_score_is_the_rounded_clipped_base(rating, score):
    est = ccsim.simulate(rated({**rating, "noise": 0}), replications=3, keep_records=True)
    satisfied_at = rating.get("satisfied_at", 4)
    for rec, result in zip(est.records, est.replication_results, strict=True):
        assert np.all(rec.outcome == ANSWERED) and np.all(rec.wait == 0)
        day = result.contact_types["calls"]
        assert day["rating_mean"] == score
        assert day["share_satisfied"] == float(score >= satisfied_at)
        per = result.intervals["calls"]
        has = per["unique_customers"] > 0
        assert np.all(per["rating_mean"][has] == score)
        assert np.all(per["share_satisfied"][has] == float(score >= satisfied_at))


def test_an_unresolved_issue_costs_the_unresolved_penalty():
    est = ccsim.simulate(rated({"base": 4.6, "unresolved": -1.5, "noise": 0}, first_contact=0.0),
                         replications=2)
    assert np.all(est.contact_types["calls"]["rating_mean"].values == 3.0)  # rint(3.1)
    assert np.all(est.contact_types["calls"]["share_satisfied"].values == 0.0)
    assert np.all(est.contact_types["calls"]["fcr"].values == 0.0)


def test_rating_noise_gives_the_distribution_of_rounded_normal_scores():
    from statistics import NormalDist

    base, noise = 3.7, 0.8
    est = ccsim.simulate(rated({"base": base, "noise": noise}), replications=30)
    z = NormalDist(base, noise)
    # P(score = s) for s = 1..5: the normal mass rounding to s, the tails clipped.
    edges = [-math.inf, 1.5, 2.5, 3.5, 4.5, math.inf]
    p = [z.cdf(hi) - z.cdf(lo) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    kpis = est.contact_types["calls"]
    mean = sum(s * q for s, q in zip(range(1, 6), p, strict=True))
    assert_covers(kpis["rating_mean"].values, mean, "mean rating")
    assert_covers(kpis["share_satisfied"].values, p[3] + p[4], "share satisfied (>= 4)")
