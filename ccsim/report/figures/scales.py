"""Time units on an axis: chat and email (hours) never share a seconds axis."""

from __future__ import annotations

import numpy as np

from ...experiment.estimates import Estimates
from ...units import time_unit
from ..waits import time_scales
from .marks import names_of


def type_scales(est: Estimates, names=None) -> list[list[str]]:
    """``time_scales`` of the contact types *names* (all by default) of *est*."""
    wanted = names_of(est, names)
    return time_scales({ct.name: ct.sl_threshold for ct in est.plan.contact_types if ct.name in wanted})


def axis_time_unit(*arrays) -> tuple[str, float]:
    """The unit of a time axis (``ccsim.units.time_unit``) from the largest value it shows."""
    top = 0.0
    for values in arrays:
        v = np.abs(np.asarray(values, dtype=float))
        v = v[np.isfinite(v)]
        if v.size:
            top = max(top, float(v.max()))
    return time_unit(top)


def one_scale(thresholds: dict[str, float], what: str) -> None:
    if len(time_scales(thresholds)) > 1:
        short, long = time_scales(thresholds)
        raise ValueError(f"{what}: {', '.join(short)} (waits in seconds) and {', '.join(long)} (waits in hours) "
                         "cannot share a time axis; draw them on separate Axes")
