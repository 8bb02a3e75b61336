"""Draw a replication's contacts up front, in numpy blocks, per contact type.

Arrivals are a Poisson process with a piecewise-constant rate: the count in
each interval is Poisson and, given the count, arrival times are independent
uniforms in the interval. That is exact, including at interval boundaries
(nothing is skipped or thinned). With ``forecast_error`` the day's volume is
first multiplied by a mean-1 gamma factor with that coefficient of variation; with
``busyness`` also by the day's factor shared with the other types naming it.

Every contact's handle time, after-call work and patience are drawn here,
in arrival order, from the contact type's own streams: the n-th caller of a
type gets the same numbers whatever the staffing (common random numbers).
"""

from __future__ import annotations

import numpy as np

from ..plan import DAY_S, Plan
from ..plan.streams import stream

# A forecast error below this moves a day's volume by less than a millionth: no factor is
# drawn (a gamma of shape 1/cv^2 would overflow for tiny cv).
MIN_FORECAST_CV = 1e-6


class ContactDraws:
    """Arrays (one entry per contact, sorted by arrival) for a whole replication."""

    __slots__ = ("arrival", "ctype", "handle", "acw", "patience", "forecast_factor", "journey", "entry")

    def __init__(self, arrival, ctype, handle, acw, patience, forecast_factor, journey=None, entry=None):
        self.arrival: np.ndarray = arrival  # s from horizon start
        self.ctype: np.ndarray = ctype  # contact type index
        self.handle: np.ndarray = handle  # talk time, s
        self.acw: np.ndarray = acw  # after-call work, s
        self.patience: np.ndarray = patience  # s (inf = never abandons)
        self.forecast_factor: np.ndarray = forecast_factor  # per contact type (and day)
        # Journey draws per contact (types without journeys: zeros), or None if no type has one.
        self.journey: JourneyDraws | None = journey
        # When each contact really came in, where that is before its arrival in the queue
        # (emails received overnight join the backlog at the opening); None: the arrival.
        self.entry: np.ndarray | None = entry


# Columns of the journey decision uniforms (one row per contact).
U_SELF_SERVICE, U_BALK, U_RETRIAL, U_CALLBACK, U_REACH, U_RESOLVED, U_REPEAT, U_CONVERT = range(8)
N_DECISIONS = 8
N_JOURNEY_COLUMNS = 6  # decisions, ivr, retrial delay, repeat delay, callback handle, rating noise


class JourneyDraws:
    """Per-contact random numbers of caller journeys, drawn up front in arrival order."""

    __slots__ = ("decisions", "ivr", "retrial_delay", "repeat_delay", "callback_handle", "rating_noise")

    def __init__(self, decisions, ivr, retrial_delay, repeat_delay, callback_handle, rating_noise):
        self.decisions = decisions  # (n, N_DECISIONS) uniforms
        self.ivr = ivr
        self.retrial_delay = retrial_delay
        self.repeat_delay = repeat_delay
        self.callback_handle = callback_handle
        self.rating_noise = rating_noise  # standard normal, used for the customer's rating


def _durations(sampler, seed: int, replication: int, key: str, n: int, times=None) -> np.ndarray:
    """*n* durations of *sampler* from stream *key*. Samplers that use no random numbers
    (constant, never) skip building the stream: building one costs more than most draws,
    and the numbers of every other stream are the same either way. A distribution per
    interval draws each contact's from its interval of arrival (*times*, s)."""
    rng = stream(seed, replication, key) if getattr(sampler, "uses_rng", True) else None
    if getattr(sampler, "periodic", False):
        return sampler.draw_at(rng, times)
    return sampler.draw(rng, n)


