"""Rendering results: terminal tables, JSON/CSV/Parquet files, figures and HTML reports.

``ccsim.report`` is this package and can be called to write an HTML report::

    import ccsim
    est = ccsim.simulate(ccsim.load("scenarios/it_helpdesk.yaml"), replications=30)
    ccsim.report(est, "helpdesk.html")        # also a ccsim.compare(...) or ccsim.sweep(...) result

Modules: ``table`` (terminal), ``export`` (files), ``figures`` and ``plot``
(matplotlib), ``html``, ``sections`` and ``document`` (HTML reports), ``waits``
(waiting-time distributions); staffing results: ``staffing_table`` (terminal),
``staffing_export`` (CSV rows, JSON, scenario YAML), ``staffing_report`` (HTML);
calibrations: ``calibration`` (JSON and text), ``calibration_figures`` (SVG).
Nothing heavy is imported until it is used.
"""

from __future__ import annotations

import sys
import types

from . import plot as _plot  # noqa: F401  (gives Estimates.plot its figures; matplotlib loads on the first one)


def write_report(results, path, **options):
    """Write the self-contained HTML report of *results* to *path*; return the path.

    results: an ``Estimates`` (``ccsim.simulate``), a ``Comparison``
        (``ccsim.compare``) or a ``Sweep`` (``ccsim.sweep``).
    options: ``wait_replications`` for runs and comparisons: how many replications
        the waiting-time curves use (default: all of them).
    """
    from .html import write_report as write

    return write(results, path, **options)


class _CallableModule(types.ModuleType):
    """Lets ``ccsim.report(results, path)`` work while ``ccsim.report`` stays a package."""

    def __call__(self, results, path, **options):
        return write_report(results, path, **options)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["write_report"]
