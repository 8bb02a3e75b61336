"""What the notebook views (``frames``, ``display``) read of ``Estimates``, as a protocol:
they depend on this shape, not on the class, so the class can delegate to them."""

from __future__ import annotations

from typing import Protocol

from ...metrics import Results
from ...plan import Plan
from ...scenario import Scenario
from .estimate import Estimate


class EstimatesView(Protocol):
    scenario: Scenario
    plan: Plan
    seed: int
    replications: int
    replication_results: list[Results]
    contact_types: dict[str, dict[str, Estimate]]
    agent_groups: dict[str, dict[str, Estimate]]
    total: dict[str, Estimate]

    def targets(self) -> dict[str, dict]: ...

    def interval_days(self) -> list[int]: ...
