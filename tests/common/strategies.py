"""Hypothesis strategies over the whole scenario language, and mutations that break it.

``scenarios()`` draws valid scenarios as plain data (what YAML would load): which
features are on is drawn too, so an example may combine chats with callbacks,
shifts with overflow delays, or emails received overnight with a two-day
horizon. Days are small (1-4 h, 1-2 days, a few contacts per interval and a few
agents) so that an example simulates in milliseconds. Durations, rates and
clock times are written in the forms a planner writes them (``90``, ``"90s"``,
``"1.5min"``, ``"0.025h"``; ``"12/h"``, ``"6/30min"``).

``invalid_scenarios()`` draws a valid scenario and one mutation that makes it
invalid (a wrong type, a value out of range, an unknown field, an unknown
contact type in skills, a bad clock time or duration, a negative headcount, a
missing field, a broken cross-reference, ...), with the field path at (or under)
which the error must be reported.

``every_field_scenario()`` is one scenario that uses every documented field at once.

The helpers below take hypothesis's ``draw`` and share module-level strategies:
building strategies anew for every draw made generating a scenario cost more than
simulating it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from hypothesis import strategies as st

ROUTINGS = ("priority", "longest_idle_agent", "overflow")
DISTRIBUTIONS = ("exponential", "constant", "lognormal", "gamma", "erlang", "weibull", "uniform",
                 "triangular", "empirical")
FORMS = ("number", "s", "min", "h", "mins", "hours")
# Names of contact types and agent groups: letters, digits, '_' and '-', starting with a
# letter or '_'. None starts with 'zz', so the mutations' 'zz_...' names are never real.
NAMES = ("a", "b", "t0", "t1", "sales", "Support", "_vip", "chat-2", "e_mail", "x9", "on", "no",
         "true", "null", "q-", "B_", "desk", "team-A")

PERCENT = st.integers(0, 99)
UNIT = st.floats(0.0, 1.0)
BOOL = st.booleans()
_sampled: dict = {}
_integers: dict = {}


def pick(draw, options):
    """One of *options* (a tuple)."""
    options = tuple(options)
    strategy = _sampled.get(options)
    if strategy is None:
        strategy = _sampled[options] = st.sampled_from(options)
    return draw(strategy)


def integer(draw, low: int, high: int) -> int:
    strategy = _integers.get((low, high))
    if strategy is None:
        strategy = _integers[(low, high)] = st.integers(low, high)
    return draw(strategy)


def between(draw, low: float, high: float) -> float:
    """A float in [low, high] (both ends included)."""
    return min(high, low + draw(UNIT) * (high - low))


def some(draw, probability: float = 0.5) -> bool:
    """Switch a feature on with about this probability (hypothesis still shrinks it off)."""
    return draw(PERCENT) < probability * 100


# --------------------------------------------------------------------------- units as written


def clock(seconds: float) -> str:
    """Seconds since midnight as "HH:MM" (whole minutes)."""
    minutes = int(round(seconds / 60))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def written(draw, seconds: float, forms=FORMS):
    """A duration of *seconds* in one of the forms YAML accepts.

    The forms in minutes and hours can be off by a rounding error: where two durations
    must keep their order, they are written in the same form (see ``distribution``)."""
    form = pick(draw, forms)
    if form == "number":
        return seconds
    if form == "s":
        return f"{seconds!r}s"
    if form == "min":
        return f"{seconds / 60!r}min"
    if form == "mins":
        return f"{seconds / 60!r} mins"
    if form == "hours":
        return f"{seconds / 3600!r} hours"
    return f"{seconds / 3600!r}h"


def duration(draw, low: float, high: float):
    return written(draw, between(draw, low, high))


def rate(draw, per_hour_max: int):
    """A Poisson rate of at most *per_hour_max* an hour, in one of its written forms."""
    per_hour = integer(draw, 0, per_hour_max)
    form = pick(draw, ("h", "hr", "hour", "min", "30min", "day", "s"))
    if form in ("h", "hr", "hour"):
        return f"{per_hour}/{form}"
    if form == "day":
        return f"{per_hour * 24}/day"
    if form == "min":
        return f"{per_hour / 60!r}/min"
    if form == "30min":
        return f"{per_hour / 2!r}/30min"
    return per_hour / 3600


def distribution(draw, low: float, high: float) -> dict:
    """Any duration distribution with a mean in [low, high] s."""
    mean = between(draw, low, high)
    spread = between(draw, 0.0, 0.9)
    kind = pick(draw, DISTRIBUTIONS)
    form = pick(draw, FORMS)  # one form for all: x/60*60 keeps the order of low, mode, high

    def w(seconds):
        return written(draw, seconds, (form,))

    if kind == "exponential":
        return {"dist": kind, "mean": w(mean)}
    if kind == "constant":
        return {"dist": kind, "value": w(mean)}
    if kind in ("lognormal", "gamma"):
        return {"dist": kind, "mean": w(mean), "cv": between(draw, 0.1, 2.0)}
    if kind == "erlang":
        return {"dist": kind, "mean": w(mean), "k": integer(draw, 1, 5)}
    if kind == "weibull":
        return {"dist": kind, "mean": w(mean), "shape": between(draw, 0.5, 4.0)}
    if kind == "uniform":
        return {"dist": kind, "low": w(mean * (1 - spread)), "high": w(mean * (1 + spread))}
    if kind == "triangular":
        return {"dist": kind, "low": w(mean * (1 - spread)), "mode": w(mean), "high": w(mean * (1 + spread) + 1.0)}
    return {"dist": kind, "values": [w(between(draw, 0.0, 2 * high)) for _ in range(integer(draw, 1, 5))]}


def by_period(draw, n_intervals: int, low: float, high: float):
    """One distribution, or now and then a list with one per interval (by the interval of arrival)."""
    if not some(draw, 0.85):  # about 15 %, and off in the smallest example
        return [distribution(draw, low, high) for _ in range(n_intervals)]
    return distribution(draw, low, high)


def ints(draw, n: int, low: int, high: int) -> list[int]:
    return [integer(draw, low, high) for _ in range(n)]


def subset(draw, items: list, min_size: int = 1, max_size: int | None = None) -> list:
    """A non-empty subset of *items*, in their order."""
    chosen = [x for x in items if draw(BOOL)]
    if len(chosen) < min_size:
        chosen = [items[integer(draw, 0, len(items) - 1)]]
    return chosen[:max_size] if max_size else chosen


# --------------------------------------------------------------------------- contact types


def arrivals(draw, n_intervals: int, channel: str) -> dict:
    form = pick(draw, ("rate", "per_interval", "volume"))
    if form == "rate":
        out = {"rate": rate(draw, 20)}
    elif form == "per_interval":
        out = {"per_interval": ints(draw, n_intervals, 0, 6)}
    else:
        profile = ints(draw, n_intervals, 0, 4)
        if not any(profile):
            profile[integer(draw, 0, n_intervals - 1)] = 1
        out = {"volume": integer(draw, 0, 8 * n_intervals), "profile": profile}
    if some(draw, 0.3):
        out["forecast_error"] = pick(draw, (0.0, 1e-200, 1e-6, 0.1, 0.5)) if some(draw) else between(draw, 0.0, 0.5)
    if channel == "email" and some(draw, 0.5):
        out["overnight"] = integer(draw, 0, 20)
    return out


def service_level(draw, channel: str) -> dict:
    out = {}
    if some(draw):
        out["target"] = draw(UNIT) if some(draw) else f"{draw(PERCENT)}%"  # 0.8 or "80%"
    if some(draw):
        out["threshold"] = duration(draw, 0.0, 4 * 3600.0 if channel == "email" else 120.0)
    if some(draw, 0.3):
        out["short_abandon"] = duration(draw, 0.0, 10.0)
    if channel == "email" and some(draw):
        out["opening_hours_only"] = draw(BOOL)
    return out


def journeys(draw, names: list[str], channel: str) -> dict:
    """Caller journeys, each on or off (voice more often: they are caller journeys)."""
    p = 0.3 if channel == "voice" else 0.12
    out = {}
    if some(draw, p):
        out["ivr"] = {"time": distribution(draw, 5.0, 60.0)}
        if some(draw):
            out["ivr"]["self_service"] = draw(UNIT)
    if some(draw, p):
        out["balking"] = {"when_expected_wait_over": duration(draw, 0.0, 300.0), "probability": draw(UNIT)}
    if channel != "email" and not some(draw, 0.85):  # a message after a wait limit (off when shrunk)
        out["voicemail"] = {"after": duration(draw, 1.0, 300.0)}
    if some(draw, p):
        out["retrial"] = {"probability": draw(UNIT), "delay": distribution(draw, 30.0, 1800.0)}
        if some(draw):
            out["retrial"]["max_attempts"] = integer(draw, 1, 4)
        if some(draw):
            out["retrial"]["keep"] = [name for name in ("patience", "handle_time", "after_call_work")
                                      if some(draw)]
    if some(draw, p):
        out["resolution"] = {"first_contact": draw(UNIT)}
        if some(draw):
            repeat = {"probability": draw(UNIT), "delay": distribution(draw, 60.0, 86400.0)}
            if some(draw):
                repeat["as"] = pick(draw, names)
            if some(draw):
                repeat["max_contacts"] = integer(draw, 1, 4)
            out["resolution"]["repeat"] = repeat
    if some(draw, p):
        callback = {"offer_when_expected_wait_over": duration(draw, 0.0, 180.0), "accept_probability": draw(UNIT)}
        if some(draw):
            callback["reach_probability"] = draw(UNIT)
        if some(draw):
            callback["handle_time"] = distribution(draw, 20.0, 600.0)
        if some(draw):
            callback["dial_time"] = duration(draw, 0.0, 60.0)
        if some(draw):
            callback["mode"] = pick(draw, ("virtual_hold", "scheduled"))
            if callback["mode"] == "scheduled" and some(draw):
                callback["window"] = duration(draw, 0.0, 7200.0)
        out["callback"] = callback
    if "voicemail" in out and some(draw, 0.4):  # the message asks for a callback (a scheduled one)
        out["voicemail"]["callback"] = True
        if some(draw):
            out["voicemail"]["window"] = duration(draw, 0.0, 7200.0)
        if "callback" in out:
            out["callback"]["mode"] = "scheduled"
    if some(draw, p):
        out["conversion"] = {"probability": draw(UNIT)}
        if some(draw):
            out["conversion"]["per_minute_waited"] = between(draw, -1.0, 1.0)
    if some(draw, p):
        rating = {}
        for field, low, high in (("base", 0.0, 10.0), ("per_minute_waited", -1.0, 0.0), ("abandoned", -2.0, 0.0),
                                 ("unresolved", -2.0, 0.0), ("per_extra_contact", -1.0, 0.0), ("noise", 0.0, 2.0),
                                 ("satisfied_at", 1.0, 10.0)):
            if some(draw):
                rating[field] = between(draw, low, high)
        if some(draw):
            rating["scale"] = integer(draw, 2, 10)
        out["rating"] = rating
    if some(draw, p):
        out["wait_predictor"] = pick(draw, ("queue_position", "last_to_enter_service"))
    return out


def contact_type(draw, names: list[str], channel: str, n_intervals: int, routing: str) -> dict:
    ct: dict = {}
    if channel != "voice" or some(draw, 0.3):
        ct["channel"] = channel
    ct["arrivals"] = arrivals(draw, n_intervals, channel)
    ct["handle_time"] = (by_period(draw, n_intervals, 60.0, 600.0) if channel == "email"
                         else by_period(draw, n_intervals, 20.0, 480.0))
    zero = {"dist": "constant", "value": 0}
    if some(draw, 0.4):
        ct["after_call_work"] = by_period(draw, n_intervals, 1.0, 90.0) if some(draw, 0.8) else zero
    if channel != "email" and some(draw, 0.7):
        ct["patience"] = by_period(draw, n_intervals, 1.0, 400.0) if some(draw, 0.9) else zero
    if channel != "email" and some(draw, 0.25):
        ct["lines"] = integer(draw, 1, 6)
    if some(draw, 0.5):
        ct["service_level"] = service_level(draw, channel)
    if channel == "chat":
        if some(draw, 0.8):
            ct["concurrency"] = integer(draw, 1, 4)
        if some(draw, 0.5):
            ct["concurrency_slowdown"] = [between(draw, 1.0, 3.0)
                                          for _ in range(integer(draw, 1, ct.get("concurrency", 1)))]
    if some(draw, 0.25):
        ct["priority_boost"] = duration(draw, 0.0, 180.0)
    if routing == "overflow" and some(draw, 0.5):
        ct["overflow_after"] = duration(draw, 0.0, 90.0)
    if some(draw, 0.25):
        ct["agent_selection"] = pick(draw, ("longest_idle", "random", "rank"))
    if channel != "email" and some(draw, 0.2):
        ct["at_closing"] = pick(draw, ("serve", "disconnect"))
    ct.update(journeys(draw, names, channel))
    return ct


# --------------------------------------------------------------------------- agent groups


def breaks(draw, start: float, end: float) -> list[dict]:
    out = []
    for _ in range(integer(draw, 0, 2)):
        length = pick(draw, (300.0, 600.0, 900.0, 1800.0))
        latest = end - length
        if latest < start:
            break
        first = start + 300.0 * integer(draw, 0, int((latest - start) // 300))
        exact = written(draw, length, ("number", "s", "min"))  # 600 s in hours is not exact
        if some(draw):
            out.append({"start": clock(first), "length": exact})
        else:
            last = first + 300.0 * integer(draw, 0, int((latest - first) // 300))
            out.append({"window": [clock(first), clock(last)], "length": exact})
    return out


def shifts(draw, h_start: float, h_end: float) -> list[dict]:
    """1-3 shifts on a 15-minute grid, from an hour before the horizon to an hour after
    (within the day)."""
    out = []
    for _ in range(integer(draw, 1, 3)):
        lo, hi, last = max(0.0, h_start - 3600.0), h_end - 900.0, min(86400.0, h_end + 3600.0)
        start = lo + 900.0 * integer(draw, 0, int((hi - lo) // 900))
        end = start + 900.0 * integer(draw, 1, int((last - start) // 900))
        shift = {"start": clock(start), "end": clock(end), "headcount": integer(draw, 0, 4)}
        if some(draw, 0.6):
            shift["breaks"] = breaks(draw, start, end)
        out.append(shift)
    return out


def agent_group(draw, skills: list[str], n_intervals: int, routing: str, h_start: float, h_end: float) -> dict:
    group: dict = {}
    if some(draw):  # levels, ties allowed
        group["skills"] = {s: integer(draw, 1, 3) for s in skills}
    else:
        group["skills"] = list(skills)
    if some(draw, 0.35):
        group["shifts"] = shifts(draw, h_start, h_end)
    elif some(draw):
        group["staffing"] = integer(draw, 0, 4)
    else:
        group["staffing"] = ints(draw, n_intervals, 0, 4)
    if some(draw, 0.25):
        group["absenteeism"] = between(draw, 0.0, 0.3)
    if some(draw, 0.25):
        group["aux"] = between(draw, 0.0, 0.2)
    if some(draw, 0.2):
        group["resolution_factor"] = between(draw, 0.5, 1.5)
    if some(draw, 0.25):
        group["handle_time_factor"] = {s: between(draw, 0.5, 2.0) for s in subset(draw, skills)}
    if some(draw, 0.2):
        group["reserve"] = {s: integer(draw, 0, 2) for s in subset(draw, skills, max_size=2)}
    if routing == "overflow" and some(draw, 0.3):
        group["overflow_after"] = {s: duration(draw, 0.0, 90.0) for s in subset(draw, skills)}
    if some(draw, 0.3):
        group["voice_with_chat"] = draw(BOOL)
    if not some(draw, 0.8):  # what a freed agent takes (about 20 %; the routing policy when shrunk)
        group["contact_selection"] = pick(draw, ("routing", "longest_weighted_wait", "longest_queue"))
        if group["contact_selection"] == "longest_weighted_wait" and some(draw):
            group["wait_weights"] = {s: between(draw, 0.1, 10.0) for s in subset(draw, skills)}
    return group


# --------------------------------------------------------------------------- whole scenarios


def shuffled(draw, items: list) -> list:
    items = list(items)
    for i in range(len(items) - 1, 0, -1):
        j = integer(draw, 0, i)
        items[i], items[j] = items[j], items[i]
    return items


def transfers(draw, data: dict) -> None:
    """Transfer rules on some of the call types, to call types (about 20 %; off when shrunk):
    cold or warm, each optional field now and then, loops to the type itself included."""
    types = data["contact_types"]
    calls = [n for n, ct in types.items()
             if ct.get("channel", "voice") == "voice" and ct.get("direction", "inbound") == "inbound"]
    if not calls or some(draw, 0.8):
        return
    for n in calls:
        if n != calls[0] and some(draw):
            continue
        serving = [g for g, spec in data["agent_groups"].items() if n in spec["skills"]]
        rules = []
        for _ in range(integer(draw, 1, 3)):
            warm = some(draw)
            chance = between(draw, 0.0, 1.0) if some(draw) else pick(draw, (1, "50%"))
            rule = {"to": pick(draw, calls), "probability": chance}
            if warm:
                rule["mode"] = "warm"
                if some(draw):
                    rule["conference"] = distribution(draw, 1.0, 120.0)
                if some(draw):
                    rule["wait_limit"] = duration(draw, 0.0, 300.0)
            elif some(draw, 0.2):
                rule["mode"] = "cold"
            if some(draw, 0.3):
                rule["delay"] = distribution(draw, 1.0, 30.0)
            if some(draw):
                rule["if_not_reached"] = pick(draw, ("back", "abandon", "voicemail") if warm
                                              else ("abandon", "voicemail"))
            if serving and some(draw, 0.25):
                rule["groups"] = subset(draw, serving)
            rules.append(rule)
        types[n]["transfers"] = rules


def outbound(draw, data: dict, n_intervals: int, h_start: float, h_end: float) -> None:
    """An outbound type on a dialer, served by some of the groups (about 20 %; off when shrunk):
    every policy and every optional field of the dialer now and then."""
    if some(draw, 0.8):
        return
    name = "dialled"
    policy = pick(draw, ("preview", "progressive", "predictive"))
    dialer: dict = {"policy": policy}
    if policy == "predictive":
        if some(draw, 0.3):
            dialer["preset"] = pick(draw, ("dialone", "dial1xfree", "dial2xfree"))
        else:
            if some(draw):
                dialer["kappa"] = between(draw, 0.0, 4.0)
            if some(draw):
                dialer["extra"] = integer(draw, -2, 3)
    if policy == "preview" and some(draw):
        dialer["preview_time"] = distribution(draw, 1.0, 60.0)
    groups = list(data["agent_groups"])
    if some(draw, 0.3):
        dialer["min_free"] = integer(draw, 0, 3)
    if some(draw, 0.3):
        dialer["watch"] = subset(draw, groups)
    if some(draw, 0.3):
        dialer["keep_free"] = integer(draw, 0, 2)
    if some(draw, 0.3):
        start = h_start + 900.0 * integer(draw, 0, int((h_end - h_start) // 900) - 1)
        dialer["start"] = clock(start)
        if some(draw):
            dialer["end"] = clock(min(h_end, start + 900.0 * integer(draw, 1, 8)))
    # A list of at most 200 records: a list without end on a long day with instant no-answers places
    # millions of calls (the size guard does not count dialled calls yet).
    dialer["campaign_size"] = integer(draw, 0, 200)
    if some(draw):
        dialer["reach"] = (between(draw, 0.0, 0.6) if some(draw)
                           else [between(draw, 0.0, 0.6) for _ in range(n_intervals)])
    if some(draw, 0.3):
        dialer["wrong_party"] = {"probability": between(draw, 0.0, 0.2)}
        if some(draw):
            dialer["wrong_party"]["handle_time"] = distribution(draw, 5.0, 60.0)
    if some(draw, 0.3):
        dialer["answering_machine"] = {"probability": between(draw, 0.0, 0.2)}
        if some(draw):
            dialer["answering_machine"]["handle_time"] = distribution(draw, 5.0, 60.0)
        if some(draw):
            dialer["answering_machine"]["wait"] = duration(draw, 0.0, 30.0)
    for key in ("ring_time", "no_answer_time"):
        if some(draw, 0.4):
            dialer[key] = by_period(draw, n_intervals, 1.0, 40.0)
    if some(draw, 0.3):
        dialer["pacing"] = {"abandon_limit": between(draw, 0.0, 0.1)}
        if some(draw):
            dialer["pacing"]["grace"] = duration(draw, 0.0, 5.0)
    elif some(draw, 0.2):
        dialer["grace"] = duration(draw, 0.0, 5.0)
    spec: dict = {"direction": "outbound", "handle_time": distribution(draw, 20.0, 600.0), "dialer": dialer}
    servers = subset(draw, groups)  # who serves it (below); lenders: groups staffed per interval, no aux
    lenders = [g for g in groups if g not in servers and "shifts" not in data["agent_groups"][g]
               and not data["agent_groups"][g].get("aux")]
    receivers = [g for g in servers
                 if "shifts" not in data["agent_groups"][g] and not data["agent_groups"][g].get("aux")]
    if lenders and receivers and some(draw, 0.3):
        move: dict = {"lend": subset(draw, lenders), "to": subset(draw, receivers)}
        if some(draw):
            move["window"] = duration(draw, 60.0, 3600.0)
        if some(draw):
            move["every"] = duration(draw, 10.0, 600.0)
        if some(draw):
            low = between(draw, 0.0, 1.0)
            move["to_inbound_below"], move["to_outbound_above"] = low, between(draw, low, 1.0)
        if some(draw):
            move["keep_idle_inbound"] = integer(draw, 0, 2)
        if some(draw):
            move["max_idle_outbound"] = integer(draw, 1, 3)
        dialer["agents_move"] = move
    if some(draw):
        spec["patience"] = distribution(draw, 1.0, 20.0)
    if some(draw, 0.3):
        spec["after_call_work"] = distribution(draw, 1.0, 60.0)
    data["contact_types"][name] = spec
    for g in servers:  # who serves it: first or last among the group's skills
        skills = data["agent_groups"][g]["skills"]
        if isinstance(skills, dict):
            skills[name] = integer(draw, 1, 3)
        elif some(draw):
            skills.append(name)
        else:
            skills.insert(0, name)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def calendar(draw, horizon: dict, h_start: float, h_end: float, interval: float) -> None:
    """The horizon's calendar: a first day (weekday or date), hours for some weekdays (closed,
    or a part of the horizon on its interval boundaries), holidays (day numbers or dates)."""
    days = horizon.get("days", 1)
    if some(draw, 0.3):
        horizon["days"] = days = integer(draw, 2, 3)
    as_date = some(draw)
    first = 1 + integer(draw, 0, 25)
    weekday = (first + 5) % 7 if as_date else integer(draw, 0, 6)  # 1 February 2026 is a Sunday
    horizon["first_day"] = (f"2026-02-{first:02d}" if as_date else
                            WEEKDAYS[weekday].capitalize() if some(draw, 0.2) else WEEKDAYS[weekday])
    if some(draw, 0.7):
        hours = {}
        n = int(round((h_end - h_start) / interval))
        # Mostly the horizon's own weekdays, sometimes one it does not reach.
        own = [WEEKDAYS[(weekday + d) % 7] for d in range(days)] + [pick(draw, WEEKDAYS)]
        for day in subset(draw, list(dict.fromkeys(own)), 1, 3):
            if some(draw, 0.4):
                hours[day] = "closed"
            else:
                a = integer(draw, 0, n - 1)
                b = integer(draw, a + 1, n)
                hours[day] = f"{clock(h_start + a * interval)}-{clock(h_start + b * interval)}"
        horizon["opening_hours"] = hours
    if some(draw, 0.4):
        numbers = subset(draw, list(range(1, days + 1)), 1, days)
        horizon["holidays"] = [f"2026-02-{first + d - 1:02d}" if as_date and some(draw) else d for d in numbers]


@st.composite
def scenarios(draw) -> dict:
    """A valid scenario over every documented field, as plain data."""
    if some(draw, 0.08):  # to midnight ("24:00"): the whole day, or the evening
        h_start = pick(draw, (0.0, 18 * 3600.0, 20 * 3600.0))
        hours = int((86400.0 - h_start) // 3600)
    else:
        h_start = 3600.0 * integer(draw, 6, 10) + pick(draw, (0.0, 1800.0))
        hours = integer(draw, 1, 4)
    h_end = h_start + hours * 3600.0
    horizon = {"start": clock(h_start), "end": clock(h_end)}
    interval = 1800.0  # the default
    if some(draw, 0.7):
        interval = pick(draw, [s for s in (900.0, 1200.0, 1800.0, 3600.0) if (hours * 3600) % s == 0])
        horizon["interval"] = written(draw, interval)
    n_intervals = int(hours * 3600 // interval)
    if some(draw, 0.3):
        horizon["warmup"] = duration(draw, 0.0, hours * 3600.0 - 1.0)
    if some(draw, 0.4):
        horizon["days"] = integer(draw, 1, 2)
    if not some(draw, 0.8):  # a calendar (about 20 %; off when shrunk)
        calendar(draw, horizon, h_start, h_end, interval)
    routing = pick(draw, ROUTINGS)
    names = shuffled(draw, NAMES)[: integer(draw, 1, 3)]
    channels = {n: pick(draw, ("voice", "voice", "chat", "email")) for n in names}
    types = {n: contact_type(draw, names, channels[n], n_intervals, routing) for n in names}
    group_names = shuffled(draw, NAMES)[: integer(draw, 1, 3)]
    skill_sets = [shuffled(draw, names)[: integer(draw, 1, len(names))] for _ in group_names]
    for n in names:  # every type must be some group's skill
        if not any(n in s for s in skill_sets):
            skill_sets[integer(draw, 0, len(group_names) - 1)].append(n)
    groups = {g: agent_group(draw, s, n_intervals, routing, h_start, h_end)
              for g, s in zip(group_names, skill_sets, strict=True)}
    data = {"name": draw(st.text(min_size=1, max_size=12).filter(str.strip)) if some(draw, 0.1) else "fuzz",
            "horizon": horizon, "contact_types": types, "agent_groups": groups}
    if some(draw, 0.1):
        data["description"] = draw(st.text(max_size=20))
    if some(draw, 0.5):
        data["seed"] = pick(draw, (0, 1, 7, 2**32, 2**63 - 1)) if some(draw) else integer(draw, 0, 10**6)
    if some(draw, 0.3):
        data["replications"] = integer(draw, 1, 3)
    if routing != "priority" or some(draw, 0.3):
        data["routing"] = routing
    if some(draw, 0.2):  # trunk lines shared by some of the calls and chats
        data["lines"] = {"trunks": integer(draw, 1, 8)}
        for n in names:
            if channels[n] != "email" and some(draw, 0.6):
                types[n]["lines"] = "trunks"
    for n in names:  # a line held a while after its caller leaves (about 20 % of types with lines)
        if "lines" in types[n] and not some(draw, 0.8):
            types[n]["line_hold"] = duration(draw, 0.0, 60.0)
    for n in names:  # ranks for agent_selection: rank, on some of the groups serving the type
        if types[n].get("agent_selection") == "rank" and some(draw):
            serving = [g for g, s in zip(group_names, skill_sets, strict=True) if n in s]
            types[n]["group_rank"] = {g: integer(draw, 1, 3) for g in subset(draw, serving)}
    if not some(draw, 0.8):  # a busyness factor shared by some types (about 20 %; off when shrunk)
        data["busyness"] = {"day": pick(draw, (0.0, 1e-7, 0.2)) if some(draw) else between(draw, 0.0, 0.5)}
        for n in names:
            if some(draw, 0.6):
                types[n]["arrivals"]["busyness"] = "day"
    transfers(draw, data)
    outbound(draw, data, n_intervals, h_start, h_end)
    if some(draw, 0.3):
        data["statistics"] = {"per_agent": draw(BOOL)}
        if some(draw):
            data["statistics"]["occupancy_after_closing"] = draw(BOOL)
    return data


def every_field_scenario(days: int = 2) -> dict:
    """One scenario that uses every documented field at once (docs/scenario.md, journeys.md, channels.md).

    Nothing here is refused by validation. What cannot be in one place at once, and
    so is spread over several places:
    - ``routing`` is one policy per scenario: ``overflow`` here, because ``overflow_after``
      (on a type and on a group) is refused under the other two;
    - a group has ``staffing`` or ``shifts``, never both (sellers: staffing; the others: shifts);
    - a break has ``start`` or ``window`` (the advisors' first shift has one of each);
    - arrivals are ``rate``, ``per_interval`` or ``volume`` with ``profile`` (one type each);
    - a callback is ``virtual_hold`` or ``scheduled`` (sales and support);
    - ``wait_predictor`` takes one value per type (support and sales differ);
    - emails take no ``patience`` or ``lines``; ``concurrency`` and its slowdown are for
      chats only; ``overnight`` and ``opening_hours_only`` are for emails only;
    - a dialer has one policy: predictive with kappa and extra (renewals), preview with its
      preview time (surveys); a grace of its own or in its pacing.
    Every one of the nine distributions is used once or more. With two days or more the
    horizon has a calendar (a Thursday, Friday's hours shorter, Saturday closed, a holiday on
    day 4).
    """
    data = copy.deepcopy({
        "name": "Every documented field",
        "description": "Calls with every caller journey, chat, email, overflow, shifts and breaks.",
        "horizon": {"start": "08:00", "end": "11:00", "interval": "30min", "warmup": "10min", "days": days},
        "seed": 5,
        "replications": 2,
        "routing": "overflow",
        "statistics": {"per_agent": True},
        "lines": {"trunks": 20},
        "busyness": {"day": 0.1},
        "contact_types": {
            "support": {
                "channel": "voice",
                "arrivals": {"volume": 220, "profile": [1, 2, 3, 3, 2, 1], "forecast_error": 0.1},
                "handle_time": {"dist": "lognormal", "mean": "4min", "cv": 0.8},
                "after_call_work": {"dist": "triangular", "low": "10s", "mode": "30s", "high": "1min"},
                "patience": {"dist": "weibull", "mean": "3min", "shape": 0.8},
                "service_level": {"target": 0.8, "threshold": "20s", "short_abandon": "5s"},
                "lines": 12,
                "line_hold": "5s",
                "priority_boost": "30s",
                "ivr": {"time": {"dist": "constant", "value": "30s"}, "self_service": 0.1},
                "balking": {"when_expected_wait_over": "90s", "probability": 0.3},
                "retrial": {"probability": 0.5, "delay": {"dist": "exponential", "mean": "10min"}, "max_attempts": 3,
                            "keep": ["patience", "handle_time"]},
                "resolution": {"first_contact": 0.7,
                               "repeat": {"probability": 0.6, "delay": {"dist": "lognormal", "mean": "1d", "cv": 0.3},
                                          "as": "sales", "max_contacts": 4}},
                "callback": {"offer_when_expected_wait_over": "40s", "accept_probability": 0.5,
                             "reach_probability": 0.8, "handle_time": {"dist": "exponential", "mean": "5min"},
                             "dial_time": "30s", "mode": "scheduled", "window": "1h"},
                "rating": {"scale": 5, "base": 4.6, "per_minute_waited": -0.15, "abandoned": -1.0,
                           "unresolved": -1.5, "per_extra_contact": -0.4, "noise": 0.6, "satisfied_at": 4},
                "wait_predictor": "last_to_enter_service",
                "transfers": [
                    {"to": "sales", "probability": 0.1, "mode": "warm", "groups": ["advisors"],
                     "delay": {"dist": "constant", "value": "5s"},
                     "conference": {"dist": "exponential", "mean": "1min"},
                     "wait_limit": "2min", "if_not_reached": "back"},
                    {"to": "sales", "probability": 0.05, "mode": "cold", "if_not_reached": "voicemail"},
                ],
            },
            "sales": {
                "arrivals": {"per_interval": [10, 12, 14, 14, 12, 10], "busyness": "day"},
                "handle_time": {"dist": "gamma", "mean": "5min", "cv": 0.6},
                "patience": [{"dist": "exponential", "mean": m}  # one per interval
                             for m in ("2min", "2min", "3min", "3min", "2min", "90s")],
                "overflow_after": "30s",
                "agent_selection": "random",
                "at_closing": "disconnect",
                "callback": {"offer_when_expected_wait_over": "45s", "accept_probability": 0.4,
                             "mode": "virtual_hold"},
                "conversion": {"probability": 0.3, "per_minute_waited": -0.02},
                "wait_predictor": "queue_position",
                "voicemail": {"after": "4min"},
            },
            "chat": {
                "channel": "chat",
                "concurrency": 3,
                "concurrency_slowdown": [1.0, 1.2, 1.4],
                "arrivals": {"rate": "40/h", "busyness": "day"},
                "handle_time": {"dist": "erlang", "mean": "8min", "k": 2},
                "after_call_work": {"dist": "constant", "value": "15s"},
                "patience": {"dist": "uniform", "low": "30s", "high": "3min"},
                "service_level": {"target": 0.8, "threshold": "1min"},
                "lines": "trunks",
            },
            "renewals": {
                "direction": "outbound",
                "handle_time": {"dist": "exponential", "mean": "6min"},
                "after_call_work": {"dist": "constant", "value": "20s"},
                "patience": {"dist": "uniform", "low": "1s", "high": "6s"},
                "service_level": {"target": 0.97, "threshold": "2s"},
                "dialer": {
                    "policy": "predictive", "kappa": 2.5, "extra": 1, "min_free": 1, "watch": ["sellers"],
                    "keep_free": 1, "start": "08:30", "end": "10:45", "campaign_size": 500,
                    "reach": [0.3, 0.3, 0.25, 0.25, 0.3, 0.3],
                    "wrong_party": {"probability": 0.05, "handle_time": {"dist": "constant", "value": "20s"}},
                    "answering_machine": {"probability": [0.2, 0.2, 0.1, 0.1, 0.2, 0.2],
                                          "handle_time": {"dist": "constant", "value": "30s"}, "wait": "5s"},
                    "ring_time": {"dist": "uniform", "low": "5s", "high": "20s"},
                    "no_answer_time": {"dist": "constant", "value": "25s"},
                    "pacing": {"abandon_limit": "3%", "grace": "2s"},
                },
            },
            "surveys": {
                "direction": "outbound",
                "handle_time": {"dist": "constant", "value": "3min"},
                "dialer": {"policy": "preview", "preview_time": {"dist": "constant", "value": "20s"},
                           "reach": 0.4, "grace": "3s", "campaign_size": 40},
            },
            "email": {
                "channel": "email",
                "arrivals": {"volume": 40, "profile": [1, 1, 1, 1, 1, 1], "overnight": 15},
                "handle_time": {"dist": "empirical", "values": ["3min", "5min", "8min"]},
                "service_level": {"target": 0.9, "threshold": "2h", "opening_hours_only": True},
            },
        },
        "agent_groups": {
            "sellers": {"skills": ["sales", "renewals"], "staffing": [3, 4, 4, 4, 4, 3], "absenteeism": 0.05,
                        "aux": 0.05},
            "advisors": {
                "skills": {"support": 1, "sales": 2, "email": 3, "surveys": 4},
                "handle_time_factor": {"sales": 1.2},
                "reserve": {"support": 1},
                "overflow_after": {"sales": "1min"},
                "resolution_factor": 1.1,
                "absenteeism": 0.05,
                "aux": 0.03,
                "shifts": [
                    {"start": "08:00", "end": "11:00", "headcount": 6,
                     "breaks": [{"start": "09:00", "length": "10min"},
                                {"window": ["09:30", "10:30"], "length": "15min"}]},
                    {"start": "09:00", "end": "11:00", "headcount": 2},
                ],
            },
            "chat_team": {
                "skills": {"chat": 1, "support": 2},
                "voice_with_chat": True,
                "shifts": [{"start": "08:00", "end": "11:00", "headcount": 3,
                            "breaks": [{"window": ["09:00", "10:00"], "length": "15min"}]}],
            },
        },
    })
    if days >= 2:
        data["horizon"].update({"first_day": "2026-12-03", "opening_hours": {"friday": "08:30-10:30",
                                                                          "saturday": "closed"}})
        if days >= 4:
            data["horizon"]["holidays"] = [4]
    return data


# --------------------------------------------------------------------------- what a path holds

# Keys whose mapping is keyed by names (contact types, agent groups, skills, line pools), not by fields.
NAME_KEYED = {"contact_types", "agent_groups", "skills", "handle_time_factor", "reserve", "overflow_after", "lines",
              "busyness", "group_rank", "wait_weights"}


def walk(data, path=()):
    """Every (path, value) of the data, parents before children."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from walk(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from walk(value, path + (i,))


def get(data, path):
    for part in path:
        data = data[part]
    return data


def is_dist(data, path) -> bool:
    node = get(data, path)
    return isinstance(node, dict) and "dist" in node


def kind_of(data, path: tuple) -> str | None:
    """What the scalar at *path* is (the unit or range it must keep), or None if free text."""
    if not path:
        return None
    key = path[-1]
    parent = path[:-1]
    top = path[0]
    if path in (("name",), ("description",)):
        return None
    if path == ("seed",):
        return "seed"
    if path == ("replications",):
        return "replications"
    if path == ("routing",):
        return "routing"
    if path in (("statistics", "per_agent"), ("statistics", "occupancy_after_closing")):
        return "bool"
    if top == "lines" and len(path) == 2:
        return "lines"
    if top == "busyness" and len(path) == 2:
        return "forecast_error"
    if top == "horizon" and len(path) == 3:
        return {"opening_hours": "hours", "holidays": "holiday"}.get(path[1])
    if top == "horizon":
        return {"first_day": "first_day", "start": "clock", "end": "clock", "interval": "positive_duration",
                "warmup": "duration", "days": "days"}.get(key)
    if parent and is_dist(data, parent):
        return {"dist": "dist", "mean": "positive_duration", "value": "duration", "cv": "cv", "k": "k",
                "shape": "shape", "low": "duration", "mode": "duration", "high": "duration"}.get(key)
    if len(path) >= 2 and path[-2] == "values" and is_dist(data, path[:-2]):
        return "duration"
    if top == "contact_types" and len(path) >= 3:
        field = path[2]
        if len(path) == 3:
            return {"channel": "channel", "concurrency": "concurrency", "priority_boost": "duration",
                    "direction": "direction",
                    "overflow_after": "duration", "wait_predictor": "wait_predictor",
                    "agent_selection": "agent_selection", "at_closing": "at_closing", "line_hold": "duration",
                    "lines": "pool_name" if isinstance(get(data, path), str) else "lines"}.get(field)
        if field == "dialer":
            if len(path) == 4:
                return {"policy": "policy", "preset": "preset", "kappa": "kappa", "extra": "extra",
                        "min_free": "agents", "keep_free": "agents", "start": "clock", "end": "clock",
                        "campaign_size": "agents", "reach": "probability", "grace": "duration"}.get(key)
            if len(path) == 5 and path[3] == "reach":
                return "probability"
            if len(path) == 5 and path[3] == "watch":
                return "group_name"
            if path[3] in ("wrong_party", "answering_machine") and len(path) >= 5:
                if path[4] == "probability":
                    return "probability"
                return "duration" if path[4] == "wait" else None
            if path[3] == "pacing" and len(path) == 5:
                return {"abandon_limit": "probability", "grace": "duration"}.get(key)
            if path[3] == "agents_move":
                if len(path) == 6:
                    return "group_name"
                return {"window": "positive_duration", "every": "positive_duration",
                        "to_outbound_above": "probability", "to_inbound_below": "probability",
                        "keep_idle_inbound": "agents", "max_idle_outbound": "agents"}.get(key)
            return None
        if field == "concurrency_slowdown":
            return "slowdown"
        if field == "group_rank":
            return "rank" if len(path) == 4 else None
        if field == "voicemail":
            return {"after": "positive_duration", "window": "duration", "callback": "bool"}.get(key)
        if field == "arrivals":
            if key in ("per_interval", "profile") or (len(path) == 5 and path[3] in ("per_interval", "profile")):
                return "nonnegative"
            return {"rate": "rate", "volume": "nonnegative", "forecast_error": "forecast_error",
                    "overnight": "nonnegative", "busyness": "busyness_name"}.get(key)
        if field == "retrial" and len(path) == 5 and path[3] == "keep":
            return "retrial_kept"
        if field == "service_level":
            return {"target": "probability", "threshold": "duration", "short_abandon": "duration",
                    "opening_hours_only": "bool"}.get(key)
        if key in ("probability", "self_service", "first_contact", "accept_probability", "reach_probability"):
            return "probability"
        if key in ("when_expected_wait_over", "offer_when_expected_wait_over", "dial_time", "window"):
            return "duration"
        if key in ("max_attempts", "max_contacts"):
            return "attempts"
        if key == "mode":
            return "callback_mode"
        if key == "as":
            return "type_name"
        if field == "conversion" and key == "per_minute_waited":
            return "per_minute"
        if field == "rating":
            return {"scale": "scale", "noise": "noise"}.get(key, "number")
        return None
    if top == "agent_groups" and len(path) >= 3:
        field = path[2]
        if field == "skills":
            return "skill_level" if isinstance(get(data, path[:3]), dict) else "type_name"
        if field == "staffing":
            return "headcount"
        if field == "shifts":
            if key in ("start", "end") or (len(path) >= 2 and path[-2] == "window"):
                return "clock"
            return {"headcount": "headcount", "length": "positive_duration"}.get(key)
        return {"resolution_factor": "factor", "absenteeism": "probability", "aux": "aux",
                "voice_with_chat": "bool", "contact_selection": "contact_selection"}.get(field) if len(path) == 3 else {
            "handle_time_factor": "factor", "reserve": "reserve", "overflow_after": "duration",
            "wait_weights": "weight"}.get(field)
    return None


NAN, INF = float("nan"), float("inf")
BAD_CLOCKS = ["25:00", "8am", "12:60", "24:01", "noon", "08:00:61", -5, 1441, 7.5]
BAD_DURATIONS = ["5 minz", "1.5x", "min", "5min30s", "--5s", "five minutes", "5/min", -1, "-2min", INF, NAN]
BAD_VALUES = {
    "clock": BAD_CLOCKS,
    "duration": BAD_DURATIONS,
    "positive_duration": BAD_DURATIONS + [0, "0s", "0min"],
    "rate": ["30 per hour", "30/hrz", "30/week", "30/0h", "/h", "-5/h", "fast", NAN, -0.1],
    "probability": [-0.1, 1.5, "half", "150%", "80 percent", NAN],
    "nonnegative": [-1, -0.5, "many", NAN, INF],
    "forecast_error": [-0.1, 5.5, NAN],
    "seed": [-1, 2**63, "abc"],
    "replications": [0, -3, 100_001, "ten"],
    "days": [0, 367, 1.5, "two"],
    "first_day": ["caturday", "2026-02-30", 5, ""],
    "hours": ["shut", "17:00-09:00", "00:00-23:59", "9 to 5", "25:00-26:00", 3],
    "holiday": [0, -1, 367, "xmas", 1.5, "2020-01-01"],
    "routing": ["round_robin", "", "Priority"],
    "channel": ["phone", "sms", ""],
    "wait_predictor": ["magic", ""],
    "callback_mode": ["later", ""],
    "retrial_kept": ["handle", "wait", ""],
    "agent_selection": ["round_robin", "Random", ""],
    "dist": ["poisson", "normal", ""],
    "bool": [[1], "maybe"],
    "concurrency": [0, 11, 2.5, "two"],
    "slowdown": [0.5, 21, "slow", NAN],
    "lines": [0, -1, 2.5],
    "pool_name": ["zz_nope"],
    "busyness_name": ["zz_nope"],
    "rank": [0, -1, 1.5, 1001, "first"],
    "contact_selection": ["shortest_queue", "Longest_queue", ""],
    "weight": [0, -1, "heavy", NAN, INF],
    "direction": ["both", "Outbound", ""],
    "policy": ["power", "Predictive", ""],
    "preset": ["dial3xfree", "DIALONE", ""],
    "kappa": [-0.5, 20.5, "double", NAN],
    "extra": [1001, -1001, 1.5, "some"],
    "agents": [-1, 1.5, "five"],
    "group_name": ["zz_nope"],
    "at_closing": ["hang_up", "Disconnect", ""],
    "attempts": [0, 101, -1],
    "per_minute": [-1.5, 2, NAN],
    "scale": [1, 101, 0],
    "noise": [-1, -0.01, INF, NAN],
    "number": ["high", [1], NAN, INF, -INF],
    "cv": [0, -1, 21, NAN],
    "k": [0, 10_001, 1.5],
    "shape": [0.05, 0, 101],
    "headcount": [-1, -5, 2.5, 100_001, "five"],
    "skill_level": [0, -1, 1.5, "first"],
    "type_name": ["zz_nope"],
    "factor": [0, -1, 10.5, NAN],
    "reserve": [-1, 1.5, 100_001],
    "aux": [0.6, -0.1, "60%", NAN],
}


@dataclass
class Mutation:
    """What was broken, and the field path the error must name (it, or a field under it)."""

    what: str
    anchor: tuple

    @property
    def anchor_text(self) -> str:
        from ccsim.scenario.errors import format_path

        return format_path(self.anchor)


def reported_at(kind: str, path: tuple) -> tuple:
    """The path at which the loader reports a bad scalar at *path*: the field itself, except
    for values checked as a whole (a staffing list, a mapping of skill levels)."""
    if kind in ("headcount", "skill_level") and path[2] in ("staffing", "skills"):
        return path[:3]
    return path


def scalar_leaves(data):
    return [(p, v) for p, v in walk(data) if not isinstance(v, dict | list) and p]


def model_nodes(data):
    """Mappings that are models (they have fields, not names, as keys)."""
    out = []
    for path, value in walk(data):
        if isinstance(value, dict) and (not path or path[-1] not in NAME_KEYED):
            out.append(path)
    return out


@st.composite
def bad_value(draw, data) -> Mutation:
    """A scalar replaced by one out of its range or not of its unit (clock, duration, rate, ...)."""
    leaves = [(p, kind_of(data, p)) for p, _ in scalar_leaves(data)]
    leaves = [(p, k) for p, k in leaves if k is not None]
    path, kind = draw(st.sampled_from(leaves))
    parent = get(data, path[:-1])
    parent[path[-1]] = draw(st.sampled_from(BAD_VALUES[kind]))
    return Mutation(f"{kind} {path} = {parent[path[-1]]!r}", reported_at(kind, path))


@st.composite
def wrong_type(draw, data) -> Mutation:
    """Any field's value replaced by a mapping, which no scalar field accepts."""
    leaves = [p for p, _ in scalar_leaves(data) if p not in (("name",), ("description",))]
    path = draw(st.sampled_from(leaves))
    get(data, path[:-1])[path[-1]] = {"zz_value": [1]}
    kind = kind_of(data, path) or ""
    return Mutation(f"mapping at {path}", reported_at(kind, path))


@st.composite
def unknown_field(draw, data) -> Mutation:
    """A field no model has (or a skill no contact type is)."""
    candidates = model_nodes(data) + [
        p for p, v in walk(data) if isinstance(v, dict) and len(p) == 3 and p[0] == "agent_groups"
        and p[2] in ("skills", "handle_time_factor", "reserve", "overflow_after", "wait_weights")] + [
        p for p, v in walk(data) if isinstance(v, dict) and len(p) == 3 and p[0] == "contact_types"
        and p[2] == "group_rank"]
    path = draw(st.sampled_from(candidates))
    key = "zz_" + pick(draw, ("x", "colour", "mean2", "skills", "start"))
    node = get(data, path)
    node[key] = {"skills": 1, "handle_time_factor": 1.0, "reserve": 1, "overflow_after": 10, "wait_weights": 1.0,
                 "group_rank": 1}.get(
        path[-1] if path else None, 1)
    return Mutation(f"unknown field {key} in {path}", path + (key,))


REQUIRED = {
    "exponential": ("mean",), "constant": ("value",), "lognormal": ("mean", "cv"), "gamma": ("mean", "cv"),
    "erlang": ("mean", "k"), "weibull": ("mean", "shape"), "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"), "empirical": ("values",),
}


