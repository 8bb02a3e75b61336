"""The calendar of a multi-day horizon: fields, located errors, and what a closed day means
to the engine (nobody arrives, nobody works, nobody dials)."""

import subprocess
import sys

import numpy as np
import pytest

import ccsim
from ccsim.plan import DAY_S, build_plan
from ccsim.scenario import ScenarioError, loads

BASE = """\
name: Week
horizon:
  start: "09:00"
  end: "17:00"
  interval: 1h
  days: 7
{calendar}seed: 3
replications: 2
contact_types:
  calls:
    arrivals: {{rate: 30/h}}
    handle_time: {{dist: exponential, mean: 3min}}
    patience: {{dist: exponential, mean: 2min}}
  email:
    channel: email
    arrivals: {{rate: 6/h, overnight: 20}}
    handle_time: {{dist: exponential, mean: 5min}}
    service_level: {{target: 0.9, threshold: 3h, opening_hours_only: true}}
agent_groups:
  team: {{skills: [calls, email], staffing: 3}}
  rostered:
    skills: [calls]
    shifts: [{{start: "09:00", end: "17:00", headcount: 2, breaks: [{{start: "12:00", length: 30min}}]}}]
"""

WEEK = ("  first_day: friday\n"
        "  opening_hours: {saturday: closed, sunday: closed, thursday: \"10:00-14:00\"}\n"
        "  holidays: [6]\n")


def scenario(calendar: str = WEEK, source: str = "s.yaml"):
    return loads(BASE.format(calendar=calendar), source=source)


