import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccsim.units import format_clock, parse_clock, parse_duration, parse_rate


@pytest.mark.parametrize(
    "text, seconds",
    [(20, 20.0), (1.5, 1.5), ("20s", 20.0), ("5min", 300.0), ("1.5h", 5400.0), ("2d", 172800.0),
     ("0", 0.0), (" 30 min ", 1800.0), ("5 minutes", 300.0), ("2 hrs", 7200.0), ("45 secs", 45.0)],
)
def test_durations_in_seconds(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["5 minuets", "abc", "", True, None, [], "nan", float("inf")])
def test_bad_durations_say_what_was_expected(bad):
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(bad)


@pytest.mark.parametrize(
    "text, per_second",
    [("1000/h", 1000 / 3600), ("17/min", 17 / 60), ("0.3/s", 0.3), (2, 2.0), ("100/30min", 100 / 1800)],
)
def test_rates_per_second(text, per_second):
    assert parse_rate(text) == pytest.approx(per_second)


@pytest.mark.parametrize("bad", ["1000/week", "1000", "/h", "1000/0h"])
def test_bad_rates(bad):
    with pytest.raises(ValueError, match="expected a rate"):
        parse_rate(bad)


def test_clock_times_including_yaml_sexagesimal_and_midnight():
    assert parse_clock("08:00") == 8 * 3600
    assert parse_clock("24:00") == 86400
    assert parse_clock(480) == 8 * 3600  # YAML 1.1 reads unquoted 08:00 as 480
    for bad in ("25:00", "08:61", "8h", -1):
        with pytest.raises(ValueError):
            parse_clock(bad)


@given(st.integers(min_value=0, max_value=24 * 60))
def test_clock_round_trip(minutes):
    assert parse_clock(format_clock(minutes * 60.0)) == minutes * 60.0
    assert math.isfinite(parse_clock(minutes))


def test_the_command_line_reads_every_unit_a_scenario_does(tmp_path):
    from ccsim.scenario.fields import parse_rate as scenario_rate

    for text in ("30 mins", "1.5 hours", "2 days", "20 seconds"):
        assert parse_duration(text) > 0
    for text in ("1000/hr", "40/hour", "2000/day", "100/30 mins"):
        assert parse_rate(text) == scenario_rate(text)
