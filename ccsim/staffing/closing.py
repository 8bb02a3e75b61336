"""Close the loop: roster -> simulation -> a better roster.

A roster covers the required agents *on average* over each interval, and its
breaks start when the contact in hand ends, so the simulated roster can miss
a target that the staffing met — typically where many breaks fall in one
interval. ``fit_roster`` simulates the roster, adds one agent to the
requirement of every interval that misses a target (for the group that owns
the failing contact type), solves again, and repeats, at most ``rounds``
times. Every roster it tried is kept, so the output says how the loop went.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..experiment import plan_for
from ..scenario import Scenario
from .multiskill import group_to_raise
from .roster import Roster, schedule
from .settings import PatternSpec, StaffingOptions
from .shrinkage import positions_needed
from .staff import Validation, validate_roster

ROUNDS = 3


@dataclass
class RosterRound:
    roster: Roster
    check: Validation | None
    added: int  # agents added to the requirement before this round


def fit_roster(scenario: Scenario, required: dict[str, np.ndarray], options: StaffingOptions,
               patterns: PatternSpec | None, *, shrinkage: dict[str, float] | None = None,
               replications: int = 100, seed: int | None = None, simulate: bool = True,
               rounds: int = ROUNDS, workers: int | None = 1, executor=None,
               progress=None) -> list[RosterRound]:
    """Rosters covering *required* (agents present per group and interval), simulated and improved.

    *shrinkage* (default: the options') turns required agents into positions to cover.
    progress: ``progress(what, done, total)`` as each round starts solving (done = total = 0)
    and while its roster is simulated (replications).
    Returns every round; the last is the roster to use.
    """
    h = scenario.horizon
    plan = plan_for(scenario)
    shrink = shrinkage if shrinkage is not None else options.shrinkage
    need = {g: np.asarray(v, dtype=float).copy() for g, v in required.items()}
    agent_hour = options.cost.agent_hour if options.cost is not None else None
    seed = scenario.seed if seed is None else int(seed)
    out: list[RosterRound] = []
    added = 0
    for k in range(max(1, rounds)):
        if progress is not None:
            progress(f"solving the shifts (round {k + 1})", 0, 0)
        positions = {g: np.array([positions_needed(v, shrink.get(g, 0.0)) for v in values])
                     for g, values in need.items()}
        roster = schedule(positions, patterns, h.start, h.interval, h.days, agent_hour)
        check = (validate_roster(scenario, roster, options, replications, seed, workers, executor, shrinkage=shrink,
                                 progress=None if progress is None else
                                 lambda _l, done, total, k=k: progress(f"simulating the roster (round {k + 1})",
                                                                       done, total))
                 if simulate else None)
        out.append(RosterRound(roster, check, added))
        if check is None or check.intervals_met == check.n_intervals:
            break
        added = 0
        groups = [g.name for g in plan.agent_groups]
        for (name, _kpi), verdicts in check.verdicts.items():
            for col, verdict in enumerate(verdicts):
                if verdict != "missed":
                    continue
                j = col % plan.n_intervals
                if name in scenario.contact_types:
                    group = groups[group_to_raise(plan, list(scenario.contact_types).index(name))]
                else:
                    group = name
                if group in need and need[group][j] < required[group][j] + rounds + 1:
                    need[group][j] += 1
                    added += 1
        if not added:
            break
    return out
