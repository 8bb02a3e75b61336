"""Snapshots of a multi-day scenario: the snapshot names its day (``day: N`` or ``date:``),
the run goes on to the horizon's end with the later days' calendar; errors are located."""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner

from ccsim.cli import main
from ccsim.engine.records import ABANDONED, ANSWERED, BLOCKED, WAITING
from ccsim.plan import DAY_S
from ccsim.realtime import render_whatif, run_from_snapshot, whatif
from ccsim.realtime.snapshot import snapshot_from_dict
from ccsim.scenario import ScenarioError, load

BANK = "scenarios/retail_bank.yaml"  # 08:00-20:00, 30-minute intervals
SNAPSHOT = "scenarios/snapshot_example.yaml"  # 11:40
AVAYA = "examples/realtime/avaya_skills.csv"
# Friday 2026-11-27 to Tuesday 2026-12-01, closed at the weekend.
WEEK = ["horizon.days=5", "horizon.first_day=friday", "horizon.opening_hours.saturday=closed",
        "horizon.opening_hours.sunday=closed"]
DATED = ["horizon.days=5", "horizon.first_day=2026-11-27", "horizon.opening_hours.saturday=closed",
         "horizon.opening_hours.sunday=closed"]
NOW = {"time": "10:00", "contact_types": {"sales": {"waiting": ["3min", "1min", "20s"], "callbacks": ["5min"]},
                                          "support": {"waiting": ["2min"]}},
       "agent_groups": {"sellers": {"idle": 4, "busy": ["4min", "2min", "30s"] * 6, "on_break": ["10:10"]},
                        "advisors": {"idle": 2, "busy": ["3min", "1min"] * 20, "absent": 2}}}
OUTCOMES = (ANSWERED, ABANDONED, BLOCKED, WAITING)


def _bank(*sets: str):
    return load(BANK, overrides=list(sets))


def _snap(scenario, **fields):
    return snapshot_from_dict(NOW | fields, scenario=scenario)


