"""Erlang Blend: inbound calls and outbound work on one group under a threshold policy.

The call-blending model of Bhulai & Koole (2003), which CCmath's Erlang Blend
calculator evaluates: *agents* serve inbound calls (Poisson arrivals, exponential
handle times, first come first served, nobody abandons) and outbound calls, of which
there are always more to make, with the same exponential handle time. When an agent is
freed and no inbound call waits, it starts an outbound call if more than *threshold*
agents would otherwise be idle: the threshold keeps that many agents free for the next
inbound calls. A freed agent takes a waiting inbound call before anything else.

The steady state of the chain (inbound calls in the system, outbound calls in service)
is solved exactly, the inbound queue truncated where its tail is negligible. A call that
finds every agent busy with q calls ahead waits for q + 1 departures, which come at rate
agents x service rate while anyone waits (no outbound call starts then): its wait is
Erlang(q + 1, agents / aht). Times in seconds, ``arrival_rate`` in calls per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse, stats
from scipy.sparse.linalg import spsolve

from .checks import _agents, _number


@dataclass(frozen=True)
class ErlangBlendResult:
    """Steady-state KPIs of the blend; times in seconds."""

    service_level: float | None  # P(inbound wait <= threshold); None without a threshold
    asa: float  # mean wait of inbound calls, s
    prob_wait: float  # P(an inbound call finds no agent free)
    outbound_per_hour: float  # outbound calls completed per hour
    occupancy: float  # E[busy agents] / agents (inbound and outbound)
    inbound_agents: float  # E[agents on inbound calls]
    outbound_agents: float  # E[agents on outbound calls]
    mean_queue: float  # E[inbound calls waiting]


def erlang_blend(agents: int, threshold: int, arrival_rate: float, aht: float,
                 awt: float | None = None, tail: float = 1e-12) -> ErlangBlendResult:
    """Inbound and outbound KPIs of *agents* under the threshold policy (see the module docstring).

    threshold: agents kept free for inbound (outbound calls start only while more would be idle).
    awt: the service level's threshold (s), or None.
    """
    c = _agents(agents)
    try:
        n = _agents(threshold)
    except ValueError:
        raise ValueError(f"threshold must be an integer >= 0, got {threshold!r}") from None
    if n >= c:
        raise ValueError(f"threshold must be below the number of agents ({c}), got {threshold!r}")
    lam = _number("arrival_rate", arrival_rate, "calls per second")
    h = _number("aht", aht, "s", positive=True)
    mu = 1.0 / h
    if lam >= c * mu:
        raise ValueError(f"the inbound load {lam * h:g} Erlangs needs more than {c} agents (unstable)")
    # Inbound calls in the system up to c + q_max, q_max where the all-busy queue's geometric
    # tail (rho = lam / (c mu)) falls below *tail*.
    rho = lam / (c * mu)
    q_max = int(math.ceil(math.log(tail) / math.log(rho))) + 1 if rho > 0 else 1
    i_max = c + q_max
    n_j = c - n + 1  # outbound calls in service: 0 .. c - n

    def index(i: int, j: int) -> int:
        return i * n_j + j

    size = (i_max + 1) * n_j
    rows, cols, rates = [], [], []

    def add(a: int, b: int, r: float) -> None:
        if r > 0 and a != b:
            rows.append(a)
            cols.append(b)
            rates.append(r)

    for i in range(i_max + 1):
        for j in range(n_j):
            here = index(i, j)
            s = min(i, c - j)
            q = i - s
            idle = c - j - s
            if i < i_max:
                add(here, index(i + 1, j), lam)
            if s:
                # An inbound call ends: the next waiting one starts, or the freed agent starts an
                # outbound call when more than the threshold would be idle.
                if q == 0 and idle + 1 > n and j + 1 < n_j:
                    add(here, index(i - 1, j + 1), s * mu)
                else:
                    add(here, index(i - 1, j), s * mu)
            if j:
                # An outbound call ends: the freed agent takes a waiting inbound call, starts
                # another outbound call (no change), or stays idle.
                if q > 0 or not idle + 1 > n:
                    add(here, index(i, j - 1), j * mu)
    q_matrix = sparse.csr_matrix((rates, (rows, cols)), shape=(size, size))
    out = np.asarray(q_matrix.sum(axis=1)).ravel()
    generator = (q_matrix - sparse.diags(out)).T.tolil()
    # pi Q = 0 with sum(pi) = 1: one balance equation replaced by the normalisation.
    generator[0, :] = np.ones(size)
    rhs = np.zeros(size)
    rhs[0] = 1.0
    pi = spsolve(generator.tocsr(), rhs)
    pi = np.clip(pi, 0.0, None)
    pi /= pi.sum()
    grid = pi.reshape(i_max + 1, n_j)
    i_all = np.arange(i_max + 1)[:, None]
    j_all = np.arange(n_j)[None, :]
    served_in = np.minimum(i_all, c - j_all)
    queue = i_all - served_in
    busy_all = (served_in + j_all) == c
    inbound_agents = float((grid * served_in).sum())
    outbound_agents = float((grid * j_all).sum())
    # An arrival (PASTA) in a state with every agent busy and queue q waits Erlang(q + 1, c mu).
    waiting = grid[busy_all]
    ahead = queue[busy_all]
    prob_wait = float(waiting.sum())
    asa = float((waiting * (ahead + 1)).sum() / (c * mu))
    sl = None
    if awt is not None:
        late = stats.poisson.cdf(ahead, c * mu * float(awt))  # fewer than q + 1 departures by awt
        sl = 1.0 - float((waiting * late).sum())
    return ErlangBlendResult(
        service_level=sl, asa=asa, prob_wait=prob_wait, outbound_per_hour=outbound_agents * mu * 3600.0,
        occupancy=(inbound_agents + outbound_agents) / c, inbound_agents=inbound_agents,
        outbound_agents=outbound_agents, mean_queue=float((grid * queue).sum()),
    )
