"""Callbacks: fewer abandons and a higher service level (paired comparison), no accepted
callback lost, the reach probability, and the service level's base without them.
"""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine.records import ABANDONED, ANSWERED, CALLBACK_FAILED, CB_ACCEPTED, CB_NONE
from tests.common.journeys import assert_covers, overloaded

CALLBACK = {"offer_when_expected_wait_over": 60, "accept_probability": 0.8,
            "reach_probability": 0.9, "dial_time": 30}


@pytest.mark.slow
def test_callbacks_lower_abandonment_and_raise_the_service_level():
    """Callers told a long wait take a callback instead of abandoning; those answered
    inbound are the ones told a short wait, so the inbound service level rises.

    Virtual hold keeps the callbacks in the queue, and a callback never abandons, so the
    agents do more work; patience 5 min and 80 % acceptance make the gain clear of noise
    (about +0.11, 95 % paired CI [0.08, 0.15] at 40 replications)."""
    comparison = ccsim.compare(overloaded(), overloaded(CALLBACK), replications=40)
    rows = {row["kpi"]: row for row in comparison.rows()
            if row["section"] == "contact_types" and row["name"] == "calls"}
    abandon, sl = rows["abandon_rate"], rows["service_level"]
    assert abandon["significant"] and abandon["difference"] < 0, abandon
    assert sl["significant"] and sl["difference"] > 0, sl


@pytest.mark.parametrize("mode", ["virtual_hold", "scheduled"])
def test_no_accepted_callback_is_lost(mode):
    est = ccsim.simulate(overloaded({**CALLBACK, "mode": mode}), replications=30, keep_records=True)
    failed_share = []
    for rec, result in zip(est.records, est.replication_results, strict=True):
        cb = rec.journey["callback"]
        accepted = cb == CB_ACCEPTED
        assert accepted.sum() > 10
        # Agents stay until the system is empty: every callback is made, none abandons.
        assert np.all(np.isin(rec.outcome[accepted], (ANSWERED, CALLBACK_FAILED))), (
            np.unique(rec.outcome[accepted], return_counts=True))
        assert np.all(rec.answer[accepted] >= rec.entry[accepted])
        # A failed callback costs the agent the dialling time only.
        failed = rec.outcome == CALLBACK_FAILED
        assert np.all(rec.handle[failed] == 30.0) and np.all(rec.acw[failed] == 0.0)
        day = result.contact_types["calls"]
        assert day["callbacks_accepted"] == accepted.sum()
        assert day["callbacks_offered"] == np.count_nonzero(cb != CB_NONE)
        assert day["callbacks_completed"] + day["callbacks_failed"] == day["callbacks_accepted"]
        assert day["callback_delay"] == pytest.approx(
            np.mean(rec.answer[accepted] - rec.entry[accepted]), rel=1e-12)
        assert day["callbacks_completed"] == np.count_nonzero(accepted & (rec.outcome == ANSWERED))
        failed_share.append(day["callbacks_failed"] / day["callbacks_accepted"])
    assert_covers(failed_share, 1 - 0.9, "share of callbacks that do not reach the customer")


def test_service_level_leaves_accepted_callbacks_out_of_its_base():
    """Day service level = answered within threshold / sl_counted, like the intervals' and
    the total's: a callback is not an inbound answer (it is in neither part)."""
    est = ccsim.simulate(overloaded(CALLBACK), replications=3, keep_records=True)
    for rec, result in zip(est.records, est.replication_results, strict=True):
        day = result.contact_types["calls"]
        inbound = (rec.outcome == ANSWERED) & (rec.journey["callback"] != CB_ACCEPTED)
        within = inbound & (rec.wait <= 20.0)
        base = np.count_nonzero(inbound) + np.count_nonzero(rec.outcome == ABANDONED)
        assert day["answered_within_threshold"] == np.count_nonzero(within)
        assert day["sl_counted"] == base
        assert day["service_level"] == pytest.approx(np.count_nonzero(within) / base, rel=1e-12)
        assert result.total["service_level"] == pytest.approx(day["service_level"], rel=1e-12)