def test_a_monday_snapshot_runs_monday_and_tuesday_and_conserves_contacts():
    week = _bank(*WEEK)
    snap = _snap(week, day=4)
    assert snap.day == 4
    for r in range(3):
        plan, rec, state = run_from_snapshot(week, snap, r)
        assert plan.days == 2 and plan.calendar.weekdays == (0, 1)  # Monday, Tuesday
        assert plan.clock_start == 8 * 3600.0 and state.start_s == 2 * 3600.0  # 10:00 on the first day
        arrival, ctype, outcome = np.asarray(rec.arrival), np.asarray(rec.ctype), np.asarray(rec.outcome)
        day = (arrival // DAY_S).astype(int)
        assert arrival.min() >= state.start_s and set(day) == {0, 1}
        assert np.all(arrival - day * DAY_S < plan.horizon_s)
        assert np.all(np.isin(outcome, OUTCOMES))  # every contact arrived has one of these fates
        for k, ct in enumerate(plan.contact_types):
            mine = ctype == k
            waiting = len(snap.contact_types[ct.name].waiting) + len(snap.contact_types[ct.name].callbacks)
            assert mine.sum() == sum(int(np.sum(mine & (outcome == o))) for o in OUTCOMES)
            assert mine.sum() > waiting + 1000  # the snapshot's callers, the rest of Monday, all of Tuesday
            assert (mine & (day == 1)).sum() > 0.5 * mine.sum()  # Tuesday is a whole day, Monday from 10:00


def test_a_friday_snapshot_runs_through_the_closed_weekend():
    """Day 1 (Friday) 10:00: nobody arrives and nobody works on Saturday and Sunday."""
    week = _bank(*WEEK)
    plan, rec, state = run_from_snapshot(week, _snap(week, day=1), 0)
    assert plan.days == 5 and plan.calendar.hours[1] is None and plan.calendar.hours[2] is None
    day = (np.asarray(rec.arrival) // DAY_S).astype(int)
    assert set(day) == {0, 3, 4}
    for times, present in rec.present_log:
        weekend = (times >= DAY_S + plan.horizon_s + 3600) & (times < 3 * DAY_S)
        assert np.all(present[weekend] == 0)


def test_a_date_names_the_day_and_later_holidays_keep_their_date():
    week = _bank(*DATED, "horizon.holidays=[2026-12-01]")
    snap = _snap(week, date="2026-11-30")
    assert snap.day == 4 and snap.date is None
    plan, rec, _ = run_from_snapshot(week, snap, 0)
    assert plan.days == 2 and plan.calendar.hours[1] is None  # Tuesday 1 December is a holiday
    assert np.all(np.asarray(rec.arrival) < DAY_S)


def test_a_day_of_alike_days_gives_the_one_day_what_if():
    """Day 2 of three alike days against the one-day scenario, for the rest of that day.

    The random streams do not line up (arrivals are drawn over every interval of the three
    days, and each day has its own forecast-error factor), so the rest-of-day KPIs are
    compared within their confidence intervals: 16 independent replications each, the
    difference of the means within 3.5 standard errors.
    """
    one_day = load(BANK)
    three = _bank("horizon.days=3")
    one = snapshot_from_dict(NOW, scenario=one_day)
    of_three = _snap(three, day=2)
    kpis = {"one": [], "three": []}
    for label, sc, snap in (("one", one_day, one), ("three", three, of_three)):
        for r in range(16):
            plan, rec, _ = run_from_snapshot(sc, snap, r)
            arrival, outcome, ctype = np.asarray(rec.arrival), np.asarray(rec.outcome), np.asarray(rec.ctype)
            today = arrival < DAY_S
            wait = np.asarray(rec.wait)
            row = []
            for k, ct in enumerate(plan.contact_types):
                mine = today & (ctype == k)
                answered, abandoned = mine & (outcome == ANSWERED), mine & (outcome == ABANDONED)
                within = answered & (wait <= ct.sl_threshold)
                row += [mine.sum(), within.sum() / max(1, answered.sum() + abandoned.sum()),
                        abandoned.sum() / max(1, mine.sum())]
            kpis[label].append(row)
    a, b = np.array(kpis["one"], dtype=float), np.array(kpis["three"], dtype=float)
    se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
    assert np.all(np.abs(a.mean(axis=0) - b.mean(axis=0)) <= 3.5 * se + 1e-9), (a.mean(axis=0), b.mean(axis=0), se)


def test_the_what_if_reports_the_rest_of_the_day_and_the_later_days_per_day():
    week = _bank(*WEEK)
    result = whatif(week, _snap(week, day=4), ["agent_groups.sellers.staffing+=3"], replications=2)
    rows = result.interval_table()
    first = rows[0]
    assert (first["day"], first["interval"]) == (4, "10:00")
    days = {r["day"] for r in rows}
    assert days == {4, 5}
    per_day = {d: sum(1 for r in rows if r["day"] == d and r["variant"] == "as is" and r["contact_type"] == "sales")
               for d in days}
    assert per_day == {4: 20, 5: 24}  # 10:00-20:00, then the whole of Tuesday
    assert result.to_dict()["snapshot_day"] == 4
    added = result.variants["agent_groups.sellers.staffing+=3"]
    assert added.plan.days == result.variants["as is"].plan.days == 2
    comparison = result.comparisons["agent_groups.sellers.staffing+=3"]
    sales = next(r for r in comparison.rows() if r["name"] == "sales" and r["kpi"] == "service_level")
    assert sales["difference"] > 0  # three more sellers on Monday
    by_day = {(r["variant"], r["contact_type"], r["day"]): r for r in result.to_dict()["days"]}
    action = "agent_groups.sellers.staffing+=3"
    assert by_day[("as is", "sales", 4)]["from"] == "10:00" and by_day[("as is", "sales", 5)]["from"] == "08:00"
    assert by_day[(action, "sales", 4)]["service_level"] > by_day[("as is", "sales", 4)]["service_level"]
    assert by_day[(action, "sales", 5)] | {"variant": "as is"} == by_day[("as is", "sales", 5)]  # Tuesday as planned
    assert "day 5 from 08:00" in render_whatif(result)


def test_a_staffing_action_changes_the_snapshots_day_only():
    from ccsim.realtime.whatif import residual_scenario

    week = _bank(*WEEK)
    snap = _snap(week, day=4)
    residual, extra = residual_scenario(week, snap, [whatif_action("agent_groups.sellers.staffing+=3@12:00")])
    sellers = week.agent_groups["sellers"]
    assert extra.staffing["sellers"][8:] == [sellers.staffing_at(i) + 3 for i in range(8, 24)]
    assert extra.staffing["sellers"][4:8] == [sellers.staffing_at(i) for i in range(4, 8)]
    assert residual.agent_groups["sellers"].staffing == sellers.staffing  # Tuesday: the plan's


def whatif_action(text):
    from ccsim.realtime import parse_action

    return parse_action(text)


@pytest.mark.parametrize("sets, text, message", [
    (WEEK, "day: 9\n", "2:6: day: expected a day of the scenario's horizon from 1 to 5 (horizon.days), got 9"),
    (WEEK, "day: 2\n", "2:6: day: day 2 (saturday) is closed on saturdays (horizon.opening_hours): nothing to "
                       "snapshot; expected an open day (1, 4, 5)"),
    (DATED + ["horizon.holidays=[5]"], "date: 2026-12-01\n",
     "2:7: date: day 5 (tuesday, 2026-12-01) is a holiday (horizon.holidays): nothing to snapshot; expected an "
     "open day (1, 4)"),
    (DATED, "date: 2026-12-05\n", "2:7: date: expected a date of the scenario's horizon, 2026-11-27 to 2026-12-01, "
                                  "got 2026-12-05"),
    (WEEK, "date: 2026-11-30\n", "2:7: date: a date needs the scenario's horizon.first_day as a date (it is "
                                 "friday); give day: N (1 to 5) instead"),
    (WEEK, "", "1:1: day: the scenario's horizon has 5 days (horizon.days): give the day the snapshot was taken "
               "on, day: N (1 to 5)"),
    (DATED, "", "or date: YYYY-MM-DD (2026-11-27 to 2026-12-01)"),
    (WEEK, "day: 2\ndate: 2026-11-28\n", "give either 'day' or 'date', not both"),
    ((), "day: 2\n", "2:6: day: expected a day of the scenario's horizon from 1 to 1 (horizon.days), got 2"),
])
def test_a_wrong_day_is_a_located_error(tmp_path, sets, text, message):
    path = tmp_path / "now.yaml"
    path.write_text('time: "10:00"\n' + text)
    args = ["whatif", BANK, "--snapshot", str(path), "-r", "1", "-q"]
    for s in sets:
        args += ["--set", s]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 2, done.output
    assert message in done.output
    assert re.search(r"now\.yaml:\d+:\d+: ", done.output)
    assert "Traceback" not in done.output
    with pytest.raises(ScenarioError):
        snapshot_from_dict({"time": "10:00", "day": 2}, scenario=_bank(*WEEK))


def test_day_one_of_a_one_day_scenario_is_the_one_day_snapshot():
    bank = load(BANK)
    assert snapshot_from_dict({"time": "11:40", "day": 1}, scenario=bank).day is None


def test_a_reforecast_per_interval_is_refused_on_several_days():
    week = _bank(*WEEK)
    with pytest.raises(ScenarioError, match="takes a reforecast 'factor'"):
        snapshot_from_dict({"time": "10:00", "day": 4, "reforecast": {"sales": {"per_interval": [1.0] * 20}}},
                           scenario=week)
    factor = snapshot_from_dict({"time": "10:00", "day": 4, "reforecast": {"sales": {"factor": 2.0}}}, scenario=week)
    plain = snapshot_from_dict({"time": "10:00", "day": 4}, scenario=week)
    more = run_from_snapshot(week, factor, 0)[1]
    less = run_from_snapshot(week, plain, 0)[1]
    tuesday = [(np.asarray(rec.arrival) >= DAY_S) & (np.asarray(rec.ctype) == 0) for rec in (more, less)]
    assert tuesday[0].sum() > 1.6 * tuesday[1].sum()  # the factor holds on the later days too


def test_the_importer_takes_the_day_and_whatif_runs_its_snapshot(tmp_path):
    scenario = tmp_path / "bank3.yaml"
    text = open(BANK).read().replace('horizon: {start: "08:00", end: "20:00", interval: 30min}',
                                     'horizon: {start: "08:00", end: "20:00", interval: 30min, days: 3}')
    scenario.write_text(text)
    out = tmp_path / "now.yaml"
    runner = CliRunner()
    done = runner.invoke(main, ["snapshot", str(scenario), "--from", "avaya", AVAYA, "--time", "11:40", "--day", "2",
                                "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "\nday: 2\n" in out.read_text()
    ran = runner.invoke(main, ["whatif", str(scenario), "--snapshot", str(out), "-r", "1", "-q", "--json"])
    assert ran.exit_code == 0, ran.output
    assert '"snapshot_day": 2' in ran.output and '"day": 3' in ran.output
    direct = runner.invoke(main, ["whatif", str(scenario), "--from", "avaya", AVAYA, "--time", "11:40", "--day", "2",
                                  "-r", "1", "-q"])
    assert direct.exit_code == 0, direct.output
    assert "What if, from 11:40 on day 2" in direct.output
    missing = runner.invoke(main, ["snapshot", str(scenario), "--from", "avaya", AVAYA, "--time", "11:40"])
    assert missing.exit_code == 2 and "give the day the export was taken on, --day N (1 to 3)" in missing.output
    assert "Traceback" not in missing.output
    both = runner.invoke(main, ["snapshot", str(scenario), "--from", "avaya", AVAYA, "--time", "11:40", "--day", "2",
                                "--date", "2026-12-02"])
    assert both.exit_code == 2 and "give either --day or --date" in both.output


def test_live_and_serve_take_a_multi_day_snapshot(tmp_path):
    week = _bank(*WEEK)
    scenario = tmp_path / "week.yaml"
    scenario.write_text(open(BANK).read().replace(
        'horizon: {start: "08:00", end: "20:00", interval: 30min}',
        'horizon: {start: "08:00", end: "20:00", interval: 30min, days: 5, first_day: friday,\n'
        '          opening_hours: {saturday: closed, sunday: closed}}'))
    path = tmp_path / "now.yaml"
    path.write_text('time: "10:00"\nday: 4\n')
    events = tmp_path / "events.jsonl"
    done = CliRunner().invoke(main, ["live", str(scenario), "--snapshot", str(path), "--speed", "10000000",
                                     "--no-dashboard", "--events", str(events)])
    assert done.exit_code == 0, done.output
    assert "(end of the horizon)" in done.output
    times = [float(line.split('"t": ')[1].split(",")[0]) for line in events.read_text().splitlines()]
    assert min(times) >= 7200.0 and max(times) > DAY_S  # from Monday 10:00 into Tuesday
    pytest.importorskip("starlette")
    from ccsim.realtime.serve import build

    app, feed, jobs = build(week, _snap(week, day=4), speed=1e6)
    assert feed is not None and jobs is not None


def test_later_days_keep_their_overnight_emails_and_their_shifts():
    """The omnichannel retailer over three days, from day 1 at 14:00: the emails received in
    the nights before days 2 and 3 are in the queue at their opening (the first night's are in
    the snapshot's backlog), and the shift groups log in again each morning."""
    omni = load("scenarios/omnichannel.yaml", overrides=["horizon.days=3"])
    snap = snapshot_from_dict({"time": "14:00", "day": 1, "contact_types": {"email": {"waiting": ["5h", "1h"]}}},
                              scenario=omni)
    plan, rec, state = run_from_snapshot(omni, snap, 0)
    email = next(ct.index for ct in plan.contact_types if ct.name == "email")
    arrival = np.asarray(rec.arrival)[np.asarray(rec.ctype) == email]
    at_opening = {d: int(np.sum(arrival == d * DAY_S)) for d in range(3)}
    assert at_opening[0] == 0 and at_opening[1] > 75 and at_opening[2] > 75  # about 150 a night
    assert arrival.min() >= state.start_s
    for gp, (times, present) in zip(plan.agent_groups, rec.present_log, strict=True):
        assert gp.shifts is not None
        for d in (1, 2):
            day = (times >= d * DAY_S) & (times < d * DAY_S + plan.horizon_s)
            assert present[day].max() > 0, (gp.name, d)


def test_actions_that_change_a_roster_are_refused_on_several_days(tmp_path):
    path = tmp_path / "now.yaml"
    path.write_text('time: "14:00"\nday: 1\n')
    for action in ("agent_groups.sellers.staffing+=2", "agent_groups.sellers.overtime=30min"):
        done = CliRunner().invoke(main, ["whatif", "scenarios/omnichannel.yaml", "--set", "horizon.days=2",
                                         "--snapshot", str(path), "--action", action, "-r", "1", "-q"])
        assert done.exit_code == 2, done.output
        assert f"error: --action: {action}: on a snapshot of a multi-day scenario the actions are" in done.output
        assert "Traceback" not in done.output
