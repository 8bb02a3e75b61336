"""Simulation against queueing theory, with confidence intervals over replications.

Each case is a stationary single queue (constant arrival rate, exponential handle
time, constant staffing) simulated for a whole day after a warm-up that makes the
start-empty transient negligible. A 99.9 % Student-t interval over replications of
every KPI must cover the exact steady-state value of Erlang C (M/M/c), Erlang A
(M/M/c+M), Erlang B (M/M/c/c) or M/M/c/K. Seeds are fixed, so a failure is
reproducible. Day averages of waits are right-skewed, which makes a t interval
miss a little more often than 0.1 % (about 0.2 % at 40 replications, less with
more); over the ~40 checks here a correct engine fails one for a given seed with
probability of a few per cent, so a failure that survives a change of seed (or
many more replications) points at a real bias. Cases whose KPI is a rare event
(occupancy 0.99999 in deep overload, where idle time is a few agent-seconds a
day) are avoided: their day values are too skewed for a t interval.

Why the warm-ups suffice: the queue of M/M/c relaxes on a time scale of about
aht / (sqrt(c) - sqrt(a))**2, which is 1.2 h for the hardest case (c = 100,
a = 96, aht = 3 min); simulated hourly queue lengths averaged over 200 days reach
the Erlang C mean within 2 h, and that case warms up for 4 h. Abandonment makes
Erlang A relax within minutes. Arrivals stop at the horizon end and the contacts
then in the system are finished with the same staffing, so late arrivals see the
stationary system too; occupancy is measured over [warm-up, horizon end] only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

import ccsim
from ccsim.erlang import erlang_a, erlang_b, erlang_c_metrics
from ccsim.experiment.stats import mean_ci

CONFIDENCE = 0.999
THRESHOLD_S = 20.0
# Round-off allowance for KPIs that are exact constants in some runs (occupancy
# 1.0 in overload, abandonment 0.0 without patience): an interval of zero width
# must still cover its value.
ROUND_OFF = 1e-9


def single_queue(rate_per_h: float, aht_s: float, agents: int, *, patience_s: float | None = None,
                 lines: int | None = None, warmup: str = "2h", seed: int = 1) -> ccsim.Scenario:
    """A stationary M/M/c queue over a 24 h day (optionally +M patience, K lines)."""
    calls = {
        "arrivals": {"rate": f"{rate_per_h}/h"},
        "handle_time": {"dist": "exponential", "mean": aht_s},
        "service_level": {"target": 0.8, "threshold": THRESHOLD_S},
    }
    if patience_s is not None:
        calls["patience"] = {"dist": "exponential", "mean": patience_s}
    if lines is not None:
        calls["lines"] = lines
    return ccsim.scenario_from_dict({
        "name": "theory",
        "horizon": {"start": "00:00", "end": "24:00", "interval": "60min", "warmup": warmup},
        "seed": seed,
        "contact_types": {"calls": calls},
        "agent_groups": {"agents": {"skills": ["calls"], "staffing": agents}},
    })


def coverage_failures(est: ccsim.Estimates, exact: dict[str, float]) -> list[str]:
    """The KPIs whose 99.9 % interval over replications misses the exact value."""
    failures = []
    for kpi, truth in exact.items():
        source = est.agent_groups["agents"] if kpi == "occupancy" else est.contact_types["calls"]
        mean, ci = mean_ci(source[kpi].values, CONFIDENCE)
        assert ci is not None, f"{kpi}: fewer than two replications have a value"
        if not ci[0] - ROUND_OFF <= truth <= ci[1] + ROUND_OFF:
            failures.append(f"{kpi}: exact {truth:.6g}, simulated {mean:.6g}, "
                            f"99.9% CI [{ci[0]:.6g}, {ci[1]:.6g}]")
    return failures


# --------------------------------------------------------------------------- Erlang C and A


@dataclass(frozen=True)
class Case:
    """A stationary queue: arrivals per hour, AHT (s), agents, patience mean (s) or None."""

    rate_per_h: float
    aht_s: float
    agents: int
    patience_s: float | None = None
    warmup: str = "2h"
    replications: int = 40
    seed: int = 7

    @property
    def load(self) -> float:
        return self.rate_per_h * self.aht_s / 3600.0

    def exact(self) -> dict[str, float]:
        rate = self.rate_per_h / 3600.0
        if self.patience_s is None:
            r = erlang_c_metrics(rate, self.aht_s, self.agents, THRESHOLD_S)
            abandon_rate = 0.0
        else:
            r = erlang_a(rate, self.aht_s, self.agents, self.patience_s, THRESHOLD_S)
            abandon_rate = r.abandon_rate
        # Every arrival is answered or abandons, so Erlang A's SL over all
        # arrivals is also ccsim's SL over answered + abandoned.
        return {"service_level": r.service_level, "asa": r.asa, "abandon_rate": abandon_rate,
                "occupancy": r.occupancy, "mean_queue": r.mean_queue}


ERLANG_CASES = [
    # Erlang C (no abandonment).
    pytest.param(Case(200, 180, 14, replications=200), id="C-c14-a10-textbook"),
    pytest.param(Case(30, 180, 2, replications=200), id="C-c2-a1.5-occ75"),
    pytest.param(Case(1920, 180, 100, warmup="4h", replications=80), id="C-c100-a96-occ96",
                 marks=pytest.mark.slow),
    pytest.param(Case(4700, 180, 250, replications=60), id="C-c250-a235-occ94",
                 marks=pytest.mark.slow),
    # Erlang A (exponential patience).
    pytest.param(Case(60, 180, 3, patience_s=300, replications=200), id="A-c3-a3-patience5min"),
    pytest.param(Case(600, 180, 30, patience_s=120, replications=80),
                 id="A-c30-a30-moderate-abandon"),
    pytest.param(Case(800, 180, 30, patience_s=60, replications=80),
                 id="A-c30-a40-overload-heavy-abandon", marks=pytest.mark.slow),
    # Deep overload: occupancy is 1 and SL 0 to round-off, ASA and abandonment are not.
    pytest.param(Case(4000, 180, 100, patience_s=300), id="A-c100-a200-overload",
                 marks=pytest.mark.slow),
]


@pytest.mark.parametrize("case", ERLANG_CASES)
def test_stationary_queue_matches_erlang(case: Case):
    sc = single_queue(case.rate_per_h, case.aht_s, case.agents, patience_s=case.patience_s,
                      warmup=case.warmup)
    est = ccsim.simulate(sc, replications=case.replications, seed=case.seed)
    failures = coverage_failures(est, case.exact())
    assert not failures, f"c={case.agents}, load={case.load:g} Erlangs:\n" + "\n".join(failures)


def test_erlang_c_cases_cover_the_required_regimes():
    """The case list keeps a very busy, a tiny and a large centre, and overload with abandons."""
    cases = [p.values[0] for p in ERLANG_CASES]
    c_cases = [c for c in cases if c.patience_s is None]
    a_cases = [c for c in cases if c.patience_s is not None]
    assert any(c.load / c.agents >= 0.95 for c in c_cases)
    assert any(c.agents <= 3 for c in c_cases)
    assert any(c.agents >= 200 for c in c_cases)
    assert any(c.load > c.agents for c in a_cases)
    assert len(cases) >= 6


# --------------------------------------------------------------------------- blocking


def mmck_probabilities(load: float, agents: int, lines: int) -> np.ndarray:
    """Stationary P(n in system), n = 0..lines, of M/M/c/K from its birth-death chain."""
    log_p = [0.0]
    for n in range(1, lines + 1):
        log_p.append(log_p[-1] + math.log(load) - math.log(min(n, agents)))
    p = np.exp(np.array(log_p) - max(log_p))
    return p / p.sum()


@pytest.mark.parametrize(("agents", "load"), [(10, 8.0), (50, 45.0)])
def test_blocking_with_lines_equal_to_agents_is_erlang_b(agents, load):
    aht = 180.0
    sc = single_queue(load / aht * 3600, aht, agents, lines=agents)
    est = ccsim.simulate(sc, replications=40, seed=3)
    blocking = erlang_b(agents, load)
    failures = coverage_failures(est, {
        "blocked_rate": blocking,
        "occupancy": load * (1 - blocking) / agents,
        "abandon_rate": 0.0,
    })
    assert not failures, "\n".join(failures)
    # With as many lines as agents nobody ever queues.
    assert np.all(est.contact_types["calls"]["asa"].values == 0.0)
    assert np.all(est.contact_types["calls"]["service_level"].values == 1.0)


def test_mmck_formula_reduces_to_erlang_b():
    assert mmck_probabilities(8.0, 10, 10)[-1] == pytest.approx(erlang_b(10, 8.0), rel=1e-12)


@pytest.mark.parametrize(("agents", "lines", "load"), [(10, 15, 9.0), (5, 6, 6.0)])
def test_blocking_with_more_lines_than_agents_is_mmck(agents, lines, load):
    aht = 180.0
    rate = load / aht  # contacts per second
    sc = single_queue(rate * 3600, aht, agents, lines=lines)
    est = ccsim.simulate(sc, replications=40, seed=4)
    p = mmck_probabilities(load, agents, lines)
    n = np.arange(lines + 1)
    blocking = p[-1]
    mean_queue = float(p @ np.maximum(n - agents, 0))
    failures = coverage_failures(est, {
        "blocked_rate": blocking,
        "occupancy": float(p @ np.minimum(n, agents)) / agents,
        "mean_queue": mean_queue,
        "asa": mean_queue / (rate * (1 - blocking)),  # Little's law on the queue
        "abandon_rate": 0.0,
    })
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------- arrivals


PROFILE = [1, 2, 4, 6, 8, 8, 7, 6, 5, 5, 6, 7, 6, 4, 2, 1]


def volume_scenario(volume: float, forecast_error: float = 0.0) -> ccsim.Scenario:
    arrivals = {"volume": volume, "profile": PROFILE}
    if forecast_error:
        arrivals["forecast_error"] = forecast_error
    return ccsim.scenario_from_dict({
        "name": "volume",
        "horizon": {"start": "08:00", "end": "16:00", "interval": "30min"},
        "contact_types": {"calls": {
            "arrivals": arrivals,
            "handle_time": {"dist": "exponential", "mean": "3min"},
        }},
        "agent_groups": {"agents": {"skills": ["calls"], "staffing": 40}},
    })


def test_volume_and_profile_give_the_expected_count_per_interval():
    volume = 2400.0
    est = ccsim.simulate(volume_scenario(volume), replications=100, seed=9)
    expected = volume * np.array(PROFILE) / sum(PROFILE)
    counts = np.vstack([r.intervals["calls"]["offered"] for r in est.replication_results])
    failures = []
    for j, truth in enumerate(expected):
        mean, (lo, hi) = mean_ci(counts[:, j], CONFIDENCE)
        if not lo <= truth <= hi:
            failures.append(f"interval {j}: expected {truth:g}, got {mean:g} [{lo:g}, {hi:g}]")
    mean, (lo, hi) = mean_ci(est.contact_types["calls"]["offered"].values, CONFIDENCE)
    if not lo <= volume <= hi:
        failures.append(f"day: expected {volume:g}, got {mean:g} [{lo:g}, {hi:g}]")
    assert not failures, "\n".join(failures)
    # Without forecast error the day's count is Poisson: variance = mean.
    assert_variance_close(est.contact_types["calls"]["offered"].values, volume)


def assert_variance_close(values: np.ndarray, variance: float) -> None:
    """Loose check of a sample variance: within 4 standard errors (normal data)."""
    r = values.size
    ratio = float(np.var(values, ddof=1)) / variance
    tolerance = 4.0 * math.sqrt(2.0 / (r - 1))
    assert abs(ratio - 1.0) < tolerance, (
        f"sample variance / expected = {ratio:.3f} over {r} replications "
        f"(tolerance ±{tolerance:.3f}); expected variance {variance:g}"
    )


@pytest.mark.slow
def test_forecast_error_adds_gamma_variance_to_the_daily_volume():
    volume, cv = 1000.0, 0.2
    est = ccsim.simulate(volume_scenario(volume, forecast_error=cv), replications=400, seed=10)
    offered = est.contact_types["calls"]["offered"].values
    mean, (lo, hi) = mean_ci(offered, CONFIDENCE)
    assert lo <= volume <= hi, f"mean offered {mean:g} [{lo:g}, {hi:g}], expected {volume:g}"
    # Poisson given the factor, plus the factor's own variance: V + (cv V)^2.
    assert_variance_close(offered, volume + (cv * volume) ** 2)


# --------------------------------------------------------------------------- chat concurrency


@pytest.mark.parametrize(("agents", "concurrency", "load", "patience_s", "slowdown"), [
    pytest.param(5, 3, 12.0, None, None, id="chat-5x3-a12-erlangC"),
    pytest.param(4, 2, 8.5, 120.0, None, id="chat-4x2-a8.5-erlangA"),
    pytest.param(4, 3, 9.0, 150.0, 1.5, id="chat-4x3-flat-slowdown-1.5-erlangA"),
])
def test_chats_are_erlang_with_one_server_per_chat_slot(agents, concurrency, load, patience_s,
                                                                          slowdown):
    """Without slowdown, each open chat progresses on its own and a chat waits only when every
    agent is full: N agents with concurrency c are the M/M/(N c) (+M) queue, slot for slot.
    A flat slowdown m (the same with 1, 2, ... chats open) is that queue with m x the handle time."""
    drawn_aht = 180.0
    aht = drawn_aht * (slowdown or 1.0)
    rate = load / aht * 3600.0
    sc = single_queue(rate, drawn_aht, agents, patience_s=patience_s)
    changes = {"contact_types.calls.channel": "chat", "contact_types.calls.concurrency": concurrency}
    if slowdown:
        changes["contact_types.calls.concurrency_slowdown"] = [slowdown]
    sc = sc.with_changes(changes)
    est = ccsim.simulate(sc, replications=80, seed=9)
    servers = agents * concurrency
    if patience_s is None:
        r = erlang_c_metrics(rate / 3600.0, aht, servers, THRESHOLD_S)
        abandon_rate = 0.0
    else:
        r = erlang_a(rate / 3600.0, aht, servers, patience_s, THRESHOLD_S)
        abandon_rate = r.abandon_rate
    exact = {"service_level": r.service_level, "asa": r.asa, "abandon_rate": abandon_rate,
             "mean_queue": r.mean_queue}
    failures = coverage_failures(est, exact)
    # Chat slots used = the Erlang occupancy of the N c servers.
    slot = est.agent_groups["agents"]["slot_utilisation"]
    mean, ci = mean_ci(slot.values, CONFIDENCE)
    if not ci[0] <= r.occupancy <= ci[1]:
        failures.append(f"slot_utilisation: exact {r.occupancy:.6g}, simulated {mean:.6g}, CI {ci}")
    assert not failures, "\n".join(failures)
