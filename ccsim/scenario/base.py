"""The base of every scenario model: frozen, unknown keys refused."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ScenarioModel(BaseModel):
    """Frozen pydantic model that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)
