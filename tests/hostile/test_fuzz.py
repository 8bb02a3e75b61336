"""A hostile fuzz run: thousands of generated and mutated scenarios, read as YAML files.

Every scenario is validated; a sample of the valid ones is simulated for one
replication. Each scenario must end in a result or a located ``ScenarioError``:
no other exception (no traceback), none taking over 60 s, and the whole run,
in a child process limited by RLIMIT_AS, within 2 GB. The strategies are the
scenario fuzzer's (scenarios, invalid_scenarios), with hostile mutations on top:
huge numbers, non-finite numbers, deep nesting, long strings and aliases.

``CCSIM_HOSTILE_FUZZ=N`` runs N scenarios (default 2,000: about 30 s on 2 cores).
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

N = int(os.environ.get("CCSIM_HOSTILE_FUZZ", "2000"))
RUN_EVERY = 25  # simulate one valid scenario in this many
MEMORY = 2 * 1024**3
ROOT = Path(__file__).resolve().parents[2]


def strategies():
    """The scenario fuzzer's strategies, wherever the test suite keeps them."""
    for name in ("tests.common.strategies", "tests.helpers.strategies", "tests.scenario.strategies",
                 "tests.fuzz.strategies"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("the scenario fuzzer's strategies (tests/*/strategies.py) are not found")


HOSTILE_VALUES = [10**400, -(10**30), 1e308, -1e308, float("inf"), float("nan"), "1e308h", "9" * 200,
                  "x" * 10_000, "\x00", [], {}, [[[[[[1]]]]]], 2**63, 0.01, "0.001s"]


def hostile(data: dict, draw_index: int, value_index: int) -> dict:
    """Replace one scalar leaf of *data* with a hostile value (chosen by the two indices)."""
    leaves = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + (i,))
        elif path:
            leaves.append(path)

    walk(data, ())
    if leaves:
        path = leaves[draw_index % len(leaves)]
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = HOSTILE_VALUES[value_index % len(HOSTILE_VALUES)]
    return data


def child(n: int) -> None:
    """Generate, write as YAML, validate and sometimes run *n* scenarios; print a JSON summary."""
    import signal
    import time

    import yaml
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import ccsim
    from ccsim.scenario import ScenarioError

    s = strategies()
    summary = {"cases": 0, "valid": 0, "refused": 0, "ran": 0, "slowest_s": 0.0, "failures": []}

    def alarm(*_):
        raise TimeoutError("over 60 s")

    signal.signal(signal.SIGALRM, alarm)

    def text_of(data, form: int) -> str:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        if form == 1:  # the same scenario behind an anchor and an alias
            text = "x-defaults: &d " + json.dumps(data.get("horizon", {})) + "\n" + text
        return text

    @settings(max_examples=n, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(kind=st.integers(0, 2), drawn=st.data(), i=st.integers(0, 10**6), j=st.integers(0, 10**6))
    def one(kind, drawn, i, j):  # draws only the scenario it needs: generating costs more than validating
        if kind == 0:
            data = drawn.draw(s.scenarios())
        else:
            data = drawn.draw(s.invalid_scenarios())[0]
            data = data if kind == 1 else hostile(data, i, j)
        summary["cases"] += 1
        started = time.monotonic()
        signal.alarm(60)
        try:
            text = text_of(data, j % 2)
        except (ValueError, OverflowError):  # not representable as YAML: nothing for ccsim to read
            signal.alarm(0)
            return
        try:
            try:
                sc = ccsim.loads(text, source="fuzz.yaml")
            except ScenarioError as error:
                summary["refused"] += 1
                assert error.problems and all(p.source == "fuzz.yaml" for p in error.problems)
                assert str(error).count("\n") <= 51
                return
            summary["valid"] += 1
            if summary["valid"] % RUN_EVERY == 0:
                tiny = sc.with_changes({"horizon.days": 1})
                ccsim.simulate(tiny, replications=1, workers=1)
                summary["ran"] += 1
        except Exception as exc:  # noqa: BLE001 - every other exception is a finding
            summary["failures"].append(f"{type(exc).__name__}: {str(exc)[:300]}\n{text[:1500]}")
        finally:
            signal.alarm(0)
            summary["slowest_s"] = max(summary["slowest_s"], time.monotonic() - started)

    one()
    print(json.dumps(summary))


def test_thousands_of_hostile_scenarios_end_in_results_or_located_errors():
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from tests.hostile.test_fuzz import child; child({N})"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, preexec_fn=limit,
                            timeout=max(600, N), cwd=ROOT)
    assert result.returncode == 0, result.stderr[-5000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["cases"] >= N * 0.95, summary
    assert not summary["failures"], "\n\n".join(summary["failures"][:5])
    assert summary["slowest_s"] < 60
    assert summary["valid"] > 0 and summary["refused"] > 0 and summary["ran"] > 0, summary
