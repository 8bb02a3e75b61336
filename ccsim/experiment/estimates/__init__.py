"""Estimates: every KPI over replications as a mean with a 95 % Student-t interval.

A KPI that is a ratio of counts or sums (service levels, abandonment, ASA, mean
wait, P(wait > 0)) also gets its ratio-of-sums estimate across replications,
E[numerator] / E[denominator] — what ContactCenters reports, e.g. E[answered in
time] / E[answered + abandoned] — beside the mean of the days' ratios, with a 95 %
interval by the delta method (see docs/kpis.md).

Modules: ``estimate`` (one KPI: ``Estimate``, ``RatioOfSums``), ``reduce`` (many KPIs
at once, vectorised), ``kpis`` (``Estimates`` of a run), ``frames`` (rows and
DataFrames for notebooks), ``display`` (repr and HTML for notebooks).
"""

from __future__ import annotations

from .display import html_table
from .estimate import Estimate, RatioOfSums
from .kpis import Estimates, use_plotter
from .reduce import column_quantiles, quiet_empty_means

__all__ = ["Estimate", "Estimates", "RatioOfSums", "column_quantiles", "html_table", "quiet_empty_means",
           "use_plotter"]
