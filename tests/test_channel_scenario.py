"""The scenario language of routing and channels: what loads, what is refused and where."""

import pytest

import ccsim
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError, loads

BASE = """\
name: Channels
horizon: {start: "08:00", end: "10:00", interval: 30min}
routing: overflow
contact_types:
  sales:
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 3min}
    patience: {dist: exponential, mean: 2min}
    overflow_after: 30s
  chat:
    channel: chat
    concurrency: 3
    concurrency_slowdown: [1.0, 1.25]
    arrivals: {rate: 40/h}
    handle_time: {dist: exponential, mean: 6min}
    patience: {dist: exponential, mean: 2min}
  email:
    channel: email
    arrivals: {rate: 20/h}
    handle_time: {dist: exponential, mean: 5min}
agent_groups:
  sellers: {skills: [sales], staffing: 3}
  generalists:
    skills: {chat: 1, sales: 2, email: 3}
    handle_time_factor: {sales: 1.2}
    reserve: {chat: 1}
    overflow_after: {sales: 45s}
    staffing: 4
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(text, source="c.yaml")
    return [str(p) for p in info.value.problems]


def test_a_full_channel_scenario_builds_its_routing_tables():
    plan = build_plan(loads(BASE))
    sales, chat, email = plan.contact_types
    assert (sales.channel, chat.channel, email.channel) == ("voice", "chat", "email")
    assert chat.concurrency == 3 and chat.slowdown == [1.0, 1.25, 1.25]  # the last multiplier repeats
    assert email.sl_threshold == 24 * 3600 and email.sl_target == 0.9  # emails: 90 % within 24 h by default
    generalists = plan.agent_groups[1]
    assert generalists.skill_indices == [1, 0, 2] and generalists.levels == [1, 2, 3]
    assert generalists.factor == [1.0, 1.2, 1.0] and generalists.reserve == [1, 0, 0]
    # The group's own overflow_after wins over the type's; the primary group waits for nothing.
    assert generalists.delay == [0.0, 45.0, 0.0] and plan.agent_groups[0].delay == [0.0]


def test_overflow_delay_comes_from_the_contact_type_for_secondary_groups():
    plan = build_plan(loads(BASE.replace("    overflow_after: {sales: 45s}\n", "")))
    assert plan.agent_groups[1].delay == [0.0, 30.0, 0.0]


@pytest.mark.parametrize("old, new, where, expected", [
    ("    concurrency: 3\n", "    concurrency: 0\n", "c.yaml:12:18: contact_types.chat.concurrency",
     "greater than or equal to 1"),
    ("[1.0, 1.25]", "[1.0, 1.2, 1.4, 1.6]", "c.yaml:11:5: contact_types.chat", "at most 3"),
    ("    channel: email\n", "    channel: email\n    patience: {dist: exponential, mean: 1h}\n",
     "c.yaml:18:5: contact_types.email", "emails never abandon"),
    ("    channel: email\n", "    channel: fax\n", "c.yaml:18:14: contact_types.email.channel",
     "'voice', 'chat' or 'email'"),
    ("routing: overflow\n", "routing: random\n", "c.yaml:3:10: routing",
     "'priority', 'longest_idle_agent' or 'overflow'"),
    ("routing: overflow\n", "routing: priority\n", "c.yaml:9:21: contact_types.sales.overflow_after",
     "needs 'routing: overflow'"),
    ("reserve: {chat: 1}", "reserve: {support: 1}", "c.yaml:26:24: agent_groups.generalists.reserve.support",
     "not one of this group's skills"),
    ("handle_time_factor: {sales: 1.2}", "handle_time_factor: {sales: 0}",
     "c.yaml:25:33: agent_groups.generalists.handle_time_factor.sales", "greater than 0"),
    ("  sales:\n    arrivals", "  sales:\n    concurrency: 2\n    arrivals", "c.yaml:6:5: contact_types.sales",
     "applies to chats only"),
])
def test_bad_channel_and_routing_fields_are_located_and_explained(old, new, where, expected):
    text = BASE.replace(old, new, 1)
    assert text != BASE
    found = problems_of(text)
    assert any(p.startswith(where) and expected in p for p in found), found


def test_skills_of_equal_level_share_one_queue_discipline_and_list_order_stays_strict():
    one = ccsim.from_dict({
        "name": "levels", "horizon": {"start": "08:00", "end": "09:00"},
        "contact_types": {t: {"arrivals": {"rate": "10/h"}, "handle_time": {"dist": "constant", "value": 60}}
                          for t in ("a", "b")},
        "agent_groups": {"g": {"skills": {"b": 1, "a": 1}, "staffing": 1},
                         "h": {"skills": ["a", "b"], "staffing": 1}},
    })
    g, h = build_plan(one).agent_groups
    assert g.levels == [1, 1] and h.levels == [1, 2]


def test_per_agent_present_time_adds_up_to_the_groups_even_when_the_day_ends_quiet():
    # The last contact ends long before the horizon: idle agents are still present to its end.
    sc = ccsim.from_dict({
        "name": "quiet", "horizon": {"start": "08:00", "end": "10:00", "interval": "1h"},
        "statistics": {"per_agent": True}, "replications": 3,
        "contact_types": {"calls": {"arrivals": {"rate": "2/h"}, "handle_time": {"dist": "constant", "value": 60}}},
        "agent_groups": {"team": {"skills": ["calls"], "staffing": 2}},
    })
    est = ccsim.simulate(sc, keep_records=True)
    for rec in est.records:
        assert rec.agents["present_s"].tolist() == [7200.0, 7200.0]
    team = est.agent_groups["team"]
    assert team["agent_occupancy_mean"].values == pytest.approx(team["occupancy"].values, rel=1e-9)
    assert team["agents_counted"].values.tolist() == [2, 2, 2]
