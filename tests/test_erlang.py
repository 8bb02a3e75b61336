"""Tests of ccsim.erlang: textbook values, independent references, invariants."""

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsim.erlang import (
    ErlangAResult,
    ErlangCResult,
    erlang_a,
    erlang_a_agents,
    erlang_b,
    erlang_c,
    erlang_c_agents,
    erlang_c_asa,
    erlang_c_metrics,
    erlang_c_occupancy,
    erlang_c_service_level,
    offered_load,
    square_root_staffing,
)

# The textbook example: 100 calls per 30 min, AHT 180 s (10 Erlangs), 14 agents, 20 s.
RATE, AHT, AGENTS, THRESHOLD, PATIENCE = 100 / 1800, 180.0, 14, 20.0, 300.0


# --------------------------------------------------------------------------- references


def erlang_c_reference(c, a):
    """Erlang C from its defining sums, in log-space (independent of the B recursion)."""
    log_terms = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    log_last = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    top = max(log_terms + [log_last])
    below = sum(math.exp(x - top) for x in log_terms)
    last = math.exp(log_last - top)
    return last / (below + last)


def erlang_a_reference_sl(rate, aht, c, patience, t, n_max=400):
    """SL of M/M/c+M by brute force: chain by direct products, and the tagged
    contact's position chain (service, abandonment ahead, own abandonment)
    solved by uniformisation, with no closed form involved."""
    mu, theta = 1 / aht, 1 / patience
    pi = [1.0]
    for n in range(1, n_max):
        pi.append(pi[-1] * rate / (min(n, c) * mu + max(n - c, 0) * theta))
    pi = np.array(pi) / sum(pi)
    positions = np.arange(1, n_max - c + 1)
    down = c * mu + (positions - 1) * theta  # move one place up, or be answered from 1
    leave = c * mu + positions * theta  # ... plus own abandonment
    big = leave.max()
    v = np.zeros(positions.size + 1)  # v[0]: answered (absorbing)
    v[0] = 1.0
    result = np.zeros(positions.size)
    for m in range(int(big * t + 40 * math.sqrt(big * t + 1) + 40)):
        if t > 0:  # Poisson(big t) weight of m jumps, in logs: exp(-big t) underflows
            result += math.exp(m * math.log(big * t) - big * t - math.lgamma(m + 1)) * v[1:]
        v[1:] = down / big * v[:-1] + (1 - leave / big) * v[1:]
    return pi[:c].sum() + pi[c:] @ result


def simpson(y, h):
    return h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum())


# --------------------------------------------------------------------------- known values


def test_erlang_b_known_value():
    assert erlang_b(10, 5.0) == pytest.approx(0.018385, abs=5e-7)
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(5, 0.0) == 0.0


def test_erlang_b_5000_agents_matches_log_space_sum():
    log_terms = [k * math.log(5000) - math.lgamma(k + 1) for k in range(5001)]
    top = max(log_terms)
    expected = math.exp(log_terms[-1] - top) / sum(math.exp(x - top) for x in log_terms)
    assert erlang_b(5000, 5000.0) == pytest.approx(expected, rel=1e-9)


def test_erlang_c_textbook_example():
    r = erlang_c_metrics(RATE, AHT, AGENTS, THRESHOLD)
    assert isinstance(r, ErlangCResult)
    assert r.prob_wait == pytest.approx(0.1741, abs=5e-5)
    assert r.service_level == pytest.approx(0.8884, abs=5e-5)
    assert r.asa == pytest.approx(7.84, abs=5e-3)
    assert r.occupancy == pytest.approx(0.714, abs=5e-4)
    assert r.mean_queue == pytest.approx(r.prob_wait * 10 / 4)
    assert erlang_c(AGENTS, 10.0) == r.prob_wait
    assert erlang_c_service_level(RATE, AHT, AGENTS, THRESHOLD) == r.service_level
    assert erlang_c_asa(RATE, AHT, AGENTS) == r.asa
    assert erlang_c_occupancy(RATE, AHT, AGENTS) == r.occupancy


