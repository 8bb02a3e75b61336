"""The scenario language: schema, loading with located errors, overrides."""

from .errors import Problem, ScenarioError, ScenarioWarning
from .loader import from_dict, load, loads
from .plausible import scenario_warnings
from .schema import AgentGroupSpec, ContactTypeSpec, HorizonSpec, Scenario

__all__ = [
    "AgentGroupSpec", "ContactTypeSpec", "HorizonSpec", "Problem", "Scenario",
    "ScenarioError", "ScenarioWarning", "from_dict", "load", "loads", "scenario_warnings",
]
