"""Staffing by simulation-based integer programming with cutting planes.

Atlason, Epelman & Henderson (2004, 2008); Cezik & L'Ecuyer (2008). The
decision variables are agents per group and interval (or, one step, shifts per
group: staffing follows from them). Every service constraint — a KPI of a
contact type or group in an interval, against its target — is approximated by
linear cuts built from simulations on common random numbers: its value at the
current staffing and forward differences from one more agent (``cuts``). The
integer programme of least cost subject to the cuts is solved with
``scipy.optimize.milp`` (HiGHS, ``model``); its answer is simulated, new cuts
are added, and so on until the staffing meets every constraint on the sample.
It is then checked on fresh replications (``verify``) and, where the check
misses, the sample grows and the cutting goes on.

``optimise(scenario, options)`` returns an ``OptimiseResult``; progress goes to
an optional callback, never to the screen.
"""

from .run import OptimiseResult, OptimiseStep, optimise

__all__ = ["OptimiseResult", "OptimiseStep", "optimise"]
