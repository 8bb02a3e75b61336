"""ccsim against ContactCenters' MMCAb example (doc/examples/MMCAb.java, MMCAb.res).

MMCAb is MMC with abandonment: M/M/12+M, 4.2 calls/min, 2-min service, 1-min mean
patience, an 8-hour day from empty, 1,000 replications. The scenario is
benchmarks/contactcenters/mmcab.yaml; its header maps each Java quantity to ccsim's.

Definitions matched (the .res's first, then ccsim's):
- abandoned: every caller whose patience ran out = ``abandoned``;
- in target: served with a wait under 20 s = ``answered_within_threshold``;
- service level: E[in target] / E[served], a ratio of means over replications;
- speed of answer (min): E[sum of waits of served] / E[served] = E[asa x answered] / E[answered];
- occupancy: E[busy agent time] / E[agent time] over [0, 8 h] = ``busy_hours`` / ``present_hours``;
- service level with abandonment: E[in target] / E[served + abandoned after waiting 20 s or
  more] = E[answered_within_threshold] / E[sl_counted], with ``short_abandon: 20s``.

Agreement as in tests/test_contactcenters_models.py: |ccsim - published| within
Z = 3.29 combined standard errors plus half a unit of the last printed digit.
"""

from __future__ import annotations

import pytest

from tests.test_contactcenters_models import Published, check, mean_se, ratio_of_means, simulate, v

# doc/examples/MMCAb.res (1,000 replications). Times in minutes.
MMCAB_RES = {
    "abandoned": Published.ci(58.609, 57.660, 59.558),
    "in_target": Published.ci(1906.008, 1903.785, 1908.231),
    "service_level": Published.ci(0.975, 0.974, 0.975),
    "speed_of_answer_min": Published.ci(0.024, 0.023, 0.024),
    "occupancy": Published.ci(0.675, 0.674, 0.677),
    "service_level_with_abandonment": Published.ci(0.968, 0.968, 0.969),
}


@pytest.fixture(scope="module")
def mmcab():
    return simulate("mmcab", 1000)


@pytest.mark.parametrize("kpi", sorted(MMCAB_RES))
def test_mmcab_agrees_with_published(mmcab, kpi):
    calls, agents = mmcab.contact_types["calls"], mmcab.agent_groups["agents"]
    answered, in_target = v(calls, "answered"), v(calls, "answered_within_threshold")
    ours = {
        "abandoned": mean_se(v(calls, "abandoned")),
        "in_target": mean_se(in_target),
        "service_level": ratio_of_means(in_target, answered),
        "speed_of_answer_min": ratio_of_means(v(calls, "asa") * answered, answered, 1 / 60),
        "occupancy": ratio_of_means(v(agents, "busy_hours"), v(agents, "present_hours")),
        "service_level_with_abandonment": ratio_of_means(in_target, v(calls, "sl_counted")),
    }[kpi]
    check(f"MMCAb {kpi}", ours, MMCAB_RES[kpi])


def test_mmcab_counts_short_abandons_apart_from_the_service_level(mmcab):
    # sl_counted leaves out the abandons under 20 s, so it lies between answered and
    # answered + abandoned, and strictly inside on average (some callers abandon early).
    calls = mmcab.contact_types["calls"]
    answered, abandoned, counted = v(calls, "answered"), v(calls, "abandoned"), v(calls, "sl_counted")
    assert (counted >= answered).all() and (counted <= answered + abandoned).all()
    assert answered.mean() < counted.mean() < (answered + abandoned).mean()
