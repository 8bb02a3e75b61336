"""Figures of experiments: a sweep's KPI against its first axis, and a comparison's paired
differences B − A."""

from __future__ import annotations

import math

import numpy as np

from ..labels import info
from .canvas import tidy
from .marks import names_of, target_lines, title
from .scales import axis_time_unit, one_scale
from .style import COLOURS


def _parameter(path: str) -> str:
    """A sweep axis as a legend names it: 'agent_groups.sellers.staffing' -> 'sellers staffing'
    (the group or contact type and the field), 'seed' -> 'seed'."""
    parts = path.split(".")
    if len(parts) >= 3 and parts[0] in ("agent_groups", "contact_types"):
        return " ".join(parts[1:]).replace("_", " ")
    return " ".join(parts[-2:]).replace("_", " ")


def _axis_label(path: str) -> str:
    return f"{path} (agents)" if path.endswith(".staffing") else path


def draw_sweep(ax, sweep, kpi: str = "service_level", section: str = "contact_types", names=None) -> None:
    """A KPI (mean and 95 % CI) against the sweep's first axis; one line per name and other-axis value."""
    axes = list(sweep.axes)
    first = sweep.points[0].estimates
    names = names_of(first, names, section)
    xs = sweep.axes[axes[0]]
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs)
    position = {repr(v): (v if numeric else i) for i, v in enumerate(xs)}
    scale = 100.0 if info(kpi).kind == "share" else 1.0
    unit = {"share": " (%)", "hours": " (h)", "agent_hours": " (h)"}.get(info(kpi).kind, "")
    if info(kpi).kind == "seconds":
        if section == "contact_types":
            one_scale({ct.name: ct.sl_threshold for ct in first.plan.contact_types if ct.name in names},
                       info(kpi).label)
        name_u, size = axis_time_unit(*[[getattr(p.estimates, section)[n][kpi].mean for p in sweep.points]
                                        for n in names])
        scale, unit = 1.0 / size, f" ({name_u})"
    lines: dict[tuple, list] = {}
    for point in sweep.points:
        rest = tuple((a, point.values[a]) for a in axes[1:])
        for name in names:
            e = getattr(point.estimates, section)[name][kpi]
            lines.setdefault((name, rest), []).append((position[repr(point.values[axes[0]])], e))
    for i, ((name, rest), pts) in enumerate(lines.items()):
        colour = COLOURS[i % len(COLOURS)]
        x = np.array([p for p, _ in pts], dtype=float)
        mean = np.array([e.mean for _, e in pts]) * scale
        low = np.array([np.nan if e.ci95 is None else e.ci95[0] for _, e in pts]) * scale
        high = np.array([np.nan if e.ci95 is None else e.ci95[1] for _, e in pts]) * scale
        label = name + "".join(f", {_parameter(a)} {v}" for a, v in rest)
        ax.errorbar(x, mean, yerr=[np.nan_to_num(mean - low), np.nan_to_num(high - mean)], color=colour,
                    marker="o", markersize=3.5, capsize=3, linewidth=1.5, label=label)
    if kpi == "service_level":
        target_lines(ax, [("", first)], names, "target", scale=100.0)
    if not numeric:
        ax.set_xticks(range(len(xs)), [str(v) for v in xs])
        ax.set_xlim(-0.5, len(xs) - 0.5)
    elif all(isinstance(v, int) for v in xs):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    what = " ".join(axes[0].split(".")[-2:]).replace("_", " ")
    tidy(ax, f"{title(info(kpi).label)} against {what} (mean, 95 % CI)", _axis_label(axes[0]),
          f"{info(kpi).label}{unit}")


def draw_differences(ax, comparison, kpi: str, section: str = "contact_types", names=None) -> None:
    """B − A of a KPI per contact type (or agent group) with its paired 95 % CI; zero marked.

    names: the contact types (or groups) to draw, all by default; a time KPI draws contact
    types of one time scale only (see ``time_scales``).
    """
    names = list(comparison.difference[section]) if names is None else list(names)
    scale = 100.0 if info(kpi).kind == "share" else 1.0
    unit = {"share": " (percentage points)", "hours": " (h)", "agent_hours": " (h)"}.get(info(kpi).kind, "")
    if info(kpi).kind == "seconds":
        if section == "contact_types":
            one_scale({ct.name: ct.sl_threshold for ct in comparison.a.plan.contact_types if ct.name in names},
                       info(kpi).label)
        diffs = [comparison.difference[section][n][kpi] for n in names if kpi in comparison.difference[section][n]]
        name_u, size = axis_time_unit([e.mean for e in diffs], [v for e in diffs if e.ci95 for v in e.ci95])
        scale, unit = 1.0 / size, f" ({name_u})"
    y = np.arange(len(names))
    for i, name in enumerate(names):
        e = comparison.difference[section][name].get(kpi)
        if e is None or not math.isfinite(e.mean):
            continue
        err = None if e.ci95 is None else [[(e.mean - e.ci95[0]) * scale], [(e.ci95[1] - e.mean) * scale]]
        ax.errorbar([e.mean * scale], [i], xerr=err, fmt="o", color=COLOURS[i % len(COLOURS)], capsize=4)
    ax.axvline(0.0, color="black", linewidth=1.0)
    ax.set_yticks(y, names)
    ax.set_ylim(-0.7, len(names) - 0.3)
    la, lb = comparison.labels
    tidy(ax, f"{title(info(kpi).label)}: {lb} − {la} (paired 95 % CI)", f"{lb} − {la}{unit}", "")
