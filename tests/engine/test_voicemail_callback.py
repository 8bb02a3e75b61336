"""A message left after the voicemail limit asking for a callback (``voicemail.callback``)."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.records import ANSWERED, CALLBACK_FAILED, CB_ACCEPTED, MESSAGE, RETRIAL
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError, loads
from tests.common.invariants import check_waits

SCENARIO = """
name: voicemail callbacks
horizon: {start: "08:00", end: "12:00", interval: 30min}
seed: 3
replications: 12
contact_types:
  support:
    arrivals: {per_interval: [40, 60, 80, 80, 60, 40, 30, 20]}
    handle_time: {dist: exponential, mean: 5min}
    patience: {dist: exponential, mean: 6min}
    voicemail: {after: 2min, callback: true, window: 30min}
    callback: {offer_when_expected_wait_over: 1d, accept_probability: 0, reach_probability: 0.6,
               mode: scheduled, dial_time: 20s}
agent_groups:
  team: {skills: [support], staffing: 9}
"""


def test_every_message_is_called_back_once_as_the_customers_next_attempt():
    plan = build_plan(loads(SCENARIO))
    made = failed = 0
    for r in range(6):
        rec = simulate_replication(plan, r)
        check_waits(plan, rec)
        j = rec.journey
        messages = np.flatnonzero(rec.outcome == MESSAGE)
        backs = np.flatnonzero((j["callback"] == CB_ACCEPTED) & (j["kind"] == RETRIAL))
        assert messages.size > 10 and backs.size == messages.size
        # Each callback is the same customer's next attempt, created when the message was left.
        left_at = {int(j["customer"][m]): rec.entry[m] + 120.0 for m in messages}
        for b in backs:
            assert np.isclose(rec.arrival[b], left_at[int(j["customer"][b])])
        assert np.isin(rec.outcome[backs], (ANSWERED, CALLBACK_FAILED)).all()
        assert (rec.answer[backs] >= rec.arrival[backs]).all()
        made += int(np.isin(rec.outcome[backs], (ANSWERED, CALLBACK_FAILED)).sum())
        failed += int((rec.outcome[backs] == CALLBACK_FAILED).sum())
    # The customer picks up with the type's reach probability (0.6): binomial, 99.9 % band.
    share = failed / made
    assert abs(share - 0.4) <= 3.29 * np.sqrt(0.24 / made), (share, made)


def test_messages_and_their_callbacks_keep_the_books():
    est = ccsim.simulate(loads(SCENARIO), workers=1)
    k = est.contact_types["support"]
    parts = k["answered"].values + k["abandoned"].values + k["messages"].values + k["callbacks_failed"].values
    assert np.array_equal(k["offered"].values, parts + k["waiting_at_end"].values)
    assert np.array_equal(k["callbacks_accepted"].values, k["messages"].values)
    # Without the callback, the same messages are left and nobody is called back.
    off = ccsim.simulate(loads(SCENARIO.replace("callback: true, window: 30min", "callback: false")), workers=1)
    assert (off.contact_types["support"]["callbacks_accepted"].values == 0).all()
    assert off.contact_types["support"]["messages"].mean > 0


@pytest.mark.parametrize("change,expected", [
    ("voicemail: {after: 2min, window: 30min}", "give 'callback: true' with it"),
    ("voicemail: {after: 2min, callback: true}\n    callback: {offer_when_expected_wait_over: 1min, "
     "accept_probability: 0.5}", "needs 'mode: scheduled'"),
])
def test_voicemail_callback_fields_are_checked(change, expected):
    text = SCENARIO.replace("""voicemail: {after: 2min, callback: true, window: 30min}
    callback: {offer_when_expected_wait_over: 1d, accept_probability: 0, reach_probability: 0.6,
               mode: scheduled, dial_time: 20s}""", change)
    with pytest.raises(ScenarioError) as err:
        loads(text, source="vm.yaml")
    assert "vm.yaml:" in str(err.value) and "contact_types.support" in str(err.value) and expected in str(err.value)
