"""Figures of results, drawn with matplotlib on Axes that the caller provides.

Every ``draw_*`` function draws on one ``Axes`` and gives it a title, axis
labels with units, and the target lines that apply (service-level target and
threshold). ``runs`` is a list of ``(label, Estimates)``: one run, or the two
variants of a comparison drawn over each other (solid A, dashed B).

matplotlib is imported inside the functions that need it. ``new_figure``
builds figures outside pyplot on the Agg canvas, so building a report needs no
display and leaves no figure behind in pyplot's registry.
"""

from __future__ import annotations

import io
import math

import numpy as np

from ..experiment.estimates import Estimates
from ..units import time_unit
from .labels import duration, info
from .waits import time_scales

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
TARGET_COLOUR = "#b2182b"
BAND_ALPHA = 0.18
STYLES = ("-", "--", ":", "-.")
# Target and threshold lines, in red: each of several lines of one figure gets its own dashes.
THRESHOLD_STYLES = ("--", ":", "-.", (0, (6, 2, 1, 2, 1, 2)))
# How offered contacts end, stacked in this order (those a scenario never produces are left out).
OUTCOMES = (("answered", "#4c9be8"), ("abandoned", "#f39c4a"), ("blocked", "#9e9e9e"), ("balked", "#c0504d"),
            ("callbacks_failed", "#8e6bbf"), ("ivr_resolved", "#7fbf7f"), ("waiting_at_end", "#444444"))


# ---------------------------------------------------------------- times on an axis

def type_scales(est: Estimates, names=None) -> list[list[str]]:
    """``time_scales`` of the contact types *names* (all by default) of *est*."""
    wanted = _names(est, names)
    return time_scales({ct.name: ct.sl_threshold for ct in est.plan.contact_types if ct.name in wanted})


def axis_time_unit(*arrays) -> tuple[str, float]:
    """The unit of a time axis (``ccsim.units.time_unit``) from the largest value it shows."""
    top = 0.0
    for values in arrays:
        v = np.abs(np.asarray(values, dtype=float))
        v = v[np.isfinite(v)]
        if v.size:
            top = max(top, float(v.max()))
    return time_unit(top)


def _one_scale(thresholds: dict[str, float], what: str) -> None:
    if len(time_scales(thresholds)) > 1:
        short, long = time_scales(thresholds)
        raise ValueError(f"{what}: {', '.join(short)} (waits in seconds) and {', '.join(long)} (waits in hours) "
                         "cannot share a time axis; draw them on separate Axes")


# ---------------------------------------------------------------- figures and SVG

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


class _Timeline:
    """Where each interval goes on the x axis (hours), for horizons of one day or several.

    Several days are laid side by side, each one from the horizon's start to its
    end (the closed hours between them left out), and lines break between days.
    """

    def __init__(self, plan):
        self.n = plan.n_intervals
        self.days = getattr(plan, "days", 1)
        self.start_h = plan.clock_start / 3600.0
        self.span_h = plan.horizon_s / 3600.0
        self.step_h = plan.interval_s / 3600.0
        day, j = np.divmod(np.arange(self.n * self.days), self.n)
        self.mid = self.start_h + day * self.span_h + (j + 0.5) * self.step_h

    def split(self, values) -> np.ndarray:
        """One value per interval of every day, with a NaN between days (a line breaks there)."""
        v = np.asarray(values, dtype=float)[: self.n * self.days].reshape(self.days, self.n)
        return np.hstack([v, np.full((self.days, 1), np.nan)]).ravel()[:-1]

    def steps(self, values) -> tuple[np.ndarray, np.ndarray]:
        """Interval edges and values for ``ax.step(where='post')``, broken between days."""
        v = np.asarray(values, dtype=float)[: self.n * self.days].reshape(self.days, self.n)
        xs, ys = [], []
        for d in range(self.days):
            xs += [self.start_h + d * self.span_h + np.arange(self.n + 1) * self.step_h, [np.nan]]
            ys += [np.append(v[d], v[d][-1]), [np.nan]]
        return np.concatenate(xs[:-1]), np.concatenate(ys[:-1])


