"""Times, rates and shares in the forms people write them: '5 mins', '40/hour', '80%'."""

import pytest

from ccsim.scenario import ScenarioError, loads

BASE = """\
name: Forms
horizon: {{start: "08:00", end: "10:00", interval: {interval}}}
contact_types:
  sales:
    arrivals: {{rate: {rate}, forecast_error: {forecast_error}}}
    handle_time: {{dist: exponential, mean: {handle}}}
    patience: {{dist: exponential, mean: 2min}}
    service_level: {{target: {target}, threshold: 20s}}
agent_groups:
  team: {{skills: [sales], staffing: 3, absenteeism: {absenteeism}, aux: {aux}}}
"""
DEFAULTS = {"interval": "30min", "rate": "60/h", "handle": "3min", "target": 0.8, "absenteeism": 0,
            "aux": 0, "forecast_error": 0}


def scenario(**changes):
    return loads(BASE.format(**{**DEFAULTS, **changes}), source="s.yaml")


@pytest.mark.parametrize("text, seconds", [
    ("3 mins", 180.0), ("3 min", 180.0), ("3 minutes", 180.0), ("1 minute", 60.0), ("90 secs", 90.0),
    ("90 sec", 90.0), ("90 seconds", 90.0), ("0.05 hrs", 180.0), ("0.05 hours", 180.0), ("0.05 hr", 180.0),
    ("1 hour", 3600.0), ("3min", 180.0), ("180", 180.0),
])
def test_durations_with_the_units_people_write(text, seconds):
    assert scenario(handle=repr(text)).contact_types["sales"].handle_time.mean == pytest.approx(seconds)


def test_interval_in_words():
    assert scenario(interval="'15 mins'").horizon.interval == 900.0
    assert scenario(interval="'1 hour'").horizon.interval == 3600.0


@pytest.mark.parametrize("text, per_hour", [
    ("60/h", 60.0), ("60/hr", 60.0), ("60/hour", 60.0), ("1/min", 60.0), ("1440/day", 60.0),
    ("1440/d", 60.0), ("30/30 mins", 60.0), ("30 / 30min", 60.0),
])
def test_rates_per_hour_minute_and_day(text, per_hour):
    assert scenario(rate=repr(text)).contact_types["sales"].arrivals.rate * 3600 == pytest.approx(per_hour)


def test_shares_as_percentages():
    sc = scenario(target="'80%'", absenteeism="'5 %'", aux="12.5%", forecast_error="10%")
    assert sc.contact_types["sales"].service_level.target == pytest.approx(0.8)
    assert sc.agent_groups["team"].absenteeism == pytest.approx(0.05)
    assert sc.agent_groups["team"].aux == pytest.approx(0.125)
    assert sc.contact_types["sales"].arrivals.forecast_error == pytest.approx(0.1)


def test_a_percentage_written_as_a_bare_number_is_explained():
    with pytest.raises(ScenarioError) as info:
        scenario(target=80)
    (problem,) = info.value.problems
    assert problem.path == "contact_types.sales.service_level.target" and problem.line == 8
    assert "expected a share from 0 to 1, e.g. 0.8 or '80%', got 80 ('80%' if a percentage was meant)" \
        in problem.message


@pytest.mark.parametrize("field, value, says", [
    ("target", "'150%'", "from 0 to 1"),
    ("aux", "'60%'", "from 0 to 0.5"),
    ("handle", "'5 minz'", "expected a duration"),
    ("rate", "'60/week'", "expected a rate"),
])
def test_bad_forms_are_located_and_say_what_was_expected(field, value, says):
    with pytest.raises(ScenarioError) as info:
        scenario(**{field: value})
    assert says in str(info.value) and "s.yaml:" in str(info.value)
