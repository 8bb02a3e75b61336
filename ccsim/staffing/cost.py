"""The cost of a staffing plan: paid agent time and what poor service costs.

``Cost(agent_hour={group: 22.0}, abandoned_contact=4.0, blocked_contact=4.0,
waiting_hour=0.0)``; the cost of a plan is per simulated horizon (all days of
it): paid hours of the scheduled positions (or of a roster's shifts) times the
hourly cost, plus each abandoned or blocked contact and each hour customers
spent waiting (answered and abandoned contacts), from the simulation. The
contact costs vary from day to day, so the total is an ``Estimate`` with a
95 % confidence interval over replications.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..experiment.estimates import Estimate, Estimates


@dataclass(frozen=True)
class Cost:
    agent_hour: dict[str, float]
    abandoned_contact: float = 0.0
    blocked_contact: float = 0.0
    waiting_hour: float = 0.0

    def to_dict(self) -> dict:
        return {"agent_hour": dict(self.agent_hour), "abandoned_contact": self.abandoned_contact,
                "blocked_contact": self.blocked_contact, "waiting_hour": self.waiting_hour}


def plan_cost(cost: Cost, paid_hours: dict[str, float], est: Estimates) -> dict:
    """Cost of a plan: *paid_hours* per group (over the horizon) and the simulated contacts of *est*.

    Returns ``{"staff": float, "abandoned": Estimate, "blocked": Estimate,
    "waiting": Estimate, "total": Estimate}``.
    """
    staff = sum(paid_hours[g] * cost.agent_hour.get(g, 0.0) for g in paid_hours)
    zero = np.zeros(est.replications)
    abandoned, blocked, waiting = zero.copy(), zero.copy(), zero.copy()
    for kpis in est.contact_types.values():
        abandoned += kpis["abandoned"].values * cost.abandoned_contact
        blocked += kpis["blocked"].values * cost.blocked_contact
        waited = np.nan_to_num(kpis["mean_wait"].values) * (kpis["answered"].values + kpis["abandoned"].values)
        waiting += waited / 3600.0 * cost.waiting_hour
    return {
        "staff": staff,
        "abandoned": Estimate(abandoned),
        "blocked": Estimate(blocked),
        "waiting": Estimate(waiting),
        "total": Estimate(staff + abandoned + blocked + waiting),
    }


def cost_to_dict(parts: dict) -> dict:
    out = {"staff": parts["staff"]}
    for key in ("abandoned", "blocked", "waiting", "total"):
        e = parts[key]
        out[key] = {"mean": e.mean, "ci95": None if e.ci95 is None else list(e.ci95)}
    return out
