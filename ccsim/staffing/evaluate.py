"""Simulate staffing variants on common random numbers and judge them against targets.

Every variant runs replications 0..R-1 of the same seed, so every caller
arrives at the same moment with the same handle time and patience whatever the
staffing: two variants differ only by what the staffing changes. That makes the
search a deterministic function of the staffing (the same staffing is never
simulated twice: results are cached) and makes small differences visible
without the noise of fresh samples.

Worker processes are started once for the whole search (``with Evaluator(...)``)
rather than once per batch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ..experiment import plan_for
from ..experiment.runner import _start_worker, default_workers, run_tasks
from ..metrics import Results
from ..plan import Plan
from ..scenario import Scenario
from .screen import certain_misses, screen_days
from .targets import Targets, Verdicts, judge


def staffing_changes(scenario: Scenario, staffing: np.ndarray) -> dict:
    """``with_changes`` paths that give each group *staffing* (groups x intervals); rosters are replaced."""
    changes = {}
    for i, (name, group) in enumerate(scenario.agent_groups.items()):
        changes[f"agent_groups.{name}.staffing"] = [int(x) for x in staffing[i]]
        if group.shifts is not None:
            changes[f"agent_groups.{name}.shifts"] = None
    return changes


class Evaluation:
    """One staffing variant: its per-replication results and which intervals meet targets."""

    __slots__ = ("staffing", "plan", "results", "verdicts", "screened")

    def __init__(self, staffing: np.ndarray, plan: Plan, results: list[Results], verdicts: Verdicts,
                 screened: bool = False):
        self.staffing = staffing
        self.plan = plan
        self.results = results  # per day of the sample (screened: of its first days only)
        self.verdicts = verdicts
        # True: simulated on the sample's first days only, where it certainly misses what
        # *verdicts* say (``screen``); nothing else about it is known.
        self.screened = screened

    def interval_mean(self, section: str, name: str, kpi: str) -> np.ndarray:
        """Mean over replications per interval of every day."""
        stack = np.vstack([getattr(r, section)[name][kpi] for r in self.results])
        with np.errstate(invalid="ignore"):
            sums = np.nansum(stack, axis=0)
            counts = (~np.isnan(stack)).sum(axis=0)
            return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


class Evaluator:
    """Runs staffing variants of *scenario* on replications 0..R-1 of *seed*.

    ``more`` adds further samples as (seed, replications) pairs: every variant
    runs on all of them (``staff`` adds the days of a check that found the
    sample too small). ``simulated_days`` counts replications simulated (each
    is one simulated horizon), ``evaluations`` the distinct variants. ``progress``
    is called as ``progress(what, done, total)`` while a batch of variants runs
    (*what* says how many variants and days, *done* of *total* replications).
    """

    def __init__(self, scenario: Scenario, targets: Targets, replications: int, seed: int,
                 workers: int | None = 1, executor=None, more: list[tuple[int, int]] = (), progress=None):
        if replications < 1:
            raise ValueError(f"replications must be at least 1, got {replications}")
        self.scenario = scenario
        self.targets = targets
        self.samples = [(int(seed), int(replications))] + [(int(s), int(n)) for s, n in more]
        self.replications = sum(n for _, n in self.samples)
        self.seed = int(seed)
        self.workers = default_workers() if workers is None else max(1, int(workers))
        self.executor = executor
        self._own_pool = None
        self.cache: dict[bytes, Evaluation] = {}
        self.screened: dict[bytes, Evaluation] = {}  # variants screened out (``evaluate_screened``)
        self.screened_out = 0
        self.simulated_days = 0
        self.evaluations = 0
        self.seconds = 0.0
        self.progress = progress

    def __enter__(self) -> Evaluator:
        if self.executor is None and self.workers > 1:
            self._own_pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_start_worker,
                                                 initargs=(os.getpid(),))
            self.executor = self._own_pool
        return self

    def __exit__(self, *exc) -> None:
        if self._own_pool is not None:
            if exc[0] is not None:  # interrupted or failed: stop the workers now
                for process in list((getattr(self._own_pool, "_processes", None) or {}).values()):
                    process.terminate()
                self._own_pool.shutdown(wait=False, cancel_futures=True)
            else:
                self._own_pool.shutdown(wait=True)
            self._own_pool = None
            self.executor = None

    @staticmethod
    def key(staffing: np.ndarray) -> bytes:
        return np.ascontiguousarray(staffing, dtype=np.int64).tobytes()

    def variant(self, staffing: np.ndarray) -> Scenario:
        return self.scenario.with_changes(staffing_changes(self.scenario, staffing))

    def evaluate(self, staffing: np.ndarray) -> Evaluation:
        return self.evaluate_many([staffing])[0]

    def evaluate_many(self, staffings: list[np.ndarray]) -> list[Evaluation]:
        """Evaluate every staffing (groups x intervals) not yet seen, all in one batch of tasks."""
        todo = self._unseen(staffings)
        if todo:
            for s, (plan, results) in zip(todo, self._simulate(todo, 0, self.replications), strict=True):
                self.cache[self.key(s)] = Evaluation(s, plan, results, judge(results, plan, self.targets))
            self.evaluations += len(todo)
        return [self.cache[self.key(s)] for s in staffings]

    def evaluate_screened(self, base: Evaluation, staffings: list[np.ndarray],
                          decided: Callable[[int, Verdicts], bool]) -> list[Evaluation]:
        """As ``evaluate_many``, for variants of *base* (simulated on the whole sample), screened
        first on the sample's first days (``screen``): a variant whose certain misses there
        already decide its fate — ``decided(index, verdicts)`` — is not simulated further, and
        comes back judged on those certain misses alone (``Evaluation.screened``). The others
        are simulated on the whole sample and judged as by ``evaluate_many``."""
        stops = screen_days(self.replications, self.targets.confidence)
        if not stops or len(base.results) != self.replications:
            return self.evaluate_many(staffings)
        todo = [s for s in self._unseen(staffings) if self.key(s) not in self.screened]
        if todo:
            index = {self.key(x): k for k, x in reversed(list(enumerate(staffings)))}
            plans: list[Plan | None] = [None] * len(todo)
            heads: list[list[Results]] = [[] for _ in todo]
            alive = list(range(len(todo)))
            done = 0
            for stop in (*stops, self.replications):
                for i, (plan, more) in zip(alive, self._simulate([todo[i] for i in alive], done, stop), strict=True):
                    plans[i], heads[i] = plan, heads[i] + more
                done = stop
                if stop == self.replications:
                    break
                still = []
                for i in alive:
                    verdicts = certain_misses(base.results, heads[i], plans[i], self.targets)
                    if decided(index[self.key(todo[i])], verdicts):
                        self.screened[self.key(todo[i])] = Evaluation(todo[i], plans[i], heads[i], verdicts,
                                                                      screened=True)
                    else:
                        still.append(i)
                alive = still
            for i in alive:
                results = heads[i]
                self.cache[self.key(todo[i])] = Evaluation(todo[i], plans[i], results,
                                                           judge(results, plans[i], self.targets))
            self.evaluations += len(todo)
            self.screened_out += len(todo) - len(alive)
        return [self.cache.get(self.key(s)) or self.screened[self.key(s)] for s in staffings]

    def _unseen(self, staffings: list[np.ndarray]) -> list[np.ndarray]:
        todo, seen = [], set()
        for s in staffings:
            k = self.key(s)
            if k not in self.cache and k not in seen:
                seen.add(k)
                todo.append(np.array(s, dtype=np.int64))
        return todo

    def _days(self) -> list[tuple[int, int]]:
        """(seed, replication) of every day of the sample, in order."""
        return [(seed, r) for seed, n in self.samples for r in range(n)]

    def _simulate(self, staffings: list[np.ndarray], first: int, end: int) -> list[tuple[Plan, list[Results]]]:
        """Each staffing's plan and its results on the sample's days *first* to *end* (one batch)."""
        if not staffings or end <= first:
            return [(plan_for(self.variant(s), self.seed), []) for s in staffings]
        started = time.perf_counter()
        days = self._days()[first:end]
        tasks, plans = [], []
        for s in staffings:
            variant = self.variant(s)
            plans.append(plan_for(variant, self.seed))
            by_seed = {self.seed: plans[-1]}
            for seed, r in days:
                if seed not in by_seed:
                    by_seed[seed] = plan_for(variant, seed)
                tasks.append((by_seed[seed], r))
        count = len(staffings)
        what = f"simulating {count} variant{'s' if count != 1 else ''} x {len(days)} days"
        report = self.progress
        outputs = run_tasks(tasks, workers=1, executor=self.executor,
                            progress=None if report is None else lambda done, total: report(what, done, total))
        n = len(days)
        self.simulated_days += len(tasks)
        self.seconds += time.perf_counter() - started
        return [(plan, [res for res, _ in outputs[i * n:(i + 1) * n]]) for i, plan in enumerate(plans)]
