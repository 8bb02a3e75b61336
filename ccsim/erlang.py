"""Analytic queueing formulas: Erlang B, Erlang C (M/M/c) and Erlang A (M/M/c+M).

They are the truth that simulation tests compare against and the starting point
of staffing searches. Units: seconds for times, contacts per second for
``arrival_rate``, Erlangs for the offered load ``arrival_rate * aht``.
Every function is pure; bad arguments raise ``ValueError`` naming the value.

The results' fields carry the KPI catalogue's names (``ccsim/metrics/catalogue.py``,
docs/kpis.md) where a definition of the field applies: ``service_level`` is ours,
answered within the threshold / (answered + abandoned) — in M/M/c+M nobody is
blocked and no abandon is short, so it is also the service level over all offered —
``service_level_answered`` is over the answered only, ``prob_wait`` is ``p_wait``,
``asa`` the mean wait of the answered and ``mean_wait_all`` ``mean_wait``.
``service_level_virtual`` is the definition of Erlang X calculators: P(V <= t) for
the virtual waiting time V, the wait of a caller who would never hang up.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import numpy as np
from scipy import special

# Erlang A chain truncation: states whose probability is below e**-39 (~1e-17)
# times the largest state probability are dropped.
_LOG_NEGLIGIBLE = -39.0
# Largest Erlang A chain (or staffing level) we are willing to build.
_MAX_STATES = 10_000_000


# --------------------------------------------------------------------------- checks


def _number(name: str, value, unit: str, *, positive: bool = False) -> float:
    """Return ``value`` as a finite float >= 0 (> 0 if ``positive``)."""
    expected = f"a finite number {'> 0' if positive else '>= 0'} ({unit})"
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {expected}, got {value!r}") from None
    if not math.isfinite(x) or x < 0 or (positive and x == 0):
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    return x


def _agents(value) -> int:
    """Return ``value`` as an int >= 0 (numpy integers accepted, floats refused)."""
    try:
        c = operator.index(value)
    except TypeError:
        raise ValueError(f"agents must be an integer >= 0, got {value!r}") from None
    if isinstance(value, bool) or c < 0:
        raise ValueError(f"agents must be an integer >= 0, got {value!r}")
    return c


def _clip01(x) -> float:
    """A probability as a float, clipped to [0, 1] against summation round-off."""
    return min(1.0, max(0.0, float(x)))


def _fraction(name: str, value, *, allow_one: bool) -> float:
    """Return ``value`` as a float in (0, 1) or (0, 1]."""
    expected = "0 < value <= 1" if allow_one else "0 < value < 1"
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number with {expected}, got {value!r}") from None
    if not (0 < x < 1 or (allow_one and x == 1)):
        raise ValueError(f"{name} must be a number with {expected}, got {value!r}")
    return x


def offered_load(arrival_rate: float, aht: float) -> float:
    """Offered load in Erlangs: ``arrival_rate`` (contacts/s) times ``aht`` (s)."""
    return _number("arrival_rate", arrival_rate, "contacts per second") * _number(
        "aht", aht, "seconds", positive=True
    )


# --------------------------------------------------------------------------- Erlang B / C


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of M/M/c/c with ``agents`` servers and ``load`` Erlangs.

    Uses the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), which
    never overflows (fine for thousands of agents).
    """
    c, a = _agents(agents), _number("load", load, "Erlangs")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def _c_from_b(c: int, a: float, b: float) -> float:
    """Erlang C from Erlang B: C = c B / (c - a (1 - B)); 1.0 when unstable."""
    if a >= c:
        return 1.0
    return c * b / (c - a * (1.0 - b))


def erlang_c(agents: int, load: float) -> float:
    """Probability that a contact waits in M/M/c (``load`` in Erlangs).

    Returns 1.0 when ``load >= agents`` (the queue grows without bound).
    """
    c, a = _agents(agents), _number("load", load, "Erlangs")
    return _c_from_b(c, a, erlang_b(c, a))


@dataclass(frozen=True)
class ErlangCResult:
    """Steady-state KPIs of M/M/c (Erlang C); times in seconds."""

    prob_wait: float  # P(an arriving contact waits): p_wait
    service_level: float  # P(wait <= threshold); everyone is answered, so over answered,
    #                       answered + abandoned, all offered and the virtual wait alike
    asa: float  # mean wait of all contacts (all are answered), s; inf if unstable
    occupancy: float  # busy fraction of agents, a / c capped at 1
    mean_queue: float  # E[number waiting]; inf if unstable


def _erlang_c_kpis(c: int, a: float, aht: float, threshold: float, pw: float) -> ErlangCResult:
    """KPIs of M/M/c given the already computed probability of wait ``pw``."""
    if a >= c:  # unstable: the queue grows without bound
        return ErlangCResult(1.0, 0.0, math.inf, 1.0 if a > 0 else 0.0, math.inf)
    gap = c - a
    return ErlangCResult(
        prob_wait=pw,
        service_level=1.0 - pw * math.exp(-gap * threshold / aht),
        asa=pw * aht / gap,
        occupancy=a / c,
        mean_queue=pw * a / gap,
    )


