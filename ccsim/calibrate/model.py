"""What a calibration found: per contact type and for the day (read by the writer and the report)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .behaviour import DurationEstimate
from .details import CallDetails
from .forecast import VolumeForecast
from .history import IntervalHistory
from .patience import PatienceEstimate


@dataclass
class TypeCalibration:
    """Everything estimated for one contact type."""

    name: str
    forecast: VolumeForecast
    handle: DurationEstimate
    acw: DurationEstimate
    patience: PatienceEstimate
    staffing: list[int]
    staffing_method: str
    history: dict  # what the history says: offered per day, service level, abandon rate, ASA, AHT
    notes: list[str] = field(default_factory=list)


@dataclass
class Calibration:
    target: dt.date
    history: IntervalHistory
    details: CallDetails | None
    types: list[TypeCalibration]
    sl_target: float
    threshold_s: float
    seed: int
    replications: int
    name: str
    scenario_text: str = ""
    notes: list[str] = field(default_factory=list)