@st.composite
def missing_field(draw, data) -> Mutation:
    """A required field left out."""
    options = [((), k) for k in ("name", "horizon", "contact_types", "agent_groups")]
    options += [(("horizon",), "start"), (("horizon",), "end")]
    for path, value in walk(data):
        if not isinstance(value, dict):
            continue
        if "dist" in value:
            options += [(path, k) for k in REQUIRED.get(value["dist"], ()) + ("dist",)]
        elif len(path) == 2 and path[0] == "contact_types":
            options += [(path, k) for k in ("arrivals", "handle_time") if k in get(data, path)]
        elif len(path) == 2 and path[0] == "agent_groups":
            options.append((path, "skills"))
        elif len(path) == 4 and path[2] == "shifts":
            options += [(path, k) for k in ("start", "end", "headcount")]
        elif len(path) == 6 and path[4] == "breaks":
            options.append((path, "length"))
        elif len(path) == 3 and path[0] == "contact_types":
            options += [(path, k) for k in {"ivr": ("time",), "balking": ("when_expected_wait_over", "probability"),
                                            "retrial": ("probability", "delay"), "resolution": ("first_contact",),
                                            "callback": ("offer_when_expected_wait_over", "accept_probability"),
                                            "conversion": ("probability",)}.get(path[2], ())]
        elif len(path) == 4 and path[3] == "repeat":
            options += [(path, "probability"), (path, "delay")]
    path, key = draw(st.sampled_from(options))
    del get(data, path)[key]
    # A distribution without its tag is reported at the distribution; anything else at the field.
    return Mutation(f"missing {key} in {path}", path if key == "dist" else path + (key,))


