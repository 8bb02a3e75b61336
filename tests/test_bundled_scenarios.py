"""Every bundled scenario loads, runs, and keeps its books balanced."""

from pathlib import Path

import numpy as np
import pytest

import ccsim

SCENARIOS = sorted(p for p in (Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml")
                   if not p.name.startswith("snapshot_"))  # snapshots: tests/realtime/


def test_there_are_bundled_scenarios():
    assert len(SCENARIOS) >= 3


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_bundled_scenario_runs(path):
    sc = ccsim.load(path)
    est = ccsim.simulate(sc, replications=3)
    for name, kpis in est.contact_types.items():
        offered = kpis["offered"].values
        ends = ["answered", "abandoned", "blocked", "waiting_at_end"]
        ends += [k for k in ("balked", "ivr_resolved", "callbacks_failed", "disconnected") if k in kpis]
        parts = sum(kpis[k].values for k in ends)
        assert np.array_equal(offered, parts), name
        assert offered.sum() > 0
        sl = kpis["service_level"].mean
        assert 0.0 <= sl <= 1.0
    for name, kpis in est.agent_groups.items():
        assert 0.0 <= kpis["occupancy"].mean <= 1.0, name


def test_omnichannel_results_do_not_depend_on_worker_processes():
    """The general router (chats, emails, overflow, shifts) is as reproducible as the lean path."""
    import json

    sc = ccsim.load(Path(__file__).resolve().parents[1] / "scenarios" / "omnichannel.yaml")
    sc = sc.with_changes({"statistics.per_agent": True})

    def dumps(est):
        return json.dumps(est.to_dict(), sort_keys=True, allow_nan=False)

    serial = dumps(ccsim.simulate(sc, replications=4, seed=5, workers=1))
    assert dumps(ccsim.simulate(sc, replications=4, seed=5, workers=2)) == serial
    assert dumps(ccsim.simulate(sc, replications=4, seed=6, workers=1)) != serial
