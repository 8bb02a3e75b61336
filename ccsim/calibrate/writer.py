"""Write the calibrated scenario as YAML, with a comment above each number saying where it came from.

The text is checked with the scenario loader before it is returned: a
calibrated scenario always runs as is. Comments carry aggregates only (counts,
means, dates of the history) — never a value of a call-detail row.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .._version import __version__
from ..scenario import loads
from ..units import format_clock, format_duration
from .forecast import WEEKDAYS
from .model import Calibration, TypeCalibration

_TIME_KEYS = ("mean", "value", "low", "mode", "high")


def _seconds(value: float) -> str:
    return f"{value:.1f}s"


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{100 * value:.{digits}f} %"


def distribution_yaml(spec: dict) -> str:
    """A scenario distribution (seconds) as a YAML flow mapping, times with their unit."""
    parts = [f"dist: {spec['dist']}"]
    for key, value in spec.items():
        if key == "dist":
            continue
        if key in _TIME_KEYS:
            parts.append(f"{key}: {_seconds(value)}")
        elif key == "k":
            parts.append(f"k: {int(value)}")
        else:
            parts.append(f"{key}: {value:.3f}")
    return "{" + ", ".join(parts) + "}"


def _wrapped_list(values: list[str], indent: int, width: int = 100) -> str:
    """A YAML flow sequence broken over lines of at most *width* characters."""
    lines, line = [], "["
    for i, v in enumerate(values):
        piece = v + (", " if i < len(values) - 1 else "]")
        room = width - (indent if not lines else 0)  # continuation lines carry their indent already
        if len(line) + len(piece) > room and line.strip() != "[":
            lines.append(line.rstrip())
            line = " " * (indent + 1)
        line += piece
    lines.append(line)
    return "\n".join(lines)


def _ci(ci) -> str:
    return "" if ci is None else f" (95 % CI {ci[0]:.1f}-{ci[1]:.1f} s)"


def _duration_comment(what: str, est, pad: str) -> list[str]:
    if est.source == "call detail":
        fits = est.fits
        ranked = ", ".join(f"{f.dist} {f.aic - fits.best.aic:+.0f}" for f in fits.candidates[1:4])
        lines = [
            f"{what}: {est.spec['dist']}, the best by likelihood (AIC) of {len(fits.candidates)} distributions "
            f"fitted to {fits.n:,} answered contacts in the call detail;",
            f"mean {est.mean:.1f} s{_ci(est.mean_ci95)}, sample CV {fits.sample_cv:.2f}, "
            f"KS distance {fits.best.ks:.3f}. Next by AIC: {ranked or 'none'}.",
        ]
    else:
        lines = [
            f"{what}: answered-weighted mean of the interval history's averages, {est.mean:.1f} s"
            f"{_ci(est.mean_ci95)} over {est.n:,} contacts;",
            *est.notes,
        ]
    return [f"{pad}# {line}" for line in lines]


def _arrivals(tc: TypeCalibration, cal: Calibration, pad: str) -> list[str]:
    fc = tc.forecast
    factors = fc.weekday_factors
    day = WEEKDAYS[cal.target.weekday()]
    out = [
        f"{pad}arrivals:",
        f"{pad}  # Day volume: Poisson regression (log link) of the {fc.history_days} daily totals on weekday"
        + (" and a weekly trend" if fc.trend_per_week else ""),
        f"{pad}  # ({fc.trend_per_week * 100:+.2f} %/week; {day}s {factors.get(day, math.nan):.3f} x the average "
        f"weekday), {fc.lead_days} day(s) after the history's last day.",
        f"{pad}  # History: {tc.history['offered_per_day']:.1f} offered per day on average.",
        f"{pad}  volume: {fc.volume:.1f}",
        f"{pad}  # Intraday profile: % of the day's contacts per interval, pooled over the same weekday "
        f"({fc.profile_days} {day}s).",
        f"{pad}  profile: " + _wrapped_list([f"{100 * s:.3f}" for s in fc.profile], len(pad) + 11),
    ]
    bt = fc.backtest
    if bt is not None:
        out += [
            f"{pad}  # Forecast error (CV of the day's volume): out of sample on the last {len(bt.days)} days "
            f"at the same {bt.lead_days}-day lead;",
            f"{pad}  # relative errors' RMS {_pct(bt.rms_relative_error)}, of which Poisson noise "
            f"{_pct(math.sqrt(bt.mean_poisson_share))} (the simulator adds that itself).",
            f"{pad}  # Backtest WAPE per day {_pct(bt.ours.day_wape)} (same day last week: {_pct(bt.naive.day_wape)}), "
            f"per interval {_pct(bt.ours.interval_wape)} ({_pct(bt.naive.interval_wape)}).",
        ]
    else:
        out.append(f"{pad}  # Forecast error: in-sample residuals (history too short for a backtest).")
    out.append(f"{pad}  forecast_error: {fc.forecast_error:.3f}")
    return out


def _patience(tc: TypeCalibration, pad: str) -> list[str]:
    p = tc.patience
    if p.chosen is None:
        return [f"{pad}# Patience: not written, callers never abandon — {'; '.join(p.notes)}"]
    fit = p.chosen
    if p.method == "censored-mle":
        lines = [
            f"Patience: {fit.dist} by censored maximum likelihood (best AIC of {len(p.candidates)}): "
            f"{p.abandoned:,} abandons observed,",
            f"{p.contacts - p.abandoned:,} answered callers counted as 'patience longer than their wait'; "
            f"mean {fit.mean:.1f} s{_ci(fit.mean_ci95)}.",
            f"The naive mean of abandon times, {p.naive_mean:.1f} s, ignores the answered callers and is biased low.",
        ]
    else:
        lines = [f"Patience: {note}" for note in p.notes]
        lines.append(f"mean {fit.mean:.1f} s{_ci(fit.mean_ci95)} from {p.abandoned:,} abandons.")
    return [f"{pad}# {line}" for line in lines] + [f"{pad}patience: {distribution_yaml(fit.spec)}"]


def scenario_text(cal: Calibration) -> str:
    """The calibrated scenario as YAML text with provenance comments; validated before it is returned."""
    h = cal.history
    d = cal.details
    day = WEEKDAYS[cal.target.weekday()]
    header = [
        f"# Calibrated by `ccsim calibrate` (ccsim {__version__}) for {day} {cal.target.isoformat()}",
        f"# from the interval history {Path(h.source).name}: {len(h.dates)} days, {h.dates[0]} to {h.dates[-1]}, "
        f"{len(h.types)} contact type(s),",
        f"# {format_duration(h.interval_s)} intervals, {h.rows:,} rows"
        + (
            f"; and the call detail {Path(d.source).name}: {d.rows:,} contacts, {d.first.date()} to {d.last.date()}."
            if d is not None
            else "; no call detail."
        ),
        "# A simulated day is the target date; replications are versions of it (forecast error included).",
        "# The calibration report gives every fit and the backtest in full.",
    ]
    lines = header + [
        f"name: {json.dumps(cal.name)}",
        f"description: {json.dumps(f'Forecast and behaviour calibrated from history for {cal.target.isoformat()}')}",
        "# Horizon: the first and last intervals of the history.",
        f'horizon: {{start: "{format_clock(h.start_s)}", end: "{format_clock(h.end_s)}", '
        f"interval: {format_duration(h.interval_s)}}}",
        f"seed: {cal.seed}",
        f"replications: {cal.replications}",
        "",
        "contact_types:",
    ]
    pad = "    "
    for tc in cal.types:
        lines.append(f"  {tc.name}:")
        lines += _arrivals(tc, cal, pad)
        lines += _duration_comment("Handle time (talk + hold)", tc.handle, pad)
        lines.append(f"{pad}handle_time: {distribution_yaml(tc.handle.spec)}")
        if tc.acw.spec is not None:
            lines += _duration_comment("After-call work", tc.acw, pad)
            lines.append(f"{pad}after_call_work: {distribution_yaml(tc.acw.spec)}")
        lines += _patience(tc, pad)
        hist_sl = tc.history["service_level"]
        lines.append(
            f"{pad}# Service level: the target given to calibrate; the history reached "
            f"{_pct(hist_sl)}"
            + (
                " (answered_within_threshold / (answered + abandoned))."
                if hist_sl is not None
                else " (no answered_within_threshold column)."
            )
        )
        lines.append(
            f"{pad}service_level: {{target: {cal.sl_target:g}, threshold: {format_duration(cal.threshold_s)}}}"
        )
    lines += ["", "agent_groups:"]
    for tc in cal.types:
        lines += [
            f"  # Staffing is NOT from the history: the smallest headcount per interval meeting "
            f"{100 * cal.sl_target:g} % in {format_duration(cal.threshold_s)}",
            f"  # by {tc.staffing_method},",
            "  # for the forecast arrivals and the mean handle time + after-call work. Put the real roster here "
            "to test it.",
            f"  {tc.name}_agents:",
            f"    skills: [{tc.name}]",
            "    staffing: " + _wrapped_list([str(c) for c in tc.staffing], 14),
        ]
    text = "\n".join(lines) + "\n"
    loads(text, source="<calibrated scenario>")  # raises if anything written above is invalid
    return text
