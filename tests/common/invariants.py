"""Random valid scenarios and the checks every run's per-contact records obey.

The strategies build small but varied valid scenarios: 1-3 contact types, 1-3
agent groups with random skill subsets (in random priority order) that together
cover every type, per-interval staffing with zeros and drops, optional patience,
after-call work and lines (a type's own or a pool shared by several), callers
disconnected at closing or served, every duration distribution, 2-4 h horizons with
15/30/60 min intervals and low volumes so that an example takes milliseconds.

Every check rebuilds its quantity from the per-contact records independently of
``ccsim.metrics`` (step functions of agents present, busy spans, queue spans).
Used by the engine's invariants and by its routing invariants.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st

from ccsim.engine import ABANDONED, ANSWERED, BLOCKED, WAITING
from ccsim.engine.records import DISCONNECTED, MESSAGE
from ccsim.plan import DAY_S

OUTCOMES = (WAITING, ANSWERED, ABANDONED, BLOCKED, DISCONNECTED)
REL = 1e-9  # float round-off allowance for sums of times


# --------------------------------------------------------------------------- strategies


@st.composite
def durations(draw, low: float, high: float) -> dict:
    """Any of the scenario's duration distributions with a mean in [low, high] s."""
    mean = draw(st.floats(low, high))
    spread = draw(st.floats(0.0, 0.9))
    kind = draw(st.sampled_from(("exponential", "constant", "lognormal", "gamma", "erlang",
                                 "weibull", "uniform", "triangular", "empirical")))
    if kind == "exponential":
        return {"dist": kind, "mean": mean}
    if kind == "constant":
        return {"dist": kind, "value": mean}
    if kind in ("lognormal", "gamma"):
        return {"dist": kind, "mean": mean, "cv": draw(st.floats(0.1, 2.5))}
    if kind == "erlang":
        return {"dist": kind, "mean": mean, "k": draw(st.integers(1, 5))}
    if kind == "weibull":
        return {"dist": kind, "mean": mean, "shape": draw(st.floats(0.5, 4.0))}
    if kind == "uniform":
        return {"dist": kind, "low": mean * (1 - spread), "high": mean * (1 + spread)}
    if kind == "triangular":
        return {"dist": kind, "low": mean * (1 - spread), "mode": mean,
                "high": mean * (1 + spread) + 1.0}
    # Observed durations are often whole seconds, so values repeat across distributions.
    value = st.one_of(st.floats(0.0, 2 * high), st.integers(0, int(2 * high)).map(float))
    return {"dist": kind, "values": draw(st.lists(value, min_size=1, max_size=5))}


def headcounts(n_intervals: int, high: int = 5):
    """A constant headcount, or one per interval (zeros, rises and drops included)."""
    return st.one_of(st.integers(0, high),
                     st.lists(st.integers(0, high), min_size=n_intervals, max_size=n_intervals))


def profile_with_weight(weights: list[int], i: int) -> list[int]:
    """The weights with interval i given weight 1 if all are zero (a profile needs one)."""
    return weights if any(weights) else weights[:i] + [1] + weights[i + 1:]


@st.composite
def contact_types(draw, n_intervals: int) -> dict:
    arrivals = draw(st.one_of(
        st.integers(0, 80).map(lambda r: {"rate": f"{r}/h"}),
        st.lists(st.integers(0, 20), min_size=n_intervals, max_size=n_intervals)
        .map(lambda v: {"per_interval": v}),
        st.tuples(st.integers(0, 100), st.integers(0, n_intervals - 1),
                  st.lists(st.integers(0, 4), min_size=n_intervals, max_size=n_intervals))
        .map(lambda v: {"volume": v[0], "profile": profile_with_weight(v[2], v[1])}),
    ))
    if draw(st.booleans()):
        arrivals["forecast_error"] = draw(st.sampled_from([0.1, 0.5]))
    ct = {
        "arrivals": arrivals,
        "handle_time": draw(durations(20.0, 600.0)),
        "service_level": {"threshold": draw(st.sampled_from([0, 20, 60])),
                          "short_abandon": draw(st.sampled_from([0, 0, 5]))},
    }
    if draw(st.booleans()):
        ct["after_call_work"] = draw(st.one_of(durations(1.0, 120.0),
                                               st.just({"dist": "constant", "value": 0})))
    if draw(st.booleans()):
        ct["patience"] = draw(st.one_of(durations(1.0, 600.0),
                                        st.just({"dist": "constant", "value": 0}),
                                        st.lists(durations(1.0, 600.0), min_size=n_intervals,
                                                 max_size=n_intervals)))  # one per interval
    if draw(st.integers(0, 3)) == 0:
        ct["lines"] = draw(st.integers(1, 8))
    if draw(st.integers(0, 3)) == 0:
        ct["at_closing"] = "disconnect"
    return ct


