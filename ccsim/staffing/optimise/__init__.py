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
When a check on fresh days has made the sample larger, the differences still
come from the first sample's days only (on common random numbers a difference
is far less noisy than a level), the value at the staffing from all of it. The answer is then checked on fresh
replications (``verify``: every constraint with its CI). Where the check
misses, its first days join the sample — the answer's results on them are
those of the check, so they cost nothing — and the cutting goes on; where it
holds, single agents the sample shows are not needed are taken out (free
staffing) and the polished staffing is kept if fresh days never used confirm
it too. ``compare`` puts the search, two step and Erlang A beside it.

``optimise(scenario, options)`` returns an ``OptimiseResult``; progress goes to
an optional callback, never to the screen.
"""

from .run import OptimiseResult, OptimiseStep, optimise

__all__ = ["OptimiseResult", "OptimiseStep", "optimise"]
