"""Where replications run: in this process, in worker processes, or on a cluster.

A task is (plan, replication). Each task's random streams depend only on the
plan's seed and the replication number, so results are bit-identical however
tasks are spread: serially, over ``workers`` processes, on any
``concurrent.futures.Executor``, or on a ``dask.distributed`` cluster.
Tasks are sent in chunks to keep the per-task overhead small, and each returns
compact ``Results`` (per-contact records only when asked).

The library never prints: progress is reported through an optional callback
``progress(done, total)``.
"""

from __future__ import annotations

import math
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait

from ..engine import Records, simulate_replication
from ..metrics import Results, compute_results
from ..plan import Plan

Task = tuple[Plan, int]
Output = tuple[Results, Records | None]
Progress = Callable[[int, int], None]


def run_replication(plan: Plan, replication: int, keep_records: bool = False) -> Output:
    """One simulated day: draws, engine, KPIs.

    Returns ``(Results, Records | None)``: compact results, and the per-contact
    records only when asked (they are large to ship between processes).
    """
    records = simulate_replication(plan, replication)
    return compute_results(plan, records), (records if keep_records else None)


def _run_chunk(tasks: list[Task], keep_records: bool) -> list[Output]:
    return [run_replication(plan, rep, keep_records) for plan, rep in tasks]


def _chunks(tasks: Sequence[Task], parallelism: int) -> list[list[Task]]:
    size = max(1, math.ceil(len(tasks) / (4 * parallelism)))
    return [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]


def default_workers() -> int:
    """The machine's cores available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def run_tasks(
    tasks: Sequence[Task],
    *,
    workers: int | None = 1,
    executor=None,
    keep_records: bool = False,
    progress: Progress | None = None,
) -> list[Output]:
    """Run *tasks* and return their outputs in task order.

    workers: processes (1 = this process, None = the machine's cores).
    executor: a ``concurrent.futures.Executor`` or a ``dask.distributed.Client``;
        overrides *workers*.
    """
    total = len(tasks)
    if executor is not None:
        return _run_on_executor(tasks, executor, keep_records, progress)
    workers = default_workers() if workers is None else max(1, int(workers))
    if workers == 1 or total <= 1:
        outputs = []
        for i, (plan, rep) in enumerate(tasks):
            outputs.append(run_replication(plan, rep, keep_records))
            if progress:
                progress(i + 1, total)
        return outputs
    pool = ProcessPoolExecutor(max_workers=min(workers, total), initializer=_ignore_interrupts)
    try:
        outputs = _run_on_executor(tasks, pool, keep_records, progress)
    except BaseException:
        # Ctrl-C or a failure: stop the workers now rather than finishing the queue.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=5)
        raise
    pool.shutdown(wait=True)
    return outputs


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (no traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _is_dask_client(executor) -> bool:
    return hasattr(executor, "gather") and hasattr(executor, "scheduler_info")


def _run_on_executor(tasks, executor, keep_records, progress) -> list[Output]:
    total = len(tasks)
    parallelism = 4
    if _is_dask_client(executor):
        parallelism = max(1, sum(w.get("nthreads", 1) for w in executor.scheduler_info()["workers"].values()))
    elif isinstance(executor, Executor):
        parallelism = getattr(executor, "_max_workers", 4) or 4
    chunks = _chunks(tasks, parallelism)
    if _is_dask_client(executor):
        # pure=False: identical arguments must still each run (they don't, but be explicit).
        futures = [executor.submit(_run_chunk, chunk, keep_records, pure=False) for chunk in chunks]
    else:
        futures = [executor.submit(_run_chunk, chunk, keep_records) for chunk in chunks]
    index = {id(f): i for i, f in enumerate(futures)}
    results: list[list[Output] | None] = [None] * len(futures)
    done_tasks = 0
    pending = set(futures)
    try:
        while pending:
            if _is_dask_client(executor):
                from distributed import wait as dask_wait

                finished, pending = dask_wait(list(pending), return_when="FIRST_COMPLETED")
                pending = set(pending)
            else:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk_out = future.result()
                results[index[id(future)]] = chunk_out
                done_tasks += len(chunk_out)
            if progress:
                progress(done_tasks, total)
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    return [out for chunk_out in results if chunk_out is not None for out in chunk_out]
