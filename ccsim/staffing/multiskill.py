"""Several contact types and agent groups: who gets the agents a contact type needs.

The heuristic, in two parts:

1. **Start.** Each contact type's analytic requirement goes to its *owners*:
   the groups that list it at their highest priority among all groups that
   answer it, the most specialised (fewest skills) first; several equal
   owners share it evenly. A group's start is the sum over the types it owns.
   Pooling (one agent serving several types) is ignored here, so multi-skill
   starts are generous; the search trims them.
2. **Search.** When a contact type misses a target in an interval, agents are
   added to its owner (the first owner on a tie); when a group's occupancy is
   above its cap, to that group. Removals are tried for every (group,
   interval), one agent at a time.

What it guarantees (on the simulated days of the search): every interval meets
every target, and removing a single agent of any group in any interval breaks
at least one — a local minimum. It does not guarantee the fewest agents in
total: another split between groups (more generalists, fewer specialists)
may need fewer.
"""

from __future__ import annotations

import math

import numpy as np

from ..plan import Plan


def owners(plan: Plan) -> dict[int, list[int]]:
    """Contact type index -> indices of its owner groups (see the module docstring)."""
    out = {}
    for ct in plan.contact_types:
        groups = [plan.agent_groups[g] for g in ct.group_indices]
        if not groups:
            out[ct.index] = []
            continue
        rank = {g.index: (g.skill_indices.index(ct.index), len(g.skill_indices)) for g in groups}
        best = min(rank.values())
        out[ct.index] = [g for g, r in rank.items() if r == best]
    return out


def allocate(plan: Plan, per_type: dict[str, np.ndarray]) -> np.ndarray:
    """Group start staffing (groups x intervals) from each contact type's requirement."""
    start = np.zeros((len(plan.agent_groups), plan.n_intervals), dtype=int)
    own = owners(plan)
    for ct in plan.contact_types:
        groups = own[ct.index]
        need = np.asarray(per_type[ct.name], dtype=int)
        for i, g in enumerate(groups):
            # Even shares, rounded up for the first owners so nothing is lost.
            start[g] += np.array([math.ceil((v - i) / len(groups)) if v > i else 0 for v in need], dtype=int)
    return start


def group_to_raise(plan: Plan, type_index: int) -> int:
    """The group that gets an agent when contact type *type_index* misses a target."""
    own = owners(plan)[type_index]
    return own[0]
