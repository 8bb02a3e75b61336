"""Figures of results, drawn with matplotlib on Axes that the caller provides.

Every ``draw_*`` function draws on one ``Axes`` and gives it a title, axis
labels with units, and the target lines that apply (service-level target and
threshold). ``runs`` is a list of ``(label, Estimates)``: one run, or the two
variants of a comparison drawn over each other (solid A, dashed B).

matplotlib is imported inside the functions that need it. ``new_figure``
builds figures outside pyplot on the Agg canvas, so building a report needs no
display and leaves no figure behind in pyplot's registry.

Modules: ``style`` (colours, dashes), ``canvas`` (figures, the house look, SVG),
``timeline`` and ``scales`` (time axes), ``marks`` (series, target lines),
``intervals``, ``wait_curves``, ``experiments`` and ``journeys`` (the figures).
"""

from __future__ import annotations

from ..labels import duration, info
from ..waits import time_scales
from .canvas import fit_contents, new_figure, tidy, to_svg
from .experiments import draw_differences, draw_sweep
from .intervals import (
    draw_asa,
    draw_backlog,
    draw_channel_occupancy,
    draw_occupancy,
    draw_queue_length,
    draw_service_level,
    draw_staffing,
    draw_volumes,
)
from .journeys import draw_journeys, journey_rows
from .scales import axis_time_unit, type_scales
from .style import BAND_ALPHA, COLOURS, OUTCOMES, STYLES, TARGET_COLOUR, THRESHOLD_STYLES
from .timeline import Timeline, time_axis, time_label
from .wait_curves import draw_waits

# The names the staffing reports have drawn their own figures with.
_time_axis, _time_label = time_axis, time_label

__all__ = [
    "BAND_ALPHA", "COLOURS", "OUTCOMES", "STYLES", "TARGET_COLOUR", "THRESHOLD_STYLES", "Timeline",
    "axis_time_unit", "draw_asa", "draw_backlog", "draw_channel_occupancy", "draw_differences", "draw_journeys",
    "draw_occupancy", "draw_queue_length", "draw_service_level", "draw_staffing", "draw_sweep", "draw_volumes",
    "draw_waits", "duration", "fit_contents", "info", "journey_rows", "new_figure", "tidy", "time_axis",
    "time_label", "time_scales", "to_svg", "type_scales",
]
