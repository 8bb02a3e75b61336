"""ccsim against ContactCenters' SimpleMSK example (doc/examples/SimpleMSK.java, SimpleMSK.res).

Three call types, two groups, three 2-hour periods, a busyness factor shared by every type,
service and patience by the period of arrival, type 1 to group 0 first, one FIFO queue for a
freed agent, 1,000 days. The scenario is benchmarks/contactcenters/simple_msk.yaml; its
header maps each Java quantity to ccsim's.

Definitions matched (the .res's first, then ccsim's), summed over the three types:
- served: every served call, after 14:00 too = ``answered``;
- abandoned: every caller whose patience ran out = ``abandoned``;
- service level: E[served within 20 s] / E[served + abandoned after waiting 20 s or more] =
  E[answered_within_threshold] / E[sl_counted], with ``short_abandon: 20s``;
- occupancy (group 0 only): E[busy time] / E[agent time, agents finishing a call after their
  headcount fell included], both until the group's last service = ``busy_hours`` /
  ``present_hours`` with ``statistics.occupancy_after_closing``;
- in target, type k, period p: served within 20 s among the calls of type k arriving in
  period p = ``answered_within_threshold`` of interval p.

Agreement as in tests/test_contactcenters_models.py (Z = 3.29 combined standard errors plus
half a unit of the last printed digit). ccsim runs 300 days (the .res's 1,000 give its
standard errors): the busyness factor makes days differ a lot (served: sd 438).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_contactcenters_models import Published, check, mean_se, ratio_of_means, simulate, v

TYPES = ("type_0", "type_1", "type_2")
SIMPLEMSK_RES = {
    "served": Published.ci(4297.305, 4270.150, 4324.460),
    "abandoned": Published.ci(910.335, 876.133, 944.537),
    "service_level": Published.ci(0.501, 0.494, 0.509),
    "occupancy": Published.ci(0.881, 0.877, 0.884),
}
IN_TARGET = {  # (type, period): published mean and 95 % interval
    ("type_0", 0): (170.154, 164.338, 175.970), ("type_0", 1): (599.334, 594.159, 604.509),
    ("type_0", 2): (15.490, 13.782, 17.198),
    ("type_1", 0): (262.936, 254.597, 271.275), ("type_1", 1): (511.648, 506.276, 517.020),
    ("type_1", 2): (34.697, 31.270, 38.124),
    ("type_2", 0): (259.806, 250.178, 269.434), ("type_2", 1): (613.732, 607.586, 619.878),
    ("type_2", 2): (24.888, 22.137, 27.639),
}


@pytest.fixture(scope="module")
def msk():
    return simulate("simple_msk", 300)


@pytest.mark.parametrize("kpi", sorted(SIMPLEMSK_RES))
def test_simplemsk_agrees_with_published(msk, kpi):
    cts = msk.contact_types

    def total(name):
        return sum(v(cts[t], name) for t in TYPES)

    group = msk.agent_groups["group_0"]
    ours = {
        "served": mean_se(total("answered")),
        "abandoned": mean_se(total("abandoned")),
        "service_level": ratio_of_means(total("answered_within_threshold"), total("sl_counted")),
        "occupancy": ratio_of_means(v(group, "busy_hours"), v(group, "present_hours")),
    }[kpi]
    check(f"SimpleMSK {kpi}", ours, SIMPLEMSK_RES[kpi])


@pytest.mark.parametrize("name,period", sorted(IN_TARGET))
def test_simplemsk_in_target_by_type_and_period_agrees_with_published(msk, name, period):
    per_day = np.array([r.intervals[name]["answered_within_threshold"][period] for r in msk.replication_results],
                       dtype=float)
    check(f"SimpleMSK in target {name} period {period}", mean_se(per_day), Published.ci(*IN_TARGET[name, period]))


def test_the_shared_busyness_moves_every_type_together(msk):
    # One factor per day for all three types: their offered calls are strongly correlated
    # (Poisson-gamma mixture: 0.98 between type 0 and type 2); with a factor per type
    # they would not be.
    a, b = v(msk.contact_types["type_0"], "offered"), v(msk.contact_types["type_2"], "offered")
    assert np.corrcoef(a, b)[0, 1] > 0.75
