"""Erlang A: M/M/c+M, callers with exponential patience who may abandon.

Exact steady state of the birth-death chain, solved in log-space. Times in seconds,
``arrival_rate`` in contacts per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from .checks import _LOG_NEGLIGIBLE, _MAX_STATES, _agents, _clip01, _number


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state KPIs of M/M/c+M (Erlang A); times in seconds.

    Every arrival is either answered or abandons, so ``service_level`` (answered
    within the threshold over all arrivals) is also the SL over handled contacts
    (answered + abandoned): ccsim's ``service_level``, and ``service_level_offered``.
    The service levels are None without a threshold.
    """

    prob_wait: float  # P(an arriving contact finds all agents busy): p_wait
    abandon_rate: float  # P(an arriving contact abandons)
    asa: float  # mean wait of answered contacts, s (nan if nobody is answered)
    mean_wait_all: float  # mean wait of all contacts, answered or not, s: mean_wait
    service_level: float | None  # P(answered and wait <= threshold)
    occupancy: float  # E[busy agents] / agents (0 when agents == 0)
    mean_queue: float  # E[number waiting]
    mean_busy: float  # E[number of busy agents]
    # P(wait <= threshold | answered): service_level_answered (nan if nobody is answered)
    service_level_answered: float | None = None
    # P(V <= threshold), V the virtual wait (endless patience): Erlang X calculators' SL
    service_level_virtual: float | None = None


def _state_probabilities(lam: float, mu: float, theta: float, c: int) -> np.ndarray:
    """P(n contacts in system), n = 0..N, of the M/M/c+M birth-death chain.

    Built in log-space (log pi_n = sum of log birth/death ratios) so that
    hundreds of agents and loads above c neither overflow nor underflow. The
    tail n > c grows in doubling blocks until the remaining mass is negligible.
    """
    if lam == 0.0:  # the system stays empty
        return np.concatenate(([1.0], np.zeros(c)))
    too_large = ValueError(
        f"Erlang A chain needs more than {_MAX_STATES} states (load {lam / mu:g} Erlangs, "
        f"agents {c}, patience_mean {1 / theta:g} s); use a shorter patience_mean or more agents"
    )
    if (lam - c * mu) / theta > _MAX_STATES:  # the most likely queue length is beyond reach
        raise too_large
    n = np.arange(1, c + 1)
    log_pi = [np.concatenate(([0.0], np.cumsum(math.log(lam / mu) - np.log(n))))]
    last, peak, k0, block = log_pi[0][-1], log_pi[0].max(), 0, 512
    while True:
        k = np.arange(k0 + 1, k0 + block + 1)
        log_ratio = math.log(lam) - np.log(c * mu + k * theta)  # birth / death rate
        tail = last + np.cumsum(log_ratio)
        log_pi.append(tail)
        last, peak, k0 = tail[-1], max(peak, tail.max()), k0 + block
        r = math.exp(log_ratio[-1])  # ratios only fall, so the rest is below a geometric tail
        if r < 1.0 and last + log_ratio[-1] - math.log1p(-r) < peak + _LOG_NEGLIGIBLE:
            break
        if c + k0 > _MAX_STATES:
            raise too_large
        block *= 2
    log_p = np.concatenate(log_pi)
    p = np.exp(log_p - peak)
    return p / p.sum()


def _answered_within(c_mu: float, theta: float, t: float, size: int) -> np.ndarray:
    """P(answered and wait <= t | k contacts ahead), k = 0..size-1, all agents busy.

    With k ahead the wait S is a sum of Exp(c mu + (i-1) theta), i = 1..k+1, and
    the contact is answered iff its own Exp(theta) patience exceeds S, so the
    result is E[exp(-theta S); S <= t] = c mu / (c mu + (k+1) theta) * P(S' <= t),
    where S' is a sum of Exp(c mu + i theta). exp(-theta S') ~ Beta(b+1, k+1) with
    b = c mu / theta, hence P(S' > t) = sum_{m<=k} w_m, w_m = x^(b+1) C(b+m, m) (1-x)^m,
    x = exp(-theta t): a negative binomial CDF. Its terms are positive; past the
    median we sum the small upper tail instead of taking 1 - CDF, so there is no
    cancellation either way.
    """
    k = np.arange(size)
    answered = c_mu / (c_mu + (k + 1) * theta)
    # log w_m = log w_{m-1} + log((b + m)(1 - x) / m), with (b+m)(1-x) written
    # as (c mu + m theta)(1 - x)/theta to stay exact when theta is tiny.
    one_minus_x = -math.expm1(-theta * t) / theta
    if one_minus_x == 0.0:  # t == 0 (or subnormal): nobody waiting is answered yet
        return np.zeros(size)
    terms = size
    while True:
        m = np.arange(1, terms)
        log_step = np.log((c_mu + m * theta) * one_minus_x) - np.log(m)
        log_w = -(c_mu + theta) * t + np.concatenate(([0.0], np.cumsum(log_step)))
        w = np.exp(log_w)
        still_waiting = np.cumsum(w[:size])
        if still_waiting[-1] < 0.5:  # 1 - CDF is accurate everywhere we need it
            return answered * (1.0 - still_waiting)
        q = math.exp(log_step[-1]) if terms > 1 else 0.0  # term ratios only fall
        if (
            q < 1.0 and log_w[-1] + math.log(q / (1.0 - q) + 1e-300) < -45.0
        ) or terms > _MAX_STATES:
            break
        terms *= 2  # the upper tail is not yet negligible: compute more terms
    upper = np.append(np.cumsum(w[::-1])[::-1], 0.0)  # upper[j] = sum_{m >= j} w_m
    through = np.where(still_waiting < 0.5, 1.0 - still_waiting, upper[1 : size + 1])
    return answered * through


