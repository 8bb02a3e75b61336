import math
from statistics import NormalDist

import numpy as np
import pytest

from ccsim.experiment.stats import mean_ci, t_quantile


@pytest.mark.parametrize(
    "df, expected",  # two-sided 95 % Student-t quantiles from published tables
    [(1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (9, 2.262), (19, 2.093), (29, 2.045),
     (100, 1.984), (10_000, 1.960)],
)
def test_t_quantiles_match_tables(df, expected):
    assert t_quantile(0.95, df) == pytest.approx(expected, abs=1e-3)


def test_t_quantile_999():
    assert t_quantile(0.999, 9) == pytest.approx(4.781, abs=1e-3)


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999])
def test_t_quantiles_with_closed_forms(confidence):
    # df 1 is the Cauchy distribution, t = tan(pi c / 2); df 2 has t = c sqrt(2 / (1 - c^2)).
    assert t_quantile(confidence, 1) == pytest.approx(math.tan(math.pi * confidence / 2), rel=1e-12)
    assert t_quantile(confidence, 2) == pytest.approx(confidence * math.sqrt(2 / (1 - confidence**2)), rel=1e-12)
    # Many degrees of freedom: the normal quantile and the first two terms of the
    # expansion of Student's t quantile in 1/df.
    z, df = NormalDist().inv_cdf(0.5 + confidence / 2), 100_000
    expansion = z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
    assert t_quantile(confidence, df) == pytest.approx(expansion, rel=1e-12)


def test_t_quantile_refuses_no_degrees_of_freedom():
    with pytest.raises(ValueError, match="degrees of freedom must be >= 1, got 0"):
        t_quantile(0.95, 0)


def test_mean_ci_ignores_nan_and_needs_two_values():
    assert mean_ci([3.0])[1] is None
    mean, ci = mean_ci([1.0, 2.0, np.nan, 3.0])
    assert mean == 2.0
    assert ci == pytest.approx((2.0 - 4.303 * 1.0 / np.sqrt(3), 2.0 + 4.303 / np.sqrt(3)), abs=1e-3)
    assert np.isnan(mean_ci([np.nan, np.nan])[0])


def test_ci_coverage_of_normal_samples():
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(2000):
        lo, hi = mean_ci(rng.normal(5.0, 2.0, 6))[1]
        hits += lo <= 5.0 <= hi
    assert 0.93 <= hits / 2000 <= 0.97


def test_column_quantiles_match_numpy_nanquantile():
    from ccsim.experiment.estimates import column_quantiles

    rng = np.random.default_rng(3)
    stack = rng.normal(size=(17, 40))
    stack[rng.random(stack.shape) < 0.2] = np.nan
    stack[:, 5] = np.nan
    stack[:16, 7] = np.nan
    expected = np.nanquantile(stack, [0.1, 0.5, 0.9], axis=0) if True else None
    got = column_quantiles(stack, (0.1, 0.5, 0.9))
    np.testing.assert_allclose(got, expected, equal_nan=True)
