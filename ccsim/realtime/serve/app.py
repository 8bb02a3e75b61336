"""The wallboard web app (Starlette): the page, its static files, the live stream, what-if jobs.

Routes (no path or file parameter anywhere: the server reads only the files given on
its command line, before it starts, and writes none):

* ``GET /`` the page; ``GET /static/...`` its script, charts and style (from the package);
* ``GET /api/board`` names, interval starts, forecast per interval, thresholds;
* ``GET /api/state`` the latest wallboard figures (JSON);
* ``GET /api/stream`` the same figures as server-sent events (``event: state``);
* ``POST /api/speed`` ``{"speed": 60}``;
* ``POST /api/whatif`` ``{"actions": ["callbacks=on"], "replications": 20, "from": "now"}`` -> a job,
  from the snapshot given on the command line (``"from": "snapshot"``, the default) or from the
  live run's moment now (``"now"``: ``ccsim.realtime.capture``; 409 when the run has ended);
  ``GET /api/whatif`` the jobs kept, newest last; ``GET /api/whatif/{id}`` its progress and result;
  ``DELETE /api/whatif/{id}`` cancels it.
"""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from importlib import resources

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .jobs import check_request
from .stream import SPEEDS

POLL_S = 0.25  # how often each page's stream looks for new figures
KEEPALIVE_S = 15.0  # a comment line when nothing new came, so proxies keep the stream open
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'"


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=HEADERS)


def create_app(feed, jobs, board) -> Starlette:
    """The app over a ``LiveFeed`` (started by the lifespan), ``WhatIfJobs`` and the ``Board``.
    When the app stops, the live run and the what-if worker are stopped and joined."""
    static_dir = resources.files(__package__) / "static"
    shutting_down = asyncio.Event()

    @asynccontextmanager
    async def lifespan(app):
        if not feed.running and feed.version == 0:
            feed.start()
        try:
            yield
        finally:
            shutting_down.set()
            feed.stop()
            jobs.close()

    async def index(request: Request) -> Response:
        return FileResponse(str(static_dir / "index.html"), headers=HEADERS | {"Content-Security-Policy": CSP})

    async def board_info(request: Request) -> Response:
        return JSONResponse(board.static() | {"speeds": list(SPEEDS), "snapshot_time": jobs.snapshot_clock(),
                                              "from_now": feed.floor is not None},
                            headers=HEADERS)

    async def state(request: Request) -> Response:
        return Response(feed.latest or "null", media_type="application/json", headers=HEADERS)

    async def stream(request: Request) -> Response:
        async def events():
            sent, idle = -1, 0.0
            yield "retry: 2000\n\n"
            while not shutting_down.is_set():
                version = feed.version
                if version != sent and feed.latest:
                    sent, idle = version, 0.0
                    yield f"event: state\nid: {version}\ndata: {feed.latest}\n\n"
                elif idle >= KEEPALIVE_S:
                    idle = 0.0
                    yield ": keep-alive\n\n"
                if await request.is_disconnected():
                    return
                await asyncio.sleep(POLL_S)
                idle += POLL_S

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers=HEADERS | {"X-Accel-Buffering": "no"})

    async def _body(request: Request) -> dict | Response:
        try:
            body = json.loads(await request.body() or b"{}")
        except (ValueError, UnicodeDecodeError):
            return _error("expected a JSON object")
        if not isinstance(body, dict):
            return _error("expected a JSON object")
        return body

    async def speed(request: Request) -> Response:
        body = await _body(request)
        if isinstance(body, Response):
            return body
        value = body.get("speed")
        if value not in SPEEDS:
            return _error(f"speed: expected one of {', '.join(f'{s:g}' for s in SPEEDS)}, got {value!r}")
        feed.set_speed(float(value))
        return JSONResponse({"speed": feed.speed}, headers=HEADERS)

    async def submit(request: Request) -> Response:
        body = await _body(request)
        if isinstance(body, Response):
            return body
        unknown = sorted(set(body) - {"actions", "replications", "from"})
        if unknown:
            return _error(f"unknown field {unknown[0]!r} (expected: actions, replications, from)")
        origin = body.get("from", "snapshot")
        if origin not in ("snapshot", "now"):
            return _error(f"from: expected \"snapshot\" or \"now\", got {origin!r}")
        try:
            check_request(body.get("actions"), body.get("replications"))
        except ValueError as exc:
            return _error(str(exc))
        snapshot = None
        if origin == "now":
            try:
                snapshot = await asyncio.to_thread(feed.capture)
            except ValueError as exc:  # CaptureError, or a SnapshotError of the moment (closed)
                problems = getattr(exc, "problems", None)
                message = "; ".join(p.message for p in problems) if problems else str(exc)
                return _error(f"from now: {message}", 409)
        try:
            job = jobs.submit(body.get("actions"), body.get("replications"), snapshot, origin)
        except ValueError as exc:
            return _error(str(exc))
        except RuntimeError as exc:
            return _error(str(exc), 503)
        return JSONResponse(job.to_dict(), status_code=202, headers=HEADERS)

    async def job_list(request: Request) -> Response:
        return JSONResponse([j.to_dict() for j in list(jobs.jobs.values())], headers=HEADERS)

    async def job(request: Request) -> Response:
        found = jobs.jobs.get(request.path_params["job_id"])
        if found is None:
            return _error("no such what-if job", 404)
        if request.method == "DELETE":
            jobs.cancel(found.id)
        return JSONResponse(found.to_dict(), headers=HEADERS)

    routes = [
        Route("/", index),
        Route("/api/board", board_info),
        Route("/api/state", state),
        Route("/api/stream", stream),
        Route("/api/speed", speed, methods=["POST"]),
        Route("/api/whatif", submit, methods=["POST"]),
        Route("/api/whatif", job_list, methods=["GET"]),
        Route("/api/whatif/{job_id:int}", job, methods=["GET", "DELETE"]),
        Mount("/static", app=StaticFiles(directory=str(static_dir)), name="static"),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
