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
from ..units import format_time
from .estimates import Estimates, html_table
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

    def frame_rows(self, kind: str = "contact_types") -> list[dict]:
        """Every point's ``Estimates.rows(kind)``, each row led by the point's axis values."""
        return [{**point.values, **row} for point in self.points for row in point.estimates.rows(kind)]

    def to_frame(self, kind: str = "contact_types"):
        """A pandas DataFrame of every point: the axis values, then ``Estimates.to_frame(kind)``'s
        columns (KPIs with ``_ci_low`` / ``_ci_high``). Needs pandas (``pip install
        'ccsim[pandas]'``); without it this raises ImportError, and ``frame_rows(kind)`` gives the
        same rows as dicts."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("to_frame needs pandas: pip install 'ccsim[pandas]' "
                              "(or use .frame_rows(kind), the same rows as dicts)") from None
        frame = pd.DataFrame(self.frame_rows(kind))
        for column in ("start", "end"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column])
        return frame

    def _point_cells(self, point: SweepPoint) -> list[str]:
        est = point.estimates
        cells = []
        for name, k in est.contact_types.items():
            sl, asa = k["service_level"], k["asa"]
            sl_text = "–" if sl.mean != sl.mean else f"{100 * sl.mean:.1f} %"
            cells.append(f"{name} SL {sl_text}, ASA {format_time(asa.mean)}")
        return cells

    def __repr__(self) -> str:
        first = self.points[0].estimates
        lines = [f"<Sweep of {first.scenario.name!r}: {len(self.points)} points over "
                 f"{', '.join(self.axes)}, {first.replications} replications each, common random numbers"]
        for point in self.points[:20]:
            values = ", ".join(f"{'.'.join(k.split('.')[-2:])}={v}" for k, v in point.values.items())
            lines.append(f"  {values}: " + "; ".join(self._point_cells(point)))
        if len(self.points) > 20:
            lines.append(f"  … {len(self.points) - 20} more points")
        return "\n".join(lines) + ">"

    def _repr_html_(self) -> str:
        first = self.points[0].estimates
        names = list(self.axes)
        head = [n.split(".")[-2] + "." + n.split(".")[-1] if n.count(".") else n for n in names]
        types = list(first.contact_types)
        head += [f"{t}: {what}" for t in types for what in ("service level", "ASA", "abandonment")]
        rows = []
        for point in self.points:
            row = [str(point.values[n]) for n in names]
            for t in types:
                k = point.estimates.contact_types[t]
                for kpi in ("service_level", "asa", "abandon_rate"):
                    e = k[kpi]
                    half = None if e.ci95 is None else e.half_width
                    if kpi == "asa":
                        row.append(format_time(e.mean, half))
                    elif e.mean != e.mean:
                        row.append("–")
                    else:
                        row.append(f"{100 * e.mean:.1f} %" + ("" if half is None else f" ± {100 * half:.1f}"))
            rows.append(row)
        return html_table(f"Sweep of {first.scenario.name}: {len(self.points)} points, {first.replications} "
                          "replications each (mean ± 95 % CI half-width)", head, rows)

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
