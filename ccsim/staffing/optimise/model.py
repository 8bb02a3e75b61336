"""The integer programme: least cost subject to the cuts, solved by HiGHS (``scipy.optimize.milp``).

Variables: agents x[g, j] per group and interval (two-step free staffing), or
with shift patterns y[g, p], agents working pattern p (one step), where the
agents present are x = A y (A: share of each interval a pattern is on shift
and not on a break). Cost: per agent-hour of each group (``group_costs``), or
per paid hour of each pattern.
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
        if coverage is None:
            self.cost = np.repeat(hourly * interval_s / 3600.0, n)
            self.sizes = [n] * self.G
        else:
            assert pattern_hours is not None, "shift patterns need their paid hours"
            self.cost = np.concatenate([hourly[g] * pattern_hours[g] for g in range(self.G)])
            self.sizes = [a.shape[1] for a in coverage]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)])

    def staffing_row(self, g: int, j: int) -> np.ndarray:
        """Coefficients giving x[g, j] from the variables."""
        row = np.zeros(self.offsets[-1])
        if self.coverage is None:
            row[g * self.n + j] = 1.0
        else:
            row[self.offsets[g]:self.offsets[g + 1]] = self.coverage[g][j]
        return row

    def staffing(self, z: np.ndarray) -> np.ndarray:
        """Agents present per group and interval (rounded down where breaks make it fractional)."""
        if self.coverage is None:
            return np.rint(z).astype(np.int64).reshape(self.G, self.n)
        return np.array([np.floor(self.coverage[g] @ z[self.offsets[g]:self.offsets[g + 1]] + 1e-6)
                         for g in range(self.G)], dtype=np.int64)

    def solve(self, cuts: list[Cut], center: np.ndarray | None = None, radius: np.ndarray | None = None,
              time_limit_s: float = 30.0) -> tuple[np.ndarray, float]:
        """Least cost subject to *cuts*; with *center* and *radius* (groups x intervals), each
        x[g, j] stays within radius of the center (a trust region: cuts are linear
        approximations, good near where they were taken)."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        rows, lbs = [], []
        for cut in cuts:
            row = np.zeros(self.offsets[-1])
            for (g, j), d in cut.coef.items():
                row += d * self.staffing_row(g, j)
            rows.append(row)
            lbs.append(cut.rhs)
        k = len(rows)  # elastic rows first, the trust region after
        region_rows, region_lb, region_ub = [], [], []
        if center is not None and radius is not None and self.coverage is not None:
            for g in range(self.G):
                for j in range(self.n):
                    region_rows.append(self.staffing_row(g, j))
                    region_lb.append(max(0.0, center[g, j] - radius[g, j]))
                    region_ub.append(center[g, j] + radius[g, j] + 1.0)  # breaks make coverage fractional
        if self.coverage is None:
            upper = self.ceiling.reshape(-1).astype(float)
            lower = np.zeros_like(upper)
            if center is not None and radius is not None:
                lower = np.maximum(0.0, (center - radius).reshape(-1).astype(float))
                upper = np.minimum(upper, (center + radius).reshape(-1).astype(float))
        else:
            upper = np.concatenate([np.full(s, float(self.ceiling[g].max())) for g, s in enumerate(self.sizes)])
            lower = np.zeros_like(upper)
        # Elastic cuts: a cut taken where the staffing is far too low can ask for more agents than
        # the ceiling allows (its slope there is small); a slack per cut at a high price keeps the
        # programme solvable, and the next simulation replaces the cut by a better one.
        m = self.offsets[-1]
        penalty = 1000.0 * max(float(self.cost.max()), 1e-6) * self.n
        cost = np.concatenate([self.cost, np.full(k, penalty)])
        integrality = np.concatenate([np.ones(m), np.zeros(k)])
        bounds = Bounds(np.concatenate([lower, np.zeros(k)]), np.concatenate([upper, np.full(k, np.inf)]))
        constraints = []
        if rows:
            a = np.hstack([np.array(rows), np.eye(k)])
            constraints.append(LinearConstraint(a, lb=np.array(lbs) - 1e-9, ub=np.inf))
        if region_rows:
            a = np.hstack([np.array(region_rows), np.zeros((len(region_rows), k))])
            constraints.append(LinearConstraint(a, lb=np.array(region_lb), ub=np.array(region_ub)))
        res = milp(cost, integrality=integrality, bounds=bounds, constraints=constraints,
                   options={"time_limit": time_limit_s, "mip_rel_gap": 1e-6})
        if res.x is None:
            raise ValueError(f"the integer programme has no solution ({res.message})")
        z = np.rint(res.x[:m])
        return z, float(self.cost @ z)