def _virtual_within(c_mu: float, theta: float, t: float, size: int) -> np.ndarray:
    """P(V <= t | k contacts ahead), k = 0..size-1, all agents busy; V the virtual wait.

    A caller who never hangs up, with j others ahead, moves up at rate c mu + j theta
    (a service ends or one of those ahead abandons), so with k ahead
    V = sum_{j=0..k} Exp(c mu + j theta). Scaled by theta these are the gaps of the
    order statistics of b + k unit exponentials (b = c mu / theta; Renyi), so theta V
    is their (k+1)-th smallest and P(V <= t) = P(Binomial(b + k, 1 - e^(-theta t)) >= k + 1)
    = I_{1 - e^(-theta t)}(k + 1, b), the regularised incomplete beta function.
    """
    k = np.arange(size, dtype=float)
    p = -math.expm1(-theta * t)
    if p == 0.0:
        return np.zeros(size)
    return np.asarray(special.betainc(k + 1.0, c_mu / theta, p), dtype=float)


def erlang_a(
    arrival_rate: float,
    aht: float,
    agents: int,
    patience_mean: float,
    threshold: float | None = None,
) -> ErlangAResult:
    """Exact steady-state KPIs of M/M/c+M (Erlang A) with exponential patience.

    Parameters: ``arrival_rate`` (contacts/s), ``aht`` (mean handle time, s),
    ``agents`` (c), ``patience_mean`` (mean patience, s; theta = 1/patience_mean),
    ``threshold`` (service-level threshold, s; default None leaves
    ``service_level`` as None).

    Method: the number in system is a birth-death chain with birth rate lambda and
    death rate min(n, c) mu + max(n - c, 0) theta, solved in log-space and
    truncated adaptively (see ``_state_probabilities``). Arrivals see the
    stationary law (PASTA). A contact arriving with k ahead is answered with
    probability c mu / (c mu + (k+1) theta); its mean wait is
    (k+1) / (c mu + (k+1) theta), and its mean wait when answered, weighted by
    that probability, is the probability times sum_{i=1}^{k+1} 1/(c mu + i theta)
    (derivative of the Laplace transform of the hypoexponential wait). The
    service level uses the exact closed form of ``_answered_within``; the service
    level over the answered divides it by P(answered); the virtual-wait service level
    P(V <= t) uses ``_virtual_within``.
    Abandonment equals theta E[Lq] / lambda and mean_wait_all equals E[Lq] / lambda
    (Little); they are computed per arrival, so those identities are checks.
    """
    lam = _number("arrival_rate", arrival_rate, "contacts per second")
    mu = 1.0 / _number("aht", aht, "seconds", positive=True)
    c = _agents(agents)
    theta = 1.0 / _number("patience_mean", patience_mean, "seconds", positive=True)
    t = None if threshold is None else _number("threshold", threshold, "seconds")

    p = _state_probabilities(lam, mu, theta, c)
    head, tail = p[:c], p[c:]
    c_mu, ahead = c * mu, np.arange(1, tail.size + 1)  # ahead = k + 1
    exit_rate = c_mu + ahead * theta  # position k+1: service, abandon ahead, or own abandon
    answered = c_mu / exit_rate
    p_answered = head.sum() + tail @ answered
    weighted_wait = tail @ (answered * np.cumsum(1.0 / exit_rate))
    mean_busy = head @ np.arange(c) + c * tail.sum()
    service_level = service_level_answered = service_level_virtual = None
    if t is not None:
        service_level = _clip01(head.sum() + tail @ _answered_within(c_mu, theta, t, tail.size))
        service_level_answered = _clip01(service_level / p_answered) if p_answered > 0 else math.nan
        service_level_virtual = _clip01(head.sum() + tail @ _virtual_within(c_mu, theta, t, tail.size))
    return ErlangAResult(
        prob_wait=_clip01(tail.sum()),
        abandon_rate=_clip01(tail @ (ahead * theta / exit_rate)),
        asa=float(weighted_wait / p_answered) if p_answered > 0 else math.nan,
        mean_wait_all=float(tail @ (ahead / exit_rate)),
        service_level=service_level,
        occupancy=_clip01(mean_busy / c) if c else 0.0,
        mean_queue=float(tail @ (ahead - 1)),
        mean_busy=float(mean_busy),
        service_level_answered=service_level_answered,
        service_level_virtual=service_level_virtual,
    )
