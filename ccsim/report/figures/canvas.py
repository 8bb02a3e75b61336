"""Figures outside pyplot on the Agg canvas, the house look of an Axes, and SVG output grown to
fit its legends and titles."""

from __future__ import annotations

import io
import math

import numpy as np


def new_figure(nrows: int = 1, ncols: int = 1, width: float = 10.0, height: float = 3.3, left: float = 0.85,
               right: float = 2.3):
    """(Figure, 1-d array of Axes), built on the Agg canvas without pyplot.

    Margins are fixed in inches (*left* for the y axis, *right* for the legend),
    so the time axes of a report's figures line up one under the other.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    total = height * nrows
    fig = Figure(figsize=(width, total))
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    bottom, top, gap = 0.72, 0.38, 1.05  # inches: x labels (two lines on several days), title, both
    axes_h = (total - bottom - top - gap * (nrows - 1)) / nrows
    fig.subplots_adjust(left=left / width, right=1.0 - right / width, bottom=bottom / total,
                        top=1.0 - top / total, hspace=gap / axes_h, wspace=0.3)
    return fig, axes


def fit_contents(fig, pad: float = 0.08) -> None:
    """Grow the figure until its legends, titles and labels are inside it, the Axes keeping
    their size and their place from the left and the top (so time axes still line up).

    A legend outside the Axes (``tidy``) with long labels, or a title wider than its Axes,
    would otherwise be cut off at the figure's edge.
    """
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_size_inches()
    dpi = fig.dpi
    right = left = bottom = top = 0.0
    for ax in fig.axes:
        box = ax.get_tightbbox(renderer)  # the Axes with its ticks, labels, titles and legend
        if box is None or not np.isfinite([box.x0, box.x1, box.y0, box.y1]).all():
            continue
        right = max(right, box.x1 / dpi - width)
        left = max(left, -box.x0 / dpi)
        bottom = max(bottom, -box.y0 / dpi)
        top = max(top, box.y1 / dpi - height)
    grow = [v + pad if v > 0 else 0.0 for v in (left, right, bottom, top)]
    if not any(grow):
        return
    dl, dr, db, dt = grow
    new_w, new_h = width + dl + dr, height + db + dt
    for ax in fig.axes:
        p = ax.get_position()
        ax.set_position([(p.x0 * width + dl) / new_w, (p.y0 * height + db) / new_h,
                         p.width * width / new_w, p.height * height / new_h])
    fig.set_size_inches(new_w, new_h)


def to_svg(fig) -> bytes:
    """The figure as SVG text: text kept as text (small), ids stable (same input, same file);
    grown first so that nothing (a long legend, a title) is cut off (``fit_contents``)."""
    import matplotlib

    fit_contents(fig)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ccsim"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def tidy(ax, title: str, xlabel: str, ylabel: str) -> None:
    """Title, axis labels (with units), light grid, legend outside: the house look of a figure."""
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3, linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        # As many rows as the Axes is tall; more entries go into further columns (the figure
        # then grows to the right to hold them: fit_contents), never below the figure.
        fig = ax.figure
        rows = max(3, int(ax.get_position().height * fig.get_size_inches()[1] / 0.19))
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  ncols=math.ceil(len(handles) / rows))
