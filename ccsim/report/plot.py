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
        """Average speed of answer per interval (s), with the service-level threshold."""
        ax = _axes(ax)
        figures.draw_asa(ax, [("", self._est)], contact_type)
        return ax

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
        (all by default); at the threshold the curve is the service level.
        """
        from .waits import wait_distributions

        ax = _axes(ax)
        figures.draw_waits(ax, [("", wait_distributions(self._est, max_replications=max_replications))],
                           contact_type)
        return ax

    def __repr__(self) -> str:
        return ("<plots of " + repr(self._est.scenario.name) + ": volumes, service_level, asa, queue_length, "
                "occupancy, staffing, waits>")


def plot_comparison(comparison, kpi: str = "service_level", section: str = "contact_types", ax=None):
    """B − A of *kpi* per contact type (or agent group) with its paired 95 % CI; returns the Axes."""
    ax = _axes(ax, height=2.4)
    figures.draw_differences(ax, comparison, kpi, section)
    return ax


def plot_sweep(sweep, kpi: str = "service_level", section: str = "contact_types", ax=None):
    """*kpi* (mean and 95 % CI) against the sweep's first axis, target line for service level; returns the Axes."""
    ax = _axes(ax)
    figures.draw_sweep(ax, sweep, kpi, section)
    return ax


use_plotter(Plotter)  # Estimates.plot draws through this module
