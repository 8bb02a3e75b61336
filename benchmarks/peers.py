"""Peer models of the Erlang-A reference scenario, for the speed benchmarks.

The reference scenario is M/M/c+M: Poisson arrivals at ``rate_per_h`` calls per
hour, exponential handle time with mean 300 s, exponential patience with mean
180 s, ``agents`` identical agents, FCFS, arrivals for ``hours`` hours, and the
calls still in the system at the end of the horizon are finished (no cut-off).

Two peers are modelled here, each written the way a user of that library would
write it, not tuned:

- ``run_ciw``: Ciw 3.x, one node with reneging.
- ``run_textbook_simpy``: SimPy with one process per caller, a
  ``simpy.Resource`` for the agents and ``req | env.timeout(patience)`` for
  abandonment, random numbers drawn per caller from a numpy Generator.

Both return the same KPI dict (see ``summarise``) so that ``engine.py`` can
check that they agree statistically with ccsim before comparing speeds.
All times are in seconds.
"""

from __future__ import annotations

import math

import numpy as np

HANDLE_MEAN_S = 300.0
PATIENCE_MEAN_S = 180.0
SL_THRESHOLD_S = 20.0


def summarise(calls: int, answered_waits_s, abandoned: int) -> dict:
    """KPIs from the waits of answered calls (s) and the count of abandons.

    Service level is answered within ``SL_THRESHOLD_S`` over answered plus
    abandoned; ASA is the mean wait of answered calls in seconds.
    """
    waits = np.asarray(answered_waits_s, dtype=float)
    answered = int(waits.size)
    handled = answered + abandoned
    return {
        "calls": int(calls),
        "answered": answered,
        "abandoned": int(abandoned),
        "service_level": float((waits <= SL_THRESHOLD_S).sum() / handled) if handled else math.nan,
        "abandon_rate": abandoned / handled if handled else math.nan,
        "asa": float(waits.mean()) if answered else math.nan,
    }


# --------------------------------------------------------------------------- Ciw


def run_ciw(rate_per_h: float, agents: int, hours: float, seed: int) -> dict:
    """Erlang-A day in Ciw 3.x (time unit: seconds).

    Ciw has no "stop arrivals at time T, then drain" switch, and
    ``simulate_until_max_time(horizon)`` would drop the calls still queued or
    in service at the horizon. To simulate exactly the reference scenario we
    give the arrival node an exponential inter-arrival distribution that
    returns ``inf`` once the next arrival would fall after the horizon, then let
    the simulation run until it is empty (Ciw's loop ends when every next-event
    date is ``inf``). The cost is one comparison per arrival.
    """
    import ciw

    horizon_s = hours * 3600.0

    class ExponentialUntil(ciw.dists.Exponential):
        # Ciw samples the next inter-arrival at the current arrival's date ``t``.
        def sample(self, t=None, ind=None):
            gap = super().sample(t, ind)
            return gap if t + gap <= horizon_s else math.inf

    # Ciw draws from the stdlib ``random`` module and its own ``ciw.rng``;
    # ciw.seed is its documented way to seed both (a peer's global stream,
    # acceptable here, never in ccsim itself).
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ExponentialUntil(rate=rate_per_h / 3600.0)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / HANDLE_MEAN_S)],
        number_of_servers=[agents],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / PATIENCE_MEAN_S)],
    )
    sim = ciw.Simulation(network)
    # A bound far past the drain time, only a safety net: the loop stops as
    # soon as the system is empty and no arrival is left.
    sim.simulate_until_max_time(horizon_s + 7 * 86400.0)

    records = sim.get_all_records()
    waits = [r.waiting_time for r in records if r.record_type == "service"]
    abandoned = sum(1 for r in records if r.record_type == "renege")
    calls = sim.nodes[0].number_of_individuals
    if len(waits) + abandoned != calls:
        raise RuntimeError(f"Ciw left calls unfinished: {calls} arrived, "
                           f"{len(waits) + abandoned} finished")
    return summarise(calls, waits, abandoned)


# ---------------------------------------------------------------- textbook SimPy


