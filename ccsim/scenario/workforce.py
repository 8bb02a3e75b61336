"""Workforce in the scenario language: shifts with breaks, absenteeism, aux time."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from .base import ScenarioModel
from .fields import ClockTime, PositiveDuration

MAX_HEADCOUNT = 100_000


class BreakSpec(ScenarioModel):
    """A break of every agent on the shift: at a fixed clock time, or staggered in a window.

    ``start: "12:00"`` sends every agent at 12:00 (or when the contact in hand ends);
    ``window: ["11:30", "13:30"]`` spreads the agents' break starts evenly over the
    window. A break never interrupts a contact: the agent goes when it ends.
    """

    start: ClockTime | None = None
    window: tuple[ClockTime, ClockTime] | None = None
    length: PositiveDuration

    @model_validator(mode="after")
    def _one_form(self):
        if (self.start is None) == (self.window is None):
            raise ValueError("expected exactly one of 'start' (a fixed time) or 'window' ([from, to])")
        if self.window is not None and self.window[1] < self.window[0]:
            raise ValueError(f"the window must not end before it starts, got {list(self.window)}")
        return self

    def earliest(self) -> float:
        return self.start if self.start is not None else self.window[0]

    def latest(self) -> float:
        return self.start if self.start is not None else self.window[1]


class ShiftSpec(ScenarioModel):
    """``headcount`` agents working from ``start`` to ``end`` (clock times), with breaks."""

    start: ClockTime
    end: ClockTime
    headcount: Annotated[int, Field(ge=0, le=MAX_HEADCOUNT)]
    breaks: list[BreakSpec] = []

    @model_validator(mode="after")
    def _inside(self):
        if self.end <= self.start:
            raise ValueError(f"a shift must end after it starts, got {self.start / 3600:g} h to {self.end / 3600:g} h")
        for b in self.breaks:
            if b.earliest() < self.start or b.latest() + b.length > self.end:
                raise ValueError("every break must lie inside its shift (start, window and length)")
        return self
