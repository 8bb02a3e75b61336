"""General routing (engine.routing): policies, overflow, reserves, VIP head starts, handle-time factors.

Three kinds of check, never a number pinned to one seed:

* exact: ccsim against an independent event simulation written here (``reference``), or
  against itself on the same random inputs (common random numbers), contact by contact;
* invariants rebuilt from the per-contact records (who was waiting, which agents were
  idle when a contact started), each with a control run showing the check can fail;
* statistical: paired replications (same seed, so the same callers) and a 99.9 %
  Student-t interval of the per-day difference that must clear a margin.
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np
import pytest

import ccsim
from ccsim.engine import ABANDONED, ANSWERED, simulate_replication
from ccsim.engine.arrivals import ContactDraws, draw_contacts
from ccsim.engine.run import run_draws
from ccsim.experiment.stats import mean_ci
from ccsim.plan import build_plan

CONFIDENCE = 0.999
TOL = 1e-9


def voice(rate: str, handle: str = "5min", patience: str = "3min", **more) -> dict:
    """A voice contact type: Poisson arrivals, exponential handle time and patience."""
    return {"arrivals": {"rate": rate}, "handle_time": {"dist": "exponential", "mean": handle},
            "patience": {"dist": "exponential", "mean": patience}, **more}


def scenario(types: dict, groups: dict, *, routing: str = "priority", per_agent: bool = False,
             seed: int = 3, end: str = "12:00", replications: int = 10) -> ccsim.Scenario:
    return ccsim.from_dict({
        "name": "routing", "horizon": {"start": "08:00", "end": end, "interval": "1h"},
        "seed": seed, "replications": replications, "routing": routing,
        "statistics": {"per_agent": per_agent},
        "contact_types": types, "agent_groups": groups,
    })


def leave_time(rec) -> np.ndarray:
    """When each contact left the queue: its answer, else its deadline (arrival + patience)."""
    return np.where(rec.outcome == ANSWERED, rec.answer, rec.arrival + rec.patience)


def overtaken_pairs(rec, plan, key: np.ndarray) -> np.ndarray:
    """Pairs (c, d): group g answered c at t while d, of a skill of g, waited at t with key_d < key_c.

    When the group's skills share one level (or routing is longest_idle_agent), a freed agent
    takes the waiting contact with the smallest key among its skills, and an arriving contact
    finds an idle agent only when none of that agent's skills has anyone waiting: with the
    right key this is empty. Returned as an (n, 2) array of indices.
    """
    leave = leave_time(rec)
    pairs = []
    for g, gp in enumerate(plan.agent_groups):
        answered = np.nonzero(rec.group == g)[0]
        t = rec.answer[answered][:, None]
        waiting = np.isin(rec.ctype, gp.skill_indices)[None, :] & (rec.entry[None, :] < t) & (leave[None, :] > t)
        bad = waiting & (key[None, :] < key[answered][:, None])
        rows, cols = np.nonzero(bad)
        pairs.append(np.column_stack([answered[rows], cols]))
    return np.concatenate(pairs)


def paired_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """99.9 % interval of the mean per-day difference a - b (same seed: the same callers)."""
    _, (low, high) = mean_ci(a - b, CONFIDENCE)
    return low, high


# =========================================================================================
# 1. An independent event simulation of the routing rules (heapq, no SimPy, no ccsim code)
# =========================================================================================


def reference_groups(types: dict, groups: dict, routing: str) -> list[tuple[int, dict]]:
    """Per group, from the scenario dict: (agents, {type index: (level, overflow delay s)}).

    Skills are listed in level order (a dict is sorted by level, equal levels keep the written
    order); a list gives levels 1, 2, 3. With ``routing: overflow`` a group whose level for a
    type is worse than the best level any group has for it waits the type's ``overflow_after``
    (the group's own ``overflow_after`` for the type wins, whatever its level).
    """
    names = list(types)
    seconds = {"s": 1.0, "min": 60.0}

    def duration(text) -> float:
        unit = text.lstrip("0123456789.")
        return float(text[: len(text) - len(unit)]) * seconds[unit]

    levels = []
    for g in groups.values():
        skills = g["skills"]
        if isinstance(skills, dict):
            levels.append(dict(sorted(skills.items(), key=lambda item: item[1])))
        else:
            levels.append({s: i + 1 for i, s in enumerate(skills)})
    best = {t: min(lv[t] for lv in levels if t in lv) for t in names}
    out = []
    for g, lv in zip(groups.values(), levels, strict=True):
        skills = {}
        for t, level in lv.items():
            delay = 0.0
            if routing == "overflow":
                if t in g.get("overflow_after", {}):
                    delay = duration(g["overflow_after"][t])
                elif level > best[t]:
                    delay = duration(types[t].get("overflow_after", "0s"))
            skills[names.index(t)] = (level, delay)
        out.append((g["staffing"], skills))
    return out


def reference(groups, arrival, ctype, handle, acw, patience, routing, boost=(), factor=None):
    """Route the given contacts through agents with an event list; return outcome, answer, group, agent.

    The rules, written from the documentation:

    * agents (numbered in group order, then within the group) are all idle at time 0 in that
      order; "longest idle" = earliest idle-since time, ties to the earlier group, then FIFO;
    * an arriving contact goes to the longest-idle agent among the groups allowed to take it
      now (overflow delay 0), else waits; with overflow it becomes allowed to a group with delay
      d at arrival + d, and is then given to the longest-idle agent of the groups allowed;
    * a freed agent takes, among the waiting contacts of its skills that its group may take
      now, the one with the lowest (level, entry - boost) (levels all 1 for longest_idle_agent),
      ties to the group's skill order, then to the earlier arrival; else it goes idle;
    * the agent is busy for (handle + after-call work) x the group's factor for the type;
    * a contact abandons at arrival + patience unless answered before.

    Equal times (only with hand-made integer times): agents finishing and overflow delays
    running out are handled before arrivals at the same instant (in the order they were
    scheduled), and a caller whose deadline is the very instant an agent looks for work has
    already hung up (answered only if chosen strictly before its deadline). An arriving caller
    who finds an idle agent is answered whatever its patience.
    """
    n = len(arrival)
    deadline = arrival + patience
    answer = np.full(n, np.nan)
    group = np.full(n, -1)
    agent_of = np.full(n, -1)
    boost = dict(boost)
    factor = factor or {}
    waiting: dict[int, list[int]] = {}
    seq = itertools.count()
    idle = []  # (idle since, seq, group, agent)
    number = 0
    for g, (count, _) in enumerate(groups):
        for _ in range(count):
            idle.append((0.0, next(seq), g, number))
            number += 1
    delays: dict[int, set] = {}
    for _, skills in groups:
        for k, (_, d) in skills.items():
            if d > 0:
                delays.setdefault(k, set()).add(d)
    events = []  # (time, seq, kind, payload)

    def start(c, g, agent, now):
        answer[c], group[c], agent_of[c] = now, g, agent
        busy = (handle[c] + acw[c]) * factor.get((g, int(ctype[c])), 1.0)
        heapq.heappush(events, (now + busy, next(seq), "free", (g, agent)))

    def offer(c, now):
        k = int(ctype[c])
        allowed = [e for e in idle if k in groups[e[2]][1] and groups[e[2]][1][k][1] <= now - arrival[c]]
        if not allowed:
            return False
        best = min(allowed, key=lambda e: (e[0], e[2], e[1]))
        idle.remove(best)
        start(c, best[2], best[3], now)
        return True

    def freed(g, agent, now):
        options = []
        for rank, (k, (level, delay)) in enumerate(groups[g][1].items()):
            for c in waiting.get(k, ()):
                if deadline[c] > now and now - arrival[c] >= delay:
                    lv = 1 if routing == "longest_idle_agent" else level
                    options.append((lv, arrival[c] - boost.get(k, 0.0), rank, c))
        if not options:
            idle.append((now, next(seq), g, agent))
            return
        c = min(options)[-1]
        waiting[int(ctype[c])].remove(c)
        start(c, g, agent, now)

    i = 0
    while i < n or events:
        if events and (i >= n or events[0][0] <= arrival[i]):
            now, _, kind, what = heapq.heappop(events)
            if kind == "free":
                freed(*what, now)
            elif what in waiting[int(ctype[what])] and deadline[what] > now and offer(what, now):
                waiting[int(ctype[what])].remove(what)
            continue
        c, now = i, arrival[i]
        i += 1
        if not offer(c, now):
            k = int(ctype[c])
            waiting.setdefault(k, []).append(c)
            for d in sorted(delays.get(k, ())):
                heapq.heappush(events, (now + d, next(seq), "due", c))
    outcome = np.where(np.isnan(answer), ABANDONED, ANSWERED)
    return outcome, answer, group, agent_of


def assert_same_routing(rec, expected, per_agent: bool) -> None:
    outcome, answer, group, agent = expected
    np.testing.assert_array_equal(rec.outcome, outcome)
    np.testing.assert_allclose(rec.answer, answer, rtol=0, atol=TOL)  # nan where not answered, both
    np.testing.assert_array_equal(rec.group, group)
    if per_agent:
        np.testing.assert_array_equal(rec.agents["contact_agent"], agent)


OVERFLOW_TYPES = {
    "sales": voice("40/h", overflow_after="30s"),
    "support": voice("12/h"),
}
OVERFLOW_GROUPS = {
    "sellers": {"skills": ["sales"], "staffing": 3},
    "advisors": {"skills": {"support": 1, "sales": 2}, "staffing": 2},
}
# A third group that is secondary for support (no delay: support has no overflow_after) and
# takes sales only after its own 90 s; sales then has two delays (30 s and 90 s).
BACKOFFICE = {"backoffice": {"skills": {"sales": 3, "support": 2}, "overflow_after": {"sales": "90s"},
                             "staffing": 1}}
OVERFLOW_CASES = {
    "two_groups": (OVERFLOW_TYPES, OVERFLOW_GROUPS),
    "group_override": (OVERFLOW_TYPES, {**OVERFLOW_GROUPS, **BACKOFFICE}),
}


@pytest.mark.parametrize("case", list(OVERFLOW_CASES))
def test_overflow_matches_an_independent_event_simulation(case):
    """Acceptance: every contact's outcome, answer time, group and agent as the reference says."""
    types, groups = OVERFLOW_CASES[case]
    plan = build_plan(scenario(types, groups, routing="overflow", per_agent=True))
    model = reference_groups(types, groups, "overflow")
    overflowed = 0
    for r in range(6):
        draws = draw_contacts(plan, r)
        expected = reference(model, draws.arrival, draws.ctype, draws.handle, draws.acw, draws.patience, "overflow")
        rec = run_draws(plan, draws)
        assert_same_routing(rec, expected, per_agent=True)
        # The rule itself, on the records: a secondary group never answers sales before 30 s.
        sales = rec.ctype == 0
        for g, least in ((1, 30.0), (2, 90.0)):
            late = sales & (rec.group == g)
            assert np.all(rec.answer[late] - rec.arrival[late] >= least - TOL)
            overflowed += int(late.sum())
        assert (rec.outcome == ABANDONED).any()
    assert overflowed > 20  # the cases really overflow


def integer_draws(seed: int, n: int = 150) -> ContactDraws:
    """Hand-made contacts on a whole-second grid: many exact ties between events."""
    rng = np.random.default_rng(seed)
    arrival = np.sort(rng.integers(0, 2400, n)).astype(float)
    ctype = (rng.random(n) < 0.25).astype(np.int32)  # 0 sales, 1 support
    handle = rng.choice([30.0, 60.0, 90.0, 120.0, 300.0], n)
    patience = rng.choice([15.0, 30.0, 45.0, 60.0, 90.0, 600.0], n)
    return ContactDraws(arrival, ctype, handle, np.zeros(n), patience, np.ones(2))


@pytest.mark.parametrize("routing", ["overflow", "priority", "longest_idle_agent"])
def test_tie_rules_match_the_reference_on_whole_second_times(routing):
    """Equal times (arrival = agent free = deadline = overflow due, equal idle-since times):
    the engine resolves them as the reference's docstring says."""
    groups = {**OVERFLOW_GROUPS, **BACKOFFICE}
    types = OVERFLOW_TYPES
    if routing != "overflow":  # overflow_after needs routing: overflow
        types = {"sales": voice("40/h"), "support": voice("12/h")}
        groups["backoffice"] = {key: v for key, v in BACKOFFICE["backoffice"].items() if key != "overflow_after"}
    plan = build_plan(scenario(types, groups, routing=routing, per_agent=True))
    model = reference_groups(types, groups, routing)
    for seed in range(40):
        draws = integer_draws(seed)
        expected = reference(model, draws.arrival, draws.ctype, draws.handle, draws.acw, draws.patience, routing)
        assert_same_routing(run_draws(plan, draws), expected, per_agent=True)


@pytest.mark.parametrize("routing,per_agent", [("priority", False), ("priority", True),
                                               ("longest_idle_agent", True)])
def test_priority_and_longest_idle_agent_match_the_reference(routing, per_agent):
    """The lean path (priority, nothing else) and the router (per-agent statistics on, or
    longest_idle_agent) route exactly as the reference does, with after-call work."""
    types = {"sales": voice("40/h", after_call_work={"dist": "constant", "value": "20s"}),
             "support": voice("15/h", after_call_work={"dist": "exponential", "mean": "30s"})}
    groups = OVERFLOW_GROUPS
    plan = build_plan(scenario(types, groups, routing=routing, per_agent=per_agent))
    model = reference_groups(types, groups, routing)
    for r in range(6):
        draws = draw_contacts(plan, r)
        expected = reference(model, draws.arrival, draws.ctype, draws.handle, draws.acw, draws.patience, routing)
        assert_same_routing(run_draws(plan, draws), expected, per_agent)


def test_handle_time_factor_routing_matches_the_reference():
    """Advisors 20 % slower on sales: the longer busy time shapes everything that follows."""
    types = {"sales": voice("40/h", after_call_work={"dist": "constant", "value": "30s"}, overflow_after="20s"),
             "support": voice("12/h")}
    groups = {**OVERFLOW_GROUPS, "advisors": {**OVERFLOW_GROUPS["advisors"], "handle_time_factor": {"sales": 1.2}}}
    plan = build_plan(scenario(types, groups, routing="overflow", per_agent=True))
    model = reference_groups(types, groups, "overflow")
    for r in range(6):
        draws = draw_contacts(plan, r)
        expected = reference(model, draws.arrival, draws.ctype, draws.handle, draws.acw, draws.patience,
                             "overflow", factor={(1, 0): 1.2})
        assert_same_routing(run_draws(plan, draws), expected, per_agent=True)


# =========================================================================================
# 2. Reserve
# =========================================================================================


def reserve_scenario(reserve: int | None, seed: int = 5) -> ccsim.Scenario:
    blend = {"skills": ["sales", "service"], "staffing": 8}
    if reserve is not None:
        blend["reserve"] = {"sales": reserve}
    return scenario(
        {"sales": voice("50/h", "4min", after_call_work={"dist": "constant", "value": "20s"}),
         "service": voice("50/h", "4min", "5min")},
        {"blend": blend, "service_desk": {"skills": ["service"], "staffing": 1}},
        per_agent=True, seed=seed, end="14:00",
    )


def fewest_idle_colleagues(rec, g: int, k: int) -> int:
    """Over the contacts of type k that group g started: the fewest other agents of g idle then.

    Every agent is present all day (constant staffing, no breaks), so an agent is idle at t
    unless one of its contacts covers t: [answer, answer + handle + after-call work).
    """
    who = rec.agents["contact_agent"]
    spans = {}
    for a in np.nonzero(rec.agents["group"] == g)[0]:
        mine = np.nonzero(who == a)[0]
        mine = mine[np.argsort(rec.answer[mine])]
        start = rec.answer[mine]
        end = start + rec.handle[mine] + rec.acw[mine]
        assert np.all(start[1:] >= end[:-1] - TOL)  # one contact at a time
        spans[a] = (start, end)

    def idle(a, t):
        start, end = spans[a]
        j = np.searchsorted(start, t, side="right") - 1
        return j < 0 or end[j] <= t

    counts = [sum(idle(b, rec.answer[c]) for b in spans if b != who[c])
              for c in np.nonzero((rec.group == g) & (rec.ctype == k))[0]]
    assert counts  # the group did take such contacts
    return min(counts)


@pytest.mark.parametrize("reserve", [1, 2, 3])
def test_reserve_keeps_colleagues_idle_when_another_skill_starts(reserve):
    """An agent of the group starts a service contact only while >= reserve colleagues are idle."""
    plan = build_plan(reserve_scenario(reserve))
    control = build_plan(reserve_scenario(None))
    for r in range(3):
        assert fewest_idle_colleagues(simulate_replication(plan, r), 0, 1) >= reserve
        # Control: without the reserve, the same check fails (a busy group still takes service).
        assert fewest_idle_colleagues(simulate_replication(control, r), 0, 1) < reserve


def test_reserve_raises_the_service_level_of_the_reserved_skill():
    with_reserve = ccsim.simulate(reserve_scenario(2), replications=30)
    without = ccsim.simulate(reserve_scenario(None), replications=30)
    low, _ = paired_difference(with_reserve.contact_types["sales"]["service_level"].values,
                               without.contact_types["sales"]["service_level"].values)
    assert low > 0.05
    # ... paid for by the other skill.
    _, high = paired_difference(with_reserve.contact_types["service"]["service_level"].values,
                                without.contact_types["service"]["service_level"].values)
    assert high < -0.05


# =========================================================================================
# 3. VIP head start
# =========================================================================================

VIP_BOOST_S = 120.0


def vip_scenario(boost: str = "120s", seed: int = 7) -> ccsim.Scenario:
    return scenario(
        {"vip": voice("20/h", "4min", "6min", priority_boost=boost),
         "regular": voice("60/h", "4min", "6min")},
        {"team": {"skills": {"vip": 1, "regular": 1}, "staffing": 6}},
        seed=seed, end="14:00",
    )


def vip_key(rec, boost: float) -> np.ndarray:
    return rec.entry - np.where(rec.ctype == 0, boost, 0.0)


def test_vip_boost_bounds_how_far_a_vip_overtakes():
    plan = build_plan(vip_scenario())
    overtakes = 0
    for r in range(4):
        rec = simulate_replication(plan, r)
        # Exact invariant: every answered contact had the smallest key entry - boost among
        # the contacts waiting at that moment.
        assert overtaken_pairs(rec, plan, vip_key(rec, VIP_BOOST_S)).size == 0
        # Hence the guarantee: a vip answered while a regular waited joined at most 120 s after it.
        by_entry = overtaken_pairs(rec, plan, rec.entry)
        vip_first = by_entry[(rec.ctype[by_entry[:, 0]] == 0) & (rec.ctype[by_entry[:, 1]] == 1)]
        assert np.all(rec.entry[vip_first[:, 0]] - rec.entry[vip_first[:, 1]] <= VIP_BOOST_S)
        overtakes += len(vip_first)
        assert len(by_entry) == len(vip_first)  # nobody else is served out of entry order
    assert overtakes > 20  # the boost does reorder the queue
    # Control: without the boost the queue is first come, first served, and the boosted key's
    # invariant fails.
    plain = build_plan(vip_scenario("0s"))
    rec = simulate_replication(plain, 0)
    assert overtaken_pairs(rec, plain, rec.entry).size == 0
    assert overtaken_pairs(rec, plain, vip_key(rec, VIP_BOOST_S)).size > 0


@pytest.mark.parametrize("routing", ["priority", "longest_idle_agent"])
def test_vip_boost_routing_matches_the_reference(routing):
    types = {"vip": voice("20/h", "4min", "6min", priority_boost="120s"), "regular": voice("60/h", "4min", "6min")}
    groups = {"team": {"skills": {"vip": 1, "regular": 1}, "staffing": 5},
              "regulars": {"skills": ["regular", "vip"], "staffing": 1}}
    plan = build_plan(scenario(types, groups, routing=routing, per_agent=True))
    model = reference_groups(types, groups, routing)
    for r in range(4):
        draws = draw_contacts(plan, r)
        expected = reference(model, draws.arrival, draws.ctype, draws.handle, draws.acw, draws.patience, routing,
                             boost={0: VIP_BOOST_S})
        assert_same_routing(run_draws(plan, draws), expected, per_agent=True)


def test_vip_waits_less_than_regular_callers():
    est = ccsim.simulate(vip_scenario(), replications=40)
    low, _ = paired_difference(est.contact_types["regular"]["asa"].values, est.contact_types["vip"]["asa"].values)
    assert low > 5.0  # seconds


# =========================================================================================
# 4. longest_idle_agent vs priority
# =========================================================================================


def two_skill_scenario(routing: str, skills=("a", "b"), seed: int = 9) -> ccsim.Scenario:
    return scenario(
        {"a": voice("45/h", "4min", "6min"), "b": voice("30/h", "4min", "6min")},
        {"team": {"skills": list(skills), "staffing": 5}, "a_only": {"skills": ["a"], "staffing": 1}},
        routing=routing, seed=seed, end="14:00",
    )


def test_longest_idle_agent_serves_each_group_first_come_first_served():
    plan = build_plan(two_skill_scenario("longest_idle_agent"))
    control = build_plan(two_skill_scenario("priority"))
    for r in range(4):
        rec = simulate_replication(plan, r)
        # No agent takes a contact while an earlier contact of any of its group's skills waits.
        assert overtaken_pairs(rec, plan, rec.entry).size == 0
        # Control: priority [a, b] takes a newer a before an older b.
        rec = simulate_replication(control, r)
        pairs = overtaken_pairs(rec, control, rec.entry)
        assert pairs.size > 0
        assert np.all(rec.ctype[pairs[:, 0]] == 0) and np.all(rec.ctype[pairs[:, 1]] == 1)


def test_longest_idle_agent_ignores_the_order_of_skills():
    """Levels are ignored: skills [a, b] and [b, a] route every contact the same way."""
    ab = build_plan(two_skill_scenario("longest_idle_agent", ("a", "b")))
    ba = build_plan(two_skill_scenario("longest_idle_agent", ("b", "a")))
    for r in range(3):
        x, y = simulate_replication(ab, r), simulate_replication(ba, r)
        np.testing.assert_array_equal(x.outcome, y.outcome)
        np.testing.assert_array_equal(x.answer, y.answer)
        np.testing.assert_array_equal(x.group, y.group)
    # Control: under priority the order matters.
    x = simulate_replication(build_plan(two_skill_scenario("priority", ("a", "b"))), 0)
    y = simulate_replication(build_plan(two_skill_scenario("priority", ("b", "a"))), 0)
    assert not np.array_equal(x.answer, y.answer, equal_nan=True)


def test_priority_starves_the_second_skill_more_than_longest_idle_agent():
    priority = ccsim.simulate(two_skill_scenario("priority"), replications=40)
    lia = ccsim.simulate(two_skill_scenario("longest_idle_agent"), replications=40)
    p, q = priority.contact_types, lia.contact_types
    # b waits longer under priority than under longest_idle_agent (the same callers) ...
    low, _ = paired_difference(p["b"]["asa"].values, q["b"]["asa"].values)
    assert low > 1.0
    # ... and the gap between b and a widens.
    low, _ = paired_difference(p["b"]["asa"].values - p["a"]["asa"].values,
                               q["b"]["asa"].values - q["a"]["asa"].values)
    assert low > 5.0


# =========================================================================================
# 5. Handle-time factor
# =========================================================================================


def test_handle_time_factor_scales_that_group_and_type_only():
    types = {"sales": voice("40/h", after_call_work={"dist": "constant", "value": "30s"}),
             "support": voice("15/h", after_call_work={"dist": "uniform", "low": "10s", "high": "40s"})}
    groups = {"sellers": {"skills": ["sales"], "staffing": 3},
              "advisors": {"skills": ["support", "sales"], "staffing": 3, "handle_time_factor": {"sales": 1.2}}}
    plan = build_plan(scenario(types, groups, per_agent=True))
    scaled_total = 0
    for r in range(4):
        draws = draw_contacts(plan, r)
        handle, acw = draws.handle.copy(), draws.acw.copy()
        rec = run_draws(plan, draws)
        np.testing.assert_array_equal(draws.handle, handle)  # the caller's arrays are left alone
        scaled = (rec.group == 1) & (rec.ctype == 0)
        np.testing.assert_allclose(rec.handle[scaled], 1.2 * handle[scaled], rtol=1e-12)
        np.testing.assert_allclose(rec.acw[scaled], 36.0, rtol=1e-12)
        np.testing.assert_array_equal(rec.handle[~scaled], handle[~scaled])
        np.testing.assert_array_equal(rec.acw[~scaled], acw[~scaled])
        scaled_total += int(scaled.sum())
        # The agent is busy for the scaled time: under priority routing a waiting contact is
        # taken only by an agent just freed, at the end of its previous contact's wrap-up.
        who = rec.agents["contact_agent"]
        for a in range(6):
            mine = np.nonzero(who == a)[0]
            mine = mine[np.argsort(rec.answer[mine])]
            end = rec.answer[mine] + rec.handle[mine] + rec.acw[mine]
            nxt = mine[1:]
            assert np.all(rec.answer[nxt] >= end[:-1] - TOL)
            waited = rec.answer[nxt] > rec.arrival[nxt]
            np.testing.assert_allclose(rec.answer[nxt][waited], end[:-1][waited], rtol=0, atol=1e-6)
    assert scaled_total > 50


# =========================================================================================
# 6. Groups with no shared skill are separate scenarios
# =========================================================================================

SEPARATE_TYPES = {
    "A": {"arrivals": {"rate": "50/h"}, "handle_time": {"dist": "lognormal", "mean": "4min", "cv": 0.7},
          "after_call_work": {"dist": "constant", "value": "20s"},
          "patience": {"dist": "exponential", "mean": "3min"}},
    "B": {"arrivals": {"per_interval": [10, 20, 25, 15, 10, 5]},
          "handle_time": {"dist": "exponential", "mean": "6min"},
          "patience": {"dist": "weibull", "mean": "4min", "shape": 0.8},
          "service_level": {"target": 0.8, "threshold": "30s"}},
}
SHIFTS = [
    {"start": "08:00", "end": "12:00", "headcount": 3, "breaks": [{"start": "10:00", "length": "15min"}]},
    {"start": "09:30", "end": "14:00", "headcount": 3,
     "breaks": [{"window": ["11:00", "12:30"], "length": "30min"}]},
]
PLAIN_GROUPS = {"GA": {"skills": ["A"], "staffing": [4, 5, 5, 4, 4, 3]}, "GB": {"skills": ["B"], "staffing": 3}}
WORKFORCE_GROUPS = {
    "GA": {"skills": ["A"], "shifts": SHIFTS, "absenteeism": 0.1},
    "GB": {"skills": ["B"], "staffing": [2, 3, 4, 3, 3, 2], "aux": 0.1, "absenteeism": 0.2,
           "handle_time_factor": {"B": 1.1}},
}
# The same with the roster on the second group (random streams are per group name, not index).
SWAPPED_GROUPS = {
    "GA": {"skills": ["A"], "staffing": [4, 5, 5, 4, 4, 3], "aux": 0.1, "absenteeism": 0.2,
           "handle_time_factor": {"A": 1.1}},
    "GB": {"skills": ["B"], "shifts": SHIFTS, "absenteeism": 0.1},
}
SEPARATE_CASES = {
    # The lean path: nothing beyond the foundation.
    "plain": (PLAIN_GROUPS, {}),
    # Workforce on both groups over two days; the router runs in the joint scenario (GB's
    # handle-time factor) and for B alone, the lean path for A alone.
    "workforce": (WORKFORCE_GROUPS, {"horizon": {"days": 2}}),
    # The router everywhere: longest_idle_agent and per-agent statistics.
    "router": (SWAPPED_GROUPS, {"horizon": {"days": 2}, "routing": "longest_idle_agent",
                                "statistics": {"per_agent": True}}),
}


def separate_scenario(names: str, case: str) -> ccsim.Scenario:
    groups, extra = SEPARATE_CASES[case]
    data = {
        "name": "separate", "seed": 21, "replications": 4,
        "horizon": {"start": "08:00", "end": "14:00", "interval": "1h", **extra.get("horizon", {})},
        "contact_types": {t: SEPARATE_TYPES[t] for t in names},
        "agent_groups": {f"G{t}": groups[f"G{t}"] for t in names},
        **{key: value for key, value in extra.items() if key != "horizon"},
    }
    return ccsim.from_dict(data)


def agent_rank(rec, g: int) -> np.ndarray:
    """Per contact answered by group g: the agent's number among the group's agents, else -1."""
    agents = np.nonzero(rec.agents["group"] == g)[0]
    rank = np.full(len(rec.agents["group"]) + 1, -1)
    rank[agents] = np.arange(agents.size)
    who = rec.agents["contact_agent"]
    return np.where(rec.group == g, rank[who], -1)


@pytest.mark.parametrize("case", list(SEPARATE_CASES))
def test_groups_without_a_shared_skill_give_the_results_of_separate_scenarios(case):
    """Acceptance: same seed (common random numbers), so each half of the joint scenario is
    exactly the scenario of that type and group alone: records and every KPI."""
    joint = ccsim.simulate(separate_scenario("AB", case), keep_records=True)
    per_agent = case == "router"
    for k, name in enumerate("AB"):
        alone = ccsim.simulate(separate_scenario(name, case), keep_records=True)
        for x, y in zip(joint.records, alone.records, strict=True):
            mine = x.ctype == k
            assert mine.sum() == len(y) > 50
            for field in ("arrival", "outcome", "answer", "handle", "acw", "patience", "wait"):
                np.testing.assert_array_equal(getattr(x, field)[mine], getattr(y, field), err_msg=field)
            np.testing.assert_array_equal(x.group[mine], np.where(y.group >= 0, k, -1))
            np.testing.assert_array_equal(x.present_log[k][0], y.present_log[0][0])
            np.testing.assert_array_equal(x.present_log[k][1], y.present_log[0][1])
            if per_agent:
                np.testing.assert_array_equal(agent_rank(x, k)[mine], agent_rank(y, 0))
                ours = x.agents["group"] == k
                for column in ("busy_s", "handled", "present_s"):
                    np.testing.assert_array_equal(x.agents[column][ours], y.agents[column])
        group = f"G{name}"
        for kpi, estimate in alone.contact_types[name].items():
            np.testing.assert_array_equal(joint.contact_types[name][kpi].values, estimate.values, err_msg=kpi)
        for kpi, values in alone.intervals[name].items():
            np.testing.assert_array_equal(joint.intervals[name][kpi], values, err_msg=kpi)
        for kpi, estimate in alone.agent_groups[group].items():
            np.testing.assert_array_equal(joint.agent_groups[group][kpi].values, estimate.values, err_msg=kpi)
        for kpi, values in alone.group_intervals[group].items():
            np.testing.assert_array_equal(joint.group_intervals[group][kpi], values, err_msg=kpi)
    if case != "plain":  # the workforce did take agents away
        hours = [joint.agent_groups[g][kpi].mean for g in ("GA", "GB") for kpi in ("aux_hours", "break_hours")]
        assert sum(h > 0 for h in hours) == 2