def run_textbook_simpy(rate_per_h: float, agents: int, hours: float, seed: int) -> dict:
    """Erlang-A day written as in SimPy tutorials (time unit: seconds)."""
    import simpy

    horizon_s = hours * 3600.0
    mean_gap_s = 3600.0 / rate_per_h
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=agents)
    waits: list[float] = []
    abandoned = 0
    calls = 0

    def caller(env):
        nonlocal abandoned
        arrived = env.now
        # Drawn per caller, as textbook code does, not in blocks.
        patience = rng.exponential(PATIENCE_MEAN_S)
        with staff.request() as req:
            result = yield req | env.timeout(patience)
            if req in result:
                waits.append(env.now - arrived)
                yield env.timeout(rng.exponential(HANDLE_MEAN_S))
            else:
                # Leaving the ``with`` block withdraws the queued request.
                abandoned += 1

    def source(env):
        nonlocal calls
        while True:
            gap = rng.exponential(mean_gap_s)
            if env.now + gap > horizon_s:
                return
            yield env.timeout(gap)
            calls += 1
            env.process(caller(env))

    env.process(source(env))
    # No ``until``: run until every caller has been answered and served or has
    # abandoned (left-over patience timeouts only add a few idle events).
    env.run()
    return summarise(calls, waits, abandoned)


# ---------------------------------------------------------------- Erlang-A theory


def erlang_a_theory(rate_per_h: float, agents: int) -> dict:
    """Stationary Erlang-A (M/M/c+M) KPIs, the yardstick for all three models.

    The 24 h runs start empty, but the queue reaches steady state within
    minutes, so day averages should match these values to within noise.
    Birth-death chain for the number in system (truncated where the weights
    vanish); by PASTA arrivals see the stationary distribution. A caller who
    finds ``k`` others queued ahead leaves state ``k`` at rate
    ``c*mu + k*theta`` (head served or someone ahead abandons) and abandons at
    rate ``theta``; service level needs P(answered within 20 s), obtained by
    uniformisation of that small chain.
    """
    lam, mu, theta = rate_per_h / 3600.0, 1.0 / HANDLE_MEAN_S, 1.0 / PATIENCE_MEAN_S
    c = agents
    n_max = c + 4000  # far past any state with weight above 1e-300
    n = np.arange(1, n_max + 1)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta
    # Log space: the raw products over- and underflow for c in the hundreds.
    log_w = np.concatenate(([0.0], np.cumsum(np.log(lam) - np.log(death))))
    pi = np.exp(log_w - log_w.max())
    pi /= pi.sum()
    queued = pi[c:]                       # caller finds k = n - c others queued
    k = np.arange(queued.size)
    advance = c * mu + k * theta
    out_rate = advance + theta
    served_from = np.cumprod(advance / out_rate)       # P(answered | k ahead)
    p_immediate = pi[:c].sum()
    p_answered = p_immediate + (queued * served_from).sum()
    wait_x_served = (queued * served_from * np.cumsum(1.0 / out_rate)).sum()

    # Uniformisation: x[k] = P(still waiting with k ahead) after m jumps.
    big_rate = out_rate.max()
    mean_jumps = big_rate * SL_THRESHOLD_S
    x, served_by_jump, served = queued.copy(), [], 0.0
    for _ in range(int(mean_jumps + 12 * math.sqrt(mean_jumps) + 30)):
        served += x[0] * advance[0] / big_rate
        served_by_jump.append(served)
        stay = x * (1.0 - out_rate / big_rate)
        stay[:-1] += x[1:] * advance[1:] / big_rate
        x = stay
    m = np.arange(len(served_by_jump))
    log_pois = m * math.log(mean_jumps) - mean_jumps - np.array([math.lgamma(i + 1) for i in m])
    # served_by_jump[m] is the mass answered within m jumps.
    p_sl = p_immediate + float((np.exp(log_pois) * np.array(served_by_jump)).sum())
    return {
        "service_level": float(p_sl),
        "abandon_rate": float(1.0 - p_answered),
        "asa": float(wait_x_served / p_answered),
    }


if __name__ == "__main__":
    import sys
    import time

    rate, agents = (10_000, 860) if "--10x" in sys.argv else (1000, 90)
    print("theory:", erlang_a_theory(rate, agents))
    for fn in (run_textbook_simpy, run_ciw):
        t0 = time.perf_counter()
        out = fn(rate, agents, 24, 1)
        print(f"{fn.__name__}: {time.perf_counter() - t0:.2f} s  {out}")
