"""The scenario language: valid files load; every user error is located and explained."""

import copy
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccsim
from ccsim.scenario import ScenarioError, from_dict, load, loads

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "scenarios" / "retail_bank.yaml"

SMALL = """\
name: Small
horizon: {start: "08:00", end: "10:00", interval: 30min}
seed: 3
replications: 2
contact_types:
  sales:
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 3min}
    patience: {dist: exponential, mean: 2min}
agent_groups:
  team: {skills: [sales], staffing: [2, 3, 3, 2]}
"""


def problems_of(text: str, **kw) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(text, source="s.yaml", **kw)
    return [str(p) for p in info.value.problems]


def test_bundled_example_loads_with_units_in_seconds():
    sc = load(BANK)
    assert sc.n_intervals == 24
    sales = sc.contact_types["sales"]
    assert sales.handle_time.mean == 300.0
    assert sales.after_call_work.value == 30.0
    assert sales.service_level.threshold == 20.0
    assert sc.agent_groups["sellers"].skills == ["sales"]


def test_defaults():
    sc = loads(SMALL)
    ct = sc.contact_types["sales"]
    assert ct.channel == "voice" and ct.lines is None and ct.after_call_work is None
    assert ct.service_level.target == 0.8 and ct.service_level.threshold == 20.0
    assert sc.horizon.warmup == 0.0


def test_every_error_of_a_file_at_once_with_line_and_column():
    bad = (
        SMALL.replace("mean: 3min}", "mean: 3min, cv: 2}")
        .replace("rate: 60/h", "rate: 60/week")
        .replace("skills: [sales]", "skills: [billing]")
        .replace("[2, 3, 3, 2]", "[2, 3, 2]")
    )
    found = problems_of(bad)
    assert len(found) == 4, found
    assert "s.yaml:8:50: contact_types.sales.handle_time.cv: unknown field 'cv' (expected one of: dist, mean)" in found
    assert any(
        re.match(r"s\.yaml:7:22: contact_types\.sales\.arrivals\.rate: expected a rate .*'60/week'", p) for p in found
    )
    assert "s.yaml:11:19: agent_groups.team.skills[0]: unknown contact type 'billing' (known: sales)" in found
    assert any(
        "s.yaml:11:39: agent_groups.team.staffing: expected one headcount per interval (4 intervals), got 3" in p
        for p in found
    )


@pytest.mark.parametrize(
    "old, new, where, expected",
    [
        ("mean: 2min", "mean: -2min", "contact_types.sales.patience.mean", "must be positive, got '-2min'"),
        ("interval: 30min", "interval: 7min", "horizon", "does not divide"),
        ("replications: 2", "replications: 0", "replications", "expected greater than or equal to 1, got 0"),
        ("seed: 3", "seed: three", "seed", "expected a valid integer"),
        (
            "dist: exponential, mean: 3min",
            "dist: expo, mean: 3min",
            "contact_types.sales.handle_time.dist",
            "unknown distribution 'expo'",
        ),
        ("[2, 3, 3, 2]", "[2, -3, 3, 2]", "agent_groups.team.staffing", "must not be negative, got -3"),
        ("[2, 3, 3, 2]", "[2, 2.5, 3, 2]", "agent_groups.team.staffing", "whole number of agents, got 2.5"),
        ("rate: 60/h", "rate: 60/h, volume: 100", "contact_types.sales.arrivals", "exactly one of"),
        ('end: "10:00"', 'end: "07:00"', "horizon", "must be after start"),
        ("name: Small", "name: Small\nfoo: 1", "foo", "unknown field 'foo'"),
    ],
)
def test_single_errors_name_path_value_and_expectation(old, new, where, expected):
    found = problems_of(SMALL.replace(old, new))
    assert len(found) == 1, found
    assert found[0].startswith("s.yaml:")
    assert f": {where}: " in found[0]
    assert expected in found[0]


def test_probability_out_of_range():
    text = SMALL.replace("    patience:", "    service_level: {target: 1.5, threshold: 20s}\n    patience:")
    (only,) = problems_of(text)
    assert "contact_types.sales.service_level.target: expected a share from 0 to 1, e.g. 0.8 or '80%', got 1.5" in only


def test_missing_field_and_contact_type_nobody_serves():
    text = SMALL.replace("    handle_time: {dist: exponential, mean: 3min}\n", "")
    (only,) = problems_of(text)
    assert "contact_types.sales.handle_time: missing required field" in only
    text = SMALL.replace(
        "agent_groups:",
        "  chat:\n    arrivals: {rate: 1/h}\n    handle_time: {dist: constant, value: 1min}\nagent_groups:",
    )
    (only,) = problems_of(text)
    assert "contact type 'chat' is in no agent group's skills" in only


