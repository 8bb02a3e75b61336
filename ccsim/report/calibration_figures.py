"""Figures of a calibration, as SVG, drawn with the report layer's figure helpers.

Per contact type: the day volumes of the history with the backtest forecasts
and the target day's forecast and 95 % range; the intraday profile; and, with
call detail, the Kaplan–Meier patience curve against the fitted one.
matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..calibrate.model import Calibration, TypeCalibration
from ..calibrate.patience import fitted_survival
from .figures import COLOURS, new_figure, tidy, to_svg


def _days(dates: list[dt.date], first: dt.date) -> np.ndarray:
    return np.array([(d - first).days for d in dates], dtype=float)


def type_figure(cal: Calibration, tc: TypeCalibration):
    """One Figure for one contact type: volumes and backtest, profile, patience."""
    h = cal.history
    k = h.types.index(tc.name)
    fc = tc.forecast
    has_km = tc.patience.kaplan_meier is not None
    fig, axes = new_figure(nrows=3 if has_km else 2, height=3.0)
    first = h.dates[0]
    ax = axes[0]
    ax.plot(_days(h.dates, first), h.daily()[k], "o-", ms=3, lw=0.8, color=COLOURS[0], label="history")
    bt = fc.backtest
    if bt is not None and bt.forecast_day is not None:
        ax.plot(_days(bt.days, first), bt.forecast_day, "s", ms=4, mfc="none", color=COLOURS[1],
                label=f"backtest ({bt.lead_days}-day lead)")
    lo, hi = fc.range95()
    x = (cal.target - first).days
    ax.errorbar([x], [fc.volume], yerr=[[fc.volume - lo], [hi - fc.volume]], fmt="D", color=COLOURS[2],
                capsize=4, label="forecast (95 % range)")
    tidy(ax, f"{tc.name}: contacts per day", f"days since {first}", "contacts")
    ax = axes[1]
    labels = h.interval_labels()
    ax.bar(np.arange(len(labels)), 100 * fc.profile, color=COLOURS[0], label="profile")
    step = max(1, len(labels) // 12)
    ax.set_xticks(np.arange(0, len(labels), step), labels[::step])
    tidy(ax, f"{tc.name}: intraday profile of {cal.target:%A}s", "interval start", "% of the day")
    if has_km:
        ax = axes[2]
        km = tc.patience.kaplan_meier
        ax.step(km.times, km.survival, where="post", color=COLOURS[0], label="Kaplan–Meier")
        t = np.linspace(max(km.times[0], 0.5), km.times[-1], 200)
        for i, fit in enumerate(tc.patience.candidates):
            ax.plot(t, fitted_survival(fit.spec, t), STYLE[i % len(STYLE)], color=COLOURS[2 + i],
                    label=f"{fit.dist}, mean {fit.mean:.0f} s")
        tidy(ax, f"{tc.name}: patience, P(still waiting after t)", "wait t (s)", "survival")
    return fig


STYLE = ("-", "--", ":")


def figures_svg(cal: Calibration) -> dict[str, bytes]:
    """{file name: SVG bytes}, one figure per contact type."""
    return {f"calibration_{tc.name}.svg": to_svg(type_figure(cal, tc)) for tc in cal.types}