def test_erlang_a_textbook_example():
    r = erlang_a(RATE, AHT, AGENTS, PATIENCE, THRESHOLD)
    assert isinstance(r, ErlangAResult)
    assert r.prob_wait == pytest.approx(0.1453, abs=5e-5)
    assert r.abandon_rate == pytest.approx(0.01398, abs=5e-6)
    assert r.service_level == pytest.approx(0.9168, abs=5e-5)
    assert erlang_a(RATE, AHT, AGENTS, PATIENCE).service_level is None


@pytest.mark.parametrize(
    "rate, aht, c, patience, t",
    [
        (RATE, AHT, AGENTS, PATIENCE, THRESHOLD),
        (RATE, AHT, AGENTS, PATIENCE, 600),
        (1.5 / 60, 60, 1, 90, 30),
        (0.05, 50, 3, 20, 10),
        (0.05, 40, 2, 500, 45),
        (0.03, 100, 3, 60, 0),
        (0.2, 60, 10, 5, 200),
        (0.3, 60, 12, 600, 300),
    ],
)
def test_erlang_a_service_level_matches_brute_force(rate, aht, c, patience, t):
    expected = erlang_a_reference_sl(rate, aht, c, patience, t)
    assert erlang_a(rate, aht, c, patience, t).service_level == pytest.approx(expected, rel=1e-9)


def test_erlang_a_asa_is_integral_of_unanswered_within_t():
    # E[wait; answered] = integral over t of P(answered) - P(answered within t).
    r = erlang_a(RATE, AHT, AGENTS, PATIENCE, 1e12)
    ts = np.linspace(0, 3000, 2401)  # Simpson with h = 1.25 s; coarser grids err at 1e-6
    gap = np.array(
        [r.service_level - erlang_a(RATE, AHT, AGENTS, PATIENCE, t).service_level for t in ts]
    )
    assert simpson(gap, ts[1]) == pytest.approx(r.asa * (1 - r.abandon_rate), rel=1e-7)


def test_erlang_a_with_endless_patience_is_erlang_c():
    a = erlang_a(RATE, AHT, AGENTS, 1e9, THRESHOLD)
    c = erlang_c_metrics(RATE, AHT, AGENTS, THRESHOLD)
    assert a.prob_wait == pytest.approx(c.prob_wait, rel=1e-4)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-4)
    assert a.asa == pytest.approx(c.asa, rel=1e-4)
    assert a.mean_queue == pytest.approx(c.mean_queue, rel=1e-4)


def test_erlang_a_huge_threshold_answers_everyone_who_stays():
    r = erlang_a(RATE, AHT, AGENTS, PATIENCE, 1e12)
    assert r.service_level == pytest.approx(1 - r.abandon_rate, abs=1e-12)


def check_erlang_a_balance(r, rate, aht, c):
    """Throughput + abandonment = arrivals; Little's law for the queue."""
    assert r.occupancy * c / aht + rate * r.abandon_rate == pytest.approx(rate, rel=1e-9)
    assert r.mean_queue == pytest.approx(rate * r.mean_wait_all, rel=1e-9, abs=1e-12)
    assert r.mean_busy == pytest.approx(r.occupancy * c, rel=1e-12)


def test_erlang_a_flow_balance_and_little():
    check_erlang_a_balance(erlang_a(RATE, AHT, AGENTS, PATIENCE, THRESHOLD), RATE, AHT, AGENTS)


# --------------------------------------------------------------------------- edges


@pytest.mark.parametrize("a", [0.1, 0.5, 0.9])
def test_single_agent_is_mm1(a):
    rate, aht, t = a / 100, 100.0, 30.0
    r = erlang_c_metrics(rate, aht, 1, t)
    assert r.prob_wait == pytest.approx(a)
    assert r.service_level == pytest.approx(1 - a * math.exp(-(1 / aht - rate) * t))
    assert r.asa == pytest.approx(a * aht / (1 - a))


def test_two_and_three_agents():
    rho = 0.7
    assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho))
    assert erlang_c(3, 2.5) == pytest.approx(erlang_c_reference(3, 2.5), rel=1e-12)
    for c in (1, 2, 3):
        check_erlang_a_balance(erlang_a(0.04, 60, c, 120, 20), 0.04, 60, c)


