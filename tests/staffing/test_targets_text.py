"""Staffing targets are written as planners say them, in the unit they think in."""

from __future__ import annotations

from ccsim.staffing.targets import TypeTargets


def test_targets_read_in_the_unit_people_think_in():
    assert TypeTargets(0.7, 60.0).describe() == "70 % in 1 min"
    assert TypeTargets(0.9, 8 * 3600.0, max_abandon=0.05, max_asa_s=120.0).describe() == (
        "90 % in 8 h, abandonment ≤ 5 %, ASA ≤ 2 min")
    assert TypeTargets(0.8, 20.0).describe() == "80 % in 20 s"