@st.composite
def scenario_dicts(draw, max_types: int = 3, max_groups: int = 3) -> dict:
    interval_min = draw(st.sampled_from([15, 30, 60]))
    hours = draw(st.integers(2, 4))
    n_intervals = hours * 60 // interval_min
    warmup_s = draw(st.sampled_from([0, 0, 600, interval_min * 60]))
    names = [f"t{k}" for k in range(draw(st.integers(1, max_types)))]
    types = {name: draw(contact_types(n_intervals)) for name in names}
    n_groups = draw(st.integers(1, max_groups))
    skills = []  # a random subset of the types per group, in random priority order
    for _ in range(n_groups):
        order = draw(st.permutations(names))
        skills.append(order[:draw(st.integers(1, len(names)))])
    for name in names:  # every type must be served by some group
        if not any(name in s for s in skills):
            skills[draw(st.integers(0, n_groups - 1))].append(name)
    groups = {f"g{g}": {"skills": skills[g], "staffing": draw(headcounts(n_intervals))}
              for g in range(n_groups)}
    data = {
        "name": "prop",
        "horizon": {"start": "08:00", "end": f"{8 + hours:02d}:00",
                    "interval": f"{interval_min}min", "warmup": warmup_s},
        "seed": draw(st.integers(0, 2**32)),
        "contact_types": types,
        "agent_groups": groups,
    }
    if len(types) > 1 and draw(st.integers(0, 2)) == 0:  # a pool of lines shared by some types
        data["lines"] = {"trunks": draw(st.integers(1, 8))}
        for ct in types.values():
            if draw(st.booleans()):
                ct["lines"] = "trunks"
    return data


# --------------------------------------------------------------------------- record helpers


def busy_end(rec, mask):
    """When the agent who took each contact is free again (the engine's own sum)."""
    return rec.answer[mask] + (rec.handle[mask] + rec.acw[mask])


def queue_leave(rec):
    """When each contact left the queue: answer, abandonment or disconnection at closing,
    arrival if blocked, inf if waiting."""
    leave = np.full(len(rec), np.inf)
    answered = rec.outcome == ANSWERED
    leave[answered] = rec.answer[answered]
    abandoned = np.isin(rec.outcome, (ABANDONED, MESSAGE))  # a message: left at the voicemail limit
    leave[abandoned] = rec.arrival[abandoned] + rec.patience[abandoned]
    gone = rec.outcome == DISCONNECTED
    leave[gone] = rec.arrival[gone] + rec.wait[gone]
    blocked = rec.outcome == BLOCKED
    leave[blocked] = rec.arrival[blocked]
    return leave


def level_at(times, levels, points):
    """Right-continuous step function (last entry wins at equal times) at points."""
    idx = np.searchsorted(times, points, side="right") - 1
    return np.where(idx >= 0, levels[np.maximum(idx, 0)], 0)


def spans_covering(starts, ends, points):
    """Number of spans [start, end) that contain each point."""
    return (np.searchsorted(np.sort(starts), points, side="right")
            - np.searchsorted(np.sort(ends), points, side="right"))


def overlap(starts, ends, lo, hi):
    """Total length of the spans [start, end) inside [lo, hi)."""
    return float(np.clip(np.minimum(ends, hi) - np.maximum(starts, lo), 0.0, None).sum())


