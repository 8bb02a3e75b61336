"""Journey errors in a scenario: located at the bad value, all of a file's at once, and in
overrides.
"""

from __future__ import annotations

import pytest

import ccsim
from ccsim.scenario import ScenarioError

SMALL = """\
name: Small
horizon: {start: "08:00", end: "10:00", interval: 30min}
contact_types:
  sales:
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 3min}
    patience: {dist: exponential, mean: 2min}
JOURNEY
  support:
    arrivals: {rate: 10/h}
    handle_time: {dist: exponential, mean: 5min}
agent_groups:
  team: {skills: [sales, support], staffing: 3}
"""


def problems_of(journey: str, **kw) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        ccsim.loads(SMALL.replace("JOURNEY", journey), source="s.yaml", **kw)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("line, path", [
    ("    retrial: {probability: 1.5, delay: {dist: constant, value: 1min}}",
     "retrial.probability"),
    ("    ivr: {time: {dist: constant, value: 30s}, self_service: 1.5}", "ivr.self_service"),
    ("    balking: {when_expected_wait_over: 1min, probability: 1.5}", "balking.probability"),
    ("    resolution: {first_contact: 1.5}", "resolution.first_contact"),
    ("    resolution: {first_contact: 0.5,\n"
     "                 repeat: {probability: 1.5, delay: {dist: constant, value: 1d}}}",
     "resolution.repeat.probability"),
    ("    callback: {offer_when_expected_wait_over: 1min, accept_probability: 1.5}",
     "callback.accept_probability"),
    ("    callback: {offer_when_expected_wait_over: 1min, accept_probability: 0.5,\n"
     "               reach_probability: 1.5}",
     "callback.reach_probability"),
    ("    conversion: {probability: 1.5}", "conversion.probability"),
])
def test_probabilities_outside_zero_one_are_located(line, path):
    text = SMALL.replace("JOURNEY", line)
    at = text.index("1.5")  # the error points at the bad value itself
    where = f"s.yaml:{text.count(chr(10), 0, at) + 1}:{at - text.rfind(chr(10), 0, at)}"
    (only,) = problems_of(line)
    assert only == (f"{where}: contact_types.sales.{path}: "
                    "expected a share from 0 to 1, e.g. 0.8 or '80%', got 1.5 ('1.5%' if a percentage was meant)"), only
    (only,) = problems_of(line.replace("1.5", "-0.25"))
    assert only == (f"{where}: contact_types.sales.{path}: "
                    "expected a share from 0 to 1, e.g. 0.8 or '80%', got -0.25"), only


def test_a_repeat_as_an_unknown_contact_type_is_located():
    (only,) = problems_of("    resolution: {first_contact: 0.5, repeat: {probability: 0.5, "
                          "delay: {dist: constant, value: 1d}, as: billing}}")
    assert only.startswith("s.yaml:8:")
    assert ("contact_types.sales.resolution.repeat.as: unknown contact type 'billing' "
            "(known: sales, support)") in only


def test_an_unknown_key_inside_callback_lists_the_allowed_fields():
    (only,) = problems_of("    callback: {offer_when_expected_wait_over: 1min, "
                          "accept_probability: 0.5, reach: 0.9}")
    assert only.startswith("s.yaml:8:")
    assert "contact_types.sales.callback.reach: unknown field 'reach' (expected one of: " in only
    for field in ("offer_when_expected_wait_over", "accept_probability", "reach_probability",
                  "handle_time", "dial_time"):
        assert field in only.split("expected one of:")[1], field


def test_every_journey_error_of_a_file_at_once_and_in_overrides():
    found = problems_of("    retrial: {probability: 1.5, delay: {dist: constant, value: 1min}}\n"
                        "    wait_predictor: crystal_ball\n"
                        "    rating: {scale: 1}")
    assert len(found) == 3, found
    assert any(": contact_types.sales.wait_predictor: expected 'queue_position' or "
               "'last_to_enter_service', got 'crystal_ball'" in p for p in found), found
    assert any(": contact_types.sales.rating.scale: " in p for p in found), found
    found = problems_of("", overrides=["contact_types.support.retrial={probability: 0.5, "
                                       "delay: {dist: exponential, mean: 10min}, max_attempts: 0}"])
    assert len(found) == 1 and "contact_types.support.retrial.max_attempts" in found[0], found
    sc = ccsim.loads(SMALL.replace("JOURNEY", ""), overrides=[
        "contact_types.support.retrial={probability: 0.5, "
        "delay: {dist: exponential, mean: 10min}}"])
    assert sc.contact_types["support"].retrial.probability == 0.5
    assert sc.contact_types["support"].retrial.delay.mean == 600.0
