"""Voicemail after a wait limit (``voicemail: {after: ...}``): a caller still waiting at the
limit leaves a message and hangs up, counted as ``messages`` — apart from abandons, answered,
blocked — and in the service level's base. With nobody to answer, a caller with exponential
patience leaves a message with probability exp(-after / mean patience) (intervals over
replications); a caller who left a message does not call again (retrial); books balance;
emails refuse it; a bad limit is a located error."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.records import ABANDONED, MESSAGE
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError
from tests.common.invariants import check_records

AFTER_S, PATIENCE_S = 90.0, 120.0


def centre(staffing=0, extra: dict | None = None, voicemail: dict | None = None) -> ccsim.Scenario:
    calls = {"arrivals": {"rate": "2/min"}, "handle_time": {"dist": "exponential", "mean": "3min"},
             "patience": {"dist": "exponential", "mean": PATIENCE_S},
             "voicemail": voicemail or {"after": AFTER_S}, **(extra or {})}
    return ccsim.from_dict({
        "name": "voicemail", "horizon": {"start": "08:00", "end": "12:00", "interval": "1h"}, "seed": 31,
        "contact_types": {"calls": calls}, "agent_groups": {"desk": {"skills": ["calls"], "staffing": staffing}},
    })


def test_with_nobody_to_answer_the_share_of_messages_is_the_patience_tail():
    est = ccsim.simulate(centre(), replications=30, seed=4)
    calls = est.contact_types["calls"]
    messages, offered = np.asarray(calls["messages"].values), np.asarray(calls["offered"].values)
    share = messages / offered
    want = math.exp(-AFTER_S / PATIENCE_S)
    assert abs(share.mean() - want) < 4 * share.std(ddof=1) / math.sqrt(share.size), (share.mean(), want)
    assert (np.asarray(calls["abandoned"].values) + messages == offered).all()


def test_messages_are_left_at_the_limit_and_counted_apart():
    plan = build_plan(centre(staffing=5))
    rec = simulate_replication(plan, 0)
    check_records(plan, rec)
    msg = rec.outcome == MESSAGE
    assert msg.sum() > 5
    wait = rec.patience  # the wait of a caller who left: its patience, capped at the limit
    assert np.allclose(wait[msg], AFTER_S)
    assert (wait[rec.outcome == ABANDONED] < AFTER_S).all()


def test_messages_are_in_the_service_levels_base():
    est = ccsim.simulate(centre(staffing=6), replications=3)
    c = est.contact_types["calls"]
    base = np.asarray(c["answered"].values) + np.asarray(c["abandoned"].values) + np.asarray(c["messages"].values)
    assert np.array_equal(np.asarray(c["sl_counted"].values), base)


def test_a_caller_who_left_a_message_does_not_call_again():
    retrial = {"retrial": {"probability": 1.0, "delay": {"dist": "constant", "value": 600}, "max_attempts": 3}}
    plan = build_plan(centre(extra=retrial))
    rec = simulate_replication(plan, 0)
    customer, attempt = rec.journey["customer"], rec.journey["attempt"]
    msg_customers = set(customer[rec.outcome == MESSAGE].tolist())
    later = {(int(c), int(a)) for c, a in zip(customer, attempt, strict=True)}
    for i in np.flatnonzero(rec.outcome == MESSAGE):
        assert (int(customer[i]), int(attempt[i]) + 1) not in later
    # Abandons before the limit do call again (probability 1), unless their retrial falls after the day.
    ab = np.flatnonzero((rec.outcome == ABANDONED) & (rec.arrival < 3 * 3600))
    assert ab.size > 10 and msg_customers
    assert all((int(customer[i]), int(attempt[i]) + 1) in later for i in ab if attempt[i] < 3)


@pytest.mark.parametrize("data,where,says", [
    ({"after": 0}, "contact_types.calls.voicemail.after", "positive"),
    ({"after": "2 minz"}, "contact_types.calls.voicemail.after", ""),
    ({"aftr": "2min"}, "contact_types.calls.voicemail", "aftr"),
])
def test_a_bad_voicemail_is_a_located_error(tmp_path, data, where, says):
    import yaml

    raw = centre().raw_data()
    raw["contact_types"]["calls"]["voicemail"] = data
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    with pytest.raises(ScenarioError) as err:
        ccsim.load(path)
    text = str(err.value)
    assert "s.yaml:" in text and where in text and says in text, text


def test_emails_refuse_voicemail():
    with pytest.raises(ScenarioError, match="voicemail"):
        ccsim.from_dict({
            "name": "e", "horizon": {"start": "08:00", "end": "12:00"},
            "contact_types": {"mail": {"channel": "email", "arrivals": {"rate": "2/h"},
                                       "handle_time": {"dist": "exponential", "mean": 60},
                                       "voicemail": {"after": "2h"}}},
            "agent_groups": {"desk": {"skills": ["mail"], "staffing": 1}},
        })
