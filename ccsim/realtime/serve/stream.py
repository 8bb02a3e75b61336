"""The live run behind the wallboard: one replication paced to the wall clock in a thread.

It is ``ccsim live``'s run (``ccsim.realtime.live``: the same ``Pacer``, the same
``LiveState`` and so the same KPI definitions), with a speed that can change while it
runs. About twice a second the thread puts the wallboard's figures in ``latest`` and
bumps ``version``; every page's event stream sends the latest figures when the
version has moved, so a slow page skips figures rather than queueing them, and the
memory used does not grow with the number of pages or the length of the run.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any

from ..live import LiveState, Pacer, StopLive

SPEEDS = (1.0, 10.0, 60.0, 600.0)
CAPTURE_PATIENCE_S = 2.0  # wall s a capture waits for a whole second free of events


class _CaptureRequest:
    """A capture asked for by a page, served in the run's thread."""

    def __init__(self):
        self.done = threading.Event()
        self.since = time.monotonic()
        self.snapshot = None
        self.error: Exception | None = None


class _Stopped(StopLive):
    """The feed was stopped (server shutting down)."""


class LiveFeed:
    """Runs *plan* from *initial* (an ``InitialState`` or None) with *draws*, paced at *speed*.

    ``latest``: the newest figures as a JSON text; ``version``: how many there have been.
    """

    def __init__(self, plan, draws, board, *, replication: int = 0, initial=None, speed: float = 60.0,
                 tick_s: float = 0.5, floor=None, scenario=None, source=None):
        self.plan, self.draws, self.board = plan, draws, board
        # What "from now" needs: the run's Floor (ccsim.realtime.capture), and the scenario and
        # snapshot the run is of (the capture is validated against the one, carries the other's
        # re-forecast).
        self.floor, self.scenario, self.source = floor, scenario, source
        self._capture: _CaptureRequest | None = None
        self._next_t = 0.0  # time of the event the run holds (waiting for the wall clock)
        self.run: Any = None  # the engine Run, once started
        self.replication, self.initial = replication, initial
        self.tick_s = tick_s
        self.speed = float(speed)
        self.version = 0
        self.latest = ""
        self.running = False
        self.error: str | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.state: LiveState | None = None
        self.pacer: Pacer | None = None

    # --- control ------------------------------------------------------------------------------

    def start(self) -> None:
        self.running = True
        self._thread = threading.Thread(target=self._run, name="ccsim-live", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def set_speed(self, speed: float) -> None:
        """Change the pace from now on (simulated seconds per wall second)."""
        if not speed > 0:
            raise ValueError(f"speed must be positive, got {speed}")
        with self._lock:
            pacer = self.pacer
            if pacer is not None:
                # Re-anchor the pacing at the simulated time reached now, so the clock does not jump.
                now = pacer.clock()
                pacer.t0 = pacer.t0 + (now - pacer.start) * pacer.speed
                pacer.start, pacer.speed = now, float(speed)
            self.speed = float(speed)

    def capture(self, timeout: float = 10.0):
        """The live run now as a ``Snapshot`` (``ccsim.realtime.capture``), taken in the run's
        thread at its next tick; CaptureError if it has ended or no moment came in *timeout* s;
        SnapshotError if the moment cannot be a snapshot (the centre closed)."""
        from ..capture import CaptureError, check_capturable

        check_capturable(self.plan)
        if self.floor is None or self.scenario is None:
            raise CaptureError("this wallboard runs no capture of its live run")
        with self._lock:
            if not self.running:
                raise CaptureError(self._ended())
            if self._capture is None:
                self._capture = _CaptureRequest()
            request = self._capture  # pages asking at the same moment share one capture
        if not request.done.wait(timeout):
            with self._lock:
                if self._capture is request:
                    self._capture = None
            raise CaptureError(self._ended() if not self.running else "the live run gave no moment to capture")
        if request.error is not None:
            raise request.error
        return request.snapshot

    def _ended(self) -> str:
        from ...units import format_clock_exact

        state = self.state
        at = "" if state is None else " at " + format_clock_exact(self.plan.clock_start + state.now)
        return f"the live run has ended{at}: run the what-if from the snapshot"

    def _serve_capture(self, sim_t: float) -> None:
        """In the run's thread, between two events: take the snapshot a request waits for."""
        from ..capture import capture_snapshot, moment

        request = self._capture
        if request is None:
            return
        next_t = self._next_t
        at_s = moment(self.plan, self.floor, sim_t, next_t)
        if at_s is None:
            if time.monotonic() - request.since < CAPTURE_PATIENCE_S:
                return  # no whole second between the last event and the next: the next tick
            # Events faster than seconds all along: the state as of the last one, at the
            # whole second after it (less than a second of it is then missing).
            at_s = math.ceil(self.plan.clock_start + self.floor.last_t) - self.plan.clock_start
            next_t = max(next_t, at_s)
        try:
            request.snapshot = capture_snapshot(self.plan, self.state, self.floor, at_s, self.scenario,
                                                self.source, next_t=next_t, run=self.run)
        except ValueError as exc:
            request.error = exc
        with self._lock:
            self._capture = None
        request.done.set()

    # --- the run ------------------------------------------------------------------------------

    def _run(self) -> None:
        from ...engine.run import Run

        initial = self.initial
        t0 = initial.start_s if initial is not None else 0.0

        def tick(sim_t):
            if self._stop.is_set():
                raise _Stopped()
            state.now = max(state.now, sim_t)
            if self._capture is not None:
                self._serve_capture(sim_t)
            self._publish()

        pacer = Pacer(self.speed, t0, on_tick=tick, tick_s=self.tick_s)
        board, floor = self.board, self.floor

        def sink(kind, t, c, k, g, a):
            self._next_t = t
            pacer(kind, t)
            state(kind, t, c, k, g, a)
            board.count(kind, t, c, k, g, a)
            board.count_service(state, c, k)
            if floor is not None:
                floor(kind, t, c, k, g, a)

        try:
            run = self.run = Run(self.plan, self.draws, self.replication, initial, sink)
            state = LiveState(self.plan, run.deadline, run.entry, table=run.contacts,
                              waited=None if initial is None else list(initial.waited))
            if initial is not None:
                for c in range(initial.n_waiting):  # callers already waiting count as offered now
                    state.offered[initial.ctype[c]] += 1
                    state.waiting[initial.ctype[c]].add(c)
            state.now = t0
            with self._lock:
                self.state, self.pacer = state, pacer
            self._publish()
            records = run.loop()
            state.finish(records.end_s)
        except StopLive:
            pass
        except Exception as exc:  # shown on the page; the server keeps serving the figures so far
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                self.running = False
                request, self._capture = self._capture, None
            if request is not None:
                from ..capture import CaptureError

                request.error = CaptureError(self._ended())
                request.done.set()
            self._publish()

    def _publish(self) -> None:
        state = self.state
        if state is None:
            return
        with self._lock:
            figures = self.board.tiles(state, self.speed, self.running)
            figures["error"] = self.error
            self.latest = json.dumps(figures, allow_nan=False)
            self.version += 1

    def wait_started(self, timeout: float = 30.0) -> bool:
        end = time.monotonic() + timeout
        while self.version == 0 and time.monotonic() < end and self.running:
            time.sleep(0.02)
        return self.version > 0
