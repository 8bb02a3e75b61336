"""The plan: a validated scenario turned into plain, frozen objects for the engine.

``build`` makes it, ``model`` says what it holds, ``sampling`` draws the scenario's
distributions and ``streams`` gives every random source its own generator.
"""

from .build import build_plan, profile_volumes
from .model import (
    DAY_S,
    AgentGroupPlan,
    ContactTypePlan,
    JourneyPlan,
    Plan,
    ShiftPlan,
    scheduled_from_shifts,
)

__all__ = [
    "DAY_S", "AgentGroupPlan", "ContactTypePlan", "JourneyPlan", "Plan", "ShiftPlan",
    "build_plan", "profile_volumes", "scheduled_from_shifts",
]
