"""Several days: repeat contacts land on later days, contacts due after the last day are
deferred, and agents go home at night.
"""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine.records import FIRST, REPEAT
from ccsim.plan import DAY_S
from tests.common.journeys import assert_covers, chains, check_journey_records, ci, constant, exponential, scenario

STAFFING = [3, 4, 5, 5, 5, 5, 4, 3]


def three_days(seed: int = 4) -> ccsim.Scenario:
    """08:00-16:00 three days running; every unresolved issue comes back a day later."""
    calls = {"arrivals": {"rate": "36/h"}, "handle_time": exponential(360.0),
             "patience": exponential(300.0),
             "resolution": {"first_contact": 0.5, "repeat": {
                 "probability": 1.0, "delay": constant(DAY_S), "max_contacts": 10}}}
    return scenario({"calls": calls}, {"agents": {"skills": ["calls"], "staffing": STAFFING}},
                    start="08:00", end="16:00", days=3, seed=seed)


@pytest.mark.slow
def test_three_days_repeat_contacts_land_on_later_days_and_agents_go_home_at_night():
    sc = three_days()
    specs = sc.raw_data()["contact_types"]
    est = ccsim.simulate(sc, replications=30, keep_records=True)
    plan = est.plan
    first_per_day, offered_per_day = [], []
    for rec, result in zip(est.records, est.replication_results, strict=True):
        j = rec.journey
        day_of = (rec.arrival // DAY_S).astype(int)
        first_per_day.append(np.bincount(day_of[j["kind"] == FIRST], minlength=3))
        offered_per_day.append(np.bincount(day_of, minlength=3))
        per = result.intervals["calls"]
        # The KPIs per interval of each day: issues started, contacts offered.
        issues = per["unique_customers"].reshape(3, plan.n_intervals).sum(axis=1)
        assert np.array_equal(issues, first_per_day[-1])
        offered = per["offered"].reshape(3, plan.n_intervals).sum(axis=1)
        assert np.array_equal(offered, offered_per_day[-1])
        # A repeat comes a day after its predecessor ended (the chains check the exact
        # time): never on the first day, on both later days.
        repeats = j["kind"] == REPEAT
        assert np.all(day_of[repeats] >= 1)
        assert set(day_of[repeats].tolist()) == {1, 2}
        check_journey_records(plan, rec, specs)
        # Deferred: the repeats that would come on day 4, from contacts of days 2 and 3.
        assert rec.deferred[0] > 0
        assert result.contact_types["calls"]["deferred"] == rec.deferred[0]
        customers = chains(rec)
        for customer in j["deferred_customers"]:
            assert day_of[customers[customer][-1]] >= 1
        check_present_log(plan, rec)
    first = np.array(first_per_day)
    expected = 36 * plan.horizon_s / 3600
    for d in range(3):
        assert_covers(first[:, d], expected, f"first contacts on day {d + 1}")
    assert_covers(first[:, 1] - first[:, 0], 0.0, "day 2 - day 1 first contacts")
    assert_covers(first[:, 2] - first[:, 0], 0.0, "day 3 - day 1 first contacts")
    # Offered contacts add the repeats: about 50 % more on day 2 than on day 1.
    offered = np.array(offered_per_day)
    lo, _ = ci(offered[:, 1] - offered[:, 0])
    assert lo > 0


def check_present_log(plan, rec) -> None:
    """Each day opens with its staffing, busy <= present, and nobody stays the night."""
    times, present = rec.present_log[0]
    assert np.all(np.diff(times) >= 0) and np.all(present >= 0)

    def level(t):  # right-continuous: the last entry at or before t
        return present[np.searchsorted(times, t, side="right") - 1]

    for d in range(plan.days):
        base = d * DAY_S
        for i, staffed in enumerate(STAFFING):
            assert level(base + i * plan.interval_s) >= staffed, (d, i)
        if d:  # yesterday's agents have all gone: the day opens with exactly its staffing
            assert level(base) == STAFFING[0], d
        if d < plan.days - 1:
            # Closing: agents finish what waits, then leave; nobody is present at night.
            night = (times >= base + plan.horizon_s) & (times < base + DAY_S)
            assert night.any() and present[night][-1] == 0, (d, present[night])
            assert level(base + DAY_S - 1.0) == 0
    # Busy agents never outnumber present ones.
    answered = np.isfinite(rec.answer)
    starts = rec.answer[answered]
    ends = starts + (rec.handle[answered] + rec.acw[answered])
    points = np.unique(np.concatenate((times, starts, ends)))
    busy = (np.searchsorted(np.sort(starts), points, side="right")
            - np.searchsorted(np.sort(ends), points, side="right"))
    here = present[np.searchsorted(times, points, side="right") - 1]
    assert np.all(busy <= here), points[busy > here][:5]