@st.composite
def bad_name(draw, data) -> Mutation:
    """A contact type or agent group renamed to something that is not a name."""
    part = draw(st.sampled_from(("contact_types", "agent_groups")))
    old = draw(st.sampled_from(sorted(data[part])))
    new = draw(st.sampled_from(("1abc", "a b", "x.y", "", "-lead", "é", "sales!")))
    data[part] = {(new if k == old else k): v for k, v in data[part].items()}
    return Mutation(f"{part} name {new!r}", (part, new))


def _cross_field(data) -> list:
    """Mutations that break a rule between fields: (what, anchor, apply)."""
    out = []
    types, groups = data["contact_types"], data["agent_groups"]
    horizon = data["horizon"]
    for g, spec in groups.items():
        skills = spec["skills"]
        base = ("agent_groups", g)
        if isinstance(skills, list):
            out.append(("unknown skill", base + ("skills", 0), lambda s=skills: s.__setitem__(0, "zz_nope")))
            out.append(("repeated skill", base, lambda s=skills: s.append(s[0])))
        else:
            out.append(("unknown skill level key", base + ("skills", "zz_nope"),
                        lambda s=skills: s.__setitem__("zz_nope", 1)))
        out.append(("no skills", base + ("skills",), lambda sp=spec: sp.__setitem__("skills", [])))
        others = [t for t in types if t not in skills]
        for field, value in (("handle_time_factor", 1.5), ("reserve", 1)):
            name = others[0] if others else "zz_nope"
            out.append((f"{field} for a skill not held", base + (field, name),
                        lambda sp=spec, f=field, n=name, v=value: sp.setdefault(f, {}).__setitem__(n, v)))
        if "staffing" in spec:
            out.append(("staffing and shifts", base,
                        lambda sp=spec: sp.__setitem__("shifts", [{"start": horizon["start"],
                                                                   "end": horizon["end"], "headcount": 1}])))
            out.append(("neither staffing nor shifts", base, lambda sp=spec: sp.pop("staffing")))
            if isinstance(spec["staffing"], list):
                out.append(("staffing of the wrong length", base + ("staffing",),
                            lambda sp=spec: sp["staffing"].append(1)))
        else:
            for i, shift in enumerate(spec["shifts"]):
                sp_path = base + ("shifts", i)
                out.append(("shift ending before it starts", sp_path,
                            lambda sh=shift: sh.update(start=sh["end"], end=sh["start"])))
                out.append(("break outside its shift", sp_path,
                            lambda sh=shift: sh.setdefault("breaks", []).append(
                                {"start": sh["end"], "length": "10min"})))
                for j, brk in enumerate(shift.get("breaks", [])):
                    if "start" in brk:
                        out.append(("break with start and window", sp_path + ("breaks", j),
                                    lambda b=brk: b.__setitem__("window", [b["start"], b["start"]])))
                    elif brk["window"][0] != brk["window"][1]:
                        out.append(("break window reversed", sp_path + ("breaks", j),
                                    lambda b=brk: b.__setitem__("window", b["window"][::-1])))
    for t, spec in types.items():
        base = ("contact_types", t)
        channel = spec.get("channel", "voice")
        if spec.get("direction") == "outbound":  # dialled: no arrivals, a dialer
            dialer = spec["dialer"]
            out.append(("arrivals on an outbound type", base,
                        lambda sp=spec: sp.__setitem__("arrivals", {"rate": "10/h"})))
            out.append(("outbound without a dialer", base, lambda sp=spec: sp.pop("dialer")))
            out.append(("outbound chat", base, lambda sp=spec: sp.__setitem__("channel", "chat")))
            out.append(("dialer's end before its start", base + ("dialer",),
                        lambda d=dialer: d.update({"start": "10:00", "end": "09:00"})))
            out.append(("preset beside kappa", base + ("dialer",),
                        lambda d=dialer: d.update({"policy": "predictive", "preset": "dial2xfree", "kappa": 2})))
            out.append(("preview time off preview", base + ("dialer",),
                        lambda d=dialer: d.update({"policy": "progressive",
                                                   "preview_time": {"dist": "constant", "value": 5}})))
            out.append(("watching an unknown group", base + ("dialer", "watch", 0),
                        lambda d=dialer: d.__setitem__("watch", ["zz_nope"])))
            continue
        if spec.get("direction", "inbound") == "inbound":
            out.append(("dialer on an inbound type", base,
                        lambda sp=spec: sp.__setitem__("dialer", {"policy": "progressive"})))
        arr = spec["arrivals"]
        out.append(("two arrival forms", base + ("arrivals",),
                    lambda a=arr: a.update({"rate": "10/h"} if "rate" not in a else {"volume": 10})))
        if "per_interval" in arr:
            out.append(("per_interval of the wrong length", base + ("arrivals", "per_interval"),
                        lambda a=arr: a["per_interval"].append(1)))
        if "profile" in arr:
            out.append(("profile all zeros", base + ("arrivals",),
                        lambda a=arr: a.__setitem__("profile", [0] * len(a["profile"]))))
            out.append(("volume without profile", base + ("arrivals",), lambda a=arr: a.pop("profile")))
        if channel != "chat":
            out.append(("concurrency off chat", base, lambda sp=spec: sp.__setitem__("concurrency", 2)))
        else:
            n = spec.get("concurrency", 1)
            out.append(("slowdown longer than concurrency", base,
                        lambda sp=spec, n=n: sp.__setitem__("concurrency_slowdown", [1.0] * (n + 1))))
        if channel == "email":
            out.append(("email with patience", base,
                        lambda sp=spec: sp.__setitem__("patience", {"dist": "exponential", "mean": 60})))
            out.append(("email with lines", base, lambda sp=spec: sp.__setitem__("lines", 3)))
            out.append(("email disconnected at closing", base,
                        lambda sp=spec: sp.__setitem__("at_closing", "disconnect")))
        else:
            out.append(("overnight off email", base, lambda a=arr: a.__setitem__("overnight", 5)))
            out.append(("opening hours off email", base,
                        lambda sp=spec: sp.setdefault("service_level", {}).__setitem__("opening_hours_only", True)))
        out.append(("repeat as an unknown type", base + ("resolution", "repeat", "as"),
                    lambda sp=spec: sp.__setitem__("resolution", {"first_contact": 0.5, "repeat": {
                        "probability": 0.5, "delay": 600, "as": "zz_nope"}})))
        if data.get("routing", "priority") != "overflow":
            out.append(("overflow_after without overflow routing", base + ("overflow_after",),
                        lambda sp=spec: sp.__setitem__("overflow_after", 30)))
        for path, value in walk(spec, base):
            if isinstance(value, dict) and value.get("dist") == "uniform":
                out.append(("uniform high below low", path,
                            lambda d=value: d.update(low=100, high=50)))
            if isinstance(value, dict) and value.get("dist") == "triangular":
                out.append(("triangular mode above high", path,
                            lambda d=value: d.update(low=10, mode=90, high=50)))
            if isinstance(value, dict) and value.get("dist") == "empirical":
                out.append(("no observed values", path + ("values",), lambda d=value: d.__setitem__("values", [])))
    if data.get("routing") == "overflow":
        holders = [("contact_types", t) for t, s in types.items() if "overflow_after" in s]
        holders += [("agent_groups", g) for g, s in groups.items() if "overflow_after" in s]
        for path in holders:
            out.append(("overflow_after under priority routing", path + ("overflow_after",),
                        lambda: data.__setitem__("routing", "priority")))
    out.append(("a type no group serves", ("contact_types", "zz_alone"),
                lambda: types.__setitem__("zz_alone", copy.deepcopy(next(iter(types.values()))))))
    out.append(("no contact types", ("contact_types",), lambda: data.__setitem__("contact_types", {})))
    out.append(("no agent groups", ("agent_groups",), lambda: data.__setitem__("agent_groups", {})))
    out.append(("horizon ending at its start", ("horizon",),
                lambda: horizon.__setitem__("end", horizon["start"])))
    out.append(("interval not dividing the horizon", ("horizon",), lambda: horizon.__setitem__("interval", "7min")))
    out.append(("warmup as long as the horizon", ("horizon",), lambda: horizon.__setitem__("warmup", "1d")))
    return out