def problems_of(calendar: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        scenario(calendar)
    return [str(p) for p in info.value.problems]


def test_each_day_gets_its_weekday_hours_and_holidays_are_closed():
    cal = build_plan(scenario()).calendar
    # Fri, Sat, Sun, Mon, Tue, Wed (day 6: a holiday), Thu 10-14 (1 h to 5 h after 09:00).
    assert cal.weekdays == (4, 5, 6, 0, 1, 2, 3)
    assert cal.hours == ((0.0, 28800.0), None, None, (0.0, 28800.0), (0.0, 28800.0), None, (3600.0, 18000.0))
    assert cal.windows()[-1] == (6 * DAY_S + 3600.0, 6 * DAY_S + 18000.0)
    assert cal.mask().reshape(7, 8).sum(axis=1).tolist() == [8, 0, 0, 8, 8, 0, 4]


def test_a_date_gives_the_weekday_and_dated_holidays():
    cal = build_plan(scenario("  first_day: 2026-12-24\n  opening_hours: {Sunday: closed}\n"
                              "  holidays: [2026-12-25, 2026-12-26]\n")).calendar
    assert cal.weekdays[0] == 3  # 24 December 2026 is a Thursday
    assert [h is None for h in cal.hours] == [False, True, True, True, False, False, False]


def test_no_calendar_fields_no_calendar():
    assert build_plan(scenario("")).calendar is None


def test_a_calendar_open_every_day_changes_no_number():
    """The calendar is optional: open every day at the horizon's hours, the same seed gives the
    same contacts, answers and agents as without it (overnight mail and shifts included)."""
    plain = ccsim.simulate(scenario(""), keep_records=True)
    open_week = ccsim.simulate(scenario("  first_day: monday\n"), keep_records=True)
    for a, b in zip(plain.records, open_week.records, strict=True):
        np.testing.assert_array_equal(a.arrival, b.arrival)
        np.testing.assert_array_equal(a.answer, b.answer)
        np.testing.assert_array_equal(a.outcome, b.outcome)
    for kpi in ("service_level", "offered", "abandoned"):
        np.testing.assert_array_equal(plain.contact_types["email"][kpi].values,
                                      open_week.contact_types["email"][kpi].values)


def test_nobody_arrives_or_works_while_closed():
    est = ccsim.simulate(scenario(), keep_records=True)
    cal = est.plan.calendar
    for rec in est.records:
        calls = rec.ctype == 0
        assert np.all([cal.is_open_at(t) for t in rec.arrival[calls]])
        email = rec.ctype == 1
        # Emails arrive in opening hours or, received while closed, at an opening.
        openings = [low for low, _ in cal.windows()]
        assert np.all([cal.is_open_at(t) or t in openings for t in rec.arrival[email]])
        assert np.any(np.isin(rec.arrival[email], openings))
        starts = rec.answer[rec.outcome == 1]
        assert np.all([cal.is_open_at(t) for t in starts]), "work started while closed"
        for g in range(2):
            times, present = rec.present_log[g]
            for d in (1, 2, 5):  # Saturday, Sunday, the holiday: nobody logs in
                day = (times >= d * DAY_S) & (times < (d + 1) * DAY_S)
                assert np.all(present[day] == 0)
            thursday = (times >= 6 * DAY_S) & (times < 6 * DAY_S + 3600.0)  # 09:00-10:00, before opening
            assert np.all(present[thursday] == 0)


def test_closed_days_bring_overnight_mail_in_proportion_to_their_hours():
    """Friday 17:00 to Monday 09:00 is 64 closed hours, four nights of 16 h: the Monday
    opening's backlog is four times a night's 20 emails (80), over 200 replications."""
    sc = loads(BASE.format(calendar=WEEK).replace("replications: 2", "replications: 200")
               .replace("rate: 30/h", "rate: 1/h"), source="s.yaml")
    est = ccsim.simulate(sc, keep_records=True)
    monday = np.mean([np.count_nonzero(rec.arrival == 3 * DAY_S) for rec in est.records])
    tuesday = np.mean([np.count_nonzero(rec.arrival == 4 * DAY_S) for rec in est.records])
    assert monday == pytest.approx(80.0, abs=4 * np.sqrt(80 / 200))
    assert tuesday == pytest.approx(20.0, abs=4 * np.sqrt(20 / 200))


@pytest.mark.parametrize("calendar, expected", [
    ("  first_day: caturday\n", "horizon.first_day: expected a weekday (monday, tuesday"),
    ("  first_day: 2026-13-01\n", "horizon.first_day: expected a weekday"),
    ("  opening_hours: {sunday: closed}\n", "horizon.opening_hours: needs horizon.first_day"),
    ("  holidays: [3]\n", "horizon.holidays: needs horizon.first_day"),
    ("  first_day: monday\n  opening_hours: {sunday: shut}\n",
     "horizon.opening_hours.sunday: expected 'closed' or opening hours such as '09:00-17:00', got 'shut'"),
    ("  first_day: monday\n  opening_hours: {funday: closed}\n", "horizon.opening_hours.funday"),
    ("  first_day: monday\n  opening_hours: {sunday: \"08:00-12:00\"}\n",
     "horizon.opening_hours.sunday: expected hours within the horizon's 09:00-17:00, got 08:00-12:00"),
    ("  first_day: monday\n  opening_hours: {sunday: \"12:00-10:00\"}\n",
     "horizon.opening_hours.sunday: closing must come after opening, got 12:00-10:00"),
    ("  first_day: monday\n  opening_hours: {sunday: \"09:30-12:00\"}\n",
     "horizon.opening_hours.sunday: expected hours on the horizon's interval boundaries (every 60 min"),
    ("  first_day: monday\n  holidays: [8]\n", "horizon.holidays[0]: expected a day number from 1 to 7, got 8"),
    ("  first_day: monday\n  holidays: [2026-12-25]\n",
     "horizon.holidays[0]: a date (2026-12-25) needs horizon.first_day as a date"),
    ("  first_day: 2026-12-01\n  holidays: [2026-12-25]\n",
     "horizon.holidays[0]: expected a date from 2026-12-01 to 2026-12-07, got 2026-12-25"),
])
def test_bad_calendar_fields_are_located(calendar, expected):
    found = problems_of(calendar)
    assert any(expected in p for p in found), found
    assert all(p.startswith("s.yaml:") for p in found), found


def test_the_command_line_exits_2_without_a_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BASE.format(calendar="  first_day: monday\n  holidays: [0]\n"))
    done = subprocess.run([sys.executable, "-m", "ccsim", "run", str(path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "bad.yaml:" in done.stderr and "holidays[0]" in done.stderr


def test_no_dialling_on_a_closed_day():
    """The bundled blended campaign over a closed Saturday and an open Sunday: every call,
    inbound or dialled, is on Sunday; the open day dials as the one-day scenario does."""
    from pathlib import Path

    path = Path(__file__).parents[2] / "scenarios" / "sales_blend.yaml"
    sc = ccsim.load(path, overrides=["horizon.days=2", "horizon.first_day=saturday",
                                     "horizon.opening_hours.saturday=closed"])
    est = ccsim.simulate(sc, replications=1, keep_records=True)
    rec = est.records[0]
    dialled = np.isin(rec.ctype, [ct.index for ct in est.plan.contact_types if ct.outbound is not None])
    assert dialled.sum() > 100
    assert not np.any(rec.arrival < DAY_S), "a call on the closed Saturday"
    for g in range(len(est.plan.agent_groups)):
        times, present = rec.present_log[g]
        assert np.all(present[times < DAY_S] == 0)


@pytest.mark.parametrize("kind, path", [("first_day", ("horizon", "first_day")),
                                        ("hours", ("horizon", "opening_hours", "sunday")),
                                        ("holiday", ("horizon", "holidays", 0))])
def test_the_fuzzers_bad_calendar_values_are_refused_where_they_stand(kind, path):
    """Each bad value the scenario fuzzer writes into a calendar field is refused, located at it."""
    import copy

    import yaml

    from ccsim.scenario.errors import format_path
    from tests.common.strategies import BAD_VALUES, get, kind_of

    base = yaml.safe_load(BASE.format(calendar="  first_day: 2026-11-29\n  opening_hours: {sunday: closed}\n"
                                               "  holidays: [2]\n"))
    assert kind_of(base, path) == kind
    for bad in BAD_VALUES[kind]:
        data = copy.deepcopy(base)
        get(data, path[:-1])[path[-1]] = bad
        with pytest.raises(ScenarioError) as info:
            loads(yaml.safe_dump(data, sort_keys=False), source="s.yaml")
        anchor = format_path(path)
        where = [p for p in info.value.problems if p.path == anchor or p.path.startswith((anchor + ".", anchor + "["))]
        assert where, (bad, [str(p) for p in info.value.problems])
        assert str(where[0]).startswith("s.yaml:")


def test_callers_are_disconnected_at_the_days_own_closing():
    """Friday 09:00-13:00 in a 09:00-17:00 horizon: arrivals stop at 13:00, and a type that
    disconnects at closing does so then (not at 17:00)."""
    from ccsim.engine.records import DISCONNECTED

    sc = ccsim.from_dict({
        "name": "short friday", "seed": 2, "replications": 2,
        "horizon": {"start": "09:00", "end": "17:00", "interval": "1h", "days": 2, "first_day": "friday",
                    "opening_hours": {"friday": "09:00-13:00", "saturday": "closed"}},
        "contact_types": {"calls": {"arrivals": {"rate": "80/h"}, "at_closing": "disconnect",
                                    "handle_time": {"dist": "exponential", "mean": "3min"},
                                    "patience": {"dist": "exponential", "mean": "30min"}}},
        "agent_groups": {"team": {"skills": ["calls"], "staffing": 3}},
    })
    est = ccsim.simulate(sc, keep_records=True)
    for rec in est.records:
        assert rec.arrival.max() < 4 * 3600.0
        gone = rec.outcome == DISCONNECTED
        assert gone.sum() > 0
        np.testing.assert_allclose(rec.arrival[gone] + rec.wait[gone], 4 * 3600.0)
        assert np.all(rec.answer[rec.outcome == 1] < 4 * 3600.0 + 1e-9)
    assert est.contact_types["calls"]["disconnected"].mean > 0


def test_a_24_hour_horizon_gets_a_nights_mail_per_opening():
    """With no night to take a rate from, each opening gets `overnight` emails, as without a
    calendar: an open calendar changes nothing, a closed Tuesday removes its day."""
    base = {"name": "m", "seed": 1, "replications": 2,
            "horizon": {"start": "00:00", "end": "24:00", "interval": "1h", "days": 3},
            "contact_types": {"email": {"channel": "email", "arrivals": {"rate": "2/h", "overnight": 30},
                                        "handle_time": {"dist": "exponential", "mean": "5min"}}},
            "agent_groups": {"t": {"skills": ["email"], "staffing": 1}}}

    def run(**calendar):
        sc = ccsim.from_dict({**base, "horizon": {**base["horizon"], **calendar}})
        return ccsim.simulate(sc, keep_records=True).records

    for a, b in zip(run(), run(first_day="monday"), strict=True):
        np.testing.assert_array_equal(a.arrival, b.arrival)
    for rec in run(first_day="monday", opening_hours={"tuesday": "closed"}):
        assert not np.any((rec.arrival >= DAY_S) & (rec.arrival < 2 * DAY_S))
        assert np.count_nonzero(rec.arrival == 2 * DAY_S) < 80  # one opening's mail, not a day's worth per second


def test_a_calendar_closed_every_day_is_warned_about_and_runs_empty():
    sc = scenario("  first_day: saturday\n  opening_hours: {saturday: closed, sunday: closed}\n"
                  "  holidays: [3, 4, 5, 6, 7]\n")
    found = [str(w) for w in sc.warnings()]
    assert any("s.yaml:2:1: warning: horizon: the calendar closes every day of the horizon (7 from saturday)" in w
               for w in found), found
    assert scenario().warnings() == []
    est = ccsim.simulate(sc, keep_records=True)
    assert all(rec.arrival.size == 0 for rec in est.records)


def test_a_customer_calling_back_while_closed_comes_in_the_next_opening_hours():
    """As long after the next opening as the call fell after the last closing, modulo the
    next day's hours: 10 min after Monday's 17:00 is 10 min after Wednesday's 10:00 when
    Tuesday is a holiday and Wednesday opens 10:00-11:00."""
    from ccsim.plan.calendar import Calendar

    cal = Calendar(hours=((0.0, 28800.0), None, (3600.0, 7200.0)), weekdays=(0, 1, 2),
                   interval_s=3600.0, n_intervals=8)
    assert cal.next_open(100.0) == 100.0  # open: at once
    assert cal.next_open(28800.0 + 600.0) == 2 * DAY_S + 3600.0 + 600.0
    assert cal.next_open(DAY_S + 5.0) == 2 * DAY_S + 3600.0 + 5.0  # 57,605 s late: 5 s into the hour
    assert cal.next_open(2 * DAY_S + 7200.0) is None  # after the last closing: after the horizon
