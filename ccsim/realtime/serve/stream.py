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
import threading
import time

from ..live import LiveState, Pacer, StopLive

SPEEDS = (1.0, 10.0, 60.0, 600.0)


class _Stopped(StopLive):
    """The feed was stopped (server shutting down)."""


class LiveFeed:
    """Runs *plan* from *initial* (an ``InitialState`` or None) with *draws*, paced at *speed*.

    ``latest``: the newest figures as a JSON text; ``version``: how many there have been.
    """

    def __init__(self, plan, draws, board, *, replication: int = 0, initial=None, speed: float = 60.0,
                 tick_s: float = 0.5):
        self.plan, self.draws, self.board = plan, draws, board
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

    # --- the run ------------------------------------------------------------------------------

    def _run(self) -> None:
        from ...engine.run import Run

        initial = self.initial
        t0 = initial.start_s if initial is not None else 0.0

        def tick(sim_t):
            if self._stop.is_set():
                raise _Stopped()
            state.now = max(state.now, sim_t)
            self._publish()

        pacer = Pacer(self.speed, t0, on_tick=tick, tick_s=self.tick_s)
        board = self.board

        def sink(kind, t, c, k, g, a):
            pacer(kind, t)
            state(kind, t, c, k, g, a)
            board.count(kind, t, c, k, g, a)

        try:
            run = Run(self.plan, self.draws, self.replication, initial, sink)
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
            self.running = False
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
