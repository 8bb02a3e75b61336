"""A scenario fuzzer over every documented field (tests/common/strategies.py).

Valid scenarios, with any combination of features on, load the same from a dict
and from YAML, simulate without an exception, keep their books balanced per
contact type, answer the contacts of one type in the order they joined the
queue, render every output, and stream events that keep their books. Invalid
scenarios (one mutation of a valid one) are refused with a ``ScenarioError``
that names the field, with file:line:column when read from YAML, and ``ccsim
validate`` exits with 2 and no traceback; a bad ``--set`` option is named as such.

Examples per property: a few hundred in all by default (about 30 s on 2 cores);
``CCSIM_FUZZ_EXAMPLES=2000`` runs that many for each property (a tenth of it for
the HTML report).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccsim
from ccsim.cli import main
from ccsim.engine import ANSWERED, simulate_replication
from ccsim.engine.records import CALLBACK_FAILED, CB_ACCEPTED
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError
from tests.common.events import check_done_names_its_contact, check_events
from tests.common.invariants import check_calendar
from tests.common.strategies import bad_overrides, every_field_scenario, invalid_scenarios, scenarios

EXAMPLES = os.environ.get("CCSIM_FUZZ_EXAMPLES")


def fuzz(default: int, heavy: bool = False):
    """Hypothesis settings: *default* examples, or CCSIM_FUZZ_EXAMPLES when it is set
    (a tenth of it for *heavy* properties, which take about a second an example)."""
    n = max(1, int(EXAMPLES) // (10 if heavy else 1)) if EXAMPLES else default
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# --------------------------------------------------------------------------- checks

ENDS = ("answered", "abandoned", "blocked", "waiting_at_end")
JOURNEY_ENDS = ("balked", "ivr_resolved", "callbacks_failed", "disconnected", "messages",
                "legs_voicemail", "legs_returned")  # where a scenario has them


def check_conservation(est) -> None:
    """offered = answered + abandoned + blocked + waiting_at_end (+ balked + ivr_resolved +
    callbacks_failed when there are caller journeys), per contact type and replication."""
    for name, kpis in est.contact_types.items():
        ends = list(ENDS) + [k for k in JOURNEY_ENDS if k in kpis]
        parts = sum(kpis[k].values for k in ends)
        assert np.array_equal(kpis["offered"].values, parts), (
            f"{name}: offered {kpis['offered'].values} != {' + '.join(ends)} = {parts}")


def check_fifo_within_type(scenario, plan, rec) -> None:
    """Contacts of one type are answered in the order they joined its queue.

    docs/channels.md: "Inside one type, contacts are always served in the order they
    joined" — whatever the routing policy, levels, reserves, overflow delays and VIP
    boosts, since all of these treat every contact of a type alike (a type has one
    boost and one delay per group), and chats and emails keep their queue's order too.
    The order is that of the queue entry (``rec.entry``: after the IVR); retrials and
    repeat contacts are new contacts that join the queue when they call again, so they
    are checked like first attempts. A virtual-hold callback keeps its place and is
    dialled when it reaches the head, so it counts as answered then (also when the
    customer does not pick up). Left out, because they break the order by design:
    accepted callbacks of a ``scheduled`` type, which leave the queue and are called
    back when agents are otherwise idle (docs/journeys.md).
    """
    reached = (rec.outcome == ANSWERED) | (rec.outcome == CALLBACK_FAILED)
    for ct in plan.contact_types:
        mine = reached & (rec.ctype == ct.index)
        spec = scenario.contact_types[ct.name]
        scheduled = spec.callback is not None and spec.callback.mode == "scheduled"
        if (scheduled or (spec.voicemail is not None and spec.voicemail.callback)) and rec.journey is not None:
            mine &= rec.journey["callback"] != CB_ACCEPTED  # called back from the callback list
        idx = np.flatnonzero(mine)
        order = idx[np.lexsort((rec.answer[idx], rec.entry[idx]))]  # ties in entry: any order
        answers = rec.answer[order]
        late = np.flatnonzero(np.diff(answers) < -1e-9)
        if late.size:
            i, j = order[late[0]], order[late[0] + 1]
            raise AssertionError(
                f"{ct.name}: contact {i} joined at {rec.entry[i]:.3f} s and was answered at "
                f"{rec.answer[i]:.3f} s, after contact {j}, which joined later ({rec.entry[j]:.3f} s) "
                f"and was answered at {rec.answer[j]:.3f} s")


def located(problem, anchor: str) -> bool:
    """The problem names the anchor field, or a field under it."""
    return problem.path == anchor or problem.path.startswith((anchor + ".", anchor + "["))


def problems_text(error: ScenarioError) -> str:
    return "\n".join(str(p) for p in error.problems)


# --------------------------------------------------------------------------- valid scenarios


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@fuzz(200)
@given(spec=scenarios(), replications=st.integers(1, 2))
def test_valid_scenarios_run_and_keep_their_books(spec, replications):
    sc = ccsim.from_dict(spec)
    # The YAML loader reads the same scenario (units, clock times and names survive YAML).
    assert ccsim.loads(yaml.safe_dump(spec, sort_keys=False), source="fuzz.yaml").model_dump() == sc.model_dump()
    est = ccsim.simulate(sc, replications=replications)
    check_conservation(est)
    for name, kpis in est.contact_types.items():
        sl = kpis["service_level"].mean
        assert sl != sl or 0.0 <= sl <= 1.0, name  # nan when nobody was counted


@fuzz(200)
@given(spec=scenarios(), replication=st.integers(0, 3))
def test_contacts_of_a_type_are_answered_in_queue_order(spec, replication):
    sc = ccsim.from_dict(spec)
    plan = build_plan(sc)
    rec = simulate_replication(plan, replication)
    check_fifo_within_type(sc, plan, rec)
    check_calendar(plan, rec)  # with a calendar: nobody arrives or logs in while closed


def no_nan(text: str):
    raise AssertionError(f"{text} in the JSON document (a value that does not exist is null)")


def check_outputs(est, where, html: bool) -> None:
    """What ccsim run prints and writes: tables, the JSON document (no NaN), the CSV files,
    contacts.csv with the records, agents.csv with per-agent statistics, the HTML report."""
    from ccsim.report.export import intervals_csv, to_json, write_outputs
    from ccsim.report.html import build_report
    from ccsim.report.table import render_tables

    assert render_tables(est, colour=False).strip()
    doc = json.loads(to_json(est), parse_constant=no_nan)
    assert set(doc["contact_types"]) == set(est.contact_types)
    assert intervals_csv(est).count("\n") >= len(est.contact_types) * est.plan.n_intervals
    written = write_outputs(est, where, est.records)
    assert {"results.json", "intervals.csv", "groups.csv", "contacts.csv"} <= {Path(p).name for p in written}
    if html:
        assert "<html" in build_report(est).to_html()[:500].lower()


@fuzz(40)
@given(spec=scenarios())
def test_every_output_of_a_valid_scenario_renders(spec, scratch):
    est = ccsim.simulate(ccsim.from_dict(spec), replications=2, keep_records=True)
    check_outputs(est, scratch / "out", html=False)


@fuzz(4, heavy=True)
@given(spec=scenarios())
def test_the_report_of_a_valid_scenario_renders(spec, scratch):
    est = ccsim.simulate(ccsim.from_dict(spec), replications=2, keep_records=True)
    check_outputs(est, scratch / "report", html=True)


@fuzz(60)
@given(spec=scenarios())
def test_the_event_stream_of_a_valid_scenario_keeps_its_books(spec, scratch):
    """``ccsim run -r 1 --events -``: the checks of the command matrix (tests.common.events)."""
    path = scratch / "events.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(path), "-r", "1", "--events", "-"])
    assert result.exit_code == 0 and result.exception is None, result.output[-2000:]
    events = [json.loads(line) for line in result.stdout.splitlines()]
    check_events(events, ccsim.from_dict(spec), from_snapshot=False)
    check_done_names_its_contact(events)


def test_every_field_scenario_runs_keeps_its_books_and_its_queue_order():
    sc = ccsim.from_dict(every_field_scenario())
    est = ccsim.simulate(sc, replications=2, keep_records=True)
    check_conservation(est)
    for rec in est.records:
        check_fifo_within_type(sc, est.plan, rec)
        check_calendar(est.plan, rec)
    assert est.plan.calendar.hours[1] == (1800.0, 9000.0)  # Friday 08:30-10:30
    # Each journey and channel is really exercised, not merely switched on.
    support, sales = est.contact_types["support"], est.contact_types["sales"]
    for kpi in ("blocked", "balked", "ivr_resolved", "retrials", "callbacks_accepted", "callbacks_failed"):
        assert support[kpi].mean > 0, kpi
    for kpi in ("callbacks_accepted", "repeat_contacts", "sales"):
        assert sales[kpi].mean > 0, kpi
    assert est.contact_types["chat"]["answered"].mean > 0
    assert est.contact_types["email"]["answered"].mean > 0


# --------------------------------------------------------------------------- invalid scenarios


@fuzz(250)
@given(case=invalid_scenarios())
def test_invalid_scenarios_are_refused_with_the_field_named(case, scratch):
    data, mutation = case
    anchor = mutation.anchor_text
    with pytest.raises(ScenarioError) as from_dict:
        ccsim.from_dict(data)
    assert any(located(p, anchor) for p in from_dict.value.problems), (
        f"{mutation.what}: no problem at {anchor}:\n{problems_text(from_dict.value)}")

    # The same data as a YAML file: the same problems, each with its line and column.
    text = yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(ScenarioError) as from_yaml:
        ccsim.loads(text, source="fuzz.yaml")
    problems = from_yaml.value.problems
    assert all(p.source == "fuzz.yaml" and p.line is not None and p.column is not None for p in problems), (
        problems_text(from_yaml.value))
    assert {(p.path, p.message) for p in problems} == {(p.path, p.message) for p in from_dict.value.problems}

    path = scratch / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{path}:{problems[0].line}:{problems[0].column}: {problems[0].path}: " in result.stderr


@fuzz(100)
@given(data=st.data())
def test_bad_set_options_are_refused_and_named(data):
    spec = data.draw(scenarios())
    sc = ccsim.loads(yaml.safe_dump(spec, sort_keys=False), source="fuzz.yaml")
    option, anchor = data.draw(bad_overrides(spec))
    with pytest.raises(ScenarioError) as error:
        sc.with_changes([option])
    problems = error.value.problems
    if anchor:
        from ccsim.scenario.errors import format_path

        at = [p for p in problems if located(p, format_path(anchor))]
        assert at, f"--set {option}: no problem at {format_path(anchor)}:\n{problems_text(error.value)}"
        assert any(p.source == f"--set {option}" or p.source == "fuzz.yaml" for p in at)
    else:
        assert any(p.source == f"--set {option}" for p in problems), problems_text(error.value)


# --------------------------------------------------------------------------- crashes found once

def small_scenario(**contact_type) -> dict:
    return {"name": "found by the fuzzer", "horizon": {"start": "08:00", "end": "09:00"},
            "contact_types": {"a": {"arrivals": {"rate": "20/h"}, "handle_time": {"dist": "exponential", "mean": 60},
                                    **contact_type}},
            "agent_groups": {"g": {"skills": ["a"], "staffing": 1}}}


def test_a_tiny_forecast_error_runs():
    """Found by the fuzzer: a forecast_error whose square underflows divided by zero."""
    spec = small_scenario()
    spec["contact_types"]["a"]["arrivals"]["forecast_error"] = 1e-200  # valid: 0 <= forecast_error <= 5
    est = ccsim.simulate(ccsim.from_dict(spec), replications=2)
    check_conservation(est)


@pytest.mark.parametrize(("handle_time", "where", "message"), [
    ({"dist": "gamma", "mean": 100}, "contact_types.a.handle_time.cv", "missing required field"),
    ({"dist": "uniform", "low": 100, "high": 50}, "contact_types.a.handle_time", "must not be below low"),
])
def test_a_distribution_error_names_the_field_not_the_distribution(handle_time, where, message):
    """Found by the fuzzer: a field missing inside a distribution was reported at the
    distribution ("handle_time: missing required field", without saying which), and a
    distribution's own check at a path ending in its tag ("handle_time.uniform")."""
    text = yaml.safe_dump(small_scenario(handle_time=handle_time), sort_keys=False)
    with pytest.raises(ScenarioError) as error:
        ccsim.loads(text, source="s.yaml")
    (problem,) = error.value.problems
    assert problem.path == where and message in problem.message
    assert str(problem).startswith(f"s.yaml:{problem.line}:{problem.column}: {where}: ")


