"""The integer programme: least cost subject to the cuts, solved by HiGHS (``scipy.optimize.milp``).

Variables: agents x[g, j] per group and interval, integer. Free staffing: the
cost is per agent-hour of each group (``group_costs``). One step, with shift
patterns: also y[g, p], agents working pattern p, integer, with
x[g, j] <= sum_p A[j, p] y[g, p] (A: share of interval j that pattern p is on
shift and not on a break), and the cost is per paid hour of the shifts; the cuts
are on x, which is what is simulated.
"""

from __future__ import annotations

import numpy as np

from ...plan import Plan
from .cuts import Cut

MULTI_SKILL_PREMIUM = 0.10  # default: each skill beyond the first makes an agent-hour 10 % dearer


def group_costs(plan: Plan, agent_hour: dict[str, float] | None) -> np.ndarray:
    """Money per agent-hour per group: the side file's ``cost.agent_hour``, or else
    1 + 0.10 x (skills - 1), so that a generalist costs more than a specialist."""
    out = []
    for g in plan.agent_groups:
        given = (agent_hour or {}).get(g.name)
        out.append(float(given) if given else 1.0 + MULTI_SKILL_PREMIUM * (len(g.skill_indices) - 1))
    return np.array(out)


class Model:
    """The master problem. ``coverage[g]``: intervals x patterns matrix of group g, or None (free staffing)."""

    def __init__(self, hourly: np.ndarray, n: int, interval_s: float, ceiling: np.ndarray,
                 coverage: list[np.ndarray] | None = None, pattern_hours: list[np.ndarray] | None = None):
        self.G, self.n = len(hourly), n
        self.ceiling = ceiling
        self.coverage = coverage
        self.nx = self.G * n
        if coverage is None:
            self.cost = np.repeat(hourly * interval_s / 3600.0, n)
            self.sizes: list[int] = []
        else:
            assert pattern_hours is not None, "shift patterns need their paid hours"
            self.cost = np.concatenate([np.zeros(self.nx)] + [hourly[g] * pattern_hours[g] for g in range(self.G)])
            self.sizes = [a.shape[1] for a in coverage]
        self.offsets = self.nx + np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)

    def staffing(self, z: np.ndarray) -> np.ndarray:
        """Agents present per group and interval: one step, every whole agent the shifts cover
        (at least the x of the solution, so its cuts still hold)."""
        if self.coverage is None:
            return np.rint(z[:self.nx]).astype(np.int64).reshape(self.G, self.n)
        return np.array([np.floor(self.coverage[g] @ self.shifts(z, g) + 1e-6) for g in range(self.G)],
                        dtype=np.int64)

    def shifts(self, z: np.ndarray, g: int) -> np.ndarray:
        """Agents per pattern of group g (one step)."""
        return np.rint(z[self.offsets[g]:self.offsets[g + 1]]).astype(np.int64)

    def solve(self, cuts: list[Cut], center: np.ndarray | None = None, radius: np.ndarray | None = None,
              time_limit_s: float = 10.0) -> tuple[np.ndarray, float]:
        """Least cost subject to *cuts*; with *center* and *radius* (groups x intervals), each
        x[g, j] stays within radius of the center (a trust region: cuts are linear
        approximations, good near where they were taken)."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        m = len(self.cost)
        k = len(cuts)
        rows = np.zeros((k, m))
        lbs = np.array([cut.rhs for cut in cuts])
        for r, cut in enumerate(cuts):
            for (g, j), d in cut.coef.items():
                rows[r, g * self.n + j] += d
        upper = self.ceiling.reshape(-1).astype(float)
        lower = np.zeros(self.nx)
        if center is not None and radius is not None:
            lower = np.maximum(0.0, (center - radius).reshape(-1).astype(float))
            upper = np.minimum(upper, (center + radius).reshape(-1).astype(float))
        if self.coverage is not None:
            big = float(self.ceiling.max()) * 2 + 10
            upper = np.concatenate([upper, np.full(m - self.nx, big)])
            lower = np.concatenate([lower, np.zeros(m - self.nx)])
        # Elastic cuts: a cut taken where the staffing is far too low can ask for more agents than
        # the ceiling or the trust region allows (its slope there is small); a slack per cut at a
        # high price keeps the programme solvable, and the next simulation gives a better cut.
        penalty = 1000.0 * max(float(self.cost.max()), 1e-6) * self.n
        cost = np.concatenate([self.cost, np.full(k, penalty)])
        integrality = np.concatenate([np.ones(m), np.zeros(k)])
        bounds = Bounds(np.concatenate([lower, np.zeros(k)]), np.concatenate([upper, np.full(k, np.inf)]))
        constraints = []
        if k:
            constraints.append(LinearConstraint(np.hstack([rows, np.eye(k)]), lb=lbs - 1e-9, ub=np.inf))
        if self.coverage is not None:  # x[g, j] - A[j] y[g] <= 0
            link = np.zeros((self.nx, m + k))
            for g in range(self.G):
                for j in range(self.n):
                    link[g * self.n + j, g * self.n + j] = 1.0
                    link[g * self.n + j, self.offsets[g]:self.offsets[g + 1]] = -self.coverage[g][j]
            constraints.append(LinearConstraint(link, lb=-np.inf, ub=1e-9))
        res = milp(cost, integrality=integrality, bounds=bounds, constraints=constraints,
                   options={"time_limit": time_limit_s, "mip_rel_gap": 1e-4})
        if res.x is None:
            raise ValueError(f"the integer programme has no solution ({res.message})")
        z = np.rint(res.x[:m])
        return z, float(self.cost @ z)
