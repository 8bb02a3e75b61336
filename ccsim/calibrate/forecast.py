"""Forecast a day's contacts per type: volume (weekday effects and a trend), intraday profile, error.

The model, in plain words:

- **Day volume.** log E[contacts on day d] = a + b * (weeks since the last day)
  + c[weekday of d]: a level, a steady trend of ``exp(b) - 1`` per week, and a
  factor per weekday. Counts are fitted as Poisson (iteratively reweighted
  least squares on the log link, i.e. a Poisson GLM), so quiet days and busy
  days both count for what they are worth and a day with no contacts is no
  problem. With fewer than three weeks of history the trend is left out.
  This is what Holt–Winters with a weekly season settles to on a few weeks of
  history, with every parameter visible; it needs nothing beyond numpy.
- **Intraday profile.** The share of the day's contacts in each interval, as a
  ratio of sums over the same weekday in the last ``profile_weeks`` weeks.
- **Forecast error, out of sample.** Each day of the last ``backtest_weeks``
  weeks is forecast from the history up to ``lead`` days before it (the same
  lead as the target date's), exactly as it would have been in practice. The
  relative error e = actual / forecast - 1 of a day has variance cv^2 + 1/f:
  the forecast's own error (cv) plus the Poisson noise of a day of f contacts,
  which the simulator adds by itself. So ``forecast_error`` = sqrt(mean(e^2) -
  mean(1/f)), floored at 0.
- **Accuracy against the naive forecast.** The same backtest days are also
  forecast "same day last week" (the most recent same weekday known at the
  forecast's origin); MAPE and WAPE are reported per day and per interval.
  Interval MAPE leaves out intervals with no contacts (a percentage of zero is
  undefined); WAPE = sum |error| / sum actual has no such gap.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from .history import IntervalHistory

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MIN_TREND_DAYS = 21
MIN_TRAIN_DAYS = 14


class ForecastError(ValueError):
    """The history cannot support a forecast for the target date (too short, weekday never seen)."""


@dataclass
class DailyModel:
    """A fitted Poisson log-linear model of day volumes."""

    last: dt.date  # time 0 of the trend
    weekdays: list[int]  # weekdays with a coefficient (the first is the reference)
    coef: np.ndarray  # intercept, [trend per week], weekday effects (reference left out)
    has_trend: bool

    def design(self, dates: list[dt.date]) -> np.ndarray:
        cols = [np.ones(len(dates))]
        if self.has_trend:
            cols.append(np.array([(d - self.last).days / 7.0 for d in dates]))
        for w in self.weekdays[1:]:
            cols.append(np.array([1.0 if d.weekday() == w else 0.0 for d in dates]))
        return np.column_stack(cols)

    def predict(self, dates: list[dt.date]) -> np.ndarray:
        unknown = sorted({d.weekday() for d in dates} - set(self.weekdays))
        if unknown:
            raise ForecastError(f"no history for {', '.join(WEEKDAYS[w] + 's' for w in unknown)}")
        return np.exp(self.design(dates) @ self.coef)

    @property
    def trend_per_week(self) -> float:
        """Relative change per week (0.01 = +1 %/week); 0 without a trend term."""
        return math.expm1(self.coef[1]) if self.has_trend else 0.0

    def weekday_factors(self) -> dict[str, float]:
        """Each weekday's volume relative to the average weekday (geometric)."""
        offset = 2 if self.has_trend else 1
        effects = np.concatenate(([0.0], self.coef[offset:]))
        effects = effects - effects.mean()
        return {WEEKDAYS[w]: float(math.exp(e)) for w, e in zip(self.weekdays, effects, strict=True)}


