"""Replications: run a scenario many times and estimate every KPI with a CI.

Replication r of seed s always uses the same random streams (see ``streams``),
so results are identical whether replications run in one process or many.
"""

from __future__ import annotations

from ..plan import Plan, build_plan
from ..scenario import Scenario
from .estimates import Estimate, Estimates
from .runner import Progress, RecordsSink, run_replication, run_tasks

__all__ = ["Estimate", "Estimates", "plan_for", "run_replication", "simulate"]


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    executor=None,
    keep_records: bool = False,
    progress: Progress | None = None,
    on_records: RecordsSink | None = None,
) -> Estimates:
    """Simulate *scenario* and estimate every KPI over replications.

    replications: simulated days (default: the scenario's ``replications``).
    seed: root seed (default: the scenario's ``seed``).
    workers: processes to spread replications over (1 = in this process;
        None = the machine's cores). Results do not depend on it.
    executor: a ``concurrent.futures.Executor`` or ``dask.distributed.Client``
        to run replications on instead of local workers.
    keep_records: keep each replication's per-contact ``Records`` in ``.records``.
    progress: called as ``progress(done, total)`` while replications finish.
    on_records: called as ``on_records(plan, replication, records)`` with each
        replication's per-contact ``Records``, in replication order, as soon as
        they are in (to stream them to disk; they are not kept in ``.records``).
    """
    n = scenario.replications if replications is None else int(replications)
    if n < 1:
        raise ValueError(f"replications must be at least 1, got {n}")
    plan = plan_for(scenario, seed)
    outputs = run_tasks([(plan, r) for r in range(n)], workers=workers, executor=executor,
                        keep_records=keep_records, progress=progress, on_records=on_records)
    estimates = Estimates(scenario, plan, plan.seed, [res for res, _ in outputs])
    estimates.records = [rec for _, rec in outputs] if keep_records and on_records is None else None
    return estimates


def plan_for(scenario: Scenario, seed: int | None = None) -> Plan:
    """The engine's plan of *scenario*, with *seed* (default: the scenario's)."""
    return build_plan(scenario, seed)
