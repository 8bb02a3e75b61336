"""Synthetic ACD history made by ccsim itself from a known scenario (for tests and the bundled example).

Each date is one simulated day: the scenario's arrivals are scaled by a factor
for the weekday and a steady weekly trend, and the day is simulated with its
own seed (derived from the root seed and the date). The per-contact records
then become an interval report and a call-detail export in the documented
CSV formats, so a round trip (history -> ``calibrate`` -> scenario) can be
checked against the truth.

``personal=True`` adds the columns a real export carries — a caller number in
the UK's range reserved for drama (+44 7700 900xxx, never a real line) and a
customer id — so that tests can check that none of their values reaches any
output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass

import numpy as np

from ..engine.records import ABANDONED, ANSWERED
from ..experiment import simulate
from ..scenario import Scenario, from_dict


@dataclass
class SyntheticHistory:
    interval_rows: list[dict]
    detail_rows: list[dict]
    expected: dict[tuple[dt.date, str], float]  # expected contacts (before the forecast-error draw)


def day_seed(seed: int, date: dt.date) -> int:
    """The seed of one simulated date, stable across runs and machines."""
    return int(np.random.SeedSequence([seed, date.toordinal()]).generate_state(1)[0])


def _scaled(scenario: Scenario, factor: float, staffing: bool) -> Scenario:
    """The scenario with arrivals (and, if *staffing*, headcounts, rounded up) times *factor*."""
    data = scenario.raw_data()
    if staffing:
        for name, spec in data["agent_groups"].items():
            heads = scenario.agent_groups[name].staffing
            spec["staffing"] = ([math.ceil(c * factor) for c in heads] if isinstance(heads, tuple)
                                else math.ceil(heads * factor))
    for name, spec in data["contact_types"].items():
        arrivals = spec["arrivals"]
        if "per_interval" in arrivals:
            arrivals["per_interval"] = [v * factor for v in arrivals["per_interval"]]
        elif "volume" in arrivals:
            arrivals["volume"] = arrivals["volume"] * factor
        else:  # a rate may carry a unit ('300/h'): scale the parsed value (contacts per second)
            arrivals["rate"] = scenario.contact_types[name].arrivals.rate * factor
    return from_dict(data, source=scenario._source)


def _expected_volume(scenario: Scenario, name: str) -> float:
    a = scenario.contact_types[name].arrivals
    if a.per_interval is not None:
        return float(sum(a.per_interval))
    if a.volume is not None:
        return float(a.volume)
    return float(a.rate * scenario.horizon.length_s)


def synthesize(scenario: Scenario, start: dt.date, days: int, seed: int,
               weekday_factors=(1.0,) * 7, trend_per_week: float = 0.0, closed_weekdays=(),
               details_from: dt.date | None = None, personal: bool = False,
               scale_staffing: bool = True) -> SyntheticHistory:
    """Simulate *days* dates from *start*; return interval rows, detail rows and the expected volumes.

    weekday_factors: 7 multipliers, Monday first, on the scenario's arrivals.
    trend_per_week: relative growth per week (0.01 = +1 %/week), from *start*.
    details_from: call-detail rows only from this date on (default: every date).
    scale_staffing: scale the agent groups' staffing with the arrivals (as a planner would).
    """
    interval_s = scenario.horizon.interval
    clock0 = scenario.horizon.start
    names = list(scenario.contact_types)
    thresholds = [scenario.contact_types[n].service_level.threshold for n in names]
    rng = np.random.default_rng(seed)
    interval_rows, detail_rows, expected = [], [], {}
    for offset in range(days):
        date = start + dt.timedelta(days=offset)
        if date.weekday() in closed_weekdays:
            continue
        factor = weekday_factors[date.weekday()] * (1.0 + trend_per_week) ** (offset / 7.0)
        day = _scaled(scenario, factor, scale_staffing)
        for name in names:
            expected[(date, name)] = _expected_volume(day, name)
        rec = simulate(day, replications=1, seed=day_seed(seed, date), keep_records=True).records[0]
        wait = rec.wait
        slot = np.minimum((rec.arrival // interval_s).astype(int), scenario.n_intervals - 1)
        midnight = dt.datetime.combine(date, dt.time())
        for i in range(scenario.n_intervals):
            for k, name in enumerate(names):
                sel = (slot == i) & (rec.ctype == k)
                ans = sel & (rec.outcome == ANSWERED)
                ab = sel & (rec.outcome == ABANDONED)
                n_ans, n_ab = int(ans.sum()), int(ab.sum())
                interval_rows.append({
                    "date": date.isoformat(),
                    "interval_start": _clock(clock0 + i * interval_s),
                    "contact_type": name,
                    "offered": int(sel.sum()), "answered": n_ans, "abandoned": n_ab,
                    "aht_s": f"{rec.handle[ans].mean():.1f}" if n_ans else "",
                    "answered_within_threshold": int((wait[ans] <= thresholds[k]).sum()),
                    "acw_s": f"{rec.acw[ans].mean():.1f}" if n_ans else "",
                    "asa_s": f"{wait[ans].mean():.1f}" if n_ans else "",
                    "avg_abandon_s": f"{wait[ab].mean():.1f}" if n_ab else "",
                })
        if details_from is not None and date < details_from:
            continue
        for j in range(len(rec)):
            arrival = midnight + dt.timedelta(seconds=clock0 + float(rec.arrival[j]))
            outcome = int(rec.outcome[j])
            row = {}
            if personal:
                row["caller_number"] = f"+44 7700 900{int(rng.integers(0, 1000)):03d}"
                row["customer_id"] = f"CUST-{int(rng.integers(0, 10**6)):06d}"
            row.update({
                "contact_type": names[int(rec.ctype[j])],
                "arrival_time": _stamp(arrival),
                "answer_time": _stamp(arrival + dt.timedelta(seconds=float(wait[j]))) if outcome == ANSWERED else "",
                "abandon_time": _stamp(arrival + dt.timedelta(seconds=float(wait[j]))) if outcome == ABANDONED else "",
                "handle_s": f"{rec.handle[j]:.1f}" if outcome == ANSWERED else "",
                "acw_s": f"{rec.acw[j]:.1f}" if outcome == ANSWERED else "",
            })
            detail_rows.append(row)
    return SyntheticHistory(interval_rows, detail_rows, expected)


def _clock(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="milliseconds")


def rows_to_csv(rows: list[dict]) -> str:
    """Rows (dicts with the same keys) as CSV text with a header."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()