def fit_daily(dates: list[dt.date], volumes: np.ndarray, trend: bool | None = None) -> DailyModel:
    """Poisson GLM (log link) of day volumes on weekday and, with >= 3 weeks, a linear trend."""
    if trend is None:
        trend = (dates[-1] - dates[0]).days + 1 >= MIN_TREND_DAYS
    counts = {}
    for d in dates:
        counts[d.weekday()] = counts.get(d.weekday(), 0) + 1
    weekdays = sorted(counts, key=lambda w: (-counts[w], w))
    model = DailyModel(dates[-1], weekdays, np.zeros(0), bool(trend))
    x = model.design(dates)
    y = np.asarray(volumes, dtype=float)
    beta = np.linalg.lstsq(x, np.log(y + 0.5), rcond=None)[0]
    for _ in range(100):
        eta = np.clip(x @ beta, -50, 50)
        mu = np.exp(eta)
        z = eta + (y - mu) / mu
        sw = np.sqrt(mu)
        new = np.linalg.lstsq(x * sw[:, None], z * sw, rcond=None)[0]
        if np.max(np.abs(new - beta)) < 1e-10:
            beta = new
            break
        beta = new
    model.coef = beta
    return model


def day_profile(history: IntervalHistory, k: int, day_index: list[int], weekday: int,
                profile_weeks: int) -> np.ndarray:
    """Shares per interval (sum 1) of type *k* on *weekday*, pooled over its last *profile_weeks* days.

    Falls back to all days of *day_index* if the weekday has no contacts there.
    """
    same = [i for i in day_index if history.dates[i].weekday() == weekday][-profile_weeks:]
    for days in (same, day_index[-7 * profile_weeks:]):
        totals = history.offered[k, days, :].sum(axis=0) if days else np.zeros(history.n_intervals)
        if totals.sum() > 0:
            return totals / totals.sum()
    return np.full(history.n_intervals, 1.0 / history.n_intervals)


@dataclass
class Accuracy:
    """MAPE and WAPE (fractions) of a set of backtest forecasts."""

    day_mape: float
    day_wape: float
    interval_mape: float
    interval_wape: float

    @staticmethod
    def of(actual: np.ndarray, forecast: np.ndarray) -> Accuracy:
        """*actual* and *forecast* are [day, interval]."""
        ad, fd = actual.sum(axis=1), forecast.sum(axis=1)
        pos = actual > 0
        return Accuracy(
            day_mape=float(np.mean(np.abs(fd - ad)[ad > 0] / ad[ad > 0])) if (ad > 0).any() else math.nan,
            day_wape=float(np.abs(fd - ad).sum() / ad.sum()) if ad.sum() else math.nan,
            interval_mape=float(np.mean(np.abs(forecast - actual)[pos] / actual[pos])) if pos.any() else math.nan,
            interval_wape=float(np.abs(forecast - actual).sum() / actual.sum()) if actual.sum() else math.nan,
        )


@dataclass
class Backtest:
    days: list[dt.date]
    lead_days: int
    ours: Accuracy
    naive: Accuracy
    rms_relative_error: float  # sqrt(mean(e^2)) of the day volumes
    mean_poisson_share: float  # mean(1/f): the part of mean(e^2) that is Poisson noise
    bias: float  # mean(e): > 0 means the forecast was too low
    actual_day: np.ndarray | None = None  # contacts of each backtest day
    forecast_day: np.ndarray | None = None  # the model's forecast of each


@dataclass
class VolumeForecast:
    """The forecast of one contact type for the target date."""

    contact_type: str
    target: dt.date
    volume: float  # expected contacts over the day
    profile: np.ndarray  # shares per interval, sum 1
    forecast_error: float  # CV of the day's volume multiplier (the scenario's forecast_error)
    trend_per_week: float
    weekday_factors: dict[str, float]
    lead_days: int
    history_days: int
    backtest: Backtest | None
    profile_days: int = 0  # same-weekday days pooled for the profile
    notes: list[str] = field(default_factory=list)

    @property
    def per_interval(self) -> np.ndarray:
        return self.volume * self.profile

    def range95(self) -> tuple[float, float]:
        """Approximate 95 % range of the day's actual contacts (forecast error and Poisson noise)."""
        sd = self.volume * math.sqrt(self.forecast_error**2 + 1.0 / max(self.volume, 1e-9))
        return max(0.0, self.volume - 1.96 * sd), self.volume + 1.96 * sd


