"""Occupancy counting work finished after closing (``statistics.occupancy_after_closing``):
a day's busy time is then all the group's work of the day, the calls finished after the
closing included; its present time runs on to the end of the last call; the per-interval
figures and the default are unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine.records import ANSWERED


def centre(option: bool | None) -> ccsim.Scenario:
    data = {
        "name": "after closing", "horizon": {"start": "08:00", "end": "10:00", "interval": "1h"}, "seed": 2,
        "contact_types": {"calls": {"arrivals": {"rate": "3/min"},
                                    "handle_time": {"dist": "exponential", "mean": "2min"}}},
        "agent_groups": {"desk": {"skills": ["calls"], "staffing": [6, 5]}},
    }
    if option is not None:
        data["statistics"] = {"occupancy_after_closing": option}
    return ccsim.from_dict(data)


def test_busy_time_is_all_the_days_work_and_present_time_runs_to_the_last_call():
    est = ccsim.simulate(centre(True), replications=6, keep_records=True)
    base = ccsim.simulate(centre(None), replications=6)
    g, g0 = est.agent_groups["desk"], base.agent_groups["desk"]
    for r, rec in enumerate(est.records):
        work = rec.handle[rec.outcome == ANSWERED].sum() + rec.acw[rec.outcome == ANSWERED].sum()
        assert g["busy_hours"].values[r] * 3600 == pytest.approx(work, rel=1e-9)  # no patience: all answered
        end = float((rec.answer + rec.handle)[rec.outcome == ANSWERED].max())
        extra = g["present_hours"].values[r] - g0["present_hours"].values[r]
        assert end > 7200  # overloaded (3/min x 2 min = 6 > 5 agents): a queue at closing
        assert 0 < extra * 3600 <= 5 * (end - 7200) + 1e-6  # at most the 5 agents of the last hour
    for r in range(6):
        a, b = est.replication_results[r].group_intervals["desk"], base.replication_results[r].group_intervals["desk"]
        assert np.array_equal(a["occupancy"], b["occupancy"])  # the intervals are the horizon's


def test_the_default_is_off():
    assert centre(None).statistics.occupancy_after_closing is False
    with pytest.raises(ccsim.ScenarioError, match="occupancy_after_closing"):
        ccsim.from_dict(dict(centre(None).raw_data(), statistics={"occupancy_after_closing": "maybe"}))
