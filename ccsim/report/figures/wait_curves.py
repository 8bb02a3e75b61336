"""Service-level curves: the share answered within t, with thresholds and targets marked."""

from __future__ import annotations

import math

import numpy as np

from ...units import time_unit
from ..labels import duration
from .canvas import tidy
from .scales import one_scale
from .style import COLOURS, STYLES, TARGET_COLOUR, THRESHOLD_STYLES


def draw_waits(ax, distributions, contact_types=None) -> None:
    """Service-level curves: share answered within t, with thresholds and targets marked.

    *distributions* is a list of ``(label, {name: WaitDistribution})``.
    """
    every = list(distributions[0][1])
    names = every if contact_types is None else ([contact_types] if isinstance(contact_types, str)
                                                 else list(contact_types))
    one_scale({n: distributions[0][1][n].threshold_s for n in names}, "waiting times")
    top = max(float(dists[n].grid_s[-1]) for _, dists in distributions for n in names)
    unit, size = time_unit(top)
    marked: set = set()
    thresholds_drawn: list[float] = []
    targets_drawn: list[float] = []
    by_threshold: dict[float, list[str]] = {}
    by_target: dict[float, list[str]] = {}
    for name in names:
        d = distributions[0][1][name]
        by_threshold.setdefault(d.threshold_s, []).append(name)
        by_target.setdefault(d.target, []).append(name)
    for v, (label, dists) in enumerate(distributions):
        for i, name in enumerate(names):
            d = dists[name]
            colour = COLOURS[(v * len(names) + i) % len(COLOURS)]
            style = STYLES[v % len(STYLES)]
            text = " · ".join(part for part in (label, name) if part)
            # Carry the last value to the right edge when another curve's grid reaches further.
            ax.step(np.append(d.grid_s, top) / size, 100 * np.append(d.share, d.share[-1]), where="post",
                    color=colour, linestyle=style, linewidth=1.6, label=text)
            within = d.at(d.threshold_s)
            if math.isfinite(within):
                ax.plot([d.threshold_s / size], [100 * within], "o", color=colour, markersize=5)
                ax.annotate(f"{100 * within:.0f} % within {duration(d.threshold_s)}",
                            (d.threshold_s / size, 100 * within), textcoords="offset points",
                            xytext=(7, 5 + 11 * i if v % 2 else -13 - 11 * i), fontsize=8, color=colour,
                            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none",
                                  "alpha": 0.85})
            if ("threshold", d.threshold_s) not in marked:
                marked.add(("threshold", d.threshold_s))
                k = len(thresholds_drawn)
                thresholds_drawn.append(d.threshold_s)
                ax.axvline(d.threshold_s / size, color=TARGET_COLOUR, linewidth=1.3,
                           linestyle=THRESHOLD_STYLES[(k + 1) % len(THRESHOLD_STYLES)],
                           label=f"threshold {duration(d.threshold_s)}" + (
                               f" ({', '.join(by_threshold[d.threshold_s])})" if len(by_threshold) > 1 else ""))
            if ("target", d.target) not in marked:
                marked.add(("target", d.target))
                k = len(targets_drawn)
                targets_drawn.append(d.target)
                ax.axhline(100 * d.target, color=TARGET_COLOUR, linewidth=1.3,
                           linestyle=THRESHOLD_STYLES[(2 * k) % len(THRESHOLD_STYLES)],
                           label=f"target {100 * d.target:g} %" + (
                               f" ({', '.join(by_target[d.target])})" if len(by_target) > 1 else ""))
    ax.set_xlim(0, top / size)
    ax.set_ylim(0, 102)
    first = next(iter(distributions[0][1].values()), None)
    reps = f" ({first.replications} replication{'s' if first.replications != 1 else ''})" if first else ""
    which = "" if len(names) == len(every) else " — " + ", ".join(names)
    tidy(ax, f"Waiting time{which}: share answered within t{reps}", f"wait t ({unit})", "answered within t (%)")
