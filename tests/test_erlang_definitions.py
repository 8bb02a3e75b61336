"""Erlang A's service levels by definition — ours over answered + abandoned, over the
answered only, and on the virtual waiting time as Erlang X calculators count it —
checked against theory: the virtual wait's law built from its Markov chain, the
Erlang C and M/M/infinity limits, the Garnett–Mandelbaum–Reiman (2002) QED
approximations, and a long simulation with confidence intervals over replications.
``ccsim erlang`` heads each column by the KPI name whose definition it uses."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import linalg, stats

import ccsim
from ccsim import erlang as e
from ccsim.cli import main
from ccsim.engine.records import ABANDONED, ANSWERED
from ccsim.erlang.a import _virtual_within
from ccsim.experiment.stats import mean_ci
from ccsim.metrics import catalogue

# --------------------------------------------------------------------------- the virtual wait


def virtual_cdf_by_chain(c_mu: float, theta: float, k: int, t: float) -> float:
    """P(V <= t) with k ahead, from the absorbing chain of a caller who never hangs up:
    with j others ahead it moves up at rate c mu + j theta, and from j = 0 it is answered."""
    n = k + 1  # transient states: j = k, ..., 0 others ahead
    q = np.zeros((n, n))
    for i, j in enumerate(range(k, -1, -1)):
        q[i, i] = -(c_mu + j * theta)
        if i + 1 < n:
            q[i, i + 1] = c_mu + j * theta
    still = linalg.expm(q * t)[0].sum()
    return 1.0 - still


@pytest.mark.parametrize("c_mu, theta, t", [(0.05, 0.01, 20.0), (1.0, 0.002, 3.0), (0.2, 0.2, 10.0),
                                            (10 / 180, 1 / 30, 60.0)])
def test_virtual_wait_given_the_queue_is_the_chain_s_absorption(c_mu, theta, t):
    closed = _virtual_within(c_mu, theta, t, 12)
    for k in range(12):
        assert closed[k] == pytest.approx(virtual_cdf_by_chain(c_mu, theta, k, t), abs=1e-10), k


def test_virtual_service_level_is_the_answered_service_level_with_endless_patience():
    rate, aht, t = 200 / 3600, 180.0, 20.0
    for c in (11, 12, 14, 20):
        r = e.erlang_a(rate, aht, c, 1e9, t)
        sl_c = e.erlang_c_service_level(rate, aht, c, t)
        assert r.service_level_virtual == pytest.approx(sl_c, abs=1e-6)
        assert r.service_level_answered == pytest.approx(sl_c, abs=1e-6)
        assert r.service_level == pytest.approx(sl_c, abs=1e-6)


@pytest.mark.parametrize("c, patience", [(10, 240.0), (12, 60.0), (30, 600.0), (8, 20.0)])
def test_the_definitions_relate_as_theory_says(c, patience):
    rate, aht = 200 / 3600, 180.0
    r = e.erlang_a(rate, aht, c, patience, 20.0)
    # Answered callers wait their virtual wait, so ours counts a subset of the virtual one.
    assert r.service_level <= r.service_level_virtual + 1e-12
    # Over the answered: P(answered and W <= t) / P(answered).
    assert r.service_level_answered == pytest.approx(r.service_level / (1 - r.abandon_rate), rel=1e-12)
    # P(answered and W <= t) = E[exp(-theta V); V <= t] lies between exp(-theta t) P(V <= t) and P(V <= t).
    assert r.service_level >= math.exp(-20.0 / patience) * r.service_level_virtual - 1e-12
    # At t = 0 every definition is P(wait = 0) (over the answered: P(wait = 0) / P(answered)).
    r0 = e.erlang_a(rate, aht, c, patience, 0.0)
    assert r0.service_level == pytest.approx(1 - r.prob_wait, abs=1e-12)
    assert r0.service_level_virtual == pytest.approx(1 - r.prob_wait, abs=1e-12)
    # The virtual wait is finite: its service level grows to 1 with the threshold.
    levels = [e.erlang_a(rate, aht, c, patience, t).service_level_virtual for t in (5, 20, 60, 300, 3600, 1e5)]
    assert levels == sorted(levels) and levels[-1] == pytest.approx(1.0, abs=1e-9)


def test_patience_as_long_as_a_service_is_m_m_infinity():
    """theta = mu: the number in the system is Poisson(a) (every contact leaves at rate mu)."""
    rate, aht = 300 / 3600, 120.0
    a = rate * aht
    for c in (5, 10, 14):
        r = e.erlang_a(rate, aht, c, aht, 20.0)
        n = np.arange(0, 200)
        pois = stats.poisson.pmf(n, a)
        assert r.prob_wait == pytest.approx(stats.poisson.sf(c - 1, a), rel=1e-10)
        assert r.mean_busy == pytest.approx(float(pois @ np.minimum(n, c)), rel=1e-10)
        assert r.abandon_rate == pytest.approx(float(pois @ np.maximum(n - c, 0)) / a, rel=1e-10)
        # A caller with k ahead is at the (k+1)-th place among c + k Exp(mu) clocks.
        k = np.arange(0, 200 - c)
        v = pois[c:] @ stats.beta.cdf(-math.expm1(-20.0 / aht), k + 1, c)
        assert r.service_level_virtual == pytest.approx(stats.poisson.cdf(c - 1, a) + v, rel=1e-9)


# --------------------------------------------------------------------------- QED (Garnett–Mandelbaum–Reiman)


def hazard(x: float) -> float:
    return stats.norm.pdf(x) / stats.norm.sf(x)


@pytest.mark.parametrize("theta_over_mu", [0.25, 1.0, 4.0])
def test_prob_wait_and_abandonment_approach_the_qed_limits(theta_over_mu):
    """N = R + beta sqrt(R): P(wait > 0) -> [1 + sqrt(theta/mu) h(beta^) / h(-beta)]^-1 and
    P(abandon) ~ P(wait > 0) sqrt(theta/mu) (h(beta^) - beta^) / sqrt(N), beta^ = beta sqrt(mu/theta),
    h the standard normal hazard (GMR 2002, Theorem 4.1); the gap is O(1/sqrt(N))."""
    aht = 180.0
    mu = 1 / aht
    theta = mu * theta_over_mu
    gaps = []
    for load in (100, 400, 1600):
        agents = round(load + 0.5 * math.sqrt(load))
        beta = (agents - load) / math.sqrt(load)
        beta_hat = beta * math.sqrt(mu / theta)
        p_wait = 1 / (1 + math.sqrt(theta / mu) * hazard(beta_hat) / hazard(-beta))
        p_abandon = p_wait * math.sqrt(theta / mu) * (hazard(beta_hat) - beta_hat) / math.sqrt(agents)
        r = e.erlang_a(load * mu, aht, agents, 1 / theta)
        gaps.append(abs(r.prob_wait - p_wait))
        assert gaps[-1] < 0.2 / math.sqrt(load), load
        assert r.abandon_rate == pytest.approx(p_abandon, rel=0.5 / math.sqrt(load)), load
    for before, after in zip(gaps, gaps[1:], strict=False):  # 4 times the load: half the gap
        assert 0.4 < after / before < 0.6


# --------------------------------------------------------------------------- a long simulation

CONFIDENCE = 0.999
THRESHOLD_S = 20.0


@pytest.mark.parametrize("rate_per_h, agents, patience_s", [(240, 12, 300.0), (400, 18, 90.0)])
def test_simulation_covers_every_definition(rate_per_h, agents, patience_s):
    """The 99.9 % interval over days of each simulated definition covers Erlang A's. The
    virtual wait is not seen for callers who hang up, but an answered caller waited V and
    was answered with probability exp(-theta V), so P(V <= t) = E[sum of exp(theta W) over
    the answered with W <= t] / arrivals (importance weights)."""
    aht = 180.0
    sc = ccsim.scenario_from_dict({
        "name": "erlang_a_definitions",
        "horizon": {"start": "00:00", "end": "24:00", "interval": "60min", "warmup": "1h"},
        "contact_types": {"calls": {
            "arrivals": {"rate": f"{rate_per_h}/h"},
            "handle_time": {"dist": "exponential", "mean": aht},
            "patience": {"dist": "exponential", "mean": patience_s},
            "service_level": {"target": 0.8, "threshold": THRESHOLD_S},
        }},
        "agent_groups": {"agents": {"skills": ["calls"], "staffing": agents}},
    })
    est = ccsim.simulate(sc, replications=40, seed=21, keep_records=True)
    virtual = []
    for rec in est.records:
        mine = rec.arrival >= est.plan.warmup_s
        answered = mine & (rec.outcome == ANSWERED) & (rec.wait <= THRESHOLD_S)
        assert not (mine & ~np.isin(rec.outcome, (ANSWERED, ABANDONED))).any()  # everyone answered or gone
        virtual.append(np.exp(rec.wait[answered] / patience_s).sum() / mine.sum())
    exact = e.erlang_a(rate_per_h / 3600, aht, agents, patience_s, THRESHOLD_S)
    truth = {"service_level": exact.service_level, "service_level_offered": exact.service_level,
             "service_level_answered": exact.service_level_answered, "p_wait": exact.prob_wait,
             "asa": exact.asa, "mean_wait": exact.mean_wait_all, "abandon_rate": exact.abandon_rate}
    kpis = est.contact_types["calls"]
    samples = {name: kpis[name].values for name in truth}
    samples["service_level_virtual"] = np.array(virtual)
    truth["service_level_virtual"] = exact.service_level_virtual
    misses = []
    for name, values in samples.items():
        mean, ci = mean_ci(values, CONFIDENCE)
        if not ci[0] <= truth[name] <= ci[1]:
            misses.append(f"{name}: exact {truth[name]:.5g}, simulated {mean:.5g}, CI [{ci[0]:.5g}, {ci[1]:.5g}]")
    assert not misses, "\n".join(misses)
    # The definitions differ by more than the simulation's noise, so the test tells them apart.
    assert exact.service_level_answered - exact.service_level > 0.01


# --------------------------------------------------------------------------- ccsim erlang


def invoke(*args):
    result = CliRunner().invoke(main, ["erlang", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_column_is_headed_by_its_kpi_name_and_defined():
    doc = json.loads(invoke("--rate", "200/h", "--aht", "3min", "--agents", "12..13", "--patience", "4min",
                            "--json"))
    for key, d in doc["definitions"].items():
        assert d["kpi"] == "service_level_virtual" or d["kpi"] in catalogue.CATALOGUE, d
        assert len(d["definition"]) > 10
        assert key in doc["rows"][0]
    assert set(doc["rows"][0]) - {"agents"} == set(doc["definitions"])
    assert doc["definitions"]["erlang_a_service_level_virtual"]["definition"].startswith("P(virtual wait <= 20s)")
    text = invoke("--rate", "200/h", "--aht", "3min", "--agents", "12..13", "--patience", "4min")
    lines = text.splitlines()
    headers = [line.split() for line in lines if line.startswith("agents")]
    legend = lines[lines.index("Definitions (the KPI names of ccsim run, docs/kpis.md):") + 1:]
    assert len(headers) == 2
    for header in headers:
        for kpi in header[1:]:
            assert kpi == "service_level_virtual" or kpi in catalogue.CATALOGUE, kpi
            assert any(line.strip().startswith(kpi + " ") for line in legend), kpi


def test_the_columns_carry_the_formulas_values():
    rate, aht, t, patience = 200 / 3600, 180.0, 30.0, 240.0
    doc = json.loads(invoke("--rate", "200/h", "--aht", "3min", "--agents", "11..14", "--threshold", "30s",
                            "--patience", "4min", "--json"))
    assert doc["patience_s"] == patience and doc["threshold_s"] == t
    for row in doc["rows"]:
        r = e.erlang_a(rate, aht, row["agents"], patience, t)
        assert row["erlang_a_service_level"] == r.service_level
        assert row["erlang_a_service_level_answered"] == r.service_level_answered
        assert row["erlang_a_service_level_virtual"] == r.service_level_virtual
        assert row["erlang_a_mean_wait"] == r.mean_wait_all
        assert row["erlang_c_service_level"] == e.erlang_c_service_level(rate, aht, row["agents"], t)
