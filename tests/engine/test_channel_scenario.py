"""The scenario language of routing and channels: what loads, what is refused and where."""

import numpy as np
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
    assert chat.concurrency == 3 and chat.slowdown == (1.0, 1.25, 1.25)  # the last multiplier repeats
    assert email.sl_threshold == 24 * 3600 and email.sl_target == 0.9  # emails: 90 % within 24 h by default
    generalists = plan.agent_groups[1]
    assert generalists.skill_indices == (1, 0, 2) and generalists.levels == (1, 2, 3)
    assert generalists.factor == (1.0, 1.2, 1.0) and generalists.reserve == (1, 0, 0)
    # The group's own overflow_after wins over the type's; the primary group waits for nothing.
    assert generalists.delay == (0.0, 45.0, 0.0) and plan.agent_groups[0].delay == (0.0,)


def test_overflow_delay_comes_from_the_contact_type_for_secondary_groups():
    plan = build_plan(loads(BASE.replace("    overflow_after: {sales: 45s}\n", "")))
    assert plan.agent_groups[1].delay == (0.0, 30.0, 0.0)


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
    assert g.levels == (1, 1) and h.levels == (1, 2)


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


def test_email_service_level_in_opening_hours_leaves_the_nights_out():
    def scenario(opening_hours_only):
        return ccsim.from_dict({
            "name": "mail", "horizon": {"start": "08:00", "end": "18:00", "interval": "1h", "days": 3},
            "seed": 5, "replications": 3,
            "contact_types": {"email": {
                "channel": "email", "arrivals": {"rate": "6/h"},
                "handle_time": {"dist": "exponential", "mean": "5min"},
                "service_level": {"target": 0.9, "threshold": "3h", "opening_hours_only": opening_hours_only}}},
            # Nobody after 16:00: the late emails wait for the next morning.
            "agent_groups": {"team": {"skills": ["email"], "staffing": [1] * 8 + [0, 0]}},
        })

    calendar = ccsim.simulate(scenario(False), keep_records=True)
    opening = ccsim.simulate(scenario(True), keep_records=True)
    for rec_c, rec_o in zip(calendar.records, opening.records, strict=True):
        np.testing.assert_array_equal(rec_c.answer, rec_o.answer)  # the same run; only the measure differs
    sl_c = calendar.contact_types["email"]["service_level"].values
    sl_o = opening.contact_types["email"]["service_level"].values
    assert np.all(sl_o > sl_c + 0.05)  # an email from 17:00 replied at 08:30 took 1.5 h, not 15.5 h
    # By hand for one replication: opening time between arrival and reply, inside 08:00-18:00 of each day.
    rec = opening.records[0]
    done = rec.outcome == 1
    reply = rec.answer[done] + rec.handle[done]
    took = sum(np.clip(np.minimum(reply, d * 86400 + 36000) - np.maximum(rec.arrival[done], d * 86400), 0, None)
               for d in range(3))
    backlog_age = sum(np.clip(np.minimum(2 * 86400 + 36000, d * 86400 + 36000)
                              - np.maximum(rec.arrival[rec.outcome == 0], d * 86400), 0, None) for d in range(3))
    within = np.count_nonzero(took <= 3 * 3600)
    base = done.sum() + np.count_nonzero(backlog_age > 3 * 3600)
    assert sl_o[0] == pytest.approx(within / base)
    with pytest.raises(ScenarioError, match="opening_hours_only applies to emails"):
        ccsim.from_dict({**scenario(False).raw_data(), "contact_types": {"email": {
            "arrivals": {"rate": "6/h"}, "handle_time": {"dist": "exponential", "mean": "5min"},
            "service_level": {"opening_hours_only": True}}}})


