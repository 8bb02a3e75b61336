"""Sweeps: a grid of scenario variants, every KPI with its CI at each point.

Axes are dotted paths with a list of values; ``parse_axis`` reads the
command-line forms ``a..b``, ``a..b:step`` and ``[x, y, ...]``. Every point runs
on the same random streams (common random numbers), so curves are smooth: the
difference between neighbouring points is the effect of the parameter, not
sampling noise.
"""

from __future__ import annotations

import itertools
import re

import yaml

from ..scenario import Scenario
from .estimates import Estimates
from .runner import Progress, run_tasks
from .simulate import plan_for

_RANGE_RE = re.compile(r"^\s*(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)\s*(?::\s*([\d.]+))?\s*$")


def parse_axis(text: str) -> tuple[str, list]:
    """'agent_groups.sellers.staffing=20..40:5' -> ('agent_groups.sellers.staffing', [20, 25, ...])."""
    if "=" not in text:
        raise ValueError(f"expected PATH=VALUES, e.g. agent_groups.sellers.staffing=20..40, got {text!r}")
    path, spec = (part.strip() for part in text.split("=", 1))
    match = _RANGE_RE.match(spec)
    if match:
        low, high, step = match.groups()
        is_int = all(re.fullmatch(r"-?\d+", v) for v in (low, high, step or "1"))
        conv = int if is_int else float
        low, high, step = conv(low), conv(high), conv(step or 1)
        if step <= 0 or high < low:
            raise ValueError(f"expected low..high[:step] with low <= high and step > 0, got {spec!r}")
        count = int(round((high - low) / step + 1e-9)) + 1
        values = [low + i * step for i in range(count)]
        if conv is float:
            values = [round(v, 12) for v in values]
        if len(values) > 10_000:
            raise ValueError(f"{spec!r} makes {len(values)} points; at most 10,000 per axis")
        return path, values
    if spec.startswith("["):
        try:
            values = yaml.safe_load(spec)
        except yaml.YAMLError as exc:
            raise ValueError(f"cannot read the list {spec!r}: {exc}") from None
        if not isinstance(values, list) or not values:
            raise ValueError(f"expected a non-empty list such as [20, 25, 30], got {spec!r}")
        return path, values
    return path, [yaml.safe_load(spec)]


class SweepPoint:
    """One point of a sweep: the parameter values and the estimates there."""

    __slots__ = ("values", "estimates")

    def __init__(self, values: dict, estimates: Estimates):
        self.values = values
        self.estimates = estimates


class Sweep:
    """All points of a sweep, in grid order (last axis fastest)."""

    def __init__(self, axes: dict[str, list], points: list[SweepPoint]):
        self.axes = axes
        self.points = points

    def rows(self) -> list[dict]:
        """One row per point and contact type / agent group, every KPI with its CI."""
        out = []
        for point in self.points:
            est = point.estimates
            for section in ("contact_types", "agent_groups"):
                for name, kpis in getattr(est, section).items():
                    row = dict(point.values)
                    row["section"] = section
                    row["name"] = name
                    for kpi, e in kpis.items():
                        row[kpi] = e.mean
                        row[f"{kpi}_ci_low"] = None if e.ci95 is None else e.ci95[0]
                        row[f"{kpi}_ci_high"] = None if e.ci95 is None else e.ci95[1]
                    out.append(row)
        return out

    def to_dict(self) -> dict:
        return {
            "axes": self.axes,
            "points": [
                {"values": p.values, "results": p.estimates.to_dict()} for p in self.points
            ],
        }


def sweep(
    scenario: Scenario,
    axes: dict[str, list],
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    executor=None,
    progress: Progress | None = None,
) -> Sweep:
    """Simulate every combination of *axes* values (a grid), all on the same streams."""
    if not axes:
        raise ValueError("a sweep needs at least one axis, e.g. {'agent_groups.sellers.staffing': [20, 25]}")
    n = scenario.replications if replications is None else int(replications)
    names = list(axes)
    combos = [dict(zip(names, values, strict=True)) for values in itertools.product(*(axes[k] for k in names))]
    variants = [scenario.with_changes(combo) for combo in combos]  # all validated before any run
    plans = [plan_for(v, seed) for v in variants]
    tasks = [(plan, r) for plan in plans for r in range(n)]
    outputs = run_tasks(tasks, workers=workers, executor=executor, progress=progress)
    points = []
    for i, (combo, variant, plan) in enumerate(zip(combos, variants, plans, strict=True)):
        results = [res for res, _ in outputs[i * n:(i + 1) * n]]
        points.append(SweepPoint(combo, Estimates(variant, plan, plan.seed, results)))
    return Sweep(axes, points)
