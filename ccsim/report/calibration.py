"""The calibration report: a JSON document and a text rendering of the same facts.

Aggregates only: counts, means, fitted parameters, accuracy figures, and the
names of the columns that were not read. No value of a call-detail row.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .._version import __version__
from ..calibrate.behaviour import DurationEstimate
from ..calibrate.fitting import Fit
from ..calibrate.forecast import WEEKDAYS, Accuracy
from ..calibrate.model import Calibration, TypeCalibration
from ..units import format_clock, format_duration
from .columns import fit_lines

KM_POINTS_S = (10, 30, 60, 120, 300)


def _num(value, digits: int = 6):
    """A JSON-safe number (None for nan/inf), rounded."""
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def _pair(ci):
    return None if ci is None else [_num(ci[0], 3), _num(ci[1], 3)]


def _spec(spec: dict | None) -> dict | None:
    if spec is None:
        return None
    return {k: (v if isinstance(v, str) else _num(v, 4)) for k, v in spec.items()}


def _accuracy(a: Accuracy) -> dict:
    return {"day_mape": _num(a.day_mape), "day_wape": _num(a.day_wape),
            "interval_mape": _num(a.interval_mape), "interval_wape": _num(a.interval_wape)}


def _fits(candidates: list[Fit]) -> list[dict]:
    best = candidates[0].aic if candidates else 0.0
    return [{"distribution": _spec(f.spec), "loglik": _num(f.loglik, 3), "aic": _num(f.aic, 3),
             "delta_aic": _num(f.aic - best, 3), "ks": _num(f.ks, 5), "mean_ci95": _pair(f.mean_ci95)}
            for f in candidates]


def _duration(est: DurationEstimate) -> dict:
    out = {"source": est.source, "distribution": _spec(est.spec), "mean_s": _num(est.mean, 3),
           "mean_ci95": _pair(est.mean_ci95), "contacts": est.n, "notes": est.notes}
    if est.fits is not None:
        out.update({"sample_mean_s": _num(est.fits.sample_mean, 3), "sample_cv": _num(est.fits.sample_cv, 4),
                    "fits": _fits(est.fits.candidates)})
    return out


def _type(tc: TypeCalibration) -> dict:
    fc = tc.forecast
    bt = fc.backtest
    p = tc.patience
    patience = {
        "method": p.method, "distribution": _spec(p.chosen.spec) if p.chosen else None,
        "mean_s": _num(p.chosen.mean, 3) if p.chosen else None,
        "mean_ci95": _pair(p.chosen.mean_ci95) if p.chosen else None,
        "contacts": p.contacts, "abandoned": p.abandoned, "censored_share": _num(p.censored_share),
        "naive_mean_abandon_time_s": _num(p.naive_mean, 3), "naive_ci95": _pair(p.naive_ci95),
        "fits": _fits(p.candidates) if p.method == "censored-mle" else [], "notes": p.notes,
        "kaplan_meier": None,
    }
    if p.kaplan_meier is not None:
        km = p.kaplan_meier
        patience["kaplan_meier"] = {
            "median_s": _num(km.median(), 3),
            "survival_at": {str(t): _num(km.at(t), 5) for t in KM_POINTS_S},
            "max_distance_to_fit": _num(p.km_distance, 5),
        }
    return {
        "history": {k: _num(v) if isinstance(v, float) else v for k, v in tc.history.items()},
        "forecast": {
            "volume": _num(fc.volume, 3), "range95": _pair(fc.range95()),
            "forecast_error": _num(fc.forecast_error, 5), "trend_per_week": _num(fc.trend_per_week),
            "weekday_factors": {k: _num(v, 5) for k, v in fc.weekday_factors.items()},
            "lead_days": fc.lead_days, "profile_days": fc.profile_days,
            "per_interval": [_num(v, 3) for v in fc.per_interval],
            "backtest": None if bt is None else {
                "days": len(bt.days), "first": bt.days[0].isoformat(), "last": bt.days[-1].isoformat(),
                "lead_days": bt.lead_days, "model": _accuracy(bt.ours), "naive_same_day_last_week": _accuracy(bt.naive),
                "rms_relative_error": _num(bt.rms_relative_error), "poisson_share": _num(bt.mean_poisson_share),
                "bias": _num(bt.bias),
            },
            "notes": fc.notes,
        },
        "handle_time": _duration(tc.handle),
        "after_call_work": _duration(tc.acw),
        "patience": patience,
        "staffing": {"method": tc.staffing_method, "agents": tc.staffing},
        "notes": tc.notes,
    }


def to_dict(cal: Calibration) -> dict:
    """The calibration report as plain JSON-ready data."""
    h, d = cal.history, cal.details
    return {
        "ccsim_version": __version__,
        "target_date": cal.target.isoformat(),
        "weekday": WEEKDAYS[cal.target.weekday()],
        "inputs": {
            "history": {
                "file": Path(h.source).name, "days": len(h.dates), "first_date": h.dates[0].isoformat(),
                "last_date": h.dates[-1].isoformat(), "rows": h.rows, "interval_s": h.interval_s,
                "start": format_clock(h.start_s), "end": format_clock(h.end_s), "contact_types": h.types,
                "cells_without_a_row": h.filled_zero, "columns_not_read": h.unread_columns,
            },
            "details": None if d is None else {
                "file": Path(d.source).name, "contacts": d.rows, "first": d.first.date().isoformat(),
                "last": d.last.date().isoformat(), "columns_not_read": d.unread_columns,
            },
        },
        "service_level": {"target": cal.sl_target, "threshold_s": cal.threshold_s},
        "contact_types": {tc.name: _type(tc) for tc in cal.types},
        "notes": cal.notes,
    }


def to_json(cal: Calibration) -> str:
    return json.dumps(to_dict(cal), indent=2, allow_nan=False) + "\n"


def _p(value, digits: int = 1) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{100 * value:.{digits}f}%"


def _s(value) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.1f} s"


def _ci(ci) -> str:
    return "" if ci is None else f" [{ci[0]:.1f}, {ci[1]:.1f}]"


def render_text(cal: Calibration, width: int | None = None) -> str:
    """The calibration report for a terminal or a text file.

    width: wrap lines longer than this many columns (a terminal's width); None (default, and
    for files): lines as they are."""
    h, d = cal.history, cal.details
    out = [
        f"Calibration for {WEEKDAYS[cal.target.weekday()]} {cal.target.isoformat()}",
        f"  history: {Path(h.source).name}, {len(h.dates)} days {h.dates[0]} to {h.dates[-1]}, {h.rows:,} rows, "
        f"{format_duration(h.interval_s)} intervals {format_clock(h.start_s)}-{format_clock(h.end_s)}",
    ]
    if d is not None:
        out.append(f"  call detail: {Path(d.source).name}, {d.rows:,} contacts {d.first.date()} to {d.last.date()}")
        if d.unread_columns:
            out.append(f"  not read (data minimisation): {', '.join(d.unread_columns)}")
    if h.unread_columns:
        out.append(f"  history columns not read: {', '.join(h.unread_columns)}")
    for tc in cal.types:
        fc, bt, p = tc.forecast, tc.forecast.backtest, tc.patience
        lo, hi = fc.range95()
        out += ["", f"{tc.name}",
                f"  volume      {fc.volume:,.1f} contacts (95% range of the day {lo:,.0f}-{hi:,.0f}); "
                f"trend {100 * fc.trend_per_week:+.2f}%/week; {fc.lead_days} day(s) ahead",
                f"  forecast_error {fc.forecast_error:.3f}"
                + ("" if bt is None else f" (backtest RMS {_p(bt.rms_relative_error)}, Poisson part "
                   f"{_p(math.sqrt(bt.mean_poisson_share))}, bias {_p(bt.bias)})")]
        if bt is not None:
            out += [f"  backtest    {len(bt.days)} days {bt.days[0]} to {bt.days[-1]}, lead {bt.lead_days} d",
                    "              day MAPE  day WAPE  interval MAPE  interval WAPE"]
            for label, a in (("model", bt.ours), ("naive", bt.naive)):
                out.append(f"    {label:<10}{_p(a.day_mape):>10}{_p(a.day_wape):>10}{_p(a.interval_mape):>15}"
                           f"{_p(a.interval_wape):>15}")
            out.append("    (naive = same day last week)")
        for label, est in (("handle", tc.handle), ("acw", tc.acw)):
            if est.spec is None:
                out.append(f"  {label:<11} none")
                continue
            out.append(f"  {label:<11} {_spec_text(est.spec)}  mean {_s(est.mean)}{_ci(est.mean_ci95)} "
                       f"from {est.source} ({est.n:,} contacts)")
            if est.fits is not None:
                best = est.fits.best.aic
                out.append("              " + "; ".join(f"{f.dist} ΔAIC {f.aic - best:.0f} KS {f.ks:.3f}"
                                                    for f in est.fits.candidates))
        if p.chosen is None:
            out.append("  patience    none — " + "; ".join(p.notes))
        else:
            out.append(f"  patience    {_spec_text(p.chosen.spec)}  mean {_s(p.chosen.mean)}{_ci(p.chosen.mean_ci95)} "
                       f"({p.method}; {p.abandoned:,} abandons, {_p(p.censored_share)} censored)")
            if p.method == "censored-mle":
                best = p.candidates[0].aic
                out.append("              " + "; ".join(
                    f"{f.dist} mean {f.mean:.1f} s ΔAIC {f.aic - best:.0f}" for f in p.candidates))
                km = p.kaplan_meier
                med = km.median()
                out.append(f"              Kaplan-Meier: median {'-' if med is None else f'{med:.0f} s'}, "
                           f"P(patience > 60 s) {km.at(60):.2f}; max distance to the fit {p.km_distance or 0:.3f}")
                out.append(f"              naive mean of abandon times {_s(p.naive_mean)}{_ci(p.naive_ci95)} "
                           "(biased low: answered callers left out)")
            else:
                for note in p.notes:
                    out.append(f"              {note}")
        out.append(f"  staffing    {tc.staffing_method}: {min(tc.staffing)}-{max(tc.staffing)} agents per interval")
        hk = tc.history
        out.append(f"  history     {hk['offered_per_day']:.1f} offered/day, abandon {_p(hk['abandon_rate'])}, "
                   f"SL {_p(hk['service_level'])}, ASA {_s(hk['asa_s'])}, AHT {_s(hk['aht_s'])}")
        for note in tc.forecast.notes + tc.notes:
            out.append(f"  note: {note}")
    for note in cal.notes:
        out.append(f"note: {note}")
    return "\n".join(fit_lines(out, width)) + "\n"


def _spec_text(spec: dict) -> str:
    parts = []
    for k, v in spec.items():
        if k == "dist":
            continue
        parts.append(f"{k} {v:.1f} s" if k in ("mean", "value", "low", "mode", "high") else f"{k} {v:.3g}")
    return f"{spec['dist']}(" + ", ".join(parts) + ")"
