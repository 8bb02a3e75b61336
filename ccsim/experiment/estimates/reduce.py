"""Many KPIs over replications at once: estimates, per-interval means and spreads, ratio-of-sums.

The vectorised paths give the same bits as reducing each KPI on its own (see each
function); they exist because a run has thousands of KPI cells.
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np

from ...metrics import Results
from ..stats import t_quantile
from .estimate import Estimate, RatioOfSums


def estimate_table(per_rep: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, Estimate]]:
    keys = [(name, kpi) for name, kpis in per_rep[0].items() for kpi in kpis]
    rows = [[r[name][kpi] for r in per_rep] for name, kpi in keys]
    table: dict[str, dict[str, Estimate]] = {name: {} for name in per_rep[0]}
    for (name, kpi), estimate in zip(keys, estimates_of_rows(rows), strict=True):
        table[name][kpi] = estimate
    return table


_FLOATS = (float, np.float64)
_SPREAD_Q = np.array([0.1, 0.5, 0.9])


def estimates_of_rows(rows: list[list[float]]) -> list[Estimate]:
    """``Estimate(np.array(row))`` of each row (a KPI's values over replications), with
    every row's mean, interval and P10/P50/P90 computed together.

    The same arithmetic as ``stats.mean_ci`` and ``np.quantile`` row by row: numpy sums
    each row of a matrix along its last axis exactly as it sums that row alone (pairwise),
    so the values are the same bits. Rows with a nan (some replications without a value)
    and rows that are not floats take the one-by-one path.
    """
    if not rows or not all(type(v) in _FLOATS for row in rows for v in row):
        return [Estimate(np.array(row)) for row in rows]
    values = np.array(rows, dtype=float)
    m, n = values.shape
    gaps = np.isnan(values).any(axis=1)
    sums = np.add.reduce(values, axis=1)
    means = sums / n
    if n > 1:
        centred = values - (sums / n)[:, None]
        centred *= centred
        stds = np.sqrt(np.add.reduce(centred, axis=1) / (n - 1))
        t = t_quantile(0.95, n - 1)
        root_n = math.sqrt(n)
    ordered = np.sort(values, axis=1)
    spread = _linear_quantiles(ordered, n, _SPREAD_Q)
    out = []
    means_l, spread_l = means.tolist(), spread.tolist()
    stds_l = stds.tolist() if n > 1 else []
    for i in range(m):
        if gaps[i]:
            out.append(Estimate(values[i].copy()))
            continue
        mean = means_l[i]
        ci = None
        if n > 1:
            half = t * stds_l[i] / root_n
            ci = (mean - half, mean + half)
        out.append(Estimate._of(values[i].copy(), mean, ci, tuple(spread_l[i])))
    return out


def _linear_quantiles(ordered: np.ndarray, n: int, qs: np.ndarray) -> np.ndarray:
    """``np.quantile(row, qs)`` of each sorted row of *ordered* (n values each, no nan),
    shape (rows, len(qs)): numpy's 'linear' steps (index, gamma, lerp), the same bits."""
    virtual = (n - 1) * qs
    above = virtual >= n - 1
    previous = np.where(above, -1, np.floor(virtual)).astype(np.intp)
    gamma = virtual - previous
    low = np.where(above, n - 1, previous)
    high = np.where(above, n - 1, previous + 1)
    a, b = ordered[:, low], ordered[:, high]
    diff = b - a
    return np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)


def interval_stats(per_rep: list[dict[str, dict[str, np.ndarray]]]):
    """Per-interval mean over replications, and P10/P50/P90 across them (shape 3 x n).

    All KPIs of a name are stacked side by side and reduced together: down each column
    numpy adds the replications one after the other, whatever the number of columns, so
    each KPI gets the same bits as on its own. With a single column numpy would add
    pairwise instead, so one-interval horizons take the KPI-by-KPI path.
    """
    means: dict[str, dict] = {}
    spread: dict[str, dict] = {}
    for name, kpis in per_rep[0].items():
        means[name], spread[name] = {}, {}
        names = list(kpis)
        try:
            stack = np.array([[r[name][kpi] for kpi in names] for r in per_rep])
        except ValueError:  # KPIs of different lengths
            stack = None
        if stack is not None and stack.ndim == 3 and stack.shape[2] > 1 and stack.dtype == np.float64:
            n = stack.shape[2]
            stack = stack.reshape(len(per_rep), len(names) * n)
            with np.errstate(invalid="ignore"), quiet_empty_means():
                mean = np.nanmean(stack, axis=0)
            q = column_quantiles(stack, (0.1, 0.5, 0.9))
            for i, kpi in enumerate(names):
                means[name][kpi] = mean[i * n:(i + 1) * n]
                spread[name][kpi] = q[:, i * n:(i + 1) * n]
            continue
        for kpi in kpis:
            stack = np.vstack([r[name][kpi] for r in per_rep])
            with np.errstate(invalid="ignore"), quiet_empty_means():
                means[name][kpi] = np.nanmean(stack, axis=0)
            spread[name][kpi] = column_quantiles(stack, (0.1, 0.5, 0.9))
    return means, spread


def column_quantiles(stack: np.ndarray, qs) -> np.ndarray:
    """Quantiles of each column ignoring NaN (numpy's 'linear' rule), shape (len(qs), columns).

    Same values as ``np.nanquantile(stack, qs, axis=0)``, which is about a hundred
    times slower because it loops over columns in Python.
    """
    ordered = np.sort(stack, axis=0)  # NaN sort last
    counts = (~np.isnan(stack)).sum(axis=0)
    out = np.full((len(qs), stack.shape[1]), np.nan)
    has = counts > 0
    last = np.maximum(counts - 1, 0)
    for i, q in enumerate(qs):
        pos = q * last
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, last)
        frac = pos - lo
        low = np.take_along_axis(ordered, lo[None, :], axis=0)[0]
        high = np.take_along_axis(ordered, hi[None, :], axis=0)[0]
        out[i] = np.where(has, low + (high - low) * frac, np.nan)
    return out


def add_ratios_of_sums(tables: dict[str, dict[str, Estimate]], results: list[Results]) -> None:
    """Give every ratio KPI with ratio parts in all replications its ratio-of-sums estimate."""
    first = results[0].parts
    for name, kpis in tables.items():
        for kpi in first.get(name, {}):
            if kpi not in kpis or not all(kpi in r.parts.get(name, {}) for r in results):
                continue
            num, den = zip(*(r.parts[name][kpi] for r in results), strict=True)
            kpis[kpi].ratio_of_sums = RatioOfSums(num, den)


@contextlib.contextmanager
def quiet_empty_means():
    """Silence numpy's 'mean of empty slice' warnings (an interval nobody called in)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def column_ci(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95 % Student-t interval of each column over its non-NaN rows (replications);
    NaN where a column has no value (mean) or fewer than two (interval)."""
    count = (~np.isnan(stack)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"), quiet_empty_means():
        mean = np.nanmean(stack, axis=0)
        sd = np.nanstd(stack, axis=0, ddof=1) if stack.shape[0] > 1 else np.full(stack.shape[1], np.nan)
    t = np.array([t_quantile(0.95, int(c) - 1) if c >= 2 else np.nan for c in count])
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(count >= 2, t * sd / np.sqrt(np.maximum(count, 1)), np.nan)
    return mean, mean - half, mean + half