def _backtest(history: IntervalHistory, k: int, lead: int, weeks: int, profile_weeks: int) -> Backtest | None:
    dates = history.dates
    index = {d: i for i, d in enumerate(dates)}
    daily = history.daily()[k]
    first_test = dates[-1] - dt.timedelta(days=7 * weeks - 1)
    back = 7 * math.ceil(lead / 7)  # the naive forecast: the latest same weekday known at the origin
    rows, rel, inv = [], [], []
    tested = []
    for i, d in enumerate(dates):
        if d < first_test:
            continue
        origin = d - dt.timedelta(days=lead)
        train = [j for j in range(i) if dates[j] <= origin]
        ref = index.get(d - dt.timedelta(days=back))
        if ref is None or len(train) < MIN_TRAIN_DAYS or d.weekday() not in {dates[j].weekday() for j in train}:
            continue
        model = fit_daily([dates[j] for j in train], daily[train])
        f = float(model.predict([d])[0])
        shares = day_profile(history, k, train, d.weekday(), profile_weeks)
        rows.append((history.offered[k, i], f * shares, history.offered[k, ref]))
        if f > 0:
            rel.append(daily[i] / f - 1.0)
            inv.append(1.0 / f)
        tested.append(d)
    if len(tested) < 3:
        return None
    actual, ours, naive = (np.array(col) for col in zip(*rows, strict=True))
    e2 = float(np.mean(np.square(rel)))
    return Backtest(tested, lead, Accuracy.of(actual, ours), Accuracy.of(actual, naive),
                    math.sqrt(e2), float(np.mean(inv)), float(np.mean(rel)),
                    actual_day=actual.sum(axis=1), forecast_day=ours.sum(axis=1))


def forecast_type(history: IntervalHistory, k: int, target: dt.date, backtest_weeks: int = 3,
                  profile_weeks: int = 8) -> VolumeForecast:
    """Forecast contact type index *k* of *history* for *target* (a date after the history)."""
    dates = history.dates
    lead = (target - dates[-1]).days
    if lead < 1:
        raise ForecastError(f"the target date {target} must come after the history's last date {dates[-1]}")
    if (dates[-1] - dates[0]).days + 1 < MIN_TRAIN_DAYS:
        raise ForecastError(f"the history covers {(dates[-1] - dates[0]).days + 1} days; at least "
                            f"{MIN_TRAIN_DAYS} (two weeks) are needed to see weekday effects")
    if target.weekday() not in {d.weekday() for d in dates}:
        raise ForecastError(f"the history has no {WEEKDAYS[target.weekday()]}s to forecast {target} from")
    daily = history.daily()[k]
    model = fit_daily(dates, daily)
    volume = float(model.predict([target])[0])
    shares = day_profile(history, k, list(range(len(dates))), target.weekday(), profile_weeks)
    notes = []
    if not model.has_trend:
        notes.append(f"history shorter than {MIN_TREND_DAYS} days: no trend term")
    if lead > 28:
        notes.append(f"the target is {lead} days after the history: the trend is extrapolated far")
    bt = _backtest(history, k, lead, backtest_weeks, profile_weeks)
    if bt is not None:
        cv2 = bt.rms_relative_error**2 - bt.mean_poisson_share
        error = math.sqrt(max(0.0, cv2))
        if cv2 <= 0:
            notes.append("the backtest errors are no larger than Poisson noise: forecast_error 0")
    else:
        # In-sample fallback: the same decomposition on the fitted days (optimistic).
        fitted = model.predict(dates)
        ok = fitted > 0
        e = daily[ok] / fitted[ok] - 1.0
        error = math.sqrt(max(0.0, float(np.mean(e**2) - np.mean(1.0 / fitted[ok]))))
        notes.append("history too short for an out-of-sample backtest: forecast_error from the in-sample "
                     "residuals (optimistic)")
    return VolumeForecast(
        contact_type=history.types[k], target=target, volume=volume, profile=shares, forecast_error=error,
        trend_per_week=model.trend_per_week, weekday_factors=model.weekday_factors(), lead_days=lead,
        history_days=len(dates), backtest=bt, notes=notes,
        profile_days=len([d for d in dates if d.weekday() == target.weekday()][-profile_weeks:]),
    )