def scheduled_at(plan, g, points):
    """Headcount the plan asks for at each point (the last interval's after the horizon)."""
    staffing = np.asarray(plan.agent_groups[g].staffing)
    i = np.minimum((points // plan.interval_s).astype(int), plan.n_intervals - 1)
    return staffing[i]


# --------------------------------------------------------------------------- record checks


def check_outcomes(plan, rec):
    """Exactly one outcome per contact, and each outcome's fields agree with it."""
    n = len(rec)
    for name in ("ctype", "outcome", "answer", "group", "handle", "acw", "patience"):
        assert getattr(rec, name).shape == (n,), name
    assert np.all(np.diff(rec.arrival) >= 0), "records are not sorted by arrival"
    assert np.all((rec.arrival >= 0) & (rec.arrival < plan.horizon_s)), "arrival outside horizon"
    assert np.isin(rec.outcome, OUTCOMES + (MESSAGE,)).all()
    answered = rec.outcome == ANSWERED
    assert np.array_equal(answered, np.isfinite(rec.answer))
    assert np.array_equal(answered, rec.group >= 0)
    assert np.all(np.isfinite(rec.patience[rec.outcome == ABANDONED]))
    # A message is left at the type's voicemail limit (its patience capped there), an abandon before.
    limit = np.array([getattr(ct, "voicemail_s", np.inf) for ct in plan.contact_types])[rec.ctype]
    msg = rec.outcome == MESSAGE
    assert np.allclose(rec.patience[msg], limit[msg]), "a message before the voicemail limit"
    assert np.all(rec.patience[rec.outcome == ABANDONED] <= limit[rec.outcome == ABANDONED] * (1 + 1e-12))
    assert np.all(np.isinf(rec.patience[rec.outcome == WAITING]))
    lines = np.array([ct.lines for ct in plan.contact_types])
    assert np.all(lines[rec.ctype[rec.outcome == BLOCKED]] > 0), "blocked without lines"


def check_waits(plan, rec):
    """Waits are >= 0; answers come after arrival and before patience runs out."""
    wait = rec.wait
    assert np.all(wait >= 0)
    answered = rec.outcome == ANSWERED
    answer_wait = rec.answer[answered] - rec.arrival[answered]
    assert np.all(rec.answer[answered] >= rec.arrival[answered])
    assert np.array_equal(wait[answered], answer_wait)
    # A queued contact is answered only while its deadline is still ahead.
    late = answer_wait > rec.patience[answered]
    assert not late.any(), f"answered after patience ran out: wait {answer_wait[late]}"
    abandoned = rec.outcome == ABANDONED
    assert np.array_equal(wait[abandoned], rec.patience[abandoned])
    # Disconnected callers left at a day's closing, having waited less than their patience.
    gone = rec.outcome == DISCONNECTED
    closings = (rec.arrival[gone] // DAY_S) * DAY_S + plan.horizon_s
    assert np.allclose(rec.arrival[gone] + wait[gone], closings, rtol=0, atol=1e-6), "disconnected off the closing"
    assert np.all(wait[rec.outcome == BLOCKED] == 0)
    assert np.all(np.isinf(wait[rec.outcome == WAITING]))


def check_skills_and_staffing(plan, rec):
    """Contacts go to skilled groups; busy <= present; present follows the schedule."""
    answered = rec.outcome == ANSWERED
    for g, gp in enumerate(plan.agent_groups):
        mine = answered & (rec.group == g)
        served_types = set(np.unique(rec.ctype[mine]).tolist())
        assert served_types <= set(gp.skill_indices), (
            f"group {gp.name} (skills {gp.skill_indices}) answered types {served_types}")
        times, present = rec.present_log[g]
        assert times.shape == present.shape and times.size >= 1
        assert times[0] == 0.0 and np.all(np.diff(times) >= 0)
        assert np.all(present >= 0)
        starts, ends = rec.answer[mine], busy_end(rec, mine)
        points = np.unique(np.concatenate((times, starts, ends, plan.interval_starts())))
        busy = spans_covering(starts, ends, points)
        here = level_at(times, present, points)
        scheduled = scheduled_at(plan, g, points)
        assert np.all(busy <= here), (
            f"group {gp.name}: busy {busy[busy > here]} > present {here[busy > here]} "
            f"at t = {points[busy > here]}")
        # Staffing drops let busy agents finish: present = scheduled + agents still leaving.
        assert np.all(here >= scheduled), f"group {gp.name}: fewer present than scheduled"
        assert np.all(here - scheduled <= busy), (
            f"group {gp.name}: idle agents kept beyond the schedule")


def check_work_conservation(plan, rec):
    """No contact waits while a group with its skill has an idle agent."""
    leave = queue_leave(rec)
    waited = (leave > rec.arrival) & (rec.outcome != BLOCKED)
    answered = rec.outcome == ANSWERED
    for g, gp in enumerate(plan.agent_groups):
        mine = answered & (rec.group == g)
        times, present = rec.present_log[g]
        starts, ends = rec.answer[mine], busy_end(rec, mine)
        points = np.unique(np.concatenate((times, starts, ends)))
        idle = level_at(times, present, points) - spans_covering(starts, ends, points)
        seg_start = points[idle > 0]
        seg_end = np.append(points[1:], np.inf)[idle > 0]
        skilled = waited & np.isin(rec.ctype, gp.skill_indices)
        a, e = rec.arrival[skilled], leave[skilled]
        j = np.searchsorted(seg_end, a, side="right")  # first idle stretch ending after arrival
        has = j < seg_start.size
        clash = has.copy()
        clash[has] = seg_start[j[has]] < e[has]
        assert not clash.any(), (
            f"group {gp.name} had an idle agent while contacts waited: arrivals {a[clash][:5]}, "
            f"left queue {e[clash][:5]}")


def check_fcfs(plan, rec):
    """A type served by a single one-skill group is answered in arrival order."""
    for ct in plan.contact_types:
        if len(ct.group_indices) != 1:
            continue
        if len(plan.agent_groups[ct.group_indices[0]].skill_indices) != 1:
            continue
        mine = (rec.ctype == ct.index) & (rec.outcome == ANSWERED)
        answers = rec.answer[mine]  # records are in arrival order
        assert np.all(np.diff(answers) >= 0), f"{ct.name}: answered out of arrival order"


def check_lines(plan, rec):
    """A contact is blocked exactly when all lines of its type's pool (its own, or one shared
    with other types) are held at its arrival."""
    release = queue_leave(rec)
    answered = rec.outcome == ANSWERED
    release[answered] = rec.answer[answered] + rec.handle[answered]  # a line is held through talk
    hold = np.array([getattr(t, "line_hold", 0.0) for t in plan.contact_types])
    release = release + hold[rec.ctype]  # and line_hold after the caller leaves
    for ct in plan.contact_types:
        if not ct.lines:
            continue
        sharing = [t.index for t in plan.contact_types if t.line_pool == ct.line_pool]
        mine = np.flatnonzero(np.isin(rec.ctype, sharing))
        held = rec.outcome[mine] != BLOCKED
        a, r = rec.arrival[mine][held], release[mine][held]
        for i in mine:
            in_use = np.count_nonzero((a < rec.arrival[i]) & (r > rec.arrival[i]))
            assert in_use <= ct.lines
            assert (rec.outcome[i] == BLOCKED) == (in_use >= ct.lines), (
                f"{ct.name}: contact at {rec.arrival[i]:g} s, {in_use} of {ct.lines} lines in "
                f"use, outcome {rec.outcome[i]}")


def check_littles_law(plan, rec):
    """Time-integral of the number waiting = sum of waits; the engine's end covers every leave."""
    leave = queue_leave(rec)
    wait = rec.wait
    left = np.isfinite(leave)
    answered = rec.outcome == ANSWERED
    talk_end = rec.answer[answered] + rec.handle[answered]
    last_left = max(leave[left].max(initial=0.0), talk_end.max(initial=0.0))
    # A chat's talk is recorded as (talk end - answer), so answer + handle may come out an ulp
    # past the talk end it was taken from: compare up to rounding.
    assert rec.end_s >= last_left - 1e-9 * max(1.0, last_left), (
        f"end_s {rec.end_s:g} s is before the last contact left ({last_left:g} s)")
    for ct in plan.contact_types:
        mine = (rec.ctype == ct.index) & left
        # Integrate the queue length step function built from enter/leave events.
        times = np.concatenate((rec.arrival[mine], leave[mine]))
        steps = np.concatenate((np.ones(mine.sum()), -np.ones(mine.sum())))
        order = np.argsort(times, kind="stable")
        times, level = times[order], np.cumsum(steps[order])
        area = float(np.sum(level[:-1] * np.diff(times))) if times.size else 0.0
        total = float(wait[mine].sum())
        assert area == pytest.approx(total, rel=REL, abs=1e-6), ct.name


def check_busyness(plan, rec):
    """Types sharing a busyness factor, with no forecast error of their own, get the same day
    multiplier (``forecast_factor``: per type, or per type and day)."""
    factor = np.asarray(rec.forecast_factor)
    by_factor: dict[int, list[int]] = {}
    for ct in plan.contact_types:
        if getattr(ct, "busyness", -1) >= 0 and ct.forecast_cv < 1e-6:
            by_factor.setdefault(ct.busyness, []).append(ct.index)
    for ks in by_factor.values():
        for k in ks[1:]:
            assert np.array_equal(factor[k], factor[ks[0]]), (plan.contact_types[k].name, factor)


def support(sampler) -> tuple[float, float, np.ndarray | None]:
    """(low, high, values or None) a sampler's draws lie in."""
    from ccsim.plan import sampling as s

    if isinstance(sampler, s.Constant):
        return sampler.mean, sampler.mean, None
    if isinstance(sampler, s.Uniform | s.Triangular):
        return sampler.low, sampler.high, None
    if isinstance(sampler, s.Empirical):
        return float(sampler.values.min()), float(sampler.values.max()), sampler.values
    if isinstance(sampler, s.Never):
        return np.inf, np.inf, None
    return 0.0, np.inf, None


def check_patience_draws(plan, rec):
    """Each first attempt's patience is a draw of its interval of arrival's distribution (one
    per interval, or the type's one), capped at the voicemail limit."""
    first = np.ones(len(rec), dtype=bool) if rec.journey is None else rec.journey["attempt"] == 1
    if rec.dial_result is not None:  # an answering machine's patience is the dialer's wait for it
        from ccsim.engine.dialer import MACHINE

        first &= rec.dial_result != MACHINE
    for ct in plan.contact_types:
        rows = np.flatnonzero(first & (rec.ctype == ct.index))
        if not rows.size:
            continue
        limit = getattr(ct, "voicemail_s", np.inf)
        period = ct.patience.period(rec.arrival[rows]) if ct.patience.periodic else np.zeros(rows.size, int)
        samplers = ct.patience.samplers if ct.patience.periodic else (ct.patience,)
        for p, sampler in enumerate(samplers):
            mine = rows[period == p]
            low, high, values = support(sampler)
            got = rec.patience[mine]
            assert np.all(got >= min(low, limit) - 1e-9) and np.all(got <= min(high, limit) + 1e-9), (
                ct.name, p, got.min() if got.size else None, low, high)
            if values is not None:
                capped = got[got < limit]
                assert np.isin(capped, values).all(), (ct.name, p)


def check_records(plan, rec):
    check_outcomes(plan, rec)
    check_waits(plan, rec)
    check_skills_and_staffing(plan, rec)
    check_work_conservation(plan, rec)
    check_fcfs(plan, rec)
    check_lines(plan, rec)
    check_littles_law(plan, rec)
    check_busyness(plan, rec)
    check_patience_draws(plan, rec)


# --------------------------------------------------------------------------- transfers


@st.composite
def transfer_rules(draw, names: list[str], groups: dict) -> list[dict]:
    """1-3 transfer rules to any of *names* (itself included: loops end at the leg limit),
    cold or warm, with every optional field now and then."""
    rules = []
    for _ in range(draw(st.integers(1, 3))):
        warm = draw(st.booleans())
        rule = {"to": draw(st.sampled_from(names)), "probability": draw(st.sampled_from([0.1, 0.3, 0.6, 1.0]))}
        if warm:
            rule["mode"] = "warm"
            if draw(st.booleans()):
                rule["conference"] = draw(durations(1.0, 120.0))
            if draw(st.booleans()):
                rule["wait_limit"] = draw(st.sampled_from([0, 30, 300]))
        if draw(st.booleans()):
            rule["delay"] = draw(durations(1.0, 30.0))
        rule["if_not_reached"] = draw(st.sampled_from(("back", "abandon", "voicemail") if warm
                                                      else ("abandon", "voicemail")))
        if groups and draw(st.integers(0, 3)) == 0:
            rule["groups"] = [draw(st.sampled_from(sorted(groups)))]
        rules.append(rule)
    return rules


@st.composite
def transfer_scenario_dicts(draw, max_types: int = 3, max_groups: int = 3) -> dict:
    """``scenario_dicts`` with transfer rules on some of its types (at least one)."""
    data = draw(scenario_dicts(max_types, max_groups))
    names = list(data["contact_types"])
    for i, name in enumerate(names):
        if i == 0 or draw(st.booleans()):
            serving = {g: spec for g, spec in data["agent_groups"].items() if name in spec["skills"]}
            data["contact_types"][name]["transfers"] = draw(transfer_rules(names, serving))
    return data


def check_transfers(plan, rec):
    """Every contact and leg ends once; legs chain into issues; the agents' times join up at
    each hand-over; and the other invariants hold with the legs' own ends (a message left or
    back with the first agent: the caller left that queue when its wait ran out)."""
    import copy

    from ccsim.engine.records import RETURNED, VOICEMAIL_LEFT

    tr = rec.transfers
    assert tr is not None
    n = len(rec)
    assert np.isin(rec.outcome, OUTCOMES + (VOICEMAIL_LEFT, RETURNED)).all()
    leg = tr["prev"] >= 0
    prev = tr["prev"][leg]
    assert np.all(rec.outcome[prev] == ANSWERED), "a leg from a contact nobody answered"
    assert np.array_equal(tr["issue"][leg], tr["issue"][prev])
    assert np.array_equal(tr["leg"][leg], tr["leg"][prev] + 1)
    assert np.all(tr["leg"] <= 20)
    on = leg & (rec.outcome != RETURNED)
    assert np.bincount(tr["prev"][on], minlength=n).max(initial=0) <= 1, "a caller carried on twice"
    # The first agent's talk runs to the hand-over: a leg arrives no earlier than its talk ended.
    talk_end = rec.answer[prev] + rec.handle[prev]
    assert np.all(rec.arrival[leg] >= rec.answer[prev] - 1e-9)
    assert np.all(talk_end >= rec.arrival[leg] - 1e-6)
    warm = np.array([plan.contact_types[int(rec.ctype[p])].transfers[int(r)].warm
                     for p, r in zip(prev.tolist(), tr["rule"][leg].tolist(), strict=True)], dtype=bool)
    cold = ~warm
    assert np.allclose(talk_end[cold], rec.arrival[leg][cold], rtol=0, atol=1e-6), "cold hand-over off"
    both = warm & (rec.outcome[leg] == ANSWERED)
    assert np.allclose(talk_end[both], rec.answer[leg][both] + tr["conference"][leg][both], rtol=0, atol=1e-6)
    # The legs' own ends: they left the queue when their wait ran out, as an abandon does.
    ended = copy.copy(rec)
    ended.outcome = np.where(np.isin(rec.outcome, (VOICEMAIL_LEFT, RETURNED)), ABANDONED, rec.outcome)
    wait = ended.wait
    assert np.all(wait >= 0)
    answered = rec.outcome == ANSWERED
    assert np.all(rec.answer[answered] - rec.entry[answered] <= rec.patience[answered] + 1e-9)
    check_skills_and_staffing(plan, ended)
    check_work_conservation(plan, ended)
    check_littles_law(plan, ended)


# --------------------------------------------------------------------------- outbound calls


def outbound_view(rec):
    """The records with every dialled call seen as a contact arriving at its greeting, so the
    invariants above apply to it too: calls that reached no one left out (or, in preview, kept
    as the agent's answered work, from the dialling on), rows in order of arrival."""
    import copy

    from ccsim.engine.records import NOT_REACHED

    result = rec.dial_result
    if result is None:
        return rec
    dialled = result >= 0
    reached = rec.outcome != NOT_REACHED
    preview = dialled & ~reached & (rec.group >= 0)
    keep = ~dialled | reached | preview
    arrival = np.where(dialled, rec.entry, rec.arrival)
    outcome = rec.outcome.copy()
    outcome[preview] = ANSWERED
    idx = np.flatnonzero(keep)[np.argsort(arrival[keep], kind="stable")]
    n = rec.arrival.size
    view = copy.copy(rec)
    columns = {"arrival": arrival, "outcome": outcome}
    for name in ("ctype", "answer", "group", "handle", "acw", "patience", "entry"):
        columns.setdefault(name, getattr(rec, name))
    for name, column in columns.items():
        setattr(view, name, column[idx])
    if rec.journey is not None:
        view.journey = {k: (v[idx] if getattr(v, "shape", None) == (n,) else v) for k, v in rec.journey.items()}
    if rec.disconnected is not None:
        where = np.full(n, -1)
        where[idx] = np.arange(idx.size)
        rows, waited = rec.disconnected
        view.disconnected = (where[rows], waited)
    view.dial_result = result[idx]
    return view


def check_outbound(plan, rec):
    """Dialled calls: placed within the dialer's hours (and no more than the list holds), each
    answered by at most one party, a party's queue entry at or after the dialling, those that
    reached no one decided at once; then every invariant on the records as ``outbound_view``
    sees them."""
    from ccsim.engine.dialer import MACHINE, NO_ANSWER
    from ccsim.engine.records import NOT_REACHED

    result = rec.dial_result
    assert result is not None, "a scenario with an outbound type keeps the dial results"
    for ct in plan.contact_types:
        mine = rec.ctype == ct.index
        op = ct.outbound
        if op is None:
            assert np.all(result[mine] == -1)
            continue
        assert np.all(result[mine] >= 0)
        assert mine.sum() <= op.campaign_size
        at = rec.arrival[mine] % DAY_S
        assert np.all((at >= op.start_s - 1e-9) & (at < op.end_s + 1e-9)), "dialled outside the dialer's hours"
        nobody = (result[mine] == NO_ANSWER) | ((result[mine] == MACHINE) & (op.machine_handle is None))
        if op.policy != "preview":
            assert np.array_equal(rec.outcome[mine] == NOT_REACHED, nobody)
        reached = rec.outcome[mine] != NOT_REACHED
        assert np.all(rec.entry[mine][reached] >= rec.arrival[mine][reached] - 1e-9)
    view = outbound_view(rec)
    moves = [ct.outbound.agents_move for ct in plan.contact_types
             if ct.outbound is not None and ct.outbound.agents_move is not None]
    if not moves:
        check_records(plan, view)
        return
    # Agents lent between groups: each group's own schedule no longer holds, the groups' together does.
    for check in (check_outcomes, check_waits, check_work_conservation, check_fcfs, check_lines, check_littles_law):
        check(plan, view)
    answered = view.outcome == ANSWERED
    for mp in moves:
        members = mp.lend + mp.to
        points = np.unique(np.concatenate([view.present_log[g][0] for g in members] + [plan.interval_starts()]))
        present = sum(level_at(*view.present_log[g], points) for g in members)
        scheduled = sum(scheduled_at(plan, g, points) for g in members)
        busy = 0
        for g in members:
            mine = answered & (view.group == g)
            here = level_at(*view.present_log[g], points)
            in_use = spans_covering(view.answer[mine], busy_end(view, mine), points)
            assert np.all(in_use <= here), f"group {plan.agent_groups[g].name}: busy > present"
            busy = busy + in_use
        assert np.all(present >= scheduled), "agents lost in a move"
        assert np.all(present - scheduled <= busy), "agents made in a move"


# --------------------------------------------------------------------------- calendars


def check_calendar(plan, rec):
    """With a calendar (horizon.first_day, opening_hours, holidays): nobody calls, chats, writes
    in, calls back or is dialled while closed (emails received then arrive at an opening), and no
    agent logs in while closed — a closed day has no arrivals and no staffing."""
    cal = plan.calendar
    if cal is None:
        return
    from ccsim.engine.records import TRANSFER

    kind = rec.journey["kind"] if rec.journey is not None else np.zeros(len(rec), dtype=int)
    openings = np.array([low for low, _ in cal.windows()])
    email = np.array([ct.channel == "email" for ct in plan.contact_types], dtype=bool)[rec.ctype]
    for i in np.flatnonzero(kind != TRANSFER):
        t = float(rec.arrival[i])
        assert cal.is_open_at(t) or (email[i] and np.any(openings == t)), (
            f"contact {i} of {plan.contact_types[rec.ctype[i]].name} arrives at {t:g} s, while closed")
    for g, (times, present) in enumerate(rec.present_log):
        # Agents logged in = present + away (on break or aux): an agent back from aux after
        # closing is no login. A rise that lasts no time is none either.
        points = times
        total = present
        if rec.away_log is not None:  # logged with the present count, entry for entry
            on_break, on_aux = rec.away_log[g]
            total = present + on_break + on_aux
        lasts = np.diff(np.concatenate((points, [np.inf]))) > 0
        rise = np.flatnonzero((np.diff(np.concatenate(([0], total))) > 0) & lasts)
        for t in points[rise]:
            assert cal.is_open_at(float(t)), f"group {plan.agent_groups[g].name}: a login at {t:g} s, while closed"
