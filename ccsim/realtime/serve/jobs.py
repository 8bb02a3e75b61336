"""What-if jobs for the wallboard: ``ccsim whatif`` run in the background, one at a time.

Each job runs from its own snapshot: the one given on the command line, or the live
run's moment when the job was asked for ("from now", ``ccsim.realtime.capture``); the
job and its result say from what time it ran.

A job runs ``ccsim.realtime.whatif`` (the same actions, the same common random
numbers, the same estimates) in a thread of the server's own process — no worker
processes, so none can be left behind — reports its progress, and can be cancelled
(the next replication's progress call raises). Its result is the table of
rest-of-day outcomes per variant and contact type, with 95 % intervals and the
paired differences from "as is", as the library computes them.
"""

from __future__ import annotations

import itertools
import math
import threading

from ...units import format_clock_exact, parse_clock
from ..whatif import parse_action, whatif

MAX_ACTIONS = 8
MAX_REPLICATIONS = 200
KEEP = 20  # finished jobs kept for their results; older ones are forgotten
TABLE_KPIS = ("service_level", "abandon_rate", "asa", "offered")


class Cancelled(Exception):
    """A job was cancelled (or the server is shutting down)."""


def check_request(actions, replications) -> tuple[list[str], int | None]:
    """The actions and replications of a request, checked; ValueError says what was expected."""
    if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
        raise ValueError("actions: expected a list of 1 to 8 action texts, e.g. [\"callbacks=on\"]")
    if len(actions) > MAX_ACTIONS:
        raise ValueError(f"actions: at most {MAX_ACTIONS} at a time, got {len(actions)}")
    texts = []
    for text in actions:
        try:
            parse_action(text)
        except ValueError as exc:
            raise ValueError(f"action {text!r}: {exc}") from None
        texts.append(text.strip())
    if len(set(texts)) != len(texts):
        raise ValueError("actions: each action once")
    if replications is not None and (isinstance(replications, bool) or not isinstance(replications, int)
                                     or not 1 <= replications <= MAX_REPLICATIONS):
        raise ValueError(f"replications: expected a whole number from 1 to {MAX_REPLICATIONS}, got {replications!r}")
    return texts, replications


def result_table(result) -> dict:
    """Rows of rest-of-day outcomes: variant x contact type, each KPI's estimate and 95 % CI,
    and for each action its paired difference from "as is" (estimate and CI)."""
    doc = result.to_dict()
    rows = []
    for label in doc["variants"]:
        for name, kpis in doc["totals"][label].items():
            row = {"variant": label, "contact_type": name}
            for k in TABLE_KPIS:
                row[k] = kpis[k]
            if label in result.comparisons:
                row["difference"] = {d["kpi"]: {"estimate": _num(d["difference"]),
                                                "ci95": None if d["paired_ci95"] is None
                                                else [_num(v) for v in d["paired_ci95"]]}
                                     for d in _rows(result, label) if d["name"] == name}
            rows.append(row)
    # "as is": mean contacts offered and service level per interval, per contact type
    simulated: dict[str, list] = {}
    simulated_sl: dict[str, list] = {}
    start, day = result.snapshot.time, getattr(result.snapshot, "day", None)
    for row in doc["intervals"]:
        # The day the what-if starts on (a multi-day one: the board shows a day at a time),
        # without the interval it starts inside: that holds only the rest of it, not a
        # figure to set beside a whole interval's forecast.
        if row["variant"] == "as is" and row.get("day") == day and parse_clock(row["interval"]) >= start:
            simulated.setdefault(row["contact_type"], []).append([row["interval"], row["offered"]])
            simulated_sl.setdefault(row["contact_type"], []).append([row["interval"], row["service_level"]])
    return {"snapshot_time": doc["snapshot_time"], "from_time": format_clock_exact(result.snapshot.time),
            "from_day": day,
            "replications": doc["replications"], "seed": doc["seed"],
            "variants": doc["variants"], "rows": rows, "simulated_offered": simulated,
            "simulated_service_level": simulated_sl}


