"""The house colours and line styles of figures."""

from __future__ import annotations

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
TARGET_COLOUR = "#b2182b"
BAND_ALPHA = 0.18
STYLES = ("-", "--", ":", "-.")
# Target and threshold lines, in red: each of several lines of one figure gets its own dashes.
THRESHOLD_STYLES = ("--", ":", "-.", (0, (6, 2, 1, 2, 1, 2)))
# How offered contacts end, stacked in this order (those a scenario never produces are left out).
OUTCOMES = (("answered", "#4c9be8"), ("abandoned", "#f39c4a"), ("blocked", "#9e9e9e"), ("balked", "#c0504d"),
            ("callbacks_failed", "#8e6bbf"), ("ivr_resolved", "#7fbf7f"), ("waiting_at_end", "#444444"))