def erlang_c_metrics(
    arrival_rate: float, aht: float, agents: int, threshold: float
) -> ErlangCResult:
    """Erlang C KPIs for ``arrival_rate`` (contacts/s), ``aht`` (s), ``agents`` and
    service-level ``threshold`` (s). Unstable systems give SL 0 and infinite ASA."""
    a, c = offered_load(arrival_rate, aht), _agents(agents)
    t = _number("threshold", threshold, "seconds")
    return _erlang_c_kpis(c, a, float(aht), t, erlang_c(c, a))


def erlang_c_service_level(arrival_rate: float, aht: float, agents: int, threshold: float) -> float:
    """P(wait <= ``threshold`` s) = 1 - C exp(-(c - a) t / aht); 0 when unstable."""
    return erlang_c_metrics(arrival_rate, aht, agents, threshold).service_level


def erlang_c_asa(arrival_rate: float, aht: float, agents: int) -> float:
    """Average speed of answer in seconds, C aht / (c - a); inf when unstable."""
    return erlang_c_metrics(arrival_rate, aht, agents, 0.0).asa


def erlang_c_occupancy(arrival_rate: float, aht: float, agents: int) -> float:
    """Agent occupancy a / c, capped at 1 (0 for zero load)."""
    return erlang_c_metrics(arrival_rate, aht, agents, 0.0).occupancy


# --------------------------------------------------------------------------- Erlang A


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


# --------------------------------------------------------------------------- staffing


def erlang_c_agents(
    arrival_rate: float,
    aht: float,
    target_sl: float,
    threshold: float,
    max_occupancy: float | None = None,
) -> int:
    """Smallest number of agents whose Erlang C service level reaches ``target_sl``.

    ``target_sl`` in (0, 1) is P(wait <= ``threshold`` s); ``max_occupancy`` in
    (0, 1] (default None: no cap) additionally requires a / c <= max_occupancy.
    Zero arrivals need zero agents. Runs the Erlang B recursion once, upwards.
    """
    a = offered_load(arrival_rate, aht)
    target = _fraction("target_sl", target_sl, allow_one=False)
    t = _number("threshold", threshold, "seconds")
    cap = (
        None if max_occupancy is None else _fraction("max_occupancy", max_occupancy, allow_one=True)
    )
    if a == 0.0:
        return 0
    b = 1.0
    for c in range(1, _MAX_STATES):
        b = a * b / (c + a * b)  # Erlang B recursion, one step per candidate c
        if a >= c or (cap is not None and a > cap * c):
            continue
        if _erlang_c_kpis(c, a, float(aht), t, _c_from_b(c, a, b)).service_level >= target:
            return c
    raise ValueError(f"target_sl {target_sl!r} cannot be met with fewer than {_MAX_STATES} agents")


def erlang_a_agents(
    arrival_rate: float,
    aht: float,
    patience_mean: float,
    target_sl: float,
    threshold: float,
    max_abandon: float | None = None,
) -> int:
    """Smallest number of agents whose Erlang A service level reaches ``target_sl``.

    Service level is P(answered within ``threshold`` s) over all arrivals;
    ``max_abandon`` in (0, 1] (default None: no cap) also bounds P(abandon).
    Both KPIs improve with every added agent, so the search doubles an upper
    bound and then bisects. Zero arrivals need zero agents.
    """
    a = offered_load(arrival_rate, aht)
    target = _fraction("target_sl", target_sl, allow_one=False)
    cap = None if max_abandon is None else _fraction("max_abandon", max_abandon, allow_one=True)
    if a == 0.0:
        return 0

    def meets(c: int) -> bool:
        r = erlang_a(arrival_rate, aht, c, patience_mean, threshold)
        return r.service_level >= target and (cap is None or r.abandon_rate <= cap)

    low, high = 0, max(1, math.ceil(a))  # zero agents answer nobody: never meets
    while not meets(high):
        if high > _MAX_STATES:
            raise ValueError(f"target_sl {target_sl!r} cannot be met with {_MAX_STATES} agents")
        low, high = high, 2 * high
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if meets(mid) else (mid, high)
    return high


def square_root_staffing(arrival_rate: float, aht: float, beta: float) -> int:
    """Square-root staffing rule: ceil(a + beta * sqrt(a)) agents, at least 0.

    ``beta`` (dimensionless, may be negative) is the safety factor; values within
    1e-9 above an integer are not rounded up, to absorb floating-point noise.
    """
    a = offered_load(arrival_rate, aht)
    try:
        beta = float(beta)
    except (TypeError, ValueError):
        raise ValueError(f"beta must be a finite number, got {beta!r}") from None
    if not math.isfinite(beta):
        raise ValueError(f"beta must be a finite number, got {beta!r}")
    return max(0, math.ceil(a + beta * math.sqrt(a) - 1e-9))


# --------------------------------------------------------------------------- agents for targets


# The KPIs a staffing target may name, each with its direction: a service level is reached
# from below (at least the target), the others from above (at most the target).
TARGET_KPIS = {"service_level": ">=", "asa": "<=", "abandon_rate": "<=", "occupancy": "<="}