def test_malformed_yaml_and_duplicate_keys_are_located():
    (only,) = problems_of("name: x\nhorizon: {start: 08:00\n")
    assert only.startswith("s.yaml:") and "malformed YAML" in only
    (only,) = problems_of(SMALL.replace("seed: 3", "seed: 3\nseed: 4"))
    assert only.startswith("s.yaml:4:1: seed: duplicate key 'seed'")
    (only,) = problems_of("- just\n- a list\n")
    assert "expected a mapping" in only


def test_yaml_is_loaded_safely():
    (only,) = problems_of("!!python/object/apply:os.system ['echo hacked']\n")
    assert "malformed YAML" in only


def test_overrides_by_dotted_path_are_validated_like_the_file():
    sc = loads(SMALL, overrides=["agent_groups.team.staffing=5", "contact_types.sales.patience.mean=4min"])
    assert sc.agent_groups["team"].staffing == 5
    assert sc.contact_types["sales"].patience.mean == 240.0
    sc = loads(SMALL, overrides=["agent_groups.team.staffing[1]=9"])
    assert sc.agent_groups["team"].staffing == (2, 9, 3, 2)
    found = problems_of(SMALL, overrides=["agent_groups.team.staffing=-1", "horizon.nope=1"])
    assert (
        "--set agent_groups.team.staffing=-1: agent_groups.team.staffing: agents must not be negative, got -1" in found
    )
    assert any(p.startswith("--set horizon.nope=1: horizon.nope: unknown field 'nope'") for p in found)
    (only,) = problems_of(SMALL, overrides=["no_equals_sign"])
    assert "expected PATH=VALUE" in only


def test_absurd_volumes_are_refused_not_simulated():
    (only,) = problems_of(SMALL.replace("rate: 60/h", "rate: 60000"))
    assert "contacts per simulated day" in only and "check the rate's unit" in only
    (only,) = problems_of(SMALL.replace("[2, 3, 3, 2]", "[2, 3, 3, 2000000]"))
    assert "at most 100,000 agents" in only


def test_frozen_models():
    sc = loads(SMALL)
    with pytest.raises(ValueError, match="frozen"):
        sc.seed = 5


# --- hypothesis: mutations of a valid scenario give a valid run or a located error ----------

VALID = yaml.safe_load(SMALL)
PATHS = [
    ("horizon", "start"),
    ("horizon", "end"),
    ("horizon", "interval"),
    ("seed",),
    ("replications",),
    ("contact_types", "sales", "arrivals", "rate"),
    ("contact_types", "sales", "handle_time", "mean"),
    ("contact_types", "sales", "handle_time", "dist"),
    ("contact_types", "sales", "patience"),
    ("contact_types", "sales", "lines"),
    ("agent_groups", "team", "skills"),
    ("agent_groups", "team", "staffing"),
    ("contact_types", "sales", "service_level"),
    ("name",),
    ("contact_types", "sales", "handle_time"),
]
VALUES = st.one_of(
    # Small numbers keep each simulated example quick (a rate is per second).
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.floats(-50, 50),
    st.sampled_from([float("nan"), float("inf")]),
    st.text(max_size=8),
    st.sampled_from(["5min", "-1s", "1000/h", "24:00", "08:00", "lognormal", "sales"]),
    st.lists(st.integers(-2, 5), max_size=6),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3))
def test_mutations_run_or_fail_with_located_errors(mutations):
    data = copy.deepcopy(VALID)
    for path, value in mutations:
        node = data
        for part in path[:-1]:
            node = node[part] if isinstance(node, dict) and isinstance(node.get(part), dict) else None
            if node is None:
                break
        if isinstance(node, dict):
            node[path[-1]] = value
    try:
        sc = from_dict(data, source="m.yaml")
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.source == "m.yaml" and problem.path and problem.message
        return
    est = ccsim.simulate(sc, replications=1)
    assert est.contact_types["sales"]["offered"].mean >= 0


def test_skills_with_levels_order_the_priority():
    sc = loads(SMALL, overrides=["agent_groups.team.skills={sales: 1}"])
    assert sc.agent_groups["team"].skills == ["sales"]
    two = SMALL.replace(
        "agent_groups:",
        "  chat:\n    arrivals: {rate: 1/h}\n    handle_time: {dist: constant, value: 1min}\nagent_groups:",
    )
    sc = loads(two, overrides=["agent_groups.team.skills={sales: 2, chat: 1}"])
    assert sc.agent_groups["team"].skills == ["chat", "sales"]  # 1 = preferred
    found = problems_of(two, overrides=["agent_groups.team.skills={sales: 1, chat: 0}"])
    assert any("skill levels are whole numbers from 1" in p for p in found)
    found = problems_of(two, overrides=["agent_groups.team.skills={sales: 1, billing: 2}"])
    assert any("agent_groups.team.skills.billing: unknown contact type 'billing'" in p for p in found)
