"""The scenario language: schema, loading with located errors, overrides."""

from .errors import Problem, ScenarioError
from .loader import from_dict, load, loads
from .schema import AgentGroupSpec, ContactTypeSpec, HorizonSpec, Scenario

__all__ = [
    "AgentGroupSpec", "ContactTypeSpec", "HorizonSpec", "Problem", "Scenario",
    "ScenarioError", "from_dict", "load", "loads",
]