def test_high_occupancy():
    r = erlang_c_metrics(96 / 180, 180, 100, 20)
    assert r.occupancy == pytest.approx(0.96)
    assert r.prob_wait == pytest.approx(erlang_c_reference(100, 96.0), rel=1e-9)
    assert 0 < r.service_level < 1 and r.asa > 0
    a = erlang_a(96 / 180, 180, 100, 300, 20)
    check_erlang_a_balance(a, 96 / 180, 180, 100)
    assert a.abandon_rate < 0.05 and a.service_level > r.service_level


def test_overload():
    r = erlang_c_metrics(2 / 180, 180, 2, 20)
    assert (r.prob_wait, r.service_level, r.asa) == (1.0, 0.0, math.inf)
    a = erlang_a(3 / 180, 180, 2, 300, 20)  # 150 % load: Erlang A stays finite
    assert 1 / 3 < a.abandon_rate < 1  # agents answer at most 2/3 of the arrivals
    check_erlang_a_balance(a, 3 / 180, 180, 2)


def test_no_agents_and_no_contacts():
    r = erlang_a(0.01, 60, 0, 100, 20)
    assert (r.prob_wait, r.abandon_rate, r.service_level, r.occupancy) == (1.0, 1.0, 0.0, 0.0)
    assert math.isnan(r.asa) and r.mean_wait_all == pytest.approx(100)
    r = erlang_a(0.0, 60, 3, 100, 20)
    assert (r.prob_wait, r.abandon_rate, r.service_level, r.mean_queue) == (0.0, 0.0, 1.0, 0.0)


def test_large_c_is_fast_and_sane():
    rate = 235 / 180
    start = time.perf_counter()
    c = erlang_c_metrics(rate, 180, 250, 20)
    a = erlang_a(rate, 180, 250, 300, 20)
    assert time.perf_counter() - start < 1.0
    assert c.prob_wait == pytest.approx(erlang_c_reference(250, 235.0), rel=1e-9)
    for p in (
        c.prob_wait,
        c.service_level,
        c.occupancy,
        a.prob_wait,
        a.abandon_rate,
        a.service_level,
        a.occupancy,
    ):
        assert 0 <= p <= 1
    check_erlang_a_balance(a, rate, 180, 250)


def test_erlang_a_many_agents_above_capacity():
    r = erlang_a(1100 / 180, 180, 1000, 120, 20)
    assert 0 < r.service_level < 1 and 0 < r.abandon_rate < 1
    check_erlang_a_balance(r, 1100 / 180, 180, 1000)


# --------------------------------------------------------------------------- staffing


def test_erlang_c_agents_textbook():
    assert erlang_c_agents(RATE, AHT, 0.8, THRESHOLD) == 14
    assert erlang_c_service_level(RATE, AHT, 13, THRESHOLD) < 0.8
    assert erlang_c_agents(RATE, AHT, 0.8, THRESHOLD, max_occupancy=0.7) == 15
    assert erlang_c_agents(0.0, AHT, 0.8, THRESHOLD) == 0


def test_erlang_a_agents_textbook():
    c = erlang_a_agents(RATE, AHT, PATIENCE, 0.8, THRESHOLD)
    assert erlang_a(RATE, AHT, c, PATIENCE, THRESHOLD).service_level >= 0.8
    assert erlang_a(RATE, AHT, c - 1, PATIENCE, THRESHOLD).service_level < 0.8
    capped = erlang_a_agents(RATE, AHT, PATIENCE, 0.8, THRESHOLD, max_abandon=0.001)
    assert erlang_a(RATE, AHT, capped, PATIENCE).abandon_rate <= 0.001
    assert erlang_a(RATE, AHT, capped - 1, PATIENCE).abandon_rate > 0.001