@pytest.mark.parametrize(("contact_type", "where"), [
    ({"arrivals": {"volume": 10, "profile": [float("inf"), 1]}}, "contact_types.a.arrivals.profile[0]"),
    ({"arrivals": {"per_interval": [float("inf"), 1]}}, "contact_types.a.arrivals.per_interval[0]"),
    ({"rating": {"base": float("nan")}}, "contact_types.a.rating.base"),
    ({"rating": {"noise": float("inf")}}, "contact_types.a.rating.noise"),
])
def test_numbers_that_are_not_finite_are_refused_where_they_stand(contact_type, where):
    """Found by the fuzzer: an infinite profile weight (YAML .inf) passed validation and
    crashed the run ("lam value too large"); a rating coefficient of .nan or .inf passed
    too and gave ratings of nan; an infinite per_interval was refused, but at the top of
    the file, by the size check."""
    spec = small_scenario()
    spec["contact_types"]["a"].update(contact_type)
    with pytest.raises(ScenarioError) as error:
        ccsim.loads(yaml.safe_dump(spec, sort_keys=False), source="s.yaml")
    (problem,) = error.value.problems
    assert problem.path == where and "expected a finite number" in problem.message
    assert problem.line is not None


def test_huge_profile_weights_run():
    """Found by the fuzzer: profile weights whose sum overflows gave nan rates."""
    spec = small_scenario()
    spec["contact_types"]["a"]["arrivals"] = {"volume": 10, "profile": [1e308, 1e308]}  # valid: finite, >= 0
    try:
        sc = ccsim.from_dict(spec)
    except ScenarioError:
        return  # refused with its field named: fixed too
    check_conservation(ccsim.simulate(sc, replications=2))


