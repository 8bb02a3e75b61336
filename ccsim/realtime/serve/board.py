"""The wallboard's figures: tiles per contact type and agent group, with red/amber/green.

Every figure is read from ``LiveState`` (``ccsim.realtime.live``), which keeps the
KPIs by the library's one definition of each (``ccsim.metrics``); this module only
picks them up, compares them with the thresholds and puts them in a JSON-ready dict.
No name or id of a person is in it: contact types and agent groups by name, counts
and durations only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...plan import DAY_S
from ...units import format_clock_exact

# KPI -> whether a higher value is better (the thresholds then read "below").
KPIS = {"queue": False, "longest_wait": False, "asa": False, "abandon_rate": False,
        "service_level": True, "staffed": True}


@dataclass(frozen=True)
class Threshold:
    """Amber and red levels of one KPI. For queue, longest wait, ASA and abandonment,
    amber from ``amber`` up, red from ``red`` up; for service level and staffed (agents
    present / scheduled), amber below ``amber``, red below ``red``. ``None``: the
    scenario-aware default (see ``default_levels``)."""

    amber: float | None = None
    red: float | None = None


DEFAULTS = {
    "queue": Threshold(5, 10),                 # callers waiting
    "longest_wait": Threshold(None, None),     # s: the type's SL threshold, and twice it
    "asa": Threshold(None, None),              # s: half the type's SL threshold, and the threshold
    "abandon_rate": Threshold(0.05, 0.10),     # share of offered
    "service_level": Threshold(None, None),    # the type's target, and 10 points below it
    "staffed": Threshold(0.95, 0.85),          # agents present / scheduled
}


def parse_threshold(text: str) -> tuple[str, Threshold]:
    """'queue=5,10' -> ('queue', Threshold(5, 10)); ValueError naming what was expected."""
    name, sep, levels = text.partition("=")
    name = name.strip()
    if not sep or name not in KPIS:
        raise ValueError(f"expected KPI=AMBER,RED with KPI one of {', '.join(KPIS)}, got {text!r}")
    parts = levels.split(",")
    try:
        amber, red = (float(p) for p in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        amber = red = math.nan
    if not (math.isfinite(amber) and math.isfinite(red)) or amber < 0 or red < 0:
        raise ValueError(f"{name}: expected two non-negative numbers AMBER,RED, got {levels!r}")
    if KPIS[name] and red > amber or not KPIS[name] and red < amber:
        order = "red <= amber" if KPIS[name] else "red >= amber"
        raise ValueError(f"{name}: expected {order} ({'higher' if KPIS[name] else 'lower'} is better), got {levels!r}")
    return name, Threshold(amber, red)


def thresholds(given: dict[str, Threshold] | None = None) -> dict[str, Threshold]:
    return DEFAULTS | (given or {})


def default_levels(name: str, th: Threshold, ct=None) -> tuple[float, float]:
    """The (amber, red) of KPI *name* for contact type plan *ct*, defaults filled in."""
    if th.amber is not None and th.red is not None:
        return th.amber, th.red
    if name == "longest_wait":
        return ct.sl_threshold, 2 * ct.sl_threshold
    if name == "asa":
        return ct.sl_threshold / 2, ct.sl_threshold
    if name == "service_level":
        return ct.sl_target, max(0.0, ct.sl_target - 0.10)
    raise ValueError(f"no default levels for {name}")


def status(name: str, value: float, levels: tuple[float, float]) -> str | None:
    """'green', 'amber' or 'red' (None when there is no value yet)."""
    if value is None or not math.isfinite(value):
        return None
    amber, red = levels
    if KPIS[name]:
        return "red" if value < red else "amber" if value < amber else "green"
    return "red" if value >= red else "amber" if value >= amber else "green"


def _num(v: float) -> float | None:
    return float(v) if v is not None and math.isfinite(v) else None


class Board:
    """Builds the wallboard's JSON from a ``LiveState`` of a plan, and keeps the
    contacts offered per interval of the live run (``count``, an event sink).

    A run of several days (a multi-day scenario) is shown a day at a time: the clock, the
    interval and the actual series are those of the day the live run is in; *first_day*
    is the scenario's day the run starts on (the snapshot's ``day``; None: one day).
    """

    def __init__(self, plan, forecast: list[list[float]], levels: dict[str, Threshold] | None = None,
                 first_day: int | None = None):
        self.plan = plan
        self.levels = thresholds(levels)
        self.forecast = forecast  # per contact type, expected contacts per interval of the plan
        self.first_day = first_day
        n, days = plan.n_intervals, plan.days
        # Per day of the run, contact type and interval: contacts offered so far, and the
        # service level's counts of finished contacts (LiveState's, by its one definition),
        # binned by the contact's arrival interval as the KPI bins them.
        self.actual = [[[0] * n for _ in plan.contact_types] for _ in range(days)]
        self.sl_base = [[[0] * n for _ in plan.contact_types] for _ in range(days)]
        self.sl_in_time = [[[0] * n for _ in plan.contact_types] for _ in range(days)]
        self._seen = [(0, 0) for _ in plan.contact_types]

    def day_interval(self, t: float) -> tuple[int, int, float]:
        """(day of the run, interval of that day, s into the day) of time *t*, clamped to
        the run's days and the day's intervals."""
        plan = self.plan
        day = min(max(int(t // DAY_S), 0), plan.days - 1)
        in_day = t - day * DAY_S
        return day, min(max(int(in_day // plan.interval_s), 0), plan.n_intervals - 1), in_day

    def count(self, kind: str, t: float, c: int, k: int, g: int, a: int) -> None:
        if kind == "arrival" and k >= 0:
            day = int(t // DAY_S)
            i = int((t - day * DAY_S) // self.plan.interval_s)
            if 0 <= day < self.plan.days and 0 <= i < self.plan.n_intervals:
                self.actual[day][k][i] += 1

    def count_service(self, state, c: int, k: int) -> None:
        """After *state* (``LiveState``) took an event of contact *c* of type *k*: what it
        added to the service level's counts goes to c's arrival interval."""
        if k < 0:
            return
        base, on_time = state.sl_base[k], state.sl_in_time[k]
        seen_base, seen_on_time = self._seen[k]
        if base == seen_base and on_time == seen_on_time:
            return
        self._seen[k] = (base, on_time)
        table = state.table
        arrival = table.arrival[c] if table is not None and 0 <= c < len(table.arrival) else state.now
        day, i, _ = self.day_interval(arrival)
        self.sl_base[day][k][i] += base - seen_base
        self.sl_in_time[day][k][i] += on_time - seen_on_time

    def service_levels(self, day: int = 0) -> list[list[float | None]]:
        """Per contact type and interval of the run's *day*, the service level of the
        contacts finished so far (None while none is)."""
        return [[on_time / base if base else None for on_time, base in zip(row_t, row_b, strict=True)]
                for row_t, row_b in zip(self.sl_in_time[day], self.sl_base[day], strict=True)]

    def interval_starts(self) -> list[str]:
        p = self.plan
        return [format_clock_exact(p.clock_start + i * p.interval_s)[:5] for i in range(p.n_intervals)]

    def tiles(self, state, speed: float, running: bool) -> dict:
        plan = self.plan
        day, i, in_day = self.day_interval(state.now)
        types = []
        for ct in plan.contact_types:
            k = ct.index
            offered = state.offered[k]
            values = {"queue": state.queue_length(k), "longest_wait": state.longest_wait(k), "asa": state.asa(k),
                      "abandon_rate": state.abandoned[k] / offered if offered else math.nan,
                      "service_level": state.service_level(k)}
            tile = {"name": ct.name, "offered": offered, "answered": state.answered[k],
                    "abandoned": state.abandoned[k], "sl_target": ct.sl_target, "sl_threshold_s": ct.sl_threshold}
            for name, value in values.items():
                levels = default_levels(name, self.levels[name], ct)
                tile[name] = _num(value)
                tile[name + "_status"] = status(name, value, levels)
            types.append(tile)
        groups = []
        for gp in plan.agent_groups:
            gi = gp.index
            scheduled = float(gp.staffing[i]) if gp.staffing else 0.0
            present = state.present[gi]
            staffed = present / scheduled if scheduled > 0 else math.nan
            groups.append({"name": gp.name, "busy": state.busy[gi], "idle": max(0, present - state.busy[gi]),
                           "break": state.on_break[gi], "aux": state.on_aux[gi], "present": present,
                           "scheduled": round(scheduled, 1),
                           "staffed_status": status("staffed", staffed,
                                                    default_levels("staffed", self.levels["staffed"]))})
        return {"clock": format_clock_exact(plan.clock_start + in_day), "t": round(state.now, 1),
                "day": None if self.first_day is None and plan.days == 1 else (self.first_day or 1) + day,
                "speed": speed, "running": running, "interval": i,
                "contact_types": types, "agent_groups": groups,
                "actual": [list(row) for row in self.actual[day]],
                "actual_service_level": self.service_levels(day)}

    def levels_in_force(self) -> dict:
        """The amber and red levels each tile is coloured by, defaults filled in: per contact
        type and KPI, and for the groups' staffed share; ``better`` says which way is good."""
        def entry(name, levels):
            return {"amber": round(levels[0], 9), "red": round(levels[1], 9),
                    "better": "higher" if KPIS[name] else "lower"}

        types = {ct.name: {name: entry(name, default_levels(name, self.levels[name], ct))
                           for name in KPIS if name != "staffed"} for ct in self.plan.contact_types}
        return {"contact_types": types, "staffed": entry("staffed", default_levels("staffed", self.levels["staffed"]))}

    def static(self) -> dict:
        """What does not change during the run: names, interval starts, forecast, thresholds
        (as given: None for a scenario default) and the levels in force."""
        return {"name": self.plan.name, "intervals": self.interval_starts(),
                "contact_types": [ct.name for ct in self.plan.contact_types],
                "sl_targets": [ct.sl_target for ct in self.plan.contact_types],
                "agent_groups": [g.name for g in self.plan.agent_groups],
                "forecast": self.forecast,
                "thresholds": {name: {"amber": th.amber, "red": th.red} for name, th in self.levels.items()},
                "levels": self.levels_in_force()}
