"""Transfer rules in the scenario language: valid rules load into the plan; every bad
field is a located error (file:line:column, the field's path, the bad value, what is
expected), and the command line exits with 2 without a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ccsim.plan import build_plan
from ccsim.plan.transfers import BACK, VOICEMAIL
from ccsim.scenario import ScenarioError, loads

BASE = """\
name: Transfers
horizon: {start: "08:00", end: "10:00", interval: 30min}
contact_types:
  front:
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 3min}
    patience: {dist: exponential, mean: 2min}
    transfers:
RULES
  expert:
    arrivals: {rate: 0}
    handle_time: {dist: exponential, mean: 5min}
    patience: {dist: exponential, mean: 2min}
  mail:
    channel: email
    arrivals: {rate: 0}
    handle_time: {dist: exponential, mean: 5min}
agent_groups:
  desk: {skills: [front], staffing: 3}
  experts: {skills: [expert, mail], staffing: 2}
"""


def scenario(rules: str) -> str:
    return BASE.replace("RULES", rules)


def problems_of(rules: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(scenario(rules), source="s.yaml")
    return [str(p) for p in info.value.problems]


def test_rules_reach_the_plan_in_order_with_their_times_in_seconds():
    sc = loads(scenario(
        "      - {to: expert, probability: 20%, mode: warm, wait_limit: 1min, if_not_reached: back,\n"
        "         conference: {dist: constant, value: 30s}, groups: [desk]}\n"
        "      - {to: expert, probability: 0.5, delay: {dist: constant, value: 10s}, if_not_reached: voicemail}\n"),
        source="s.yaml")
    rules = build_plan(sc).contact_types[0].transfers
    assert [r.p for r in rules] == [0.2, 0.5]
    assert rules[0].warm and not rules[1].warm
    assert rules[0].wait_limit == 60.0 and rules[1].wait_limit == float("inf")
    assert rules[0].conference.mean == 30.0 and rules[1].delay.mean == 10.0
    assert rules[0].groups == frozenset({0}) and rules[1].groups is None
    assert (rules[0].not_reached, rules[1].not_reached) == (BACK, VOICEMAIL)


@pytest.mark.parametrize("rule,where,says", [
    ("{to: expret, probability: 0.2}", "s.yaml:9:", "contact_types.front.transfers[0].to: unknown contact type "
     "'expret' (known: front, expert, mail; did you mean 'expert'?)"),
    ("{to: mail, probability: 0.2}", "s.yaml:9:", "contact_types.front.transfers[0].to: a call is transferred "
     "to a call type (channel: voice); 'mail' is a email type"),
    ("{to: expert, probability: 1.5}", "s.yaml:9:", "contact_types.front.transfers[0].probability"),
    ("{to: expert, probability: 0.2, mode: tepid}", "s.yaml:9:", "contact_types.front.transfers[0].mode"),
    ("{to: expert, probability: 0.2, if_not_reached: callback}", "s.yaml:9:",
     "contact_types.front.transfers[0].if_not_reached"),
    ("{to: expert, probability: 0.2, if_not_reached: back}", "s.yaml:9:",
     "'if_not_reached: back' needs a warm transfer (mode: warm)"),
    ("{to: expert, probability: 0.2, wait_limit: 1min}", "s.yaml:9:",
     "'wait_limit' applies to warm transfers (mode: warm), not to cold ones"),
    ("{to: expert, probability: 0.2, conference: {dist: constant, value: 1min}}", "s.yaml:9:",
     "'conference' applies to warm transfers"),
    ("{to: expert, probability: 0.2, mode: warm, wait_limit: -5s}", "s.yaml:9:",
     "contact_types.front.transfers[0].wait_limit"),
    ("{to: expert, probability: 0.2, delay: {dist: exponential, mean: -1min}}", "s.yaml:9:",
     "contact_types.front.transfers[0].delay"),
    ("{to: expert, probability: 0.2, groups: [dsk]}", "s.yaml:9:",
     "contact_types.front.transfers[0].groups[0]: unknown agent group 'dsk' (known: desk, experts; did you mean "
     "'desk'?)"),
    ("{to: expert, probability: 0.2, groups: [experts]}", "s.yaml:9:",
     "contact_types.front.transfers[0].groups[0]: group 'experts' does not serve 'front'"),
    ("{to: expert, probability: 0.2, hold_music: true}", "s.yaml:9:", "contact_types.front.transfers[0].hold_music"),
])
def test_a_bad_rule_is_a_located_error(rule, where, says):
    found = problems_of(f"      - {rule}\n")
    assert any(p.startswith(where) and says in p for p in found), found


def test_every_bad_rule_of_a_file_is_reported_at_once():
    found = problems_of("      - {to: nobody, probability: 0.2}\n      - {to: expert, probability: 2}\n")
    assert any("transfers[0].to" in p for p in found) and any("transfers[1].probability" in p for p in found)


def test_transfers_of_an_email_type_are_refused():
    text = scenario("      - {to: expert, probability: 0.2}\n").replace(
        "  front:\n", "  front:\n    channel: email\n").replace(
        "    patience: {dist: exponential, mean: 2min}\n    transfers", "    transfers")
    with pytest.raises(ScenarioError) as info:
        loads(text, source="s.yaml")
    assert any("transfers apply to calls (channel: voice), not to email" in str(p) for p in info.value.problems)


def test_the_command_line_exits_2_without_a_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario("      - {to: expret, probability: 0.2}\n"))
    done = subprocess.run([sys.executable, "-m", "ccsim", "run", str(path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "bad.yaml:9:" in done.stderr and "transfers[0].to" in done.stderr


def test_transfers_of_or_to_an_outbound_type_are_refused():
    dialled = ("  calls_out:\n    direction: outbound\n    handle_time: {dist: exponential, mean: 3min}\n"
               "    dialer: {policy: progressive}\n")
    text = scenario("      - {to: calls_out, probability: 0.2}\n").replace("  mail:\n", dialled + "  mail:\n")
    text = text.replace("experts: {skills: [expert, mail]", "experts: {skills: [expert, mail, calls_out]")
    with pytest.raises(ScenarioError) as info:
        loads(text, source="s.yaml")
    found = [str(p) for p in info.value.problems]
    assert any("transfers[0].to: a call is transferred to an inbound type; 'calls_out' is dialled" in p
               for p in found), found
    source = text.replace("    dialer: {policy: progressive}\n",
                          "    dialer: {policy: progressive}\n    transfers: [{to: expert, probability: 0.2}]\n")
    with pytest.raises(ScenarioError) as info:
        loads(source, source="s.yaml")
    assert any("contact_types.calls_out.transfers: transfers apply to inbound calls" in str(p)
               for p in info.value.problems)


def test_a_warm_transfer_that_may_wait_for_ever_is_warned_about():
    endless = scenario("      - {to: expert, probability: 0.2, mode: warm}\n").replace(
        "    handle_time: {dist: exponential, mean: 5min}\n    patience: {dist: exponential, mean: 2min}\n  mail:",
        "    handle_time: {dist: exponential, mean: 5min}\n  mail:")
    warned = [str(w) for w in loads(endless, source="s.yaml").warnings()]
    assert any("s.yaml:9:" in w and "transfers[0]" in w and "no wait_limit" in w for w in warned), warned
    limited = endless.replace("mode: warm}", "mode: warm, wait_limit: 2min}")
    assert not any("no wait_limit" in str(w) for w in loads(limited, source="s.yaml").warnings())