def _time_axis(ax, est: Estimates) -> _Timeline:
    """Put the time of day on the x axis (days side by side, separated); return the timeline."""
    t = _Timeline(est.plan)
    end_h = t.start_h + t.span_h
    ax.set_xlim(t.start_h, t.start_h + t.days * t.span_h)
    step = next(s for s in (0.5, 1, 2, 3, 4, 6, 12, 24, 48) if t.span_h * t.days / s <= 13)
    clocks = np.arange(math.ceil(t.start_h / step - 1e-9) * step, end_h + 1e-9, step)
    ticks, labels = [], []
    for d in range(t.days):
        for c in clocks:
            # Before the next day's first tick, leave room for its label.
            if d == t.days - 1 or c < end_h - 0.75 * step:
                ticks.append(c + d * t.span_h)
                label = f"{int(round(c * 60)) // 60 % 24:02d}:{int(round(c * 60)) % 60:02d}"
                if t.days > 1 and c == clocks[0]:
                    label += f"\nday {d + 1}"
                labels.append(label)
    ax.set_xticks(ticks, labels)
    for d in range(1, t.days):
        ax.axvline(t.start_h + d * t.span_h, color="0.55", linewidth=0.9)
    return t


def _time_label(t: _Timeline) -> str:
    return "time of day (interval)" + (f", days 1–{t.days}" if t.days > 1 else "")


def _series(runs, names):
    """(label, estimates, name, colour, line style) for each run and name."""
    out = []
    for v, (label, est) in enumerate(runs):
        for i, name in enumerate(names):
            text = " · ".join(part for part in (label, name) if part)
            colour = COLOURS[(v * len(names) + i) % len(COLOURS)]
            out.append((text, est, name, colour, STYLES[v % len(STYLES)]))
    return out


def _title(text: str) -> str:
    return text[:1].upper() + text[1:]


def _band(ax, t: _Timeline, mean, spread, colour, style, label, scale=1.0):
    x = t.split(t.mid)
    ax.plot(x, t.split(mean) * scale, style, color=colour, marker="o", markersize=2.5, linewidth=1.5, label=label)
    if spread is not None and spread.shape[0] == 3:
        ax.fill_between(x, t.split(spread[0]) * scale, t.split(spread[2]) * scale, color=colour,
                        alpha=BAND_ALPHA, linewidth=0)


def _names(est: Estimates, names, section: str = "contact_types") -> list[str]:
    every = list(getattr(est, section))
    if names is None:
        return every
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in every]
    if unknown:
        kind = "contact type" if section == "contact_types" else "agent group"
        raise ValueError(f"unknown {kind} {unknown[0]!r} (known: {', '.join(every)})")
    return names


def _target_lines(ax, runs, names, what: str, scale: float = 1.0) -> None:
    """One line per distinct service-level target (or threshold) of the named contact types.

    Several lines differ in their dash pattern, and each says in its legend entry (and in a
    label at its right end) which contact types it belongs to.
    """
    lines: dict[float, dict] = {}
    for _, est in runs:
        for ct in est.plan.contact_types:
            if ct.name in names:
                value = ct.sl_target if what == "target" else ct.sl_threshold
                entry = lines.setdefault(value, {"within": set(), "types": []})
                entry["within"].add(ct.sl_threshold)
                if ct.name not in entry["types"]:
                    entry["types"].append(ct.name)
    for k, (value, entry) in enumerate(lines.items()):
        within = entry["within"]
        if what == "target":
            text = f"target {100 * value:g} %" + (f" in {duration(next(iter(within)))}" if len(within) == 1 else "")
        else:
            text = f"SL threshold {duration(value)}"
        if len(lines) > 1:
            text += f" ({', '.join(entry['types'])})"
        ax.axhline(value * scale, color=TARGET_COLOUR, linestyle=THRESHOLD_STYLES[k % len(THRESHOLD_STYLES)],
                   linewidth=1.3, label=text)
        if len(lines) > 1:
            ax.annotate(", ".join(entry["types"]), xy=(1.0, value * scale), xycoords=("axes fraction", "data"),
                        xytext=(-3, 2), textcoords="offset points", ha="right", va="bottom", fontsize=7,
                        color=TARGET_COLOUR)


# ---------------------------------------------------------------- per interval

def draw_volumes(ax, est: Estimates, contact_type: str | None = None) -> None:
    """How offered contacts ended per interval (answered, abandoned, blocked …, stacked), offered, forecast."""
    names = _names(est, contact_type)
    t = _time_axis(ax, est)
    width = est.plan.interval_s / 3600.0 * 0.85

    def total(kpi):
        return sum(np.nan_to_num(est.intervals[n][kpi]) for n in names)

    bottom = np.zeros(t.mid.size)
    for kpi, colour in OUTCOMES:
        if not all(kpi in est.intervals[n] for n in names):
            continue
        values = total(kpi)
        if kpi != "answered" and not values.any():
            continue
        ax.bar(t.mid, values, width, bottom=bottom, color=colour, label=info(kpi).label, linewidth=0)
        bottom += values
    ax.plot(t.split(t.mid), t.split(total("offered")), color="black", marker="o", markersize=2.5, linewidth=1.2,
            label="offered")
    forecast = sum(ct.rates * est.plan.interval_s for ct in est.plan.contact_types if ct.name in names)
    ax.plot(t.split(t.mid), t.split(np.tile(forecast, t.days)), color="black", linestyle=":", linewidth=1.2,
            label="forecast (scenario)")
    which = names[0] if len(names) == 1 else "all contact types"
    tidy(ax, f"Contacts per interval — {which}", _time_label(t), "contacts per interval")


