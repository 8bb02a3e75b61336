"""Intraday reforecast: the rest of the day's volume from the contacts so far.

Per contact type, with F the forecast contacts of the intervals ended by the
reforecast time, A the actual contacts in them and R the forecast of the rest
of the day (the interval holding the reforecast time and every later one):

- **ratio** (the field's usual method): rest = R * A / F. Its interval is the
  normal approximation of a Poisson count A: rest * (1 +- z / sqrt(A)) plus the
  rest's own Poisson noise.
- **bayes** (Poisson-gamma): the day runs at theta times the forecast, with the
  prior theta ~ Gamma(shape a, rate a), a = 1 / forecast_error^2 (mean 1, CV the
  scenario's ``forecast_error``). Given A ~ Poisson(theta F), the posterior is
  Gamma(a + A, a + F), so theta's posterior mean is (a + A) / (a + F), and the
  rest of the day N ~ Poisson(theta R) is negative binomial with n = a + A and
  p = (a + F) / (a + F + R): mean R (a + A) / (a + F), the interval its quantiles.
  With forecast_error 0 the prior is certain (theta = 1): the forecast is kept,
  whatever the actuals say; a large forecast_error lets the actuals decide, and
  the bayes mean then approaches the ratio.

``updated_data`` writes the day as an updated scenario: the intervals so far at
their actual counts, the rest at forecast * (rest / R), and ``forecast_error``
set to the CV left in theta (bayes: 1 / sqrt(a + A); ratio: 1 / sqrt(A)), so a
what-if from the updated scenario draws the rest-of-day volume from the same
predictive distribution. ``backtest`` replays a calibration history.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..plan import profile_volumes
from ..scenario.errors import Problem, ScenarioError
from ..units import format_clock

METHODS = ("ratio", "bayes")
MIN_CV = 1e-9  # below this the prior is taken as certain (a gamma of shape 1/cv^2 would overflow)


class ReforecastInputError(ScenarioError):
    """Actuals or options that cannot be used; every problem located (file, row, column)."""


def forecast_per_interval(scenario, name: str) -> np.ndarray:
    """Expected contacts of type *name* per interval, as the plan's rates give them."""
    h = scenario.horizon
    arr = scenario.contact_types[name].arrivals
    if arr.rate is not None:
        return np.full(h.n_intervals, arr.rate * h.interval)
    if arr.per_interval is not None:
        return np.asarray(arr.per_interval, dtype=float)
    return profile_volumes(arr.volume, arr.profile)


# --- reading the actuals -------------------------------------------------------------------

def read_actuals(path: str | Path, scenario) -> dict[str, np.ndarray]:
    """Contacts offered so far per type and interval (NaN where the file has no row).

    CSV columns (any case; others are not read): ``interval_start`` (HH:MM),
    ``contact_type``, ``offered``; the history's format (docs/calibration.md) is read
    as it is. Raises ``ReforecastInputError`` with every problem.
    """
    from ..calibrate.csvread import CsvColumns, parsed_rows
    from ..calibrate.errors import CalibrationInputError, ProblemList

    h = scenario.horizon
    known = list(scenario.contact_types)
    out = {name: np.full(h.n_intervals, np.nan) for name in known}
    try:
        table = CsvColumns(path, ("interval_start", "contact_type", "offered"), ("date",))
        problems = ProblemList(table.source)
        dates = set()
        for r in parsed_rows(table, problems):
            start = r.get("interval_start", _clock)
            offered = r.get("offered", _count)
            name = r["contact_type"]
            if name not in out:
                r.problem("contact_type", f"not a contact type of the scenario (known: {', '.join(known)}; "
                                          "the cell is not shown)")
            if table.has("date"):
                dates.add(r["date"])
            if not r.ok:
                continue
            step = (start - h.start) / h.interval
            if not 0 <= step < h.n_intervals or abs(step - round(step)) > 1e-6:
                r.problem("interval_start", f"expected the start of one of the scenario's intervals "
                                            f"({format_clock(h.start)} to {format_clock(h.end - h.interval)}, "
                                            f"every {h.interval / 60:g} min)")
                continue
            i = int(round(step))
            if not math.isnan(out[name][i]):
                r.problem(None, "a second row for the same interval and contact type")
                continue
            out[name][i] = offered
        if len(dates) > 1:
            problems.add(None, table.column("date"), f"{len(dates)} different dates; expected the actuals "
                                                     "of one day")
        problems.raise_if_any()
    except CalibrationInputError as error:
        raise ReforecastInputError([Problem(p.source, p.row, None, f"column {p.column}" if p.column else "(row)",
                                            p.message) for p in error.problems]) from None
    return out


