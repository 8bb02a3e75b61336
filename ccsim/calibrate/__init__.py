"""From ACD history to a scenario: forecast the contacts, calibrate behaviour, write a scenario.

    from ccsim.calibrate import read_history, read_details, calibrate
    cal = calibrate(read_history("history.csv"), datetime.date(2026, 12, 7),
                    details=read_details("details.csv"))
    cal.scenario_text        # YAML with provenance comments; loads and runs as is

    from ccsim.report.calibration import to_dict
    to_dict(cal)             # the calibration report

Modules, one job each: ``history`` and ``details`` read and validate the CSVs
(``csvread`` reads only the needed columns), ``forecast`` the day volume,
profile and forecast error, ``fitting`` and ``behaviour`` the handle-time and
after-call-work distributions, ``patience`` the censoring-aware patience,
``calibration`` composes them, ``writer`` writes the scenario, ``synthetic``
makes test histories with ccsim itself. This package computes; the report layer
renders a calibration: ``ccsim.report.calibration`` (JSON and text) and
``ccsim.report.calibration_figures`` (SVG figures).
"""

from .calibration import Calibration, TypeCalibration, calibrate
from .details import CallDetails, read_details
from .errors import CalibrationInputError, CsvProblem
from .forecast import ForecastError
from .history import IntervalHistory, read_history

__all__ = [
    "CallDetails", "Calibration", "CalibrationInputError", "CsvProblem", "ForecastError", "IntervalHistory",
    "TypeCalibration", "calibrate", "read_details", "read_history",
]