def draw_service_level(ax, runs, contact_types=None) -> None:
    """Service level per interval: mean over days, P10–P90 band across days, target line."""
    names = _names(runs[0][1], contact_types)
    t = _time_axis(ax, runs[0][1])
    for label, est, name, colour, style in _series(runs, names):
        _band(ax, t, est.intervals[name]["service_level"], est.interval_spread[name]["service_level"],
              colour, style, label or name, scale=100.0)
    _target_lines(ax, runs, names, "target", scale=100.0)
    ax.set_ylim(0, 102)
    tidy(ax, "Service level per interval (mean; band: P10–P90 of days)", _time_label(t),
          "service level (%)")


def draw_asa(ax, runs, contact_types=None) -> None:
    """ASA per interval with the P10–P90 band, and the service-level threshold for reference."""
    names = _names(runs[0][1], contact_types)
    plan = runs[0][1].plan
    thresholds = {ct.name: ct.sl_threshold for ct in plan.contact_types if ct.name in names}
    _one_scale(thresholds, "ASA per interval")
    unit, size = axis_time_unit(*(est.interval_spread[n]["asa"] for _, est in runs for n in names),
                                *(est.intervals[n]["asa"] for _, est in runs for n in names), list(thresholds.values()))
    t = _time_axis(ax, runs[0][1])
    for label, est, name, colour, style in _series(runs, names):
        _band(ax, t, est.intervals[name]["asa"], est.interval_spread[name]["asa"], colour, style, label or name,
              scale=1.0 / size)
    _target_lines(ax, runs, names, "threshold", scale=1.0 / size)
    ax.set_ylim(bottom=0)
    which = "" if len(names) == len(plan.contact_types) else " — " + ", ".join(names)
    tidy(ax, f"Average speed of answer per interval{which} (mean; band: P10–P90 of days)", _time_label(t),
         f"ASA ({unit})")


def draw_queue_length(ax, runs, contact_types=None) -> None:
    """Time-average number of contacts waiting per interval, with the P10–P90 band."""
    names = _names(runs[0][1], contact_types)
    t = _time_axis(ax, runs[0][1])
    for label, est, name, colour, style in _series(runs, names):
        _band(ax, t, est.intervals[name]["mean_queue"], est.interval_spread[name]["mean_queue"],
              colour, style, label or name)
    ax.set_ylim(bottom=0)
    tidy(ax, "Queue length per interval (mean; band: P10–P90 of days)", _time_label(t),
          "contacts waiting (time-average)")


def draw_occupancy(ax, runs, agent_groups=None) -> None:
    """Occupancy per agent group and interval, with the P10–P90 band."""
    names = _names(runs[0][1], agent_groups, "agent_groups")
    t = _time_axis(ax, runs[0][1])
    for label, est, name, colour, style in _series(runs, names):
        _band(ax, t, est.group_intervals[name]["occupancy"], est.group_interval_spread[name]["occupancy"],
              colour, style, label or name, scale=100.0)
    ax.set_ylim(0, 102)
    tidy(ax, "Occupancy per agent group (mean; band: P10–P90 of days)", _time_label(t),
          "occupancy (%)")


def draw_staffing(ax, runs, agent_groups=None) -> None:
    """Agents present (mean, P10–P90 band) against the agents required per interval.

    Required is ``agents_required`` when the results have it, otherwise the
    staffing scheduled in the scenario (``agents_scheduled``).
    """
    names = _names(runs[0][1], agent_groups, "agent_groups")
    t = _time_axis(ax, runs[0][1])
    for label, est, name, colour, style in _series(runs, names):
        kpis = est.group_intervals[name]
        required = "agents_required" if "agents_required" in kpis else "agents_scheduled"
        edges, needed = t.steps(kpis[required])
        what = "required" if required == "agents_required" else "required (scheduled)"
        ax.step(edges, needed, where="post", color=colour, linewidth=4.0, alpha=0.3, linestyle=style,
                label=f"{label or name}: {what}")
        _band(ax, t, kpis["agents_present"], est.group_interval_spread[name]["agents_present"], colour, style,
              f"{label or name}: present")
    ax.set_ylim(bottom=0)
    tidy(ax, "Staffing: agents present against required", _time_label(t), "agents")


