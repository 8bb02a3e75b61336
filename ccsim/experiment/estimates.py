"""Estimates: every KPI over replications as a mean with a 95 % Student-t interval.

A KPI that is a ratio of counts or sums (service levels, abandonment, ASA, mean
wait, P(wait > 0)) also gets its ratio-of-sums estimate across replications,
E[numerator] / E[denominator] — what ContactCenters reports, e.g. E[answered in
time] / E[answered + abandoned] — beside the mean of the days' ratios, with a 95 %
interval by the delta method (see docs/kpis.md).
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np

from .._version import __version__
from ..metrics import Results
from ..plan import Plan
from ..scenario import Scenario
from ..units import format_clock, format_target, format_time
from .stats import mean_ci, t_quantile


class RatioOfSums:
    """A ratio KPI across replications as sum of numerators / sum of denominators, with a
    95 % interval by the delta method (None with fewer than two replications)."""

    __slots__ = ("estimate", "ci95")

    def __init__(self, numerators, denominators, confidence: float = 0.95):
        x = np.asarray(numerators, dtype=float)
        y = np.asarray(denominators, dtype=float)
        n = x.size
        total = float(y.sum())
        self.estimate = float(x.sum()) / total if total > 0 else math.nan
        self.ci95: tuple[float, float] | None = None
        if n >= 2 and total > 0:
            # Var(R) ~ Var(x - R y) / (n E[y]^2): the residuals' spread over the mean denominator.
            residuals = x - self.estimate * y
            spread = math.sqrt(float(residuals @ residuals) / (n - 1))
            half = t_quantile(confidence, n - 1) * spread / (math.sqrt(n) * (total / n))
            self.ci95 = (self.estimate - half, self.estimate + half)

    def to_dict(self) -> dict:
        return {"estimate": _num(self.estimate),
                "ci95": None if self.ci95 is None else [_num(v) for v in self.ci95]}

    def __repr__(self) -> str:
        ci = "" if self.ci95 is None else f" [{self.ci95[0]:.4g}, {self.ci95[1]:.4g}]"
        return f"RatioOfSums({self.estimate:.4g}{ci})"


# The report layer draws figures of estimates; it imports this module, so it hands its
# figure maker over here (``use_plotter``) rather than being imported: data flows one way.
_plotter = None


def use_plotter(plotter) -> None:
    """Called once by ``ccsim.report.plot``: what ``Estimates.plot`` returns, given the estimates."""
    global _plotter
    _plotter = plotter


class Estimate:
    """A KPI over replications: mean, 95 % Student-t interval (None for one value).

    ``ratio_of_sums``: for ratio KPIs, the ratio-of-sums estimate across replications
    (``RatioOfSums``) beside ``mean``, the mean of the days' ratios; None otherwise.
    """

    __slots__ = ("mean", "ci95", "values", "_quantiles", "ratio_of_sums")

    def __init__(self, values: np.ndarray):
        self.values = values
        self.mean, self.ci95 = mean_ci(values)
        self._quantiles = None
        self.ratio_of_sums: RatioOfSums | None = None

    @classmethod
    def _of(cls, values: np.ndarray, mean: float, ci95, quantiles) -> Estimate:
        """An estimate whose mean, interval and quantiles were computed beforehand
        (``_estimates_of_rows``: many KPIs at once, with the same arithmetic)."""
        e = cls.__new__(cls)
        e.values, e.mean, e.ci95, e._quantiles = values, mean, ci95, quantiles
        e.ratio_of_sums = None
        return e

    @property
    def half_width(self) -> float:
        return math.nan if self.ci95 is None else (self.ci95[1] - self.ci95[0]) / 2.0

    def quantiles(self) -> tuple[float, float, float]:
        """P10, P50, P90 across replications (the spread of days, not the CI of the mean)."""
        if self._quantiles is not None:
            return self._quantiles
        x = self.values[~np.isnan(self.values)]
        if x.size == 0:
            return (math.nan, math.nan, math.nan)
        p10, p50, p90 = np.quantile(x, [0.1, 0.5, 0.9])
        return float(p10), float(p50), float(p90)

    def to_dict(self) -> dict:
        p10, p50, p90 = self.quantiles()
        out: dict[str, object] = {
            "mean": _num(self.mean),
            "ci95": None if self.ci95 is None else [_num(v) for v in self.ci95],
            "p10": _num(p10), "p50": _num(p50), "p90": _num(p90),
        }
        if self.ratio_of_sums is not None:
            out["ratio_of_sums"] = self.ratio_of_sums.to_dict()
        return out

    def __repr__(self) -> str:
        ci = "" if self.ci95 is None else f" [{self.ci95[0]:.4g}, {self.ci95[1]:.4g}]"
        return f"Estimate({self.mean:.4g}{ci}, n={len(self.values)})"


def _num(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _kpi_columns(kpis: dict[str, Estimate]) -> dict[str, float | None]:
    """{kpi: mean, kpi_ci_low: ..., kpi_ci_high: ...} for every KPI (None where undefined)."""
    out: dict[str, float | None] = {}
    for kpi, e in kpis.items():
        out[kpi] = _num(e.mean)
        out[f"{kpi}_ci_low"] = None if e.ci95 is None else _num(e.ci95[0])
        out[f"{kpi}_ci_high"] = None if e.ci95 is None else _num(e.ci95[1])
    return out


def _column_ci(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


# How notebooks show results (repr and _repr_html_): the units' rule for times, shares in %.

def _share_text(e: Estimate) -> str:
    if not math.isfinite(e.mean):
        return "–"
    return f"{100 * e.mean:.1f} %" + ("" if e.ci95 is None else f" ± {100 * e.half_width:.1f}")


def _time_text(e: Estimate) -> str:
    return format_time(e.mean, None if e.ci95 is None else e.half_width)


def _count_text(e: Estimate) -> str:
    return "–" if not math.isfinite(e.mean) else f"{e.mean:,.1f}"


def html_table(caption: str, head: list[str], rows: list[list[str]]) -> str:
    """A small HTML table for Jupyter: a caption line, header cells, text cells (escaped)."""
    import html

    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<p><b>{html.escape(caption)}</b></p><table><thead><tr>"
            + "".join(f"<th>{html.escape(h)}</th>" for h in head) + f"</tr></thead><tbody>{body}</tbody></table>")


def _estimate_table(per_rep: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, Estimate]]:
    keys = [(name, kpi) for name, kpis in per_rep[0].items() for kpi in kpis]
    rows = [[r[name][kpi] for r in per_rep] for name, kpi in keys]
    table: dict[str, dict[str, Estimate]] = {name: {} for name in per_rep[0]}
    for (name, kpi), estimate in zip(keys, _estimates_of_rows(rows), strict=True):
        table[name][kpi] = estimate
    return table


_FLOATS = (float, np.float64)
_SPREAD_Q = np.array([0.1, 0.5, 0.9])


def _estimates_of_rows(rows: list[list[float]]) -> list[Estimate]:
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


def _interval_stats(per_rep: list[dict[str, dict[str, np.ndarray]]]):
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


def _add_ratios_of_sums(tables: dict[str, dict[str, Estimate]], results: list[Results]) -> None:
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


class Estimates:
    """KPIs of a scenario over replications.

    ``contact_types[name][kpi]``, ``agent_groups[name][kpi]`` and ``total[kpi]``
    are ``Estimate`` objects (``.mean``, ``.ci95``, ``.values`` per replication);
    ``intervals[name][kpi]`` and ``group_intervals[name][kpi]`` are arrays of the
    per-interval mean over replications. ``replication_results`` keeps each
    replication's ``Results``.
    """

    def __init__(self, scenario: Scenario, plan: Plan, seed: int, results: list[Results]):
        self.scenario = scenario
        self.plan = plan
        self.seed = seed
        self.replication_results = results
        self.records: list | None = None  # per-replication Records when simulate(keep_records=True)
        self.replications = len(results)
        self.contact_types = _estimate_table([r.contact_types for r in results])
        self.agent_groups = _estimate_table([r.agent_groups for r in results])
        self.total = _estimate_table([{"total": r.total} for r in results])["total"]
        _add_ratios_of_sums({**self.contact_types, "total": self.total}, results)
        self.intervals, self.interval_spread = _interval_stats([r.intervals for r in results])
        self.group_intervals, self.group_interval_spread = _interval_stats(
            [r.group_intervals for r in results])
        self.precision: dict | None = None  # set by simulate_to_precision

    @property
    def plot(self):
        """Figures for notebooks: ``.service_level()``, ``.queue_length()``, ``.waits()``,
        ``.occupancy()``, ``.staffing()``, ``.asa()``, ``.volumes()`` (see ``ccsim.report.plot``)."""
        if _plotter is None:  # pragma: no cover - importing ccsim imports the report package
            raise RuntimeError("ccsim.report is not imported")
        return _plotter(self)

    def interval_starts(self) -> list[str]:
        """'HH:MM' clock time of each interval's start (every day's, in order)."""
        day = 86400.0
        return [format_clock(self.plan.clock_start + s % day) for s in self.plan.interval_starts()]

    def interval_days(self) -> list[int]:
        """Day number (1-based) of each interval."""
        return [d + 1 for d in range(self.plan.days) for _ in range(self.plan.n_intervals)]

    def targets(self) -> dict[str, dict]:
        """Service-level target of each contact type and whether it is met.

        ``met`` compares the mean with the target; ``verdict`` is ``met`` or
        ``missed`` when the whole 95 % interval is on one side of the target,
        ``borderline`` when the interval contains it.
        """
        out = {}
        for ct in self.plan.contact_types:
            estimate = self.contact_types[ct.name]["service_level"]
            sl = estimate.mean
            met = bool(math.isfinite(sl) and sl >= ct.sl_target)
            verdict = "met" if met else "missed"
            if estimate.ci95 is not None and estimate.ci95[0] < ct.sl_target <= estimate.ci95[1]:
                verdict = "borderline"
            out[ct.name] = {
                "service_level": ct.sl_target,
                "threshold_s": ct.sl_threshold,
                "met": met,
                "verdict": verdict,
            }
        return out

    def to_dict(self) -> dict:
        """The JSON document of a run (see docs/output.md)."""
        intervals = self.interval_rows("contact_type", self.intervals, self.interval_spread)
        group_intervals = self.interval_rows("agent_group", self.group_intervals, self.group_interval_spread)
        doc = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "replications": self.replications,
            "ccsim_version": __version__,
            "contact_types": {
                name: {kpi: e.to_dict() for kpi, e in kpis.items()} for name, kpis in self.contact_types.items()
            },
            "agent_groups": {
                name: {kpi: e.to_dict() for kpi, e in kpis.items()} for name, kpis in self.agent_groups.items()
            },
            "total": {kpi: e.to_dict() for kpi, e in self.total.items()},
            "targets": self.targets(),
            "intervals": intervals,
            "agent_group_intervals": group_intervals,
            "service_level_risk": self.service_level_risk(),
        }
        if self.precision is not None:
            doc["precision"] = self.precision
        return doc

    def interval_rows(self, key: str, means: dict, spread: dict, with_spread: bool = True) -> list[dict]:
        """Flat rows: start, name, each KPI's mean; ``spread`` = {KPI: [P10, P50, P90]}."""
        rows = []
        days = self.interval_days()
        starts = self.interval_starts()
        several_days = self.plan.days > 1
        for name, kpis in means.items():
            # Each KPI's column as Python floats first (tolist), rather than a numpy scalar per cell.
            columns = {kpi: [_num(v) for v in values.tolist()] for kpi, values in kpis.items()}
            if with_spread:
                spreads = {kpi: [[_num(v) for v in col] for col in q.T.tolist()]
                           for kpi, q in spread[name].items()}
            for j, start in enumerate(starts):
                row = {"day": days[j], "start": start, key: name} if several_days else {"start": start, key: name}
                row.update({kpi: column[j] for kpi, column in columns.items()})
                if with_spread:
                    row["spread"] = {kpi: column[j] for kpi, column in spreads.items()}
                rows.append(row)
        return rows

    def service_level_risk(self) -> dict[str, dict | None]:
        """Per contact type, the interval with the lowest P10 service level across days.

        "In 1 day in 10, the interval starting at ``start`` falls below ``p10``."
        None when there are fewer than 10 replications (P10 would be a guess).
        """
        out: dict[str, dict | None] = {}
        for ct in self.plan.contact_types:
            p10 = self.interval_spread[ct.name]["service_level"][0]
            if self.replications < 10 or np.all(np.isnan(p10)):
                out[ct.name] = None
                continue
            j = int(np.nanargmin(p10))
            out[ct.name] = {
                "start": self.interval_starts()[j], "p10": float(p10[j]),
                **({"day": self.interval_days()[j]} if self.plan.days > 1 else {}),
                "target": ct.sl_target, "below_target": bool(p10[j] < ct.sl_target),
            }
        return out

    # ------------------------------------------------------------ tables for notebooks

    FRAME_KINDS = ("contact_types", "groups", "channels", "agents", "intervals", "group_intervals")

    def rows(self, kind: str = "intervals", date=None) -> list[dict]:
        """The rows ``to_frame(kind)`` is made of, as plain dicts (no pandas needed).

        kind:
          ``contact_types`` — one row per contact type (and ``total``): every KPI's mean with
          ``{kpi}_ci_low`` and ``{kpi}_ci_high`` (the 95 % interval; None with one replication);
          ``groups`` — the same per agent group;
          ``channels`` — one row per channel (voice, chat, email) of its contact types together:
          counts summed, service level, abandonment, ASA and mean wait as ratios of the summed
          parts, each with its 95 % interval over replications;
          ``agents`` — one row per agent and replication (needs ``statistics.per_agent: true``);
          ``intervals`` — one row per contact type and interval: ``start`` and ``end`` as
          timestamps, ``day``, each KPI's mean over replications with its 95 % interval;
          ``group_intervals`` — the same per agent group.
        date: the calendar date of day 1 for the timestamps (a ``datetime.date`` or
          'YYYY-MM-DD'); a scenario has clock times only, so the default is today.
        """
        if kind in ("contact_types", "groups"):
            table = self.contact_types if kind == "contact_types" else self.agent_groups
            key = "contact_type" if kind == "contact_types" else "agent_group"
            named = dict(table)
            if kind == "contact_types":
                named["total"] = self.total
            return [{key: name, **_kpi_columns(kpis)} for name, kpis in named.items()]
        if kind == "channels":
            return self._channel_rows()
        if kind == "agents":
            if any(r.agents is None for r in self.replication_results):
                raise ValueError("per-agent rows need per-agent statistics: set statistics.per_agent: true in the "
                                 "scenario (or run with --per-agent)")
            return [{"replication": i, **row} for i, r in enumerate(self.replication_results)
                    for row in (r.agents or [])]
        if kind in ("intervals", "group_intervals"):
            return self._interval_frame_rows(kind, date)
        raise ValueError(f"unknown kind {kind!r} (expected one of: {', '.join(self.FRAME_KINDS)})")

    def to_frame(self, kind: str = "intervals", date=None):
        """A pandas DataFrame of ``rows(kind, date)``: contact types, groups, channels, agents or
        intervals, with 95 % CI columns (``{kpi}_ci_low``, ``{kpi}_ci_high``) and, per interval,
        real timestamps (``start``, ``end``).

        Needs pandas (``pip install 'ccsim[pandas]'``); without it this raises ImportError saying
        so, and ``rows(kind)`` gives the same rows as a list of dicts.
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("to_frame needs pandas: pip install 'ccsim[pandas]' "
                              "(or use .rows(kind), the same rows as dicts)") from None
        rows = self.rows(kind, date)
        frame = pd.DataFrame(rows)
        for column in ("start", "end"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column])
        return frame

    def _interval_frame_rows(self, kind: str, date) -> list[dict]:
        import datetime as dt

        if date is None:
            day1 = dt.date.today()
        elif isinstance(date, str):
            day1 = dt.date.fromisoformat(date)
        else:
            day1 = date
        midnight = dt.datetime.combine(day1, dt.time())
        plan = self.plan
        key, source = (("contact_type", "intervals") if kind == "intervals" else ("agent_group", "group_intervals"))
        per_rep = [getattr(r, source) for r in self.replication_results]
        starts = [plan.clock_start + s for s in plan.interval_starts()]
        n = len(starts)
        days = self.interval_days()
        rows = []
        for name in getattr(self, source):
            stats = {}
            for kpi in per_rep[0][name]:
                stack = np.vstack([np.asarray(r[name][kpi], dtype=float) for r in per_rep])[:, :n]
                stats[kpi] = _column_ci(stack)
            for j in range(n):
                # Day d's intervals start d - 1 days after day 1's (starts already count the days).
                start = midnight + dt.timedelta(seconds=float(starts[j]))
                row = {"start": start, "end": start + dt.timedelta(seconds=plan.interval_s), "day": days[j], key: name}
                for kpi, (mean, low, high) in stats.items():
                    row[kpi] = _num(mean[j])
                    row[f"{kpi}_ci_low"] = _num(low[j])
                    row[f"{kpi}_ci_high"] = _num(high[j])
                rows.append(row)
        return rows

    def _channel_rows(self) -> list[dict]:
        channels: dict[str, list[str]] = {}
        for ct in self.plan.contact_types:
            channels.setdefault(ct.channel, []).append(ct.name)
        results = self.replication_results
        rows = []
        for channel, names in channels.items():
            row: dict[str, object] = {"channel": channel, "contact_types": ", ".join(names)}
            for kpi in ("offered", "answered", "abandoned", "blocked"):
                values = [sum(r.contact_types[n][kpi] for n in names) for r in results]
                row.update(_kpi_columns({kpi: Estimate(np.array(values, dtype=float))}))
            for kpi in ("service_level", "abandon_rate", "asa", "mean_wait"):
                if not all(kpi in r.parts.get(n, {}) for r in results for n in names):
                    continue
                values = []
                for r in results:
                    num = sum(r.parts[n][kpi][0] for n in names)
                    den = sum(r.parts[n][kpi][1] for n in names)
                    values.append(num / den if den > 0 else math.nan)
                row.update(_kpi_columns({kpi: Estimate(np.array(values, dtype=float))}))
            rows.append(row)
        return rows

    # ------------------------------------------------------------ how notebooks show it

    def __repr__(self) -> str:
        head = (f"<Estimates of {self.scenario.name!r}: {self.replications} replication"
                f"{'s' if self.replications != 1 else ''}, seed {self.seed} (mean ± 95 % CI half-width)")
        lines = [head]
        targets = self.targets()
        for name, k in self.contact_types.items():
            t = targets[name]
            lines.append(f"  {name}: service level {_share_text(k['service_level'])} "
                         f"({t['verdict']}: target {format_target(t['service_level'], t['threshold_s'])}), "
                         f"ASA {_time_text(k['asa'])}, abandonment {_share_text(k['abandon_rate'])}")
        for name, g in self.agent_groups.items():
            lines.append(f"  {name}: occupancy {_share_text(g['occupancy'])}, "
                         f"{_count_text(g['agents_present'])} agents present")
        return "\n".join(lines) + ">"

    def _repr_html_(self) -> str:
        """A compact KPI table for Jupyter."""
        targets = self.targets()
        head = ["", "offered", "service level", "target", "ASA", "abandonment", "occupancy"]
        rows = []
        for name, k in self.contact_types.items():
            t = targets[name]
            rows.append([name, _count_text(k["offered"]), _share_text(k["service_level"]),
                         f"{format_target(t['service_level'], t['threshold_s'])} ({t['verdict']})",
                         _time_text(k["asa"]), _share_text(k["abandon_rate"]), ""])
        for name, g in self.agent_groups.items():
            rows.append([f"group {name}", "", "", "", "", "", _share_text(g["occupancy"])])
        return html_table(f"{self.scenario.name} — {self.replications} replications, seed {self.seed} "
                          "(mean ± 95 % CI half-width)", head, rows)

    def summary(self) -> dict[str, dict[str, float]]:
        """Mean of every day KPI per contact type, agent group and total."""
        out = {name: {k: e.mean for k, e in kpis.items()} for name, kpis in self.contact_types.items()}
        out.update({name: {k: e.mean for k, e in kpis.items()} for name, kpis in self.agent_groups.items()})
        out["total"] = {k: e.mean for k, e in self.total.items()}
        return out
