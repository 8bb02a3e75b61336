"""``ccsim serve``: the wallboard in the browser (Starlette app, server-sent events).

``build(scenario, snapshot, ...)`` returns (app, feed, jobs): the live run of the rest of
the day against the wall clock, the what-if jobs, and the app serving both. Needs the
``serve`` extra (starlette, uvicorn).
"""

from __future__ import annotations


def build(scenario, snapshot, *, speed: float = 60.0, seed: int | None = None, replication: int = 0,
          levels=None):
    """The app, its ``LiveFeed`` and its ``WhatIfJobs`` for *scenario* from *snapshot*."""
    from ...experiment import plan_for
    from ..capture import Floor, live_run_parts
    from .app import create_app
    from .board import Board
    from .jobs import WhatIfJobs
    from .stream import LiveFeed

    plan, draws, initial = live_run_parts(scenario, snapshot, seed=seed, replication=replication)
    day = plan_for(scenario, seed)
    offset = round((plan.clock_start - day.clock_start) / plan.interval_s)
    forecast = [[float(r * day.interval_s) for r in ct.rates[offset:offset + plan.n_intervals]]
                for ct in day.contact_types]
    board = Board(plan, forecast, levels, first_day=getattr(snapshot, "day", None))
    floor = Floor(plan, snapshot, initial.start_s)
    feed = LiveFeed(plan, draws, board, replication=replication, initial=initial, speed=speed, floor=floor,
                    scenario=scenario, source=snapshot)
    jobs = WhatIfJobs(scenario, snapshot, seed)
    return create_app(feed, jobs, board), feed, jobs
