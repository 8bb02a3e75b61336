"""A line held for a set time after its caller leaves (``line_hold``): with more agents than
lines nobody waits, each call holds a line for its talk plus the hold, and blocking agrees
with Erlang B at that longer holding time (Erlang B depends on the mean only), intervals over
replications; the invariants' line count (holds extended) says exactly who is blocked; a
line_hold without lines is a located error."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.records import BLOCKED
from ccsim.erlang.b import erlang_b
from ccsim.plan import build_plan
from ccsim.scenario import ScenarioError
from tests.common.invariants import check_lines, check_records

LINES, RATE_PER_MIN, TALK_MIN = 6, 2.0, 2.0


def centre(hold: str | None, pool: bool = False, journeys: dict | None = None) -> ccsim.Scenario:
    calls = {"arrivals": {"rate": f"{RATE_PER_MIN}/min"},
             "handle_time": {"dist": "exponential", "mean": f"{TALK_MIN}min"},
             "patience": {"dist": "exponential", "mean": "3min"},
             "lines": "trunks" if pool else LINES, **(journeys or {})}
    if hold is not None:
        calls["line_hold"] = hold
    data = {"name": "line hold", "horizon": {"start": "08:00", "end": "16:00", "interval": "1h"}, "seed": 9,
            "contact_types": {"calls": calls}, "agent_groups": {"desk": {"skills": ["calls"], "staffing": 10}}}
    if pool:
        data["lines"] = {"trunks": LINES}
    return ccsim.from_dict(data)


@pytest.mark.parametrize("hold_s", [0.0, 30.0, 90.0])
def test_blocking_is_erlang_b_at_talk_plus_hold(hold_s):
    plan = build_plan(centre(f"{hold_s}s"))
    blocked = []
    for r in range(30):
        rec = simulate_replication(plan, r)
        blocked.append(np.mean(rec.outcome == BLOCKED))
    load = RATE_PER_MIN / 60 * (TALK_MIN * 60 + hold_s)
    want = erlang_b(LINES, load)
    mean, se = float(np.mean(blocked)), float(np.std(blocked, ddof=1) / math.sqrt(len(blocked)))
    assert abs(mean - want) < 4 * se, (hold_s, mean, want, se)


@pytest.mark.parametrize("pool", [False, True])
def test_the_lines_invariant_holds_with_the_hold(pool):
    # check_lines extends each holder's line by the hold: blocked exactly when all are held.
    plan = build_plan(centre("45s", pool=pool))
    for r in range(2):
        rec = simulate_replication(plan, r)
        check_records(plan, rec)
        assert (rec.outcome == BLOCKED).sum() > 10


def test_without_the_hold_the_invariant_would_see_free_lines():
    # The invariant is not blind to the hold: checked as if there were none, it fails.
    import dataclasses

    plan = build_plan(centre("60s"))
    rec = simulate_replication(plan, 0)
    without = dataclasses.replace(plan, contact_types=tuple(dataclasses.replace(ct, line_hold=0.0)
                                                            for ct in plan.contact_types))
    with pytest.raises(AssertionError):
        check_lines(without, rec)


def test_a_hold_needs_lines(tmp_path):
    import yaml

    data = centre("30s").raw_data()
    data["contact_types"]["calls"].pop("lines")
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as err:
        ccsim.load(path)
    text = str(err.value)
    assert "s.yaml:" in text and "contact_types.calls.line_hold" in text and "give the type 'lines'" in text
    data["contact_types"]["calls"]["lines"] = 3
    data["contact_types"]["calls"]["line_hold"] = "-5s"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError, match="line_hold"):
        ccsim.load(path)