def overnight_mail(overnight, **service_level):
    return ccsim.from_dict({
        "name": "mail", "horizon": {"start": "08:00", "end": "18:00", "interval": "1h", "days": 3},
        "seed": 5, "replications": 40,
        "contact_types": {
            "calls": {"arrivals": {"rate": "20/h"}, "handle_time": {"dist": "exponential", "mean": "4min"},
                      "patience": {"dist": "exponential", "mean": "3min"}},
            "email": {"channel": "email", "arrivals": {"rate": "4/h", "overnight": overnight},
                      "handle_time": {"dist": "exponential", "mean": "5min"},
                      "service_level": {"target": 0.9, "threshold": "4h", **service_level}}},
        "agent_groups": {"team": {"skills": ["calls", "email"], "staffing": 3}},
    })


def test_emails_received_overnight_join_the_backlog_at_the_opening_with_their_age():
    from ccsim.engine import simulate_replication

    with_night, without = build_plan(overnight_mail(30)), build_plan(overnight_mail(0))
    counts = []
    for r in range(40):
        rec, plain = simulate_replication(with_night, r), simulate_replication(without, r)
        night = rec.entry < rec.arrival
        assert np.all(rec.ctype[night] == 1)
        day = np.round(rec.arrival[night] / 86400)
        np.testing.assert_array_equal(rec.arrival[night], day * 86400)  # at each day's opening
        age = rec.arrival[night] - rec.entry[night]
        assert np.all((age > 0) & (age <= 14 * 3600))  # within the 14 closed hours before it
        counts.append(np.bincount(day.astype(int), minlength=3))
        # The day's own contacts are the same contacts with or without the night's mail.
        for field in ("arrival", "ctype", "handle", "patience"):
            np.testing.assert_array_equal(getattr(rec, field)[~night], getattr(plain, field))
        # Oldest first in the queue: the night's mail is answered in the order it came in.
        order = np.argsort(rec.entry[night & (rec.outcome == 1)], kind="stable")
        assert np.all(np.diff(rec.answer[night & (rec.outcome == 1)][order]) >= 0)
    mean, ci = ccsim.experiment.stats.mean_ci(np.array(counts).ravel(), 0.999)
    assert ci[0] <= 30 <= ci[1]
    est = ccsim.simulate(overnight_mail(30), replications=10)
    calendar = est.contact_types["email"]
    assert calendar["offered"].mean == pytest.approx(calendar["answered"].mean + calendar["backlog_at_end"].mean)
    # Mail from the night is more than 4 h old at the opening; in opening hours it is new.
    opening = ccsim.simulate(overnight_mail(30, opening_hours_only=True), replications=10)
    assert calendar["service_level"].mean < 0.8 < opening.contact_types["email"]["service_level"].mean


def test_overnight_arrivals_are_for_emails_only():
    with pytest.raises(ScenarioError, match="arrivals.overnight applies to emails"):
        ccsim.from_dict({**overnight_mail(0).raw_data(), "contact_types": {"calls": {
            "arrivals": {"rate": "20/h", "overnight": 5}, "handle_time": {"dist": "exponential", "mean": "4min"}}},
            "agent_groups": {"team": {"skills": ["calls"], "staffing": 3}}})


def test_per_agent_rows_go_to_agents_csv_only_on_request(tmp_path):
    import csv

    from click.testing import CliRunner

    from ccsim.cli import main

    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    runner = CliRunner()
    assert runner.invoke(main, ["run", str(path), "-r", "2", "--out", str(tmp_path / "plain")]).exit_code == 0
    assert not (tmp_path / "plain" / "agents.csv").exists()
    result = runner.invoke(main, ["run", str(path), "-r", "2", "--per-agent", "--out", str(tmp_path / "agents")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "agents" / "agents.csv").open()))
    assert {r["replication"] for r in rows} == {"0", "1"}
    assert {r["agent_group"] for r in rows} == {"sellers", "generalists"}
    per_rep = [sum(1 for r in rows if r["replication"] == str(k)) for k in (0, 1)]
    assert per_rep == [7, 7]  # 3 sellers and 4 generalists, all day (constant staffing)
    for r in rows:
        present, busy = float(r["present_hours"]), float(r["busy_hours"])
        assert present == pytest.approx(2.0) and 0 <= busy <= present + 1e-9
        assert float(r["occupancy"]) == pytest.approx(busy / present)
        assert float(r["contacts_per_hour"]) == pytest.approx(int(r["handled"]) / present)
