"""Where replications run: in this process, in worker processes, or on a cluster.

A task is (plan, replication). Each task's random streams depend only on the
plan's seed and the replication number, so results are bit-identical however
tasks are spread: serially, over ``workers`` processes, on any
``concurrent.futures.Executor``, or on a ``dask.distributed`` cluster.
Tasks are sent in chunks to keep the per-task overhead small, and each returns
compact ``Results`` (per-contact records only when asked, or handed one
replication at a time to ``on_records`` so that a caller can stream them to disk).

Worker processes die with the process that started them (Linux: a parent-death
signal; elsewhere a watchdog thread), so killing a run never leaves workers
behind.

The library never prints: progress is reported through an optional callback
``progress(done, total)``.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait

from ..engine import Records, simulate_replication
from ..metrics import Results, compute_results
from ..plan import Plan

Task = tuple[Plan, int]
Output = tuple[Results, Records | None]
Progress = Callable[[int, int], None]
RecordsSink = Callable[[Plan, int, Records], None]

def run_replication(plan: Plan, replication: int, keep_records: bool = False) -> Output:
    """One simulated day: draws, engine, KPIs.

    Returns ``(Results, Records | None)``: compact results, and the per-contact
    records only when asked (they are large to ship between processes).
    """
    records = simulate_replication(plan, replication)  # its state is freed as it returns (Run.close)
    return compute_results(plan, records), (records if keep_records else None)


def _run_chunk(tasks: list[Task], keep_records: bool) -> list[Output]:
    return [run_replication(plan, rep, keep_records) for plan, rep in tasks]


def _hand_over(tasks: Sequence[Task], outputs: list[Output], start: int, on_records: RecordsSink) -> None:
    """Give the records of ``outputs`` (tasks from *start* on) to *on_records* and drop them."""
    for i, (res, rec) in enumerate(outputs):
        plan, rep = tasks[start + i]
        outputs[i] = (res, None)
        if rec is not None:
            on_records(plan, rep, rec)


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
    on_records: RecordsSink | None = None,
) -> list[Output]:
    """Run *tasks* and return their outputs in task order.

    workers: processes (1 = this process, None = the machine's cores).
    executor: a ``concurrent.futures.Executor`` or a ``dask.distributed.Client``;
        overrides *workers*.
    on_records: called as ``on_records(plan, replication, records)`` for every
        task, in task order, as soon as its records (and those of every task
        before it) are in; the outputs then carry None instead of the records,
        so that at most the records of the tasks in flight are held at once.
    """
    total = len(tasks)
    ship = keep_records or on_records is not None
    if executor is not None:
        return _run_on_executor(tasks, executor, ship, progress, on_records)
    workers = default_workers() if workers is None else max(1, int(workers))
    if workers == 1 or total <= 1:
        outputs: list[Output] = []
        for i, (plan, rep) in enumerate(tasks):
            out = [run_replication(plan, rep, ship)]
            if on_records is not None:
                _hand_over(tasks, out, i, on_records)
            outputs += out
            if progress:
                progress(i + 1, total)
        return outputs
    pool = ProcessPoolExecutor(max_workers=min(workers, total), initializer=_start_worker, initargs=(os.getpid(),))
    try:
        outputs = _run_on_executor(tasks, pool, ship, progress, on_records)
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


def _start_worker(parent_pid: int) -> None:
    """Set up a worker process: it leaves Ctrl-C to its parent and dies with it.

    Ctrl-C reaches the whole process group; the parent stops the workers, so they
    ignore it (no traceback from each worker). SIGTERM gets its default action
    back (a forked worker inherits the command's handler, which would turn it
    into an interrupt inside a task). If the parent dies — killed, even with
    SIGKILL — the worker is killed too instead of running on, re-parented to init.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent_pid,), name="ccsim-parent-watch", daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before the worker could ask to follow it
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - no libc / no prctl
        return False


def _watch_parent(parent_pid: int, every_s: float = 0.5) -> None:  # pragma: no cover - not Linux
    while os.getppid() == parent_pid:
        time.sleep(every_s)
    os._exit(1)


def _is_dask_client(executor) -> bool:
    return hasattr(executor, "gather") and hasattr(executor, "scheduler_info")


def _run_on_executor(tasks, executor, keep_records, progress, on_records=None) -> list[Output]:
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
    starts = [0]
    for chunk in chunks:
        starts.append(starts[-1] + len(chunk))
    results: list[list[Output] | None] = [None] * len(futures)
    handed = 0  # chunks whose records went to on_records, in order
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
            while on_records is not None and handed < len(results):
                ready = results[handed]
                if ready is None:
                    break
                _hand_over(tasks, ready, starts[handed], on_records)
                handed += 1
            if progress:
                progress(done_tasks, total)
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    return [out for chunk_out in results if chunk_out is not None for out in chunk_out]
