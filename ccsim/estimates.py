"""Estimates: every KPI over replications as a mean with a 95 % Student-t interval."""

from __future__ import annotations

import math

import numpy as np

from . import __version__
from .metrics import Results
from .plan import Plan
from .scenario import Scenario
from .stats import mean_ci
from .units import format_clock


class Estimate:
    """A KPI over replications: mean, 95 % Student-t interval (None for one value)."""

    __slots__ = ("mean", "ci95", "values")

    def __init__(self, values: np.ndarray):
        self.values = values
        self.mean, self.ci95 = mean_ci(values)

    @property
    def half_width(self) -> float:
        return math.nan if self.ci95 is None else (self.ci95[1] - self.ci95[0]) / 2.0

    def to_dict(self) -> dict:
        return {"mean": _num(self.mean), "ci95": None if self.ci95 is None else [_num(v) for v in self.ci95]}

    def __repr__(self) -> str:
        ci = "" if self.ci95 is None else f" [{self.ci95[0]:.4g}, {self.ci95[1]:.4g}]"
        return f"Estimate({self.mean:.4g}{ci}, n={len(self.values)})"


def _num(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _estimate_table(per_rep: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, Estimate]]:
    names = per_rep[0].keys()
    return {
        name: {kpi: Estimate(np.array([r[name][kpi] for r in per_rep])) for kpi in per_rep[0][name]}
        for name in names
    }


def _mean_intervals(per_rep: list[dict[str, dict[str, np.ndarray]]]) -> dict[str, dict[str, np.ndarray]]:
    out = {}
    for name, kpis in per_rep[0].items():
        out[name] = {}
        for kpi in kpis:
            stack = np.vstack([r[name][kpi] for r in per_rep])
            with np.errstate(invalid="ignore"), _quiet_nanmean():
                out[name][kpi] = np.nanmean(stack, axis=0)
    return out


class _quiet_nanmean:
    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


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
        self.records = None  # per-replication Records when simulate(keep_records=True)
        self.replications = len(results)
        self.contact_types = _estimate_table([r.contact_types for r in results])
        self.agent_groups = _estimate_table([r.agent_groups for r in results])
        self.total = _estimate_table([{"total": r.total} for r in results])["total"]
        self.intervals = _mean_intervals([r.intervals for r in results])
        self.group_intervals = _mean_intervals([r.group_intervals for r in results])

    def interval_starts(self) -> list[str]:
        """'HH:MM' clock time of each interval's start."""
        return [format_clock(self.plan.clock_start + s) for s in self.plan.interval_starts()]

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
        starts = self.interval_starts()
        intervals = []
        for name, kpis in self.intervals.items():
            for j, start in enumerate(starts):
                row = {"start": start, "contact_type": name}
                row.update({kpi: _num(values[j]) for kpi, values in kpis.items()})
                intervals.append(row)
        group_intervals = []
        for name, kpis in self.group_intervals.items():
            for j, start in enumerate(starts):
                row = {"start": start, "agent_group": name}
                row.update({kpi: _num(values[j]) for kpi, values in kpis.items()})
                group_intervals.append(row)
        return {
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
        }

    def summary(self) -> dict[str, dict[str, float]]:
        """Mean of every day KPI per contact type, agent group and total."""
        out = {name: {k: e.mean for k, e in kpis.items()} for name, kpis in self.contact_types.items()}
        out.update({name: {k: e.mean for k, e in kpis.items()} for name, kpis in self.agent_groups.items()})
        out["total"] = {k: e.mean for k, e in self.total.items()}
        return out
