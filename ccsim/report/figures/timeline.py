"""The time of day on the x axis, for horizons of one day or several (days side by side), and
a KPI's mean per interval with its P10–P90 band of days."""

from __future__ import annotations

import math

import numpy as np

from ...experiment.estimates import Estimates
from .style import BAND_ALPHA


class Timeline:
    """Where each interval goes on the x axis (hours), for horizons of one day or several.

    Several days are laid side by side, each one from the horizon's start to its
    end (the closed hours between them left out), and lines break between days.
    """

    def __init__(self, plan):
        self.n = plan.n_intervals
        self.days = getattr(plan, "days", 1)
        self.start_h = plan.clock_start / 3600.0
        self.span_h = plan.horizon_s / 3600.0
        self.step_h = plan.interval_s / 3600.0
        day, j = np.divmod(np.arange(self.n * self.days), self.n)
        self.mid = self.start_h + day * self.span_h + (j + 0.5) * self.step_h

    def split(self, values) -> np.ndarray:
        """One value per interval of every day, with a NaN between days (a line breaks there)."""
        v = np.asarray(values, dtype=float)[: self.n * self.days].reshape(self.days, self.n)
        return np.hstack([v, np.full((self.days, 1), np.nan)]).ravel()[:-1]

    def steps(self, values) -> tuple[np.ndarray, np.ndarray]:
        """Interval edges and values for ``ax.step(where='post')``, broken between days."""
        v = np.asarray(values, dtype=float)[: self.n * self.days].reshape(self.days, self.n)
        xs, ys = [], []
        for d in range(self.days):
            xs += [self.start_h + d * self.span_h + np.arange(self.n + 1) * self.step_h, [np.nan]]
            ys += [np.append(v[d], v[d][-1]), [np.nan]]
        return np.concatenate(xs[:-1]), np.concatenate(ys[:-1])


def time_axis(ax, est: Estimates) -> Timeline:
    """Put the time of day on the x axis (days side by side, separated); return the timeline."""
    t = Timeline(est.plan)
    end_h = t.start_h + t.span_h
    ax.set_xlim(t.start_h, t.start_h + t.days * t.span_h)
    step = next(s for s in (0.5, 1, 2, 3, 4, 6, 12, 24, 48) if t.span_h * t.days / s <= 13)
    clocks = np.arange(math.ceil(t.start_h / step - 1e-9) * step, end_h + 1e-9, step)
    ticks, labels = [], []
    for d in range(t.days):
        for c in clocks:
            # Before the next day's first tick, leave room for its label.
            if d == t.days - 1 or c < end_h - 0.75 * step:
                ticks.append(c + d * t.span_h)
                label = f"{int(round(c * 60)) // 60 % 24:02d}:{int(round(c * 60)) % 60:02d}"
                if t.days > 1 and c == clocks[0]:
                    label += f"\nday {d + 1}"
                labels.append(label)
    ax.set_xticks(ticks, labels)
    for d in range(1, t.days):
        ax.axvline(t.start_h + d * t.span_h, color="0.55", linewidth=0.9)
    return t


def time_label(t: Timeline) -> str:
    """The x-axis label of a timeline."""
    return "time of day (interval)" + (f", days 1–{t.days}" if t.days > 1 else "")


def band(ax, t: Timeline, mean, spread, colour, style, label, scale=1.0):
    x = t.split(t.mid)
    ax.plot(x, t.split(mean) * scale, style, color=colour, marker="o", markersize=2.5, linewidth=1.5, label=label)
    if spread is not None and spread.shape[0] == 3:
        ax.fill_between(x, t.split(spread[0]) * scale, t.split(spread[2]) * scale, color=colour,
                        alpha=BAND_ALPHA, linewidth=0)