def _num(v):
    return float(v) if v is not None and math.isfinite(v) else None


def _rows(result, label):
    return [r for r in result.comparisons[label].rows() if r["section"] == "contact_types"
            and r["kpi"] in TABLE_KPIS]


class Job:
    """One what-if: its actions, from which snapshot (``origin`` "snapshot": the one the server
    was given; "now": the live run captured when the job was asked for), progress and result."""

    __slots__ = ("id", "actions", "replications", "status", "done", "total", "result", "error", "cancel",
                 "snapshot", "origin")

    def __init__(self, job_id: int, actions: list[str], replications: int | None, snapshot=None,
                 origin: str = "snapshot"):
        self.id, self.actions, self.replications = job_id, actions, replications
        self.snapshot, self.origin = snapshot, origin
        self.status = "queued"  # queued, running, done, failed, cancelled
        self.done, self.total = 0, 0
        self.result: dict | None = None
        self.error: str | None = None
        self.cancel = threading.Event()

    def to_dict(self) -> dict:
        return {"id": self.id, "actions": self.actions, "status": self.status, "done": self.done,
                "total": self.total, "error": self.error, "result": self.result, "from": self.origin,
                "from_time": None if self.snapshot is None else format_clock_exact(self.snapshot.time),
                "from_day": getattr(self.snapshot, "day", None)}


class WhatIfJobs:
    """Jobs of *scenario* from *snapshot*, run one after the other in one worker thread."""

    def __init__(self, scenario, snapshot, seed: int | None = None):
        self.scenario, self.snapshot, self.seed = scenario, snapshot, seed
        self.jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="ccsim-whatif", daemon=True)
        self._thread.start()

    def snapshot_clock(self) -> str:
        from ...units import format_clock

        return format_clock(self.snapshot.time)

    def submit(self, actions, replications=None, snapshot=None, origin: str = "snapshot") -> Job:
        """Queue a what-if of *actions*; from *snapshot* (default: the server's), said to be
        from *origin* ("snapshot" or "now")."""
        texts, reps = check_request(actions, replications)
        with self._wake:
            if self._closed:
                raise RuntimeError("the server is shutting down")
            job = Job(next(self._ids), texts, reps, snapshot if snapshot is not None else self.snapshot, origin)
            self.jobs[job.id] = job
            for old in [j for j in self.jobs.values() if j.status in ("done", "failed", "cancelled")][:-KEEP]:
                del self.jobs[old.id]
            self._wake.notify()
        return job

    def cancel(self, job_id: int) -> bool:
        job = self.jobs.get(job_id)
        if job is None:
            return False
        job.cancel.set()
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Cancel every job and wait for the worker to end (the job running stops at its next
        replication)."""
        with self._wake:
            self._closed = True
            for job in self.jobs.values():
                job.cancel.set()
            self._wake.notify_all()
        self._thread.join(timeout)

    def _next(self) -> Job | None:
        with self._wake:
            while not self._closed:
                for job in self.jobs.values():
                    if job.status == "queued":
                        job.status = "running"
                        return job
                self._wake.wait()
        return None

    def _work(self) -> None:
        while (job := self._next()) is not None:
            self._run(job)

    def _run(self, job: Job) -> None:
        def progress(done, total):
            job.done, job.total = done, total
            if job.cancel.is_set():
                raise Cancelled()

        try:
            if job.cancel.is_set():
                raise Cancelled()
            result = whatif(self.scenario, job.snapshot, job.actions, replications=job.replications,
                            seed=self.seed, progress=progress)
            job.result = result_table(result)
            job.status = "done"
        except Cancelled:
            job.status = "cancelled"
        except Exception as exc:  # a scenario change the scenario refuses, shown on the page
            problems = getattr(exc, "problems", None)
            job.error = "; ".join(f"{p.path}: {p.message}" for p in problems) if problems \
                else str(exc)
            job.status = "failed"
