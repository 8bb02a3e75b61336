"""Work finished after closing, for occupancy (``statistics.occupancy_after_closing``).

By default a group's occupancy is its busy time over its present time inside each day's
statistics window (the horizon). With the option, each day's window of a group runs on
past the closing to the end of the last contact the group is busy with after it (before the
next day's opening): the busy time and the present time of the agents still there (the
last interval's headcount, and agents finishing a contact after their shift's headcount
fell) in that stretch are added. ContactCenters' SimpleMSK measures its occupancy so,
integrating the group's agents until its last event.
"""

from __future__ import annotations

import numpy as np

from ..plan import DAY_S, Plan
from .timeline import Spans, step_areas


def after_closing(plan: Plan, s0: np.ndarray, s1: np.ndarray, log_t, log_n) -> tuple[float, float]:
    """(busy s, present s) of one group from each day's closing to the end of its last contact
    after it. *s0*, *s1*: the group's busy spans; *log_t*, *log_n*: its present log."""
    if s1.size == 0:
        return 0.0, 0.0
    busy, present = 0.0, 0.0
    spans = Spans(s0, s1)
    for d, (_, close) in enumerate(plan.open_windows()):
        limit = (d + 1) * DAY_S if d + 1 < plan.days else np.inf
        after = (s1 > close) & (s0 < limit)  # busy after this day's closing, before the next opening
        if not after.any():
            continue
        end = min(float(s1[after].max()), limit)
        points = np.array([close, end])
        b = spans.area(points)
        (p,) = step_areas(log_t, (log_n,), points)
        busy += float(b[1] - b[0])
        present += float(p[1] - p[0])
    return busy, present
