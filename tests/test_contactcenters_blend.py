"""ccsim against ContactCenters' Blend example: inbound calls and a threshold dialer.

benchmarks/contactcenters/blend.yaml writes doc/examples/Blend.java in ccsim's scenario
format (its header says how it maps and what ccsim cannot express); Blend.res is the
published output of 1,000 days. Agreement as in tests/test_contactcenters_models.py:
|ccsim - published| <= 3.29 x sqrt(se_ccsim^2 + se_published^2) + half a printed digit.

Definitions matched (per day = per replication):
* tried outbound calls = ccsim's ``dialled``; outbound arrivals = ``right_party`` (calls
  reached: the only live outcome in this model); outbound served / abandoned = the outbound
  type's ``answered`` / ``abandoned``;
* inbound arrivals = ``offered``; inbound abandoned = ``abandoned`` + ``balked`` (the Java
  model's balking callers have patience 0 and leave the queue at once, counted abandoned);
* occupancy per group = E[busy time] / E[agent time] over 08:00-14:00 (a ratio of means,
  as the .res's FunctionOfMultipleMeansTally), from ``busy_hours`` and ``present_hours``;
* service level = 100 x (E[arrivals] - E[not in target]) / E[arrivals], a call not in
  target when it waited 20 s or more in queue (answered or abandoned), from the records;
* waiting time = E[sum of queue times] / E[arrivals] (minutes), from the records.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.engine.records import ABANDONED, ANSWERED, BALKED

from .test_contactcenters_models import MODELS, SEED, Published, check, mean_se, ratio_of_means, v

REPLICATIONS = 300
AWT = 20.0

BLEND_RES = {
    "dialled": Published.sd(1109.040, 258.167),
    ("offered", "service"): Published.ci(848.592, 838.899, 858.285),
    ("right_party", "sales"): Published.ci(321.896, 317.279, 326.513),
    ("answered", "service"): Published.ci(843.477, 834.193, 852.761),
    ("answered", "sales"): Published.ci(298.876, 294.637, 303.115),
    ("abandoned", "service"): Published.ci(5.115, 4.495, 5.735),
    ("abandoned", "sales"): Published.ci(23.020, 22.548, 23.492),
    ("occupancy", "inbound_only"): Published.ci(81.596, 81.135, 82.058),
    ("occupancy", "blend"): Published.ci(55.665, 55.237, 56.092),
    "service_level": Published.sd(95.354, 6.894),
    ("waiting_min", "service"): Published.ci(0.049, 0.043, 0.055),
    ("waiting_min", "sales"): Published.ci(6.5e-3, 6.4e-3, 6.6e-3, digits=4),
}


@pytest.fixture(scope="module")
def blend():
    est = ccsim.simulate(ccsim.load(MODELS / "blend.yaml"), replications=REPLICATIONS, seed=SEED, workers=1,
                         keep_records=True)
    names = [ct.name for ct in est.plan.contact_types]
    k_in, k_out = names.index("service"), names.index("sales")
    est.days = []
    for rec in est.records:
        wait = rec.wait
        day = {}
        for name, k in (("service", k_in), ("sales", k_out)):
            mine = rec.ctype == k
            queued = mine & ((rec.outcome == ANSWERED) | (rec.outcome == ABANDONED) | (rec.outcome == BALKED))
            day[name] = {"arrived": float(queued.sum()), "waits": float(wait[queued].sum()),
                         "late": float((queued & (wait >= AWT)).sum())}
        est.days.append(day)
    est.records = None
    return est


def _ours(est, kpi):
    cts, groups = est.contact_types, est.agent_groups
    if kpi == "dialled":
        return mean_se(v(cts["sales"], "dialled"))
    if kpi == "service_level":
        arrived = np.array([d["service"]["arrived"] for d in est.days])
        late = np.array([d["service"]["late"] for d in est.days])
        return ratio_of_means(arrived - late, arrived, 100.0)
    what, name = kpi
    if what == "occupancy":
        return ratio_of_means(v(groups[name], "busy_hours"), v(groups[name], "present_hours"), 100.0)
    if what == "waiting_min":
        waits = np.array([d[name]["waits"] for d in est.days])
        arrived = np.array([d[name]["arrived"] for d in est.days])
        return ratio_of_means(waits, arrived, 1 / 60)
    if what == "abandoned" and name == "service":
        return mean_se(v(cts[name], "abandoned") + v(cts[name], "balked"))
    return mean_se(v(cts[name], what))


@pytest.mark.parametrize("kpi", sorted(BLEND_RES, key=str), ids=str)
def test_blend_agrees_with_published(blend, kpi):
    check(f"Blend {kpi}", _ours(blend, kpi), BLEND_RES[kpi])


def test_blend_dialer_reaches_the_published_share_and_serves_its_calls_first(blend):
    """About 29 % of the dialled calls reach someone (0.29 from 10:00), and every reached
    call is either answered or abandoned (conservation of the dialled calls)."""
    sales = blend.contact_types["sales"]
    rate = v(sales, "right_party_rate").mean()
    assert math.isclose(rate, 0.29, abs_tol=0.01)
    reached = v(sales, "right_party")
    assert np.array_equal(reached, v(sales, "answered") + v(sales, "abandoned"))
    dialled = v(sales, "dialled")
    assert np.array_equal(dialled, v(sales, "right_party") + v(sales, "wrong_party") + v(sales, "machines")
                          + v(sales, "no_answer"))