def draw_backlog(ax, runs, email_types=None) -> None:
    """Emails waiting at each interval's end, per email type, with the P10–P90 band."""
    est0 = runs[0][1]
    names = email_types or [ct.name for ct in est0.plan.contact_types if ct.channel == "email"]
    t = _time_axis(ax, est0)
    for label, est, name, colour, style in _series(runs, names):
        _band(ax, t, est.intervals[name]["backlog"], est.interval_spread[name]["backlog"], colour, style,
              label or name)
    ax.set_ylim(bottom=0)
    tidy(ax, "Email backlog at each interval's end (mean; band: P10–P90 of days)", _time_label(t),
         "emails waiting")


def draw_channel_occupancy(ax, est: Estimates, group: str) -> None:
    """Occupancy of one agent group per interval, split by channel, and its chat slot utilisation."""
    t = _time_axis(ax, est)
    kpis, spread = est.group_intervals[group], est.group_interval_spread[group]
    shown = [k for k in ("occupancy", "occupancy_voice", "occupancy_chat", "occupancy_email", "slot_utilisation")
             if k in kpis]
    labels = {"occupancy": "occupancy (all)", "occupancy_voice": "on calls", "occupancy_chat": "on chats",
              "occupancy_email": "on emails", "slot_utilisation": "chat slots used"}
    for i, kpi in enumerate(shown):
        _band(ax, t, kpis[kpi], spread[kpi], COLOURS[i % len(COLOURS)], "-" if i == 0 else "--", labels[kpi],
              scale=100.0)
    ax.set_ylim(0, 102)
    tidy(ax, f"{group}: occupancy by channel (mean; band: P10–P90 of days)", _time_label(t), "share of time (%)")


# ---------------------------------------------------------------- waits

def draw_waits(ax, distributions, contact_types=None) -> None:
    """Service-level curves: share answered within t, with thresholds and targets marked.

    *distributions* is a list of ``(label, {name: WaitDistribution})``.
    """
    every = list(distributions[0][1])
    names = every if contact_types is None else ([contact_types] if isinstance(contact_types, str)
                                                 else list(contact_types))
    _one_scale({n: distributions[0][1][n].threshold_s for n in names}, "waiting times")
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


# ---------------------------------------------------------------- experiments

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
    names = _names(first, names, section)
    xs = sweep.axes[axes[0]]
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs)
    position = {repr(v): (v if numeric else i) for i, v in enumerate(xs)}
    scale = 100.0 if info(kpi).kind == "share" else 1.0
    unit = {"share": " (%)", "hours": " (h)", "agent_hours": " (h)"}.get(info(kpi).kind, "")
    if info(kpi).kind == "seconds":
        if section == "contact_types":
            _one_scale({ct.name: ct.sl_threshold for ct in first.plan.contact_types if ct.name in names},
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
        _target_lines(ax, [("", first)], names, "target", scale=100.0)
    if not numeric:
        ax.set_xticks(range(len(xs)), [str(v) for v in xs])
        ax.set_xlim(-0.5, len(xs) - 0.5)
    elif all(isinstance(v, int) for v in xs):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    what = " ".join(axes[0].split(".")[-2:]).replace("_", " ")
    tidy(ax, f"{_title(info(kpi).label)} against {what} (mean, 95 % CI)", _axis_label(axes[0]),
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
            _one_scale({ct.name: ct.sl_threshold for ct in comparison.a.plan.contact_types if ct.name in names},
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
    tidy(ax, f"{_title(info(kpi).label)}: {lb} − {la} (paired 95 % CI)", f"{lb} − {la}{unit}", "")


def journey_rows(est: Estimates, kpis) -> list[tuple]:
    """(contact type, KPI, Estimate) for each KPI a contact type has a value of."""
    return [(name, kpi, k[kpi]) for name, k in est.contact_types.items() for kpi in kpis
            if kpi in k and math.isfinite(k[kpi].mean)]


def draw_journeys(ax, est: Estimates, kpis) -> None:
    """Journey shares (FCR, conversion, satisfied …) per contact type with 95 % CIs."""
    rows = journey_rows(est, kpis)
    for i, (name, _, e) in enumerate(rows):
        err = None if e.ci95 is None else [[100 * (e.mean - e.ci95[0])], [100 * (e.ci95[1] - e.mean)]]
        ax.barh([i], [100 * e.mean], xerr=err, color=COLOURS[list(est.contact_types).index(name) % len(COLOURS)],
                capsize=3, height=0.6)
    ax.set_yticks(range(len(rows)), [f"{name}: {info(kpi).label}" for name, kpi, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    tidy(ax, "Caller journeys (mean, 95 % CI)", "share of issues or contacts (%)", "")
