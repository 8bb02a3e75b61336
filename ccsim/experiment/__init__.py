"""Experiments: replications of a plan, their estimates and confidence intervals,
comparisons of variants on common random numbers, sweeps and runs to a precision.

``runner`` spreads replications over executors, ``estimates`` and ``stats`` turn
results into estimates with CIs; ``compare``, ``sweep`` and ``precision`` build
on ``simulate``.
"""

from .compare import Comparison, compare
from .estimates import Estimate, Estimates
from .precision import simulate_to_precision
from .simulate import plan_for, run_replication, simulate
from .sweep import Sweep, sweep

__all__ = [
    "Comparison", "Estimate", "Estimates", "Sweep", "compare", "plan_for", "run_replication",
    "simulate", "simulate_to_precision", "sweep",
]
