"""Replications: run a scenario many times and estimate every KPI with a CI.

Replication r of seed s always uses the same random streams (see ``streams``),
so results are identical whether replications run in one process or many.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor

from .engine import simulate_replication
from .estimates import Estimate, Estimates
from .metrics import compute_results
from .plan import Plan, build_plan
from .scenario import Scenario

__all__ = ["Estimate", "Estimates", "run_replication", "simulate"]


def run_replication(plan: Plan, replication: int, keep_records: bool = False):
    """One simulated day: draws, engine, KPIs.

    Returns ``(Results, Records | None)``: compact results, and the per-contact
    records only when asked (they are large to ship between processes).
    """
    records = simulate_replication(plan, replication)
    return compute_results(plan, records), (records if keep_records else None)


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    executor: Executor | None = None,
    keep_records: bool = False,
) -> Estimates:
    """Simulate *scenario* and estimate every KPI over replications.

    replications: simulated days (default: the scenario's ``replications``).
    seed: root seed (default: the scenario's ``seed``).
    workers: processes to spread replications over (1 = in this process;
        None = the machine's cores). Results do not depend on it.
    executor: any ``concurrent.futures.Executor`` to use instead of workers.
    keep_records: keep each replication's per-contact ``Records`` in ``.records``.
    """
    n = scenario.replications if replications is None else int(replications)
    if n < 1:
        raise ValueError(f"replications must be at least 1, got {n}")
    seed = scenario.seed if seed is None else int(seed)
    plan = build_plan(scenario)
    plan.seed = seed
    reps = range(n)
    keep = [keep_records] * n
    if executor is not None:
        outputs = list(executor.map(run_replication, [plan] * n, reps, keep))
    else:
        workers = (os.cpu_count() or 1) if workers is None else max(1, int(workers))
        if workers == 1 or n == 1:
            outputs = [run_replication(plan, r, keep_records) for r in reps]
        else:
            chunk = max(1, n // (4 * workers))
            with ProcessPoolExecutor(max_workers=min(workers, n)) as pool:
                outputs = list(pool.map(run_replication, [plan] * n, reps, keep, chunksize=chunk))
    estimates = Estimates(scenario, plan, seed, [res for res, _ in outputs])
    estimates.records = [rec for _, rec in outputs] if keep_records else None
    return estimates
