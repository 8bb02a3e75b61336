"""``ccsim staff`` says what holds each interval's staffing up (its binding constraint: service
level, ASA, abandonment or occupancy cap), says when the queue carried over from one interval
holds an interval above what it needs alone (it smooths nothing silently), and shows progress
inside every long step.

The binding constraints are checked against an independent evaluation: the staffing found
with one agent fewer in that interval, simulated on the search's own days, and its interval
means compared with the targets here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.report.staffing_export import binding_labels, binding_table, to_dict
from ccsim.report.staffing_table import render
from ccsim.staffing import resolve_options, staff
from ccsim.staffing.binding import held_intervals
from ccsim.staffing.evaluate import Evaluator


def scenario_data(per_interval, interval_min=15, aht="12min", patience=None, seed=3) -> dict:
    calls = {"arrivals": {"per_interval": list(per_interval)},
             "handle_time": {"dist": "exponential", "mean": aht},
             "service_level": {"target": 0.8, "threshold": "20s"}}
    if patience:
        calls["patience"] = {"dist": "exponential", "mean": patience}
    minutes = 8 * 60 + len(per_interval) * interval_min
    return {"name": "queue", "seed": seed,
            "horizon": {"start": "08:00", "end": f"{minutes // 60:02d}:{minutes % 60:02d}",
                        "interval": f"{interval_min}min"},
            "contact_types": {"calls": calls}, "agent_groups": {"team": {"skills": ["calls"], "staffing": 1}}}


# A rush at 08:15-08:45 with long calls (12 min on 15-minute intervals): the callers waiting at
# 08:45 are answered by the 08:45 agents, so the 08:30 staffing is held up by 08:45's target.
RUSH = scenario_data([20, 60, 60, 10, 10, 10, 10, 10])
# Short calls, patient callers; an occupancy cap of 70 % binds where the service level does not.
CAPPED = scenario_data([40, 70, 90, 60], interval_min=30, aht="3min", patience="3min")
# Impatient callers and an abandonment limit of 3 %.
IMPATIENT = scenario_data([40, 70, 90, 60], interval_min=30, aht="3min", patience="1min")

CASES = {"rush": (RUSH, {}), "capped": (CAPPED, {"max_occupancy": 0.7}),
         "impatient": (IMPATIENT, {"max_abandon": 0.03, "max_asa_s": 8.0})}
REPLICATIONS = 10


@pytest.fixture(scope="module")
def found():
    out = {}
    for key, (data, options) in CASES.items():
        sc = ccsim.from_dict(data)
        opts = resolve_options(sc, **options)
        out[key] = (sc, opts, staff(sc, opts, replications=REPLICATIONS, check_replications=4, compare=False))
    return out


def misses(sc, options, staffing, seed) -> set[tuple[int, str]]:
    """(interval, KPI) of every target *staffing* misses on the search's days, computed here."""
    with Evaluator(sc, options.targets, REPLICATIONS, seed) as ev:
        results = ev.evaluate(staffing).results
    t = options.targets.contact_types["calls"]
    out = set()
    for kpi, limit, high_good in (("service_level", t.service_level, True), ("abandon_rate", t.max_abandon, False),
                                  ("asa", t.max_asa_s, False)):
        if limit is None:
            continue
        mean = np.nanmean([r.intervals["calls"][kpi] for r in results], axis=0)
        out |= {(j, kpi) for j, m in enumerate(mean) if (m < limit - 1e-12 if high_good else m > limit + 1e-12)}
    cap = options.targets.max_occupancy.get("team")
    if cap is not None:
        mean = np.nanmean([r.group_intervals["team"]["occupancy"] for r in results], axis=0)
        out |= {(j, "occupancy") for j, m in enumerate(mean) if m > cap + 1e-12}
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_binding_constraint_is_what_one_agent_fewer_misses(found, case):
    sc, options, result = found[case]
    assert result.search.minimal
    table = binding_table(result)
    for j, b in enumerate(table[0]):
        assert b is not None, j  # every interval has agents and was checked
        fewer = result.required.copy()
        fewer[0, j] -= 1
        expected = misses(sc, options, fewer, result.seed)
        assert expected, (case, j)  # minimal: one agent fewer misses something
        assert {(x.interval, x.kpi) for x in b.broken} == expected, (case, j)


def test_each_kind_of_target_is_named(found):
    labels = {case: binding_labels(found[case][2])[0] for case in CASES}
    assert "occupancy" in " ".join(labels["capped"])
    assert "abandon" in " ".join(labels["impatient"]) or "ASA" in " ".join(labels["impatient"])
    assert all(label.startswith(("SL", "for ")) for label in labels["rush"]), labels["rush"]