def test_a_tiny_service_level_threshold_runs():
    """Found by the fuzzer: a threshold of 1e-307 s (valid: a duration >= 0)."""
    est = ccsim.simulate(ccsim.from_dict(small_scenario(service_level={"threshold": 1e-307})), replications=2)
    check_conservation(est)
    assert 0.0 <= est.contact_types["a"]["service_level"].mean <= 1.0


RESERVE_WITH_CHATS = {
    "name": "reserve and chats", "horizon": {"start": "08:00", "end": "10:00"},
    "contact_types": {
        "chat": {"channel": "chat", "concurrency": 2, "arrivals": {"rate": "30/h"},
                 "handle_time": {"dist": "exponential", "mean": "4min"}},
        "calls": {"arrivals": {"rate": "20/h"}, "handle_time": {"dist": "exponential", "mean": "3min"}}},
    "agent_groups": {"team": {"skills": {"calls": 1, "chat": 1}, "reserve": {"calls": 1}, "staffing": 2}},
}


def test_a_reserve_does_not_let_a_later_chat_overtake_a_waiting_one():
    """Found by the fuzzer in the engine before its rewrite. Two agents keep one of them
    for calls; chats take two places. An agent with a chat open and room for another may
    not start a waiting chat while its colleague is on a call; when the colleague's call
    ended, the colleague was idle and the agent with room could start the waiting chat,
    but was not offered it: the next chat to arrive was started at once, ahead of it."""
    sc = ccsim.from_dict(RESERVE_WITH_CHATS)
    plan = build_plan(sc)
    for replication in range(5):
        check_fifo_within_type(sc, plan, simulate_replication(plan, replication))
