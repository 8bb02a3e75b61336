"""Argument checks shared by the Erlang formulas, and the offered load.

Bad arguments raise ``ValueError`` naming the argument, the bad value and what was
expected. Units: seconds for times, contacts per second for rates, Erlangs for loads.
"""

from __future__ import annotations

import math
import operator

# Erlang A chain truncation: states whose probability is below e**-39 (~1e-17)
# times the largest state probability are dropped.
_LOG_NEGLIGIBLE = -39.0
# Largest Erlang A chain (or staffing level) we are willing to build.
_MAX_STATES = 10_000_000


def _number(name: str, value, unit: str, *, positive: bool = False) -> float:
    """Return ``value`` as a finite float >= 0 (> 0 if ``positive``)."""
    expected = f"a finite number {'> 0' if positive else '>= 0'} ({unit})"
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {expected}, got {value!r}") from None
    if not math.isfinite(x) or x < 0 or (positive and x == 0):
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    return x


def _agents(value) -> int:
    """Return ``value`` as an int >= 0 (numpy integers accepted, floats refused)."""
    try:
        c = operator.index(value)
    except TypeError:
        raise ValueError(f"agents must be an integer >= 0, got {value!r}") from None
    if isinstance(value, bool) or c < 0:
        raise ValueError(f"agents must be an integer >= 0, got {value!r}")
    return c


def _clip01(x) -> float:
    """A probability as a float, clipped to [0, 1] against summation round-off."""
    return min(1.0, max(0.0, float(x)))


def _fraction(name: str, value, *, allow_one: bool) -> float:
    """Return ``value`` as a float in (0, 1) or (0, 1]."""
    expected = "0 < value <= 1" if allow_one else "0 < value < 1"
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number with {expected}, got {value!r}") from None
    if not (0 < x < 1 or (allow_one and x == 1)):
        raise ValueError(f"{name} must be a number with {expected}, got {value!r}")
    return x


def offered_load(arrival_rate: float, aht: float) -> float:
    """Offered load in Erlangs: ``arrival_rate`` (contacts/s) times ``aht`` (s)."""
    return _number("arrival_rate", arrival_rate, "contacts per second") * _number(
        "aht", aht, "seconds", positive=True
    )
