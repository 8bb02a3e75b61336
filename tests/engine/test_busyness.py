"""A busyness factor shared by several contact types (top-level ``busyness``, ``arrivals.busyness``):
one mean-1 gamma draw per day multiplies the rates of every type naming it, so their volumes
move together (the correlation agrees with the Poisson-gamma mixture's, over 400 days); a
type's own ``forecast_error`` multiplies on top; types that do not name it keep their
arrivals (common random numbers); an unknown name is a located error with a suggestion."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.engine.arrivals import draw_contacts
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError
from tests.common.invariants import check_busyness

DAYS = 400
CV = 0.3


def centre(*, a: dict | None = None, b: dict | None = None, busyness: dict | None = None) -> dict:
    data = {
        "name": "busyness",
        "horizon": {"start": "08:00", "end": "12:00", "interval": "1h"},
        "seed": 4,
        "contact_types": {
            "a": {"arrivals": {"volume": 200, "profile": [1, 2, 2, 1], **(a or {})},
                  "handle_time": {"dist": "exponential", "mean": 60}},
            "b": {"arrivals": {"rate": "75/h", **(b or {})}, "handle_time": {"dist": "exponential", "mean": 60}},
            "c": {"arrivals": {"rate": "20/h"}, "handle_time": {"dist": "exponential", "mean": 60}},
        },
        "agent_groups": {"g": {"skills": ["a", "b", "c"], "staffing": 10}},
    }
    if busyness is not None:
        data["busyness"] = busyness
    return data


def offered(plan, days: int = DAYS) -> np.ndarray:
    out = np.zeros((days, len(plan.contact_types)))
    for r in range(days):
        d = draw_contacts(plan, r)
        out[r] = np.bincount(d.ctype, minlength=len(plan.contact_types))
        check_busyness(plan, d)
    return out


def test_types_sharing_a_factor_move_together_as_theory_says():
    plan = build_plan(ccsim.from_dict(centre(a={"busyness": "day"}, b={"busyness": "day"}, busyness={"day": CV})))
    n = offered(plan)
    la, lb, var = 200.0, 300.0, CV * CV
    # N = Poisson(lambda B), B ~ Gamma mean 1, var cv^2: Var N = lambda + lambda^2 cv^2,
    # Cov(Na, Nb) = la lb cv^2, and c (no factor) independent of both.
    theory = la * lb * var / math.sqrt((la + la * la * var) * (lb + lb * lb * var))
    rho = np.corrcoef(n[:, 0], n[:, 1])[0, 1]
    se = (1 - theory**2) / math.sqrt(DAYS)
    assert abs(rho - theory) < 4 * se, (rho, theory)
    assert abs(np.corrcoef(n[:, 0], n[:, 2])[0, 1]) < 4 / math.sqrt(DAYS)
    for k, lam in ((0, la), (1, lb)):
        sd = math.sqrt(lam + lam * lam * var)
        assert abs(n[:, k].mean() - lam) < 4 * sd / math.sqrt(DAYS)
        assert 0.75 < n[:, k].std(ddof=1) / sd < 1.25


def test_without_a_shared_factor_the_types_are_independent():
    plan = build_plan(ccsim.from_dict(centre(a={"forecast_error": CV}, b={"forecast_error": CV})))
    n = offered(plan, 200)
    assert abs(np.corrcoef(n[:, 0], n[:, 1])[0, 1]) < 4 / math.sqrt(200)


def test_a_types_own_forecast_error_multiplies_on_top():
    plan = build_plan(ccsim.from_dict(centre(a={"busyness": "day", "forecast_error": 0.2}, b={"busyness": "day"},
                                             busyness={"day": CV})))
    d = draw_contacts(plan, 0)
    fa, fb, fc = d.forecast_factor
    assert fb != 1.0 and fa != fb and fc == 1.0
    plain = build_plan(ccsim.from_dict(centre(a={"forecast_error": 0.2})))
    assert fa == pytest.approx(draw_contacts(plain, 0).forecast_factor[0] * fb)


def test_types_that_do_not_name_the_factor_keep_their_arrivals():
    with_factor = build_plan(ccsim.from_dict(centre(a={"busyness": "day"}, busyness={"day": CV})))
    without = build_plan(ccsim.from_dict(centre()))
    for r in range(3):
        x, y = draw_contacts(with_factor, r), draw_contacts(without, r)
        for k in (1, 2):
            assert np.array_equal(x.arrival[x.ctype == k], y.arrival[y.ctype == k])


def test_an_unknown_factor_is_a_located_error(tmp_path):
    import yaml

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(centre(a={"busyness": "dya"}, busyness={"day": CV}), sort_keys=False))
    with pytest.raises(ScenarioError) as err:
        ccsim.load(path)
    text = str(err.value)
    assert "s.yaml:" in text and "contact_types.a.arrivals.busyness" in text and "'dya'" in text
    assert "known: day" in text, text
    path.write_text(yaml.safe_dump(centre(a={"busyness": "day"}), sort_keys=False))
    with pytest.raises(ScenarioError, match="top-level 'busyness'"):
        ccsim.load(path)
    path.write_text(yaml.safe_dump(centre(busyness={"day": -0.1}), sort_keys=False))
    with pytest.raises(ScenarioError, match="busyness.day"):
        ccsim.load(path)
