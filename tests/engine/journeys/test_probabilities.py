"""With ample agents (nobody waits) the probabilities come back: contacts per issue =
1 / first-contact resolution (geometric), fcr = first_contact x resolution_factor (capped
at 1), the IVR's self-service share, the conversion probability; with callers waiting,
retrials, repeats and conversion follow their probabilities and delays.
"""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.engine.records import ABANDONED, ANSWERED, BALKED, REPEAT, RETRIAL, WAITING
from ccsim.plan import build_plan
from tests.common.journeys import assert_covers, chains, constant, ended_at, exponential, scenario, stationary


def ample_scenario(seed: int = 3) -> ccsim.Scenario:
    """Nobody waits: each type has far more agents than it could ever keep busy."""
    issue = {"arrivals": {"rate": "60/h"}, "handle_time": exponential(180.0),
             "patience": exponential(60.0)}
    repeat = {"probability": 1.0, "delay": constant(60.0), "max_contacts": 50}
    types = {
        "plain": {**issue, "resolution": {"first_contact": 0.6, "repeat": repeat}},
        "expert": {**issue, "resolution": {"first_contact": 0.6, "repeat": repeat}},
        "capped": {**issue, "resolution": {"first_contact": 0.6, "repeat": repeat}},
        "selfserve": {**issue, "ivr": {"time": exponential(40.0), "self_service": 0.3}},
        "sales": {**issue, "conversion": {"probability": 0.35, "per_minute_waited": 0.0}},
        "sales_slope": {**issue, "conversion": {"probability": 0.35, "per_minute_waited": -0.5}},
    }
    groups = {
        "desk": {"skills": ["plain", "selfserve", "sales", "sales_slope"], "staffing": 80},
        "experts": {"skills": ["expert"], "staffing": 40, "resolution_factor": 1.1},
        "wizards": {"skills": ["capped"], "staffing": 40, "resolution_factor": 2.0},
    }
    return scenario(types, groups, start="08:00", end="20:00", seed=seed)


@pytest.mark.slow
def test_with_ample_agents_journeys_reproduce_their_probabilities():
    sc = ample_scenario()
    est = ccsim.simulate(sc, replications=40, keep_records=True)
    plan = est.plan
    names = [ct.name for ct in plan.contact_types]
    early_s = plan.horizon_s - 2 * 3600.0  # issues started 2 h before closing never reach it
    n_early = int(early_s // plan.interval_s)
    cpi = {name: [] for name in ("plain", "expert")}
    for rec, result in zip(est.records, est.replication_results, strict=True):
        assert np.all(rec.wait[rec.outcome == ANSWERED] == 0.0), "somebody waited"
        assert not np.isin(rec.outcome, (ABANDONED, WAITING, BALKED)).any()
        customers = chains(rec)
        for name in cpi:
            k = names.index(name)
            early = [c for c in customers if rec.ctype[c] == k and rec.arrival[c] < early_s]
            assert not set(early) & set(rec.journey["deferred_customers"].tolist())
            sizes = np.array([customers[c].size for c in early])
            # The engine's per-interval KPI says the same for those intervals.
            per = result.intervals[name]
            n_i = per["unique_customers"][:n_early]
            assert n_i.sum() == len(early)
            contacts = np.nansum(per["contacts_per_issue"][:n_early] * n_i)
            assert contacts == pytest.approx(sizes.sum())
            cpi[name].append(sizes.mean())
    # Geometric number of contacts: each answered contact resolves with probability p.
    assert_covers(cpi["plain"], 1 / 0.6, "contacts per issue, factor 1")
    assert_covers(cpi["expert"], 1 / 0.66, "contacts per issue, factor 1.1")
    kpis = est.contact_types
    assert_covers(kpis["plain"]["fcr"].values, 0.6, "fcr, factor 1")
    assert_covers(kpis["expert"]["fcr"].values, 0.66, "fcr, factor 1.1")
    # 0.6 x 2.0 is capped at 1: every answer resolves, nobody calls again.
    assert np.all(kpis["capped"]["fcr"].values == 1.0)
    assert np.all(kpis["capped"]["contacts_per_issue"].values == 1.0)
    assert np.all(kpis["capped"]["repeat_contacts"].values == 0.0)
    selfserve = kpis["selfserve"]
    assert_covers(selfserve["ivr_resolved"].values / selfserve["offered"].values, 0.3,
                  "IVR self-service share")
    k = names.index("selfserve")
    ivr = [rec.entry[rec.ctype == k] - rec.arrival[rec.ctype == k] for rec in est.records]
    assert_covers([x.mean() for x in ivr], 40.0, "IVR time")
    # Nobody waits, so the slope of conversion against minutes waited does not matter.
    assert_covers(kpis["sales"]["conversion_rate"].values, 0.35, "conversion rate")
    assert_covers(kpis["sales_slope"]["conversion_rate"].values, 0.35, "conversion rate, slope")
    assert kpis["sales"]["sales"].values == pytest.approx(
        kpis["sales"]["conversion_rate"].values * kpis["sales"]["answered"].values, rel=1e-12)


@pytest.mark.slow
def test_retrials_repeats_and_conversion_follow_their_probabilities_and_delays():
    """Callers wait here: each decision is a coin with the scenario's probability, each
    delay is drawn from its distribution, and a sale's chance falls with the minutes
    waited (probability + per_minute_waited x minutes, clipped to [0, 1])."""
    extra = {"retrial": {"probability": 0.6, "delay": exponential(600.0), "max_attempts": 3},
             "resolution": {"first_contact": 0.7,
                            "repeat": {"probability": 0.5, "delay": exponential(1200.0)}},
             "conversion": {"probability": 0.4, "per_minute_waited": -0.1}}
    sc = stationary(extra, agents=4)
    plan, shares = build_plan(sc), {key: [] for key in ("retry", "repeat", "gap_r", "gap_p")}
    surplus = []
    for r in range(30):
        rec = simulate_replication(plan, r)
        j = rec.journey
        customers = chains(rec)
        deferred = set(j["deferred_customers"].tolist())
        retried, repeated, gaps = [], [], {RETRIAL: [], REPEAT: []}
        for customer, chain in customers.items():
            for i, c in enumerate(chain):
                nxt = chain[i + 1] if i + 1 < chain.size else None
                went_on = nxt is not None or customer in deferred
                if rec.outcome[c] == ABANDONED and j["attempt"][c] < 3:
                    retried.append(went_on)
                if rec.outcome[c] == ANSWERED and j["resolved"][c] == 0:
                    repeated.append(went_on)
                if nxt is not None:
                    gaps[j["kind"][nxt]].append(rec.arrival[nxt] - ended_at(rec, c))
        shares["retry"].append(np.mean(retried))
        shares["repeat"].append(np.mean(repeated))
        shares["gap_r"].append(np.mean(gaps[RETRIAL]))
        shares["gap_p"].append(np.mean(gaps[REPEAT]))
        answered = rec.outcome == ANSWERED
        p = np.clip(0.4 - 0.1 * rec.wait[answered] / 60.0, 0.0, 1.0)
        surplus.append(np.count_nonzero(j["converted"][answered] == 1) - p.sum())
    assert_covers(shares["retry"], 0.6, "share of abandoned callers who try again")
    assert_covers(shares["repeat"], 0.5, "share of unresolved issues that come back")
    assert_covers(shares["gap_r"], 600.0, "mean retrial delay")
    assert_covers(shares["gap_p"], 1200.0, "mean repeat delay")
    assert_covers(surplus, 0.0, "sales - expected sales given the waits")
