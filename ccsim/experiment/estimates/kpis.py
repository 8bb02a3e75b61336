"""``Estimates``: every KPI of a scenario over replications, per contact type, agent group,
total and interval, as means with 95 % intervals; the JSON document of a run."""

from __future__ import annotations

import math

import numpy as np

from ..._version import __version__
from ...metrics import Results
from ...plan import Plan
from ...scenario import Scenario
from ...units import format_clock
from . import display, frames
from .estimate import number
from .reduce import add_ratios_of_sums, estimate_table, interval_stats

# The report layer draws figures of estimates; it imports this module, so it hands its
# figure maker over here (``use_plotter``) rather than being imported: data flows one way.
_plotter = None


def use_plotter(plotter) -> None:
    """Called once by ``ccsim.report.plot``: what ``Estimates.plot`` returns, given the estimates."""
    global _plotter
    _plotter = plotter


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
        self.contact_types = estimate_table([r.contact_types for r in results])
        self.agent_groups = estimate_table([r.agent_groups for r in results])
        self.total = estimate_table([{"total": r.total} for r in results])["total"]
        add_ratios_of_sums({**self.contact_types, "total": self.total}, results)
        self.intervals, self.interval_spread = interval_stats([r.intervals for r in results])
        self.group_intervals, self.group_interval_spread = interval_stats(
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
            columns = {kpi: [number(v) for v in values.tolist()] for kpi, values in kpis.items()}
            if with_spread:
                spreads = {kpi: [[number(v) for v in col] for col in q.T.tolist()]
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

    # ------------------------------------------------------------ tables for notebooks (frames.py)

    FRAME_KINDS = frames.FRAME_KINDS

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
        return frames.rows(self, kind, date)

    def to_frame(self, kind: str = "intervals", date=None):
        """A pandas DataFrame of ``rows(kind, date)``: contact types, groups, channels, agents or
        intervals, with 95 % CI columns (``{kpi}_ci_low``, ``{kpi}_ci_high``) and, per interval,
        real timestamps (``start``, ``end``).

        Needs pandas (``pip install 'ccsim[pandas]'``); without it this raises ImportError saying
        so, and ``rows(kind)`` gives the same rows as a list of dicts.
        """
        return frames.to_frame(self, kind, date)

    # ------------------------------------------------------------ how notebooks show it (display.py)

    def __repr__(self) -> str:
        return display.estimates_text(self)

    def _repr_html_(self) -> str:
        """A compact KPI table for Jupyter."""
        return display.estimates_html(self)

    def summary(self) -> dict[str, dict[str, float]]:
        """Mean of every day KPI per contact type, agent group and total."""
        out = {name: {k: e.mean for k, e in kpis.items()} for name, kpis in self.contact_types.items()}
        out.update({name: {k: e.mean for k, e in kpis.items()} for name, kpis in self.agent_groups.items()})
        out["total"] = {k: e.mean for k, e in self.total.items()}
        return out