def _clock(text: str) -> float:
    from ..units import parse_clock

    try:
        return parse_clock(text)
    except ValueError:
        raise ValueError("expected a clock time HH:MM (the cell is not shown)") from None


def _count(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or value != int(value) or value > 10**9:
        raise ValueError("expected a whole number of contacts >= 0 (the cell is not shown)")
    return int(value)


# --- the updates -------------------------------------------------------------------------

@dataclass(frozen=True)
class RestOfDay:
    """One type's reforecast: the rest of the day's contacts, their interval, the CV left."""

    mean: float
    low: float
    high: float
    cv: float  # CV of the day factor left after the update (the updated forecast_error)


def ratio_update(forecast_so_far: float, actual_so_far: float, forecast_rest: float,
                 level: float = 0.95) -> RestOfDay:
    """rest = R * A / F; interval by the normal approximation (module docstring)."""
    z = _z(level)
    if forecast_so_far <= 0:  # nothing was expected yet: no evidence either way
        factor, cv = 1.0, math.inf
    else:
        factor = actual_so_far / forecast_so_far
        cv = 1.0 / math.sqrt(actual_so_far) if actual_so_far > 0 else math.inf
    mean = forecast_rest * factor
    if not math.isfinite(cv):
        return RestOfDay(mean, 0.0 if forecast_so_far > 0 else math.nan, math.inf, cv)
    sd = math.sqrt(mean + (mean * cv) ** 2)
    return RestOfDay(mean, max(0.0, mean - z * sd), mean + z * sd, cv)


def bayes_update(forecast_so_far: float, actual_so_far: float, forecast_rest: float, forecast_error: float,
                 level: float = 0.95) -> RestOfDay:
    """Poisson-gamma: theta ~ Gamma(a, a), a = 1/cv^2; A ~ Poisson(theta F); N ~ Poisson(theta R).

    The rest of the day N is negative binomial(n = a + A, p = (a + F)/(a + F + R)); the
    interval is its equal-tailed *level* quantiles.
    """
    from scipy import stats

    tail = (1.0 - level) / 2.0
    if forecast_rest <= 0:
        return RestOfDay(0.0, 0.0, 0.0, 0.0 if forecast_error < MIN_CV else _post_cv(forecast_error, actual_so_far))
    if forecast_error < MIN_CV:
        dist = stats.poisson(forecast_rest)
        return RestOfDay(forecast_rest, float(dist.ppf(tail)), float(dist.ppf(1.0 - tail)), 0.0)
    a = 1.0 / forecast_error**2
    n = a + actual_so_far
    p = (a + forecast_so_far) / (a + forecast_so_far + forecast_rest)
    dist = stats.nbinom(n, p)
    return RestOfDay(forecast_rest * n / (a + forecast_so_far), float(dist.ppf(tail)), float(dist.ppf(1.0 - tail)),
                     _post_cv(forecast_error, actual_so_far))


def _post_cv(forecast_error: float, actual_so_far: float) -> float:
    return 1.0 / math.sqrt(1.0 / forecast_error**2 + actual_so_far)


def _z(level: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(0.5 + level / 2.0))


@dataclass
class TypeReforecast:
    contact_type: str
    observed: int  # intervals ended by the reforecast time
    actual_so_far: float
    forecast_so_far: float
    forecast_rest: float
    rest: RestOfDay
    missing: int = 0  # intervals so far with no row in the actuals, counted as 0


@dataclass
class Reforecast:
    """A reforecast at ``at_s`` (clock, s) by ``method``: per contact type, and notes."""

    at_s: float
    method: str
    level: float
    types: dict[str, TypeReforecast]
    first_rest: int  # index of the first interval reforecast
    notes: list[str] = field(default_factory=list)


def reforecast(scenario, actuals: dict[str, np.ndarray], at_s: float, method: str = "bayes",
               level: float = 0.95) -> Reforecast:
    """Update the rest of *scenario*'s day from *actuals* (``read_actuals``) at clock time *at_s*."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} (known: {', '.join(METHODS)})")
    if not 0.0 < level < 1.0:
        raise ValueError(f"expected a level between 0 and 1, got {level}")
    h = scenario.horizon
    if h.days != 1:
        raise ValueError(f"a reforecast needs a one-day horizon (the scenario has days: {h.days})")
    if not h.start < at_s < h.end:
        raise ValueError(f"--at {format_clock(at_s)} is not inside the horizon "
                         f"{format_clock(h.start)}-{format_clock(h.end)}")
    observed = int(math.floor((at_s - h.start) / h.interval + 1e-9))
    out: dict[str, TypeReforecast] = {}
    notes = []
    for name, ct in scenario.contact_types.items():
        counts = actuals.get(name)
        if counts is None or np.all(np.isnan(counts[:observed])):
            notes.append(f"{name}: no actuals before {format_clock(at_s)}; its forecast is kept")
            continue
        f = forecast_per_interval(scenario, name)
        so_far = counts[:observed]
        missing = int(np.isnan(so_far).sum())
        a, fo, fr = float(np.nansum(so_far)), float(f[:observed].sum()), float(f[observed:].sum())
        if method == "ratio":
            rest = ratio_update(fo, a, fr, level)
        else:
            rest = bayes_update(fo, a, fr, ct.arrivals.forecast_error, level)
        if missing:
            notes.append(f"{name}: {missing} interval(s) before {format_clock(at_s)} have no row; counted as 0")
        out[name] = TypeReforecast(name, observed, a, fo, fr, rest, missing)
    return Reforecast(at_s, method, level, out, observed, notes)


def updated_data(scenario, result: Reforecast, actuals: dict[str, np.ndarray]) -> dict:
    """The scenario's data with each reforecast type's day: actuals so far, the rest scaled."""
    data = scenario.raw_data()
    j = result.first_rest
    for name, tr in result.types.items():
        f = forecast_per_interval(scenario, name)
        scale = tr.rest.mean / tr.forecast_rest if tr.forecast_rest > 0 else 1.0
        day = np.concatenate([np.nan_to_num(actuals[name][:j], nan=0.0), f[j:] * scale])
        raw = dict(data["contact_types"][name]["arrivals"])
        for key in ("rate", "volume", "profile", "per_interval"):
            raw.pop(key, None)
        raw["per_interval"] = [round(float(v), 3) for v in day]
        cv = tr.rest.cv if math.isfinite(tr.rest.cv) else scenario.contact_types[name].arrivals.forecast_error
        raw["forecast_error"] = round(float(min(cv, 5.0)), 4)
        data["contact_types"][name] = dict(data["contact_types"][name], arrivals=raw)
    return data


def updated_scenario(scenario, result: Reforecast, actuals: dict[str, np.ndarray]):
    """``updated_data`` validated (a ``Scenario``)."""
    from ..scenario.loader import from_dict

    return from_dict(updated_data(scenario, result, actuals), source="<reforecast>")


def render_reforecast(result: Reforecast) -> str:
    """The rest-of-day volumes with their interval, one line per contact type."""
    start = format_clock(result.at_s)
    pct = f"{result.level * 100:g} %"
    lines = [f"Reforecast at {start} ({result.method}): rest of the day from the interval holding {start}"]
    width = max([len("type"), *(len(n) for n in result.types)])
    lines.append(f"  {'type':<{width}}  {'so far':>8} {'forecast':>9}   {'rest: forecast':>14} "
                 f"{'reforecast':>11}  {pct + ' interval':>20}")
    for name, tr in result.types.items():
        r = tr.rest
        interval = f"{r.low:,.0f} - {r.high:,.0f}" if math.isfinite(r.high) else "-"
        lines.append(f"  {name:<{width}}  {tr.actual_so_far:>8,.0f} {tr.forecast_so_far:>9,.0f}   "
                     f"{tr.forecast_rest:>14,.0f} {r.mean:>11,.0f}  {interval:>20}")
    lines += [f"  note: {note}" for note in result.notes]
    return "\n".join(lines)


# --- backtest on a calibration history -----------------------------------------------------

@dataclass
class BacktestRow:
    """Rest-of-day errors at one reforecast time over the backtest days and types."""

    at_s: float
    cases: int  # (day, contact type) pairs
    mape_forecast: float  # mean |rest forecast - actual rest| / actual rest
    mape_ratio: float
    mape_bayes: float
    coverage_ratio: float  # share of cases whose interval holds the actual rest
    coverage_bayes: float


@dataclass
class Backtest:
    source: str
    days: int
    level: float
    rows: list[BacktestRow]


def backtest(history, level: float = 0.95, every_s: float = 3600.0, min_train_days: int = 21) -> Backtest:
    """Replay *history* (``ccsim.calibrate.history.IntervalHistory``): for each day after
    *min_train_days* days, forecast it from the days before (``ccsim.calibrate``'s forecast,
    forecast_error included), then reforecast it at every *every_s* with both methods.

    Returns the mean absolute percentage error of the rest-of-day volume of the original
    forecast and of each reforecast, and each interval's coverage, by reforecast time.
    """
    from ..calibrate.forecast import ForecastError, forecast_type

    n = history.n_intervals
    step = max(1, int(round(every_s / history.interval_s)))
    cuts = list(range(step, n, step))
    errs: dict[int, list[tuple]] = {c: [] for c in cuts}
    tested = 0
    for i in range(min_train_days, len(history.dates)):
        past = _first_days(history, i)
        day_ok = False
        for k in range(len(history.types)):
            actual = history.offered[k, i]
            try:
                fc = forecast_type(past, k, history.dates[i])
            except ForecastError:
                continue
            day_ok = True
            f = fc.per_interval
            for c in cuts:
                truth = float(actual[c:].sum())
                if truth <= 0:
                    continue
                a, fo, fr = float(actual[:c].sum()), float(f[:c].sum()), float(f[c:].sum())
                ra = ratio_update(fo, a, fr, level)
                ba = bayes_update(fo, a, fr, fc.forecast_error, level)
                errs[c].append((abs(fr - truth) / truth, abs(ra.mean - truth) / truth, abs(ba.mean - truth) / truth,
                                ra.low <= truth <= ra.high, ba.low <= truth <= ba.high))
        tested += day_ok
    rows = []
    for c in cuts:
        if not errs[c]:
            continue
        e = np.array(errs[c], dtype=float)
        rows.append(BacktestRow(history.start_s + c * history.interval_s, len(e), *(float(x) for x in e.mean(axis=0))))
    return Backtest(history.source, tested, level, rows)


def _first_days(history, i: int):
    """The history of its first *i* days."""
    cut = {}
    for f in dataclasses.fields(history):
        value = getattr(history, f.name)
        if isinstance(value, np.ndarray) and value.ndim == 3:
            cut[f.name] = value[:, :i, :]
    return dataclasses.replace(history, dates=history.dates[:i], **cut)


def render_backtest(bt: Backtest) -> str:
    pct = f"{bt.level * 100:g} %"
    lines = [f"Reforecast backtest on {Path(bt.source).name}: {bt.days} days, each forecast from the days before it",
             "rest-of-day volume: mean absolute % error, and how often the interval held the actual",
             f"  {'at':>5}  {'cases':>5}  {'forecast':>8}  {'ratio':>6}  {'bayes':>6}   "
             f"{'ratio ' + pct:>12}  {'bayes ' + pct:>12}"]
    for r in bt.rows:
        lines.append(f"  {format_clock(r.at_s):>5}  {r.cases:>5}  {r.mape_forecast * 100:>7.1f}%  "
                     f"{r.mape_ratio * 100:>5.1f}%  {r.mape_bayes * 100:>5.1f}%   {r.coverage_ratio * 100:>11.0f}%  "
                     f"{r.coverage_bayes * 100:>11.0f}%")
    return "\n".join(lines)
