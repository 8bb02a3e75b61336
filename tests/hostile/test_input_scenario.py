"""Scenarios that would exhaust memory or time get a located error, exit 2, in bounded time.

Each case runs ``ccsim validate`` (or ``run``) in a child process under a memory
limit (RLIMIT_AS) and a time limit, as a user's machine would meet it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.scenario import ScenarioError
from tests.common.bounded import bounded

SMALL = {
    "name": "hostile", "horizon": {"start": "08:00", "end": "10:00"},
    "contact_types": {"a": {"arrivals": {"rate": "60/h"}, "handle_time": {"dist": "exponential", "mean": 60}}},
    "agent_groups": {"g": {"skills": ["a"], "staffing": 2}},
}


def small(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    for path, value in changes.items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data


def refused(path: Path, *, where: str, says: str, command: str = "validate") -> str:
    result = bounded(command, str(path), *(["-r", "1", "-q"] if command == "run" else []))
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert f"{path}:" in result.stderr and where in result.stderr and says in result.stderr, result.stderr[-3000:]
    return result.stderr


def write(tmp_path: Path, data_or_text, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    text = data_or_text if isinstance(data_or_text, str) else yaml.safe_dump(data_or_text, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def problems(data: dict) -> list:
    with pytest.raises(ScenarioError) as error:
        ccsim.loads(yaml.safe_dump(data, sort_keys=False), source="s.yaml")
    return error.value.problems


# --------------------------------------------------------------------------- products of sizes


def test_days_times_rate_is_guarded_not_only_the_day(tmp_path):
    """366 days x 1.6 M contacts a day: each day is under the old per-day guard."""
    data = small(**{"horizon.days": 366})
    data["contact_types"]["a"]["arrivals"] = {"rate": "800000/h"}
    stderr = refused(write(tmp_path, data), where="contact_types.a.arrivals.rate", says="x 366 days")
    assert "at most 20,000,000" in stderr and "limits.contacts" in stderr


def test_forty_shifts_of_the_largest_headcount_are_guarded(tmp_path):
    data = small()
    del data["agent_groups"]["g"]["staffing"]
    data["agent_groups"]["g"]["shifts"] = [{"start": "08:00", "end": "10:00", "headcount": 100_000}] * 40
    stderr = refused(write(tmp_path, data), where="agent_groups.g.shifts", says="4,000,000 agents")
    assert "limits.agents" in stderr


def test_agents_over_all_groups_are_guarded():
    data = small()
    data["agent_groups"] = {f"g{i}": {"skills": ["a"], "staffing": 60_000} for i in range(2)}
    (problem,) = problems(data)
    assert problem.path.startswith("agent_groups.g") and "120,000 agents in all groups" in problem.message


def test_an_interval_of_a_hundredth_of_a_second_is_refused(tmp_path):
    stderr = refused(write(tmp_path, small(**{"horizon.interval": 0.01})), where="horizon.interval",
                     says="at least 1 s")
    assert "s.yaml:" in stderr


def test_intervals_times_days_times_types_are_guarded():
    data = small(**{"horizon.start": "00:00", "horizon.end": "24:00", "horizon.interval": "1s", "horizon.days": 10})
    (problem,) = problems(data)
    assert problem.path == "horizon.interval" and "864,000 reporting intervals" in problem.message
    assert problem.line is not None and "limits.intervals" in problem.message


def _endless_campaign(**dialer) -> dict:
    """A 24-hour predictive campaign of 2,000 agents dialling an unlimited list, nobody answering at once."""
    data = small(**{"horizon.start": "00:00", "horizon.end": "24:00"})
    data["contact_types"]["out"] = {
        "direction": "outbound", "handle_time": {"dist": "exponential", "mean": 120},
        "dialer": {"policy": "predictive", "kappa": 20, "reach": 0.0,
                   "no_answer_time": {"dist": "constant", "value": 0.01}, **dialer}}
    data["agent_groups"]["sales"] = {"skills": ["out"], "staffing": 2000}
    return data


def test_an_endless_campaign_of_instant_no_answers_is_guarded(tmp_path):
    """40,000 calls ringing at once, each over in a moment, all day: hundreds of millions of rows."""
    stderr = refused(write(tmp_path, _endless_campaign()), where="contact_types.out.dialer.campaign_size",
                     says="dialled calls per simulated day")
    assert "campaign_size" in stderr and "limits.contacts" in stderr


def test_a_campaign_of_a_given_size_is_not_refused():
    data = _endless_campaign(campaign_size=50_000)
    assert ccsim.loads(yaml.safe_dump(data), source="s.yaml").contact_types["out"].dialer.campaign_size == 50_000


def test_the_bundled_campaigns_pass_the_guard():
    root = Path(__file__).resolve().parents[2]
    for path in (root / "scenarios" / "sales_blend.yaml", root / "benchmarks" / "contactcenters" / "blend.yaml"):
        assert any(ct.dialer is not None for ct in ccsim.load(path).contact_types.values())


def test_a_user_who_means_it_raises_the_limit():
    data = small(**{"horizon.days": 366, "limits.contacts": 600_000_000})
    data["contact_types"]["a"]["arrivals"] = {"rate": "800000/h"}
    assert ccsim.loads(yaml.safe_dump(data), source="s.yaml").limits.contacts == 600_000_000


# --------------------------------------------------------------------------- hostile YAML


def test_a_yaml_bomb_is_refused_before_it_is_expanded(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    stderr = refused(write(tmp_path, "\n".join(lines) + "\n"), where="(yaml)", says="aliases")
    assert "10,000,000 values" in stderr


def test_nesting_five_hundred_deep_is_refused(tmp_path):
    refused(write(tmp_path, "name: " + "[" * 500 + "]" * 500 + "\n"), where="s.yaml:1:", says="50 levels deep")
    refused(write(tmp_path, "name: x\n" + "".join("  " * i + f"k{i}:\n" for i in range(500))),
            where="(yaml)", says="50 levels deep")


def test_an_integer_of_thousands_of_digits_is_refused(tmp_path):
    data = yaml.safe_dump(small(), sort_keys=False) + "seed: " + "9" * 5000 + "\n"
    refused(write(tmp_path, data), where="(yaml)", says="5,000 digits")


def test_nul_characters_are_refused_where_they_are(tmp_path):
    text = yaml.safe_dump(small(), sort_keys=False).replace("name: hostile", "name: host\x00ile")
    line = text.splitlines().index("name: host\x00ile") + 1
    stderr = refused(write(tmp_path, text), where=f"s.yaml:{line}:11", says="NUL")
    assert "\x00" not in stderr


@pytest.mark.parametrize("weights", [[1, ".inf", 1, 1], [1, ".nan", 1, 1]])
def test_infinite_or_nan_profile_weights_are_refused_at_validation(tmp_path, weights):
    text = yaml.safe_dump(small(), sort_keys=False).replace(
        "rate: 60/h", f"volume: 20\n      profile: [{', '.join(map(str, weights))}]")
    refused(write(tmp_path, text), where="contact_types.a.arrivals.profile[1]", says="finite", command="run")


@pytest.mark.parametrize(("field", "value", "where"), [
    ("handle_time", {"dist": "triangular", "low": 0, "mode": 1, "high": 1e308}, "handle_time.high"),
    ("patience", {"dist": "exponential", "mean": 1e308}, "patience.mean"),
    ("handle_time", {"dist": "empirical", "values": [60, "1e300h"]}, "handle_time.values[1]"),
    ("rating", {"base": float("nan")}, "rating.base"),
    ("rating", {"per_minute_waited": float("inf")}, "rating.per_minute_waited"),
])
def test_absurd_numbers_are_refused_at_validation_not_blamed_on_an_option(tmp_path, field, value, where):
    data = small()
    data["contact_types"]["a"][field] = value
    stderr = refused(write(tmp_path, data), where=f"contact_types.a.{where}", says="", command="run")
    assert "--precision" not in stderr


def test_a_run_that_fails_is_not_blamed_on_precision(tmp_path, monkeypatch):
    """Only the precision targets' own errors are --precision errors."""
    import ccsim.experiment as experiment

    def broken(*args, **kwargs):
        raise ValueError("lam value too large")

    monkeypatch.setattr(experiment, "simulate", broken)
    result = CliRunner().invoke(main, ["run", str(write(tmp_path, small())), "-r", "1", "-q"])
    assert result.exit_code == 1 and "--precision" not in result.output
    assert "the run failed: lam value too large" in result.output
    result = CliRunner().invoke(main, ["run", str(write(tmp_path, small())), "-q", "--precision", "nope=0.1"])
    assert result.exit_code == 2 and "--precision" in result.output


def test_a_file_of_200000_unknown_keys_lists_fifty_problems_and_counts_the_rest(tmp_path):
    text = yaml.safe_dump(small(), sort_keys=False) + "".join(f"zz{i}: 1\n" for i in range(200_000))
    result = bounded("validate", str(write(tmp_path, text)))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 52, lines[:3]  # the count, 50 problems, how many more
    assert lines[0] == "error: the scenario has 200,000 problems:"
    assert lines[-1] == "  ... and 199,950 more problems"


def test_a_large_empirical_list_is_read_in_bounded_time_and_memory(tmp_path):
    """Two million observed handle times (about 10 MB of YAML) with the C parser."""
    data = small()
    data["contact_types"]["a"]["handle_time"] = {"dist": "empirical", "values": [0]}
    text = yaml.safe_dump(data, sort_keys=False).replace(
        "values:\n      - 0", "values: [" + ", ".join(str(60 + i % 500) for i in range(2_000_000)) + "]")
    result = bounded("validate", str(write(tmp_path, text)), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