def test_square_root_staffing():
    assert offered_load(RATE, AHT) == pytest.approx(10)
    assert square_root_staffing(RATE, AHT, 0.0) == 10
    assert square_root_staffing(RATE, AHT, 1.0) == math.ceil(10 + math.sqrt(10))
    assert square_root_staffing(1 / 180, 180, -5.0) == 0


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(0.1, 300),
    aht=st.floats(10, 900),
    target=st.floats(0.05, 0.99),
    t=st.floats(0, 120),
    patience=st.floats(5, 1800),
)
def test_staffing_is_minimal(load, aht, target, t, patience):
    rate = load / aht
    c = erlang_c_agents(rate, aht, target, t)
    assert erlang_c_service_level(rate, aht, c, t) >= target
    assert c == 1 or erlang_c_service_level(rate, aht, c - 1, t) < target
    c = erlang_a_agents(rate, aht, patience, target, t)
    assert erlang_a(rate, aht, c, patience, t).service_level >= target
    assert c == 1 or erlang_a(rate, aht, c - 1, patience, t).service_level < target


# --------------------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None)
@given(c=st.integers(1, 400), fraction=st.floats(0.01, 1.2), t=st.floats(0, 600))
def test_erlang_c_service_level_increases_with_agents(c, fraction, t):
    rate, aht = c * fraction / 120, 120.0
    now = erlang_c_metrics(rate, aht, c, t)
    more = erlang_c_metrics(rate, aht, c + 1, t)
    for p in (now.prob_wait, now.service_level, now.occupancy):
        assert 0 <= p <= 1
    assert more.service_level >= now.service_level - 1e-12
    assert more.prob_wait <= now.prob_wait + 1e-12


@settings(max_examples=150, deadline=None)
@given(
    c=st.integers(0, 80),
    fraction=st.floats(0.0, 1.6),
    aht=st.floats(10, 900),
    patience=st.floats(1, 3600),
    t=st.floats(0, 300),
    dt=st.floats(0.1, 300),
)
def test_erlang_a_invariants(c, fraction, aht, patience, t, dt):
    rate = max(c, 1) * fraction / aht
    now = erlang_a(rate, aht, c, patience, t)
    for p in (now.prob_wait, now.abandon_rate, now.service_level, now.occupancy):
        assert 0 <= p <= 1
    assert now.service_level <= 1 - now.abandon_rate + 1e-12
    assert erlang_a(rate, aht, c, patience, t + dt).service_level >= now.service_level - 1e-12
    more = erlang_a(rate, aht, c + 1, patience, t)
    assert more.service_level >= now.service_level - 1e-12
    assert more.abandon_rate <= now.abandon_rate + 1e-12
    if rate > 0:
        check_erlang_a_balance(now, rate, aht, c)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: erlang_b(-1, 2.0), "agents must be an integer >= 0, got -1"),
        (lambda: erlang_b(2.5, 2.0), "agents must be an integer >= 0, got 2.5"),
        (lambda: erlang_c(3, -0.5), "load must be .* got -0.5"),
        (lambda: erlang_c_metrics(-1.0, 180, 3, 20), "arrival_rate must be .* got -1.0"),
        (lambda: erlang_c_metrics(0.1, 0, 3, 20), "aht must be a finite number > 0 .* got 0"),
        (lambda: erlang_c_metrics(0.1, 180, 3, math.inf), "threshold must be .* got inf"),
        (lambda: erlang_a(math.nan, 180, 3, 60), "arrival_rate must be .* got nan"),
        (lambda: erlang_a(0.1, 180, 3, 0.0), "patience_mean must be .* got 0.0"),
        (lambda: erlang_c_agents(0.1, 180, 1.0, 20), "target_sl must be .* got 1.0"),
        (lambda: erlang_c_agents(0.1, 180, 0.8, 20, 0.0), "max_occupancy must be .* got 0.0"),
        (lambda: erlang_a_agents(0.1, 180, 60, 0.8, 20, 2), "max_abandon must be .* got 2"),
        (lambda: square_root_staffing(0.1, 180, math.nan), "beta must be .* got nan"),
    ],
)
def test_errors_name_the_bad_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_erlang_a_refuses_a_chain_too_large_to_build():
    with pytest.raises(ValueError, match="patience_mean 1e\\+09 s"):
        erlang_a(10 / 180, 180, 1, 1e9)


def test_erlang_a_subnormal_threshold_is_zero_threshold():
    assert erlang_a(RATE, AHT, AGENTS, PATIENCE, 5e-324).service_level == pytest.approx(
        erlang_a(RATE, AHT, AGENTS, PATIENCE, 0.0).service_level
    )
