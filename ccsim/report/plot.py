"""``estimates.plot``: figures of a run for notebooks.

    est = ccsim.simulate(scenario, replications=30)
    est.plot.service_level()            # matplotlib Axes
    est.plot.waits("incidents")
    est.plot.occupancy(ax=my_axes)      # draw into an Axes of your own figure

Each method draws on *ax* when given, otherwise on a new pyplot figure (so
Jupyter shows it), and returns the Axes. ``ax.figure`` is the Figure.
``plot_comparison`` and ``plot_sweep`` do the same for ``ccsim.compare`` and
``ccsim.sweep`` results.
"""

from __future__ import annotations

from ..experiment.estimates import Estimates, use_plotter
from . import figures


def _axes(ax, height: float = 3.3):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(8.0, height), layout="constrained")
    return ax


def _per_scale(ax, scales, draw, height: float = 3.3):
    """Draw each group of *scales* (contact types that share a time axis) on an Axes of its own.

    One group: its Axes (or *ax*). Calls and emails together: a new figure with one Axes per
    group, returned as an array, since seconds and hours never share an axis.
    """
    if len(scales) == 1 or ax is not None:
        ax = _axes(ax, height)
        draw(ax, [n for group in scales for n in group])  # refuses mixed scales on one given Axes
        return ax
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(len(scales), 1, figsize=(8.0, height * len(scales)), layout="constrained")
    for one, group in zip(axes, scales, strict=True):
        draw(one, group)
    return axes


class Plotter:
    """Figures of one ``Estimates``; every method returns the matplotlib Axes it drew on."""

    def __init__(self, estimates: Estimates):
        self._est = estimates

    def volumes(self, contact_type: str | None = None, ax=None):
        """Offered, answered, abandoned (and blocked) per interval; all contact types summed by default."""
        ax = _axes(ax)
        figures.draw_volumes(ax, self._est, contact_type)
        return ax

    def service_level(self, contact_type: str | list[str] | None = None, ax=None):
        """Service level per interval (%): mean, P10–P90 band across days, target line."""
        ax = _axes(ax)
        figures.draw_service_level(ax, [("", self._est)], contact_type)
        return ax

    def asa(self, contact_type: str | list[str] | None = None, ax=None):
        """Average speed of answer per interval, with the service-level threshold; the axis is in
        seconds, minutes or hours as the values are. Calls and emails together give an array of two
        Axes (seconds and hours never share an axis); with *ax*, name types of one time scale."""
        scales = figures.type_scales(self._est, contact_type)
        return _per_scale(ax, scales, lambda a, names: figures.draw_asa(a, [("", self._est)], names))

    def queue_length(self, contact_type: str | list[str] | None = None, ax=None):
        """Time-average number of contacts waiting per interval, with the P10–P90 band."""
        ax = _axes(ax)
        figures.draw_queue_length(ax, [("", self._est)], contact_type)
        return ax

    def occupancy(self, agent_group: str | list[str] | None = None, ax=None):
        """Occupancy (%) per agent group and interval, with the P10–P90 band."""
        ax = _axes(ax)
        figures.draw_occupancy(ax, [("", self._est)], agent_group)
        return ax

    def staffing(self, agent_group: str | list[str] | None = None, ax=None):
        """Agents present against required (the scenario's staffing) per interval."""
        ax = _axes(ax)
        figures.draw_staffing(ax, [("", self._est)], agent_group)
        return ax

    def waits(self, contact_type: str | list[str] | None = None, ax=None, max_replications: int | None = None):
        """Share answered within each wait t (the service-level curve), threshold and target marked.

        From the waiting-time histograms of the first *max_replications* replications
        (all by default); at the threshold the curve is the service level. Calls and emails
        together give an array of two Axes, as ``asa`` does.
        """
        from .waits import wait_distributions

        dists = [("", wait_distributions(self._est, max_replications=max_replications))]
        scales = figures.type_scales(self._est, contact_type)
        return _per_scale(ax, scales, lambda a, names: figures.draw_waits(a, dists, names))

    def __repr__(self) -> str:
        return ("<plots of " + repr(self._est.scenario.name) + ": volumes, service_level, asa, queue_length, "
                "occupancy, staffing, waits>")


def plot_comparison(comparison, kpi: str = "service_level", section: str = "contact_types", ax=None):
    """B − A of *kpi* per contact type (or agent group) with its paired 95 % CI; returns the Axes
    (an array of two for a time KPI of calls and emails, as ``Estimates.plot.asa``)."""
    names = list(comparison.difference[section])
    scales = (figures.type_scales(comparison.a, names)
              if section == "contact_types" and figures.info(kpi).kind == "seconds" else [names])
    return _per_scale(ax, scales, lambda a, group: figures.draw_differences(a, comparison, kpi, section, group),
                      height=2.4)


def plot_sweep(sweep, kpi: str = "service_level", section: str = "contact_types", ax=None):
    """*kpi* (mean and 95 % CI) against the sweep's first axis, target line for service level; returns the Axes
    (an array of two for a time KPI of calls and emails, as ``Estimates.plot.asa``)."""
    first = sweep.points[0].estimates
    names = list(getattr(first, section))
    scales = (figures.type_scales(first, names)
              if section == "contact_types" and figures.info(kpi).kind == "seconds" else [names])
    return _per_scale(ax, scales, lambda a, group: figures.draw_sweep(a, sweep, kpi, section, group))


use_plotter(Plotter)  # Estimates.plot draws through this module
