"""Staffing: how many agents, interval by interval, to meet the targets — and the shifts that cover them.

    import ccsim
    from ccsim.staffing import resolve_options, staff

    sc = ccsim.load("scenarios/staffing_abandonment.yaml")
    result = staff(sc, resolve_options(sc, max_abandon=0.05, shrinkage=0.3), workers=2)
    result.required            # agents per group (rows) and interval (columns)
    result.scheduled           # positions after shrinkage

Modules: ``targets`` (what must be met, and how it is judged over days),
``analytic`` (Erlang C, Erlang A, square-root staffing per interval),
``evaluate`` and ``search`` (simulation with common random numbers),
``multiskill`` (which group gets the agents), ``shrinkage``, ``cost``,
``roster`` (shifts covering a requirement, an integer programme), ``settings``
(the side file). This package computes; its results are rendered by the report
layer: ``ccsim.report.staffing_table`` (terminal), ``staffing_export`` (CSV rows,
JSON, scenario YAML) and ``staffing_report`` (HTML). The library never prints.
"""

from .settings import StaffingOptions, read_settings, resolve_options
from .staff import StaffingResult, staff
from .targets import InfeasibleTargets, Targets, TypeTargets

__all__ = [
    "InfeasibleTargets", "StaffingOptions", "StaffingResult", "Targets", "TypeTargets", "read_settings",
    "resolve_options", "staff",
]