def _take_rows(a: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``a[order]``; the rows of a 2-D array are gathered as single opaque items, the same
    bytes several times faster than numpy's fancy indexing copies them row by row."""
    if a.ndim == 2 and a.size and a.flags.c_contiguous:
        rows = a.view(np.dtype((np.void, a.shape[1] * a.itemsize))).ravel()
        return rows.take(order).view(a.dtype).reshape(-1, a.shape[1])
    return a[order]


def draw_journey(ct, n: int, seed: int, replication: int, times=None) -> tuple:
    """Journey numbers for *n* contacts of type *ct* arriving at *times* (its own streams,
    block draws)."""
    j = ct.journey
    name = ct.name

    def durations(sampler, key):
        if sampler is None:
            return np.zeros(n)
        return _durations(sampler, seed, replication, f"{key}/{name}", n, times)

    return (
        stream(seed, replication, f"journey/{name}").random((n, N_DECISIONS)),
        durations(j.ivr_time, "ivr_time"),
        durations(j.retrial_delay, "retrial_delay"),
        durations(j.repeat_delay, "repeat_delay"),
        durations(j.callback_handle, "callback_handle"),
        stream(seed, replication, f"rating/{name}").standard_normal(n),
    )


def arrival_times(plan: Plan, rates: np.ndarray, rng: np.random.Generator, start_s: float = 0.0) -> np.ndarray:
    """Sorted arrival times (s) of a piecewise-constant-rate Poisson process.

    start_s: no arrivals before this time (s from the horizon start); the interval
    holding it gets the Poisson count of its remaining part, uniform over that part.
    """
    if start_s > 0.0:
        starts = plan.interval_starts()
        lows = np.maximum(starts, start_s)
        spans = np.maximum(starts + plan.interval_s - lows, 0.0)
        counts = rng.poisson(rates * spans)
        times = np.repeat(lows, counts) + rng.random(int(counts.sum())) * np.repeat(spans, counts)
        times.sort()
        return times
    counts = rng.poisson(rates * plan.interval_s)
    starts = np.repeat(plan.interval_starts(), counts)
    times = starts + rng.random(starts.size) * plan.interval_s
    times.sort()
    return times


def overnight_arrivals(plan: Plan, ct, factors, seed: int, replication: int) -> tuple[np.ndarray, np.ndarray]:
    """Emails received while the centre is closed: (queue arrival = each day's opening, when they
    came in), a Poisson number per day spread uniformly over the closed hours before it."""
    rng = stream(seed, replication, f"overnight/{ct.name}")
    if plan.calendar is not None:
        return closed_arrivals(plan, ct, factors, rng)
    closed_s = DAY_S - plan.horizon_s
    counts = rng.poisson(ct.overnight * np.asarray(factors, dtype=float)[:plan.days])
    opening = np.repeat(np.arange(plan.days) * DAY_S, counts)
    came = opening - rng.random(int(counts.sum())) * closed_s
    return opening, came


def closed_arrivals(plan: Plan, ct, factors, rng) -> tuple[np.ndarray, np.ndarray]:
    """Emails received while closed, with a calendar: at ``overnight`` per night's closed hours
    (DAY_S - horizon), so a closed weekend brings its hours' share; they join the backlog at
    the next opening, dated uniformly over the closed time since the last closing (before
    the first day's horizon: one night). None arrive after the last day's closing. A 24-hour
    horizon has no night to take a rate from: each opening gets ``overnight``, as without a
    calendar."""
    night_s = DAY_S - plan.horizon_s
    windows = plan.calendar.windows()  # type: ignore[union-attr]  # a plan with a calendar
    days = np.array([int(low // DAY_S) for low, _ in windows], dtype=int)
    openings = np.array([low for low, _ in windows], dtype=float)
    last_close = np.array([plan.horizon_s - DAY_S] + [high for _, high in windows[:-1]], dtype=float)[:len(windows)]
    spans = np.maximum(openings - last_close, 0.0)
    nights = spans / night_s if night_s > 0 else np.ones(len(windows))
    counts = rng.poisson(ct.overnight * nights * np.asarray(factors, dtype=float)[days])
    opening = np.repeat(openings, counts)
    came = opening - rng.random(int(counts.sum())) * np.repeat(spans, counts)
    return opening, came


def busyness_factors(plan: Plan, replication: int) -> np.ndarray:
    """The day factors shared by several types (scenario ``busyness``): one mean-1 gamma per
    factor and day, with the factor's cv, from the factor's own stream (rows: factors; a cv
    below MIN_FORECAST_CV gives ones)."""
    out = np.ones((len(plan.busyness_cv), plan.days))
    for i, (name, cv) in enumerate(zip(plan.busyness_names, plan.busyness_cv, strict=True)):
        if cv >= MIN_FORECAST_CV:
            shape = 1.0 / cv**2
            out[i] = stream(plan.seed, replication, f"busyness/{name}").gamma(shape, 1.0 / shape, plan.days)
    return out


def draw_contacts(plan: Plan, replication: int, start_s: float = 0.0, first_night: bool = True) -> ContactDraws:
    """All contacts of one replication, every type merged in arrival order.

    start_s: first possible arrival (s from the horizon start; a snapshot's time).
    first_night: False from a snapshot: the emails received overnight before the first
        day are in its backlog; those of the later nights are drawn (with start_s > 0 and
        first_night True, no overnight emails at all).
    """
    seed = plan.seed
    parts = []
    journeys = []
    any_journey = any(ct.journey is not None for ct in plan.contact_types)
    any_overnight = False
    factors = np.ones((len(plan.contact_types), plan.days))
    shared = busyness_factors(plan, replication)
    for ct in plan.contact_types:
        if ct.forecast_cv >= MIN_FORECAST_CV:
            shape = 1.0 / ct.forecast_cv**2
            factors[ct.index] = stream(seed, replication, f"forecast/{ct.name}").gamma(shape, 1.0 / shape, plan.days)
        if ct.busyness >= 0:  # x the day's factor it shares with other types
            factors[ct.index] = factors[ct.index] * shared[ct.busyness]
        # One rate per interval of every day, each day scaled by its own forecast factor.
        rates = np.concatenate([ct.rates * factors[ct.index, d] for d in range(plan.days)])
        if plan.calendar is not None:  # nobody calls, chats or writes in while closed
            rates = rates * plan.calendar.mask()
        times = arrival_times(plan, rates, stream(seed, replication, f"arrivals/{ct.name}"), start_s)
        came = times
        if ct.overnight > 0 and (start_s == 0.0 or not first_night):
            night, night_came = overnight_arrivals(plan, ct, factors[ct.index], seed, replication)
            if not first_night:  # a snapshot's backlog has the first night's
                later = night >= DAY_S
                night, night_came = night[later], night_came[later]
            # After the day's own contacts, so theirs keep the numbers drawn without overnight mail.
            times, came = np.concatenate((times, night)), np.concatenate((times, night_came))
            any_overnight = True
        n = times.size
        handle = _durations(ct.handle, seed, replication, f"handle_time/{ct.name}", n, times)
        if ct.after_call_work is not None:
            acw = _durations(ct.after_call_work, seed, replication, f"after_call_work/{ct.name}", n, times)
        else:
            acw = np.zeros(n)
        patience = _durations(ct.patience, seed, replication, f"patience/{ct.name}", n, times)
        if ct.voicemail_s < np.inf:  # a caller still waiting at the voicemail limit leaves then
            patience = np.minimum(patience, ct.voicemail_s)
        parts.append((times, np.full(n, ct.index, dtype=np.int32), handle, acw, patience, came))
        if any_journey:
            if ct.journey is not None:
                journeys.append(draw_journey(ct, n, seed, replication, times))
            else:
                journeys.append((np.zeros((n, N_DECISIONS)),) + tuple(np.zeros(n) for _ in range(5)))
    factor = factors[:, 0] if plan.days == 1 else factors
    if len(parts) == 1 and not any_overnight:
        # One contact type: its arrival times are sorted already, so the stable sort below
        # would be the identity; its arrays are fresh and used as they are.
        arrival, ctype, handle, acw, patience, _ = parts[0]
        journey = JourneyDraws(*journeys[0]) if any_journey else None
        return ContactDraws(arrival, ctype, handle, acw, patience, factor, journey, None)
    arrival, ctype, handle, acw, patience, came = (np.concatenate(col) for col in zip(*parts, strict=True))
    # In arrival order; emails received overnight (all arriving at the opening) oldest first.
    order = np.lexsort((came, arrival)) if any_overnight else np.argsort(arrival, kind="stable")
    journey = None
    if any_journey:
        journey = JourneyDraws(*(_take_rows(np.concatenate(col), order) for col in zip(*journeys, strict=True)))
    return ContactDraws(arrival[order], ctype[order], handle[order], acw[order], patience[order],
                        factor, journey, came[order] if any_overnight else None)
