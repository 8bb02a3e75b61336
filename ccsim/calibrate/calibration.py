"""From history to scenario: forecast, fit behaviour, estimate patience, staff, and write it all down.

``calibrate(history, target, details=None, ...)`` is pure: it takes what the
readers produced and returns a ``Calibration`` holding every estimate, the
scenario text (validated by the scenario loader before it is returned, so it
runs as is) and what the report needs. Reading files and writing them is the
caller's job.
"""

from __future__ import annotations

import datetime as dt
import math

from .. import erlang
from .behaviour import DurationEstimate, from_detail, from_intervals
from .details import CallDetails
from .forecast import VolumeForecast, forecast_type
from .history import IntervalHistory
from .model import Calibration, TypeCalibration
from .patience import estimate_from_details, estimate_from_intervals
from .writer import scenario_text


def _history_kpis(h: IntervalHistory, k: int) -> dict:
    offered, answered, abandoned = (float(a[k].sum()) for a in (h.offered, h.answered, h.abandoned))
    out = {
        "days": len(h.dates),
        "offered_per_day": offered / len(h.dates),
        "abandon_rate": abandoned / offered if offered else None,
        "aht_s": float(h.handle_sum[k].sum() / answered) if answered else None,
        "service_level": None, "asa_s": None,
    }
    if h.within is not None and answered + abandoned:
        out["service_level"] = float(h.within[k].sum() / (answered + abandoned))
    if h.wait_answered_sum is not None and answered:
        out["asa_s"] = float(h.wait_answered_sum[k].sum() / answered)
    return out


def _staffing(fc: VolumeForecast, interval_s: float, busy_s: float, patience_mean: float | None,
              sl_target: float, threshold_s: float) -> tuple[list[int], str]:
    """Smallest headcount per interval meeting the target: Erlang A with patience, else Erlang C."""
    staffing = []
    for volume in fc.per_interval:
        rate = volume / interval_s
        if rate <= 0:
            staffing.append(0)
            continue
        try:
            if patience_mean:
                c = erlang.erlang_a_agents(rate, busy_s, patience_mean, sl_target, threshold_s)
            else:
                c = erlang.erlang_c_agents(rate, busy_s, sl_target, threshold_s)
        except ValueError:
            c = math.ceil(rate * busy_s) + 1
        staffing.append(max(1, int(c)))
    method = ("Erlang A (ccsim.erlang.erlang_a_agents; patience taken as exponential with the fitted mean)"
              if patience_mean else "Erlang C (ccsim.erlang.erlang_c_agents)")
    return staffing, method


def calibrate(history: IntervalHistory, target: dt.date, details: CallDetails | None = None, *,
              backtest_weeks: int = 3, profile_weeks: int = 8, sl_target: float = 0.8,
              threshold_s: float = 20.0, seed: int = 1, replications: int = 30,
              name: str | None = None) -> Calibration:
    """Calibrate a one-day scenario for *target* from an interval history (and optional call detail).

    backtest_weeks: the last weeks forecast out of sample to measure the forecast's error.
    profile_weeks: same-weekday days pooled for the intraday profile.
    sl_target, threshold_s: the service-level target written into the scenario and used for staffing.
    Raises ``ForecastError`` when the history cannot support a forecast for *target*.
    """
    cal = Calibration(target, history, details, [], sl_target, threshold_s, seed, replications,
                      name or f"Calibrated for {target.isoformat()}")
    if details is not None:
        extra = sorted(set(details.types) - set(history.types))
        if extra:
            # Counted, not named: a column swapped into contact_type puts customer ids here.
            cal.notes.append(f"{len(extra)} call detail type{'s' if len(extra) != 1 else ''} not in the interval "
                             "history, ignored (not named here: is the call detail's contact_type column the "
                             "history's contact types?)")
    for k, ctype in enumerate(history.types):
        fc = forecast_type(history, k, target, backtest_weeks=backtest_weeks, profile_weeks=profile_weeks)
        notes = []
        detail = details.types.get(ctype) if details is not None else None
        if detail is not None and detail.handle_s.size >= 2:
            handle = from_detail(detail.handle_s)
            interval_aht = history.handle_sum[k].sum() / max(history.answered[k].sum(), 1)
            if interval_aht > 0 and abs(handle.mean / interval_aht - 1) > 0.05:
                notes.append(f"the call detail's mean handle time ({handle.mean:.1f} s) differs by more than 5 % "
                             f"from the interval history's AHT ({interval_aht:.1f} s)")
        else:
            handle = from_intervals(history.handle_sum[k], history.answered[k])
            if details is not None:
                notes.append("no call detail for this type: handle time from interval averages")
        if handle.spec is None:
            handle.spec = {"dist": "constant", "value": 0.0}
            notes.append("no answered contacts in the history: handle time 0 s")
        if detail is not None and detail.acw_s is not None and detail.acw_s.size >= 2 and detail.acw_s.max() > 0:
            acw = from_detail(detail.acw_s)
        elif (detail is None or detail.acw_s is None) and history.acw_sum is not None \
                and history.acw_sum[k].sum() > 0:
            acw = from_intervals(history.acw_sum[k], history.answered[k])
        else:
            acw = DurationEstimate(None, "none", 0.0, None, 0,
                                   notes=["no after-call work in the data: none written"])
        if detail is not None:
            patience = estimate_from_details(detail.wait_s, detail.abandoned)
        else:
            wait_ab = None if history.wait_abandoned_sum is None else float(history.wait_abandoned_sum[k].sum())
            wait_ans = None if history.wait_answered_sum is None else float(history.wait_answered_sum[k].sum())
            patience = estimate_from_intervals(float(history.answered[k].sum()), float(history.abandoned[k].sum()),
                                               wait_ans, wait_ab)
        busy = handle.mean + (acw.mean if acw.spec is not None else 0.0)
        patience_mean = patience.chosen.mean if patience.chosen is not None else None
        staffing, method = _staffing(fc, history.interval_s, max(busy, 1e-6), patience_mean, sl_target,
                                     threshold_s)
        cal.types.append(TypeCalibration(ctype, fc, handle, acw, patience, staffing, method,
                                         _history_kpis(history, k), notes))
    cal.scenario_text = scenario_text(cal)
    return cal


__all__ = ["Calibration", "TypeCalibration", "calibrate"]