def test_an_interval_held_up_for_a_later_one_is_said(found):
    sc, options, result = found["rush"]
    held = held_intervals(binding_table(result))
    assert held, binding_labels(result)
    starts = result.interval_starts()
    for b in held:
        # Its own targets hold with one agent fewer; a later interval's do not.
        fewer = result.required.copy()
        fewer[0, b.interval] -= 1
        missed = misses(sc, options, fewer, result.seed)
        assert missed and all(j > b.interval for j, _ in missed), (b, missed)
        assert binding_labels(result)[0][b.interval].startswith(f"for {starts[b.held_for[0]]}")
    text = render(result, width=None)
    assert "smoothed by the queue" in text
    assert f"{starts[held[0].interval]} for {starts[held[0].held_for[0]]}" in text
    doc = to_dict(result)
    assert doc["staffing"]["team"]["binding"] == binding_labels(result)[0]
    assert doc["staffing"]["team"]["held_for_later"][0]["interval"] == starts[held[0].interval]
    agent_rows = [r for r in doc["intervals"] if r["kind"] == "agent_group"]
    assert [r["binding"] for r in agent_rows] == binding_labels(result)[0]


def test_progress_is_reported_inside_every_step():
    sc = ccsim.from_dict(IMPATIENT)
    events: list[tuple] = []
    staff(sc, resolve_options(sc, max_abandon=0.03), replications=6, check_replications=5,
          on_step=lambda step: events.append(("step", step.phase)),
          progress=lambda what, done, total: events.append(("progress", what, done, total)))
    steps = [i for i, e in enumerate(events) if e[0] == "step"]
    check = "checking the staffing found on fresh days"
    # Every search iteration simulated its variants with progress reported while they ran; before
    # the search's check, the staffing trimmed may be checked on fresh days first (same label as after).
    before = 0
    for i in steps:
        inside = [e for e in events[before:i] if e[0] == "progress"]
        if events[i][1] != "refine":
            sims = [e for e in inside if e[1].startswith("simulating ")]
            assert sims and all(e in sims or (e[1] == check and events[i][1] == "check") for e in inside), \
                (events[i], inside)
            assert sims[-1][2] == sims[-1][3]  # the batch ran to its end
        before = i + 1
    # The last check on fresh days (before the search's check step or after the search) and the
    # Erlang answers on the same days: announced (done 0), then every day.
    last = max(i for i, e in enumerate(events) if e[:3] == ("progress", check, 0))
    tail = events[last:]
    for what in (check, "simulating the Erlang C staffing on the same fresh days",
                 "simulating the Erlang A staffing on the same fresh days"):
        mine = [e[2:] for e in tail if e[0] == "progress" and e[1] == what]
        if what.startswith("simulating the Erlang") and not mine:
            continue  # the same staffing as one already checked: not simulated again
        assert mine[0] == (0, 5) and mine[-1] == (5, 5) and [d for d, _ in mine] == sorted(d for d, _ in mine)


def test_the_command_prints_the_binding_column_the_notice_and_progress(tmp_path):
    path = tmp_path / "rush.yaml"
    path.write_text(yaml.safe_dump(RUSH))
    result = CliRunner().invoke(main, ["staff", str(path), "-r", str(REPLICATIONS), "--check-replications", "4",
                                       "-w", "1", "--no-compare"])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if line.startswith("start"))
    assert header.split()[-1] == "binding"
    assert "smoothed by the queue" in result.stdout and "binding: the target one agent fewer misses" in result.stdout
    assert "checking the staffing found on fresh days: 4 simulated days" in result.stderr
    quiet = CliRunner().invoke(main, ["staff", str(path), "-r", str(REPLICATIONS), "--check-replications", "4",
                                      "-w", "1", "--no-compare", "-q", "--json"])
    assert quiet.exit_code == 0 and quiet.stderr == "", quiet.stderr
    doc = json.loads(quiet.stdout)
    assert doc["staffing"]["team"]["held_for_later"]


def test_each_round_of_shifts_is_announced_and_its_days_counted():
    from ccsim.staffing.closing import fit_roster
    from tests.common.staffing import small_line

    sc = small_line()
    required = {"team": np.array([4, 5, 7, 9, 9, 8, 8, 8, 7, 6, 5, 4], dtype=float)}
    events: list[tuple] = []
    rounds = fit_roster(sc, required, resolve_options(sc), None, replications=6, seed=12, rounds=2,
                        progress=lambda what, done, total: events.append((what, done, total)))
    for k in range(len(rounds)):
        solving = events.index((f"solving the shifts (round {k + 1})", 0, 0))
        simulated = [e for e in events[solving:] if e[0] == f"simulating the roster (round {k + 1})"]
        assert simulated[0][1:] == (0, 6) and simulated[-1][1:] == (6, 6)
