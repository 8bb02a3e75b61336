"""Plausible mistakes: warnings of a valid scenario, located like errors, returned by the library."""

from ccsim.scenario import ScenarioWarning, from_dict, loads, scenario_warnings

FINE = """\
name: Fine
horizon: {start: "08:00", end: "10:00", interval: 30min}
contact_types:
  sales:
    arrivals: {per_interval: [10, 20, 20, 10]}
    handle_time: {dist: exponential, mean: 3min}
    patience: {dist: exponential, mean: 2min}
  mail:
    channel: email
    arrivals: {rate: 600/h}
    handle_time: {dist: exponential, mean: 10min}
agent_groups:
  team: {skills: [sales, mail], staffing: 4}
"""


def warnings_of(text: str, **kw) -> list[ScenarioWarning]:
    return loads(text, source="s.yaml", **kw).warnings()


def test_a_plain_scenario_has_none_and_emails_may_build_a_backlog():
    assert warnings_of(FINE) == []


def test_load_above_the_agents_in_an_interval():
    (w,) = warnings_of(FINE.replace("[10, 20, 20, 10]", "[10, 60, 20, 10]"))
    assert (w.line, w.column, w.path) == (5, 35, "contact_types.sales.arrivals.per_interval[1]")
    assert "the offered load of 'sales' is above the agents of 'team' in an interval" in w.message
    assert "6.0 Erlangs of agent work against 4 agents at 08:30-09:00" in w.message
    assert str(w).startswith("s.yaml:5:35: warning: contact_types.sales.arrivals.per_interval[1]: ")


def test_a_rate_per_second_by_mistake():
    (w,) = warnings_of(FINE.replace("{per_interval: [10, 20, 20, 10]}", "{rate: 10}"))
    assert w.path == "contact_types.sales.arrivals.rate" and "in 4 of 4 intervals" in w.message


def test_a_bare_number_where_minutes_were_likely_and_a_short_handle_time():
    (w,) = warnings_of(FINE.replace("mean: 3min}", "mean: 5}"))
    assert (w.line, w.path) == (6, "contact_types.sales.handle_time.mean")
    assert "5 is 5 seconds (a bare number is seconds); if minutes were meant, write '5min'" in w.message
    (w,) = warnings_of(FINE.replace("mean: 3min}", "mean: 8s}"))
    assert w.path == "contact_types.sales.handle_time" and "a mean handle time of 8 s, under 10 s" in w.message
    (w,) = warnings_of(FINE.replace("mean: 2min}", "mean: 3}"))
    assert w.path == "contact_types.sales.patience.mean"
    (w,) = warnings_of(FINE.replace("interval: 30min", "interval: 30").replace("[10, 20, 20, 10]", "[1] * 240")
                       .replace("[1] * 240", "[" + ", ".join(["0.1"] * 240) + "]"))
    assert w.path == "horizon.interval" and "30 is 30 seconds" in w.message


def test_no_patience_where_callers_queue():
    (w,) = warnings_of(FINE.replace("    patience: {dist: exponential, mean: 2min}\n", ""))
    assert (w.line, w.path) == (4, "contact_types.sales")
    assert w.message.startswith("no patience: callers never hang up")


def test_warnings_never_block_and_come_from_the_library_too():
    text = FINE.replace("mean: 3min}", "mean: 5}").replace("    patience: {dist: exponential, mean: 2min}\n", "")
    sc = loads(text, source="s.yaml")  # loads: a warning is no error
    assert [w.path for w in scenario_warnings(sc)] == ["contact_types.sales", "contact_types.sales.handle_time.mean"]
    unlocated = from_dict(sc.raw_data()).warnings()  # no file: no line, same warnings
    assert [w.line for w in unlocated] == [None, None] and len(unlocated) == 2


def test_a_set_option_is_the_place_of_its_warning():
    (w,) = warnings_of(FINE, overrides=["contact_types.sales.handle_time.mean=9"])
    assert w.source == "--set contact_types.sales.handle_time.mean=9" and w.line is None
    (w,) = warnings_of(FINE, overrides=["agent_groups.team.staffing=1"])
    assert w.source == "s.yaml" and w.path.startswith("contact_types.sales.arrivals.per_interval")