@dataclass(frozen=True)
class StaffingTarget:
    """A target on one KPI of the catalogue (docs/kpis.md), met or not by a number of agents.

    ``kpi``: ``service_level`` (at least ``value``, a share in (0, 1), with ``threshold`` in
    seconds: ccsim's service level, answered within the threshold / (answered + abandoned)),
    ``asa`` (at most ``value`` seconds, > 0), ``abandon_rate`` (at most ``value``, a share
    in (0, 1); Erlang A only: nobody abandons in Erlang C) or ``occupancy`` (at most
    ``value``, a share in (0, 1]).
    """

    kpi: str
    value: float
    threshold: float | None = None

    def __post_init__(self):
        if self.kpi not in TARGET_KPIS:
            raise ValueError(f"target KPI must be one of {', '.join(TARGET_KPIS)}, got {self.kpi!r}")
        if self.kpi == "asa":
            _number("asa target", self.value, "seconds", positive=True)
        else:
            _fraction(f"{self.kpi} target", self.value, allow_one=self.kpi == "occupancy")
        if self.kpi == "service_level":
            if self.threshold is None:
                raise ValueError("a service_level target needs a threshold (seconds)")
            _number("threshold", self.threshold, "seconds")
        elif self.threshold is not None:
            raise ValueError(f"only a service_level target has a threshold, not {self.kpi}")

    @property
    def op(self) -> str:
        """``>=`` (service level) or ``<=`` (the others)."""
        return TARGET_KPIS[self.kpi]

    def met(self, value: float) -> bool:
        """Whether the KPI's *value* meets the target (nan never does)."""
        return value >= self.value if self.op == ">=" else value <= self.value


def target_value(arrival_rate: float, aht: float, agents: int, target: StaffingTarget,
                 patience_mean: float | None = None) -> float:
    """The KPI *target* names with ``agents`` agents: Erlang C, or Erlang A with ``patience_mean``.

    Erlang C: an unstable system (load >= agents) has service level 0 and infinite ASA.
    """
    if patience_mean is None:
        if target.kpi == "abandon_rate":
            raise ValueError("an abandon_rate target needs a mean patience (Erlang A): nobody abandons in "
                             "Erlang C")
        r = erlang_c_metrics(arrival_rate, aht, agents, target.threshold or 0.0)
        return float(getattr(r, target.kpi))
    if agents == 0:  # nobody is answered: every caller abandons
        return {"service_level": 0.0, "asa": math.nan, "abandon_rate": 1.0, "occupancy": 0.0}[target.kpi]
    a = erlang_a(arrival_rate, aht, agents, patience_mean, target.threshold)
    value = getattr(a, target.kpi)
    return math.nan if value is None else float(value)


def agents_needed(arrival_rate: float, aht: float, targets, patience_mean: float | None = None) -> int:
    """Smallest number of agents meeting every one of *targets* (``StaffingTarget``).

    Erlang C (M/M/c) without ``patience_mean``, Erlang A (M/M/c+M, exponential patience
    of that mean, s) with it; ``arrival_rate`` in contacts/s, ``aht`` in s. The answer N
    meets every target and N - 1 does not meet them all: agents are tried one by one
    upwards from a count that cannot meet them (Erlang C: the load, below which the queue
    grows without bound; Erlang A: at most a·s agents answer a share s of the calls, and
    at least 1 - c/a of them abandon), so no monotonicity is assumed. Zero arrivals need
    zero agents.
    """
    a = offered_load(arrival_rate, aht)
    targets = list(targets)
    if not targets:
        raise ValueError("give at least one target")
    if patience_mean is not None:
        _number("patience_mean", patience_mean, "seconds", positive=True)
    for t in targets:
        if t.kpi == "abandon_rate" and patience_mean is None:
            raise ValueError("an abandon_rate target needs a mean patience (Erlang A): nobody abandons in "
                             "Erlang C")
    if a == 0.0:
        return 0
    if patience_mean is None:
        start = math.floor(a) + 1  # stable from there on
    else:
        start = 1
        for t in targets:
            if t.kpi == "service_level":
                start = max(start, math.floor(a * t.value))
            elif t.kpi == "abandon_rate":
                start = max(start, math.floor(a * (1.0 - t.value)))

    if patience_mean is None:
        # Erlang C: the Erlang B recursion runs once, upwards, as in erlang_c_agents.
        b = 1.0
        for k in range(1, start):
            b = a * b / (k + a * b)
        for c in range(start, _MAX_STATES):
            b = a * b / (c + a * b)
            pw = _c_from_b(c, a, b)
            if all(t.met(getattr(_erlang_c_kpis(c, a, float(aht), t.threshold or 0.0, pw), t.kpi))
                   for t in targets):
                return c
    else:
        for c in range(start, _MAX_STATES):
            if all(t.met(target_value(arrival_rate, aht, c, t, patience_mean)) for t in targets):
                return c
    raise ValueError(f"the targets cannot be met with fewer than {_MAX_STATES} agents")