@st.composite
def cross_field(draw, data) -> Mutation:
    what, anchor, apply = draw(st.sampled_from(_cross_field(data)))
    apply()
    return Mutation(what, anchor)


MUTATIONS = (bad_value, wrong_type, unknown_field, missing_field, bad_name, cross_field)


@st.composite
def invalid_scenarios(draw):
    """(data, mutation): a valid scenario broken in one place."""
    data = copy.deepcopy(draw(scenarios()))
    mutation = draw(draw(st.sampled_from(MUTATIONS))(data))
    return data, mutation


# --------------------------------------------------------------------------- --set overrides


@st.composite
def bad_overrides(draw, data) -> tuple[str, tuple]:
    """An invalid ``--set PATH=VALUE`` for a valid scenario: a bad value at a real path, or a
    malformed option. Returns the option text and the path its error must name."""
    from ccsim.scenario.errors import format_path
    from ccsim.scenario.override_text import format_override

    leaves = [(p, kind_of(data, p)) for p, _ in scalar_leaves(data)]
    leaves = [(p, k) for p, k in leaves if k is not None]
    if some(draw, 0.75):
        path, kind = draw(st.sampled_from(leaves))
        value = draw(st.sampled_from(BAD_VALUES[kind]))
        return format_override(format_path(path), value), reported_at(kind, path)
    path, _ = draw(st.sampled_from(leaves))
    text = format_path(path)
    form = draw(st.sampled_from(("no_equals", "past_end", "inside_value", "malformed_path", "bad_yaml")))
    if form == "no_equals":
        return text, ()
    if form == "past_end":
        lists = [p for p, v in walk(data) if isinstance(v, list) and p]
        if lists:
            target = draw(st.sampled_from(lists))
            return f"{format_path(target)}[{len(get(data, target)) + 3}]=1", ()
        return f"{text}=[", ()
    if form == "inside_value":
        return f"{text}.deeper=1", ()
    if form == "malformed_path":
        return f"{text}..x=1", ()
    return f"{text}=[1, 2", ()
