"""Channels: chat with concurrency and slowdown, deferrable email, voice/chat exclusivity.

Every check rebuilds its quantity from the per-contact (and per-agent) records,
independently of the router: chats open per agent from answer .. answer + handle + acw,
the work a chat received from the rate rule integrated over those spans, queue spans
from entry .. answer (or abandonment). Exact claims compare two computations on the
same random inputs; statistical ones use replications and confidence intervals.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim.engine import ABANDONED, ANSWERED, WAITING, simulate_replication
from ccsim.engine.arrivals import ContactDraws, draw_contacts
from ccsim.engine.run import run_draws
from ccsim.experiment.stats import mean_ci
from ccsim.plan import DAY_S, build_plan

SLOWDOWN = [1.0, 1.2, 1.45]
EPS = 1e-7  # s: an end rebuilt as answer + handle + acw may round a hair past the next start


# --------------------------------------------------------------------------- helpers


def draws_of(arrival, handle, acw=None, patience=None, ctype=None) -> ContactDraws:
    """Hand-made contacts (sorted by arrival) for ``run_draws``."""
    n = len(arrival)
    return ContactDraws(
        np.asarray(arrival, dtype=float),
        np.zeros(n, dtype=np.int32) if ctype is None else np.asarray(ctype, dtype=np.int32),
        np.asarray(handle, dtype=float),
        np.zeros(n) if acw is None else np.asarray(acw, dtype=float),
        np.full(n, np.inf) if patience is None else np.asarray(patience, dtype=float),
        np.ones(1),
    )


def ends_of(rec) -> np.ndarray:
    """When each answered contact let go of its agent (nan otherwise)."""
    return rec.answer + rec.handle + rec.acw


def max_open(starts: np.ndarray, ends: np.ndarray) -> int:
    """Most intervals [start, end) open at once (an end frees its place for a start at that time)."""
    if starts.size == 0:
        return 0
    times = np.concatenate([starts, ends - EPS])
    steps = np.concatenate([np.ones(starts.size), -np.ones(ends.size)])
    order = np.lexsort((steps, times))  # at equal times, ends (-1) first
    return int(np.cumsum(steps[order]).max())


def open_at(starts: np.ndarray, ends: np.ndarray, t: float) -> int:
    """Intervals open at time t, one starting exactly at t left out."""
    return int(((starts < t) & (ends > t)).sum())


def work_received(starts: np.ndarray, ends: np.ndarray, slowdown) -> np.ndarray:
    """Work (s at rate 1) each chat of one agent received over [start, end) under the rate rule:
    rate 1 / slowdown[m - 1] while m chats are open on the agent."""
    times = np.unique(np.concatenate([starts, ends]))
    mid = (times[:-1] + times[1:]) / 2.0
    inside = (starts[None, :] <= mid[:, None]) & (ends[None, :] - EPS > mid[:, None])  # segment x chat
    m = inside.sum(axis=1)
    rate = np.where(m > 0, 1.0 / np.asarray(slowdown)[np.maximum(m, 1) - 1], 0.0)
    return (inside * (rate * np.diff(times))[:, None]).sum(axis=0)


def reference_one_agent(arrival, work, patience, concurrency, slowdown):
    """(start, end) of each chat of a one-agent team, computed directly from the rules:
    an arriving chat opens at once if the agent has room, else it queues (first come, first
    served) and leaves at arrival + patience; every open chat progresses at rate
    1 / slowdown[m - 1] while m are open. nan for chats that abandoned."""
    n = len(arrival)
    start, end = np.full(n, np.nan), np.full(n, np.nan)
    remaining: dict[int, float] = {}
    queue: deque[int] = deque()
    t, i = 0.0, 0
    while i < n or remaining:
        m = len(remaining)
        if m:
            first = min(remaining, key=remaining.__getitem__)
            t_end = t + remaining[first] * slowdown[m - 1]
        else:
            t_end = np.inf
        t_arr = arrival[i] if i < n else np.inf
        t_next = min(t_end, t_arr)
        for j in remaining:
            remaining[j] -= (t_next - t) / slowdown[m - 1]
        t = t_next
        if t_end <= t_arr:
            del remaining[first]
            end[first] = t
            while queue and len(remaining) < concurrency:
                q = queue.popleft()
                if arrival[q] + patience[q] > t:
                    start[q] = t
                    remaining[q] = work[q]
        else:
            if len(remaining) < concurrency:
                start[i] = t
                remaining[i] = work[i]
            else:
                queue.append(i)
            i += 1
    return start, end


def queue_spans(rec) -> tuple[np.ndarray, np.ndarray]:
    """[entry, leave) of every contact's wait: to its answer, abandonment, or forever."""
    leave = np.where(rec.outcome == ANSWERED, rec.answer,
                     np.where(rec.outcome == ABANDONED, rec.entry + rec.patience, np.inf))
    return rec.entry, leave


def per_agent_intervals(rec):
    """agent -> (contact indices, starts, ends) from the per-agent records."""
    who = rec.agents["contact_agent"]
    ends = ends_of(rec)
    out = {}
    for a in np.unique(who[who >= 0]):
        idx = np.flatnonzero(who == a)
        out[int(a)] = (idx, rec.answer[idx], ends[idx])
    return out


def overlaps(s1, e1, s2, e2) -> int:
    """Pairs of intervals, one from each list, that overlap in time."""
    if s1.size == 0 or s2.size == 0:
        return 0
    return int(((s1[:, None] < e2[None, :] - EPS) & (s2[None, :] < e1[:, None] - EPS)).sum())


# --------------------------------------------------------------------------- 1. chat c=1 is voice


def equivalence_scenario(channel: str, case: str, routing: str = "priority", per_agent: bool = False):
    """The same centre with type 'b' as a voice queue or as chat with concurrency 1."""
    b_channel = {"channel": "chat", "concurrency": 1} if channel == "chat" else {"channel": "voice"}
    types = {
        "b": {**b_channel, "arrivals": {"rate": "70/h"},
              "handle_time": {"dist": "lognormal", "mean": "5min", "cv": 0.8},
              "after_call_work": {"dist": "uniform", "low": "5s", "high": "30s"},
              "patience": {"dist": "exponential", "mean": "3min"}},
    }
    if case == "single":
        groups = {"team": {"skills": ["b"], "staffing": [5, 6, 6, 4, 5, 7, 3, 6]}}
    else:
        types["a"] = {"arrivals": {"rate": "70/h"}, "handle_time": {"dist": "exponential", "mean": "4min"},
                      "after_call_work": {"dist": "constant", "value": "20s"},
                      "patience": {"dist": "exponential", "mean": "2min"}}
        groups = {"mixed": {"skills": ["a", "b"], "staffing": [6, 6, 4, 7, 5, 5, 3, 6]},
                  "second": {"skills": ["b", "a"], "staffing": [2, 5, 5, 3, 4, 6, 2, 5]}}
        if case == "rostered":  # shifts with breaks, aux and absenteeism: agents come and go mid-contact
            groups["mixed"] = {"skills": ["a", "b"], "aux": 0.05, "shifts": [
                {"start": "08:00", "end": "11:00", "headcount": 5, "breaks": [{"start": "09:30", "length": "15min"}]},
                {"start": "09:00", "end": "12:00", "headcount": 4,
                 "breaks": [{"window": ["10:00", "11:00"], "length": "20min"}]}]}
            groups["second"] = {"skills": ["b", "a"], "staffing": 4, "absenteeism": 0.2}
        if routing == "overflow":
            groups["second"]["overflow_after"] = {"a": "30s"}
    return ccsim.from_dict({
        "name": f"{channel} {case}", "seed": 3, "routing": routing, "statistics": {"per_agent": per_agent},
        "horizon": {"start": "08:00", "end": "12:00", "interval": "30min"},
        "contact_types": types, "agent_groups": groups,
    })


EQUIVALENCE_CASES = [
    ("single", "priority"),
    ("multi", "priority"),
    ("multi", "longest_idle_agent"),
    ("multi", "overflow"),
    ("rostered", "priority"),
    ("rostered", "overflow"),
]


@pytest.mark.parametrize("case, routing", EQUIVALENCE_CASES)
@pytest.mark.parametrize("per_agent", [False, True])
def test_chat_with_concurrency_1_gives_the_voice_records(case, routing, per_agent):
    voice = build_plan(equivalence_scenario("voice", case, routing, per_agent))
    chat = build_plan(equivalence_scenario("chat", case, routing, per_agent))
    waited = 0
    for r in range(6):
        v, c = simulate_replication(voice, r), simulate_replication(chat, r)
        np.testing.assert_array_equal(v.arrival, c.arrival)
        np.testing.assert_array_equal(v.outcome, c.outcome)
        np.testing.assert_array_equal(v.group, c.group)
        np.testing.assert_allclose(v.answer, c.answer, rtol=0, atol=1e-9)  # nan where unanswered, in both
        np.testing.assert_allclose(v.handle, c.handle, rtol=0, atol=1e-9)
        np.testing.assert_allclose(v.acw, c.acw, rtol=0, atol=1e-9)
        for (vt, vn), (ct, cn) in zip(v.present_log, c.present_log, strict=True):
            np.testing.assert_allclose(vt, ct, rtol=0, atol=1e-9)
            np.testing.assert_array_equal(vn, cn)
        if per_agent:
            np.testing.assert_array_equal(v.agents["contact_agent"], c.agents["contact_agent"])
            np.testing.assert_array_equal(v.agents["handled"], c.agents["handled"])
            np.testing.assert_allclose(v.agents["busy_s"], c.agents["busy_s"], rtol=0, atol=1e-6)
            np.testing.assert_allclose(v.agents["present_s"], c.agents["present_s"], rtol=0, atol=1e-6)
        waited += int((c.outcome == ABANDONED).sum())
    assert waited > 0  # loaded: the queue discipline mattered


@pytest.mark.parametrize("case", ["single", "multi"])
def test_chat_with_concurrency_1_gives_the_voice_kpis(case):
    v = ccsim.simulate(equivalence_scenario("voice", case), replications=5)
    c = ccsim.simulate(equivalence_scenario("chat", case), replications=5)
    for name in v.contact_types:
        for kpi in ("service_level", "asa", "abandon_rate", "answered", "offered", "aht"):
            np.testing.assert_allclose(v.contact_types[name][kpi].values, c.contact_types[name][kpi].values,
                                       rtol=0, atol=1e-9, err_msg=f"{name} {kpi}")
    for name in v.agent_groups:
        for kpi in ("occupancy", "handled"):
            np.testing.assert_allclose(v.agent_groups[name][kpi].values, c.agent_groups[name][kpi].values,
                                       rtol=0, atol=1e-9, err_msg=f"{name} {kpi}")
    assert 0 < v.contact_types["b"]["abandon_rate"].mean < 1


# --------------------------------------------------------------------------- 2. concurrency and slowdown


def chat_team(concurrency: int, slowdown=None, agents: int = 1, rate: str = "10/h", **ct) -> ccsim.Scenario:
    chat = {"channel": "chat", "concurrency": concurrency, "arrivals": {"rate": rate},
            "handle_time": {"dist": "constant", "value": "100s"}, **ct}
    if slowdown is not None:
        chat["concurrency_slowdown"] = slowdown
    return ccsim.from_dict({
        "name": "chat team", "seed": 8, "statistics": {"per_agent": True},
        "horizon": {"start": "08:00", "end": "12:00", "interval": "1h"},
        "contact_types": {"chat": chat},
        "agent_groups": {"team": {"skills": ["chat"], "staffing": agents}},
    })


def test_two_chats_follow_the_rate_rule_by_hand():
    # Chat 1 alone for 10 s (90 s of work left), then both at rate 1/1.2: chat 1 needs
    # 90 x 1.2 = 108 s more and ends at 118; chat 2 has done 108 / 1.2 = 90 s by then,
    # and finishes its last 10 s alone at 128.
    rec = run_draws(build_plan(chat_team(2, [1.0, 1.2])), draws_of([0.0, 10.0], [100.0, 100.0]))
    np.testing.assert_array_equal(rec.outcome, [ANSWERED, ANSWERED])
    np.testing.assert_allclose(rec.answer, [0.0, 10.0])
    np.testing.assert_allclose(ends_of(rec), [118.0, 128.0], rtol=1e-12)
    np.testing.assert_allclose(rec.handle, [118.0, 118.0], rtol=1e-12)


def test_three_chats_and_a_queued_one_follow_the_rate_rule_by_hand():
    # Slowdown [1, 1.2, 1.45], works 100, 100, 100, 50 (+ 10 s wrap-up each, slowed too),
    # arrivals 0, 10, 20, 30; the fourth waits for a place.
    #   0-10   one open:  w1 110 -> 100
    #   10-20  two open:  w1 100 -> 100 - 10/1.2, w2 110 -> 110 - 10/1.2
    #   20-    three open: chat 1 ends after (100 - 10/1.2) x 1.45; chat 4 takes its place, ...
    rec = run_draws(build_plan(chat_team(3, SLOWDOWN)),
                    draws_of([0.0, 10.0, 20.0, 30.0], [100.0, 100.0, 100.0, 50.0], acw=[10.0] * 4))
    e1 = 20 + (100 - 10 / 1.2) * 1.45
    w2, w3 = 110 - 10 / 1.2 - (e1 - 20) / 1.45, 110 - (e1 - 20) / 1.45  # left when chat 1 ends
    w4 = 60.0
    e2 = e1 + w2 * 1.45  # chats 2, 3 and 4 open
    w3, w4 = w3 - w2, w4 - w2
    e3 = e2 + w3 * 1.2  # chats 3 and 4 open
    w4 -= w3
    e4 = e3 + w4  # chat 4 alone
    np.testing.assert_allclose(rec.answer, [0.0, 10.0, 20.0, e1], rtol=1e-12)
    np.testing.assert_allclose(ends_of(rec), [e1, e2, e3, e4], rtol=1e-12)
    # Talk and wrap-up are recorded as they happened: 10 s of wrap-up work took 10 s x the
    # slowdown of the chats open meanwhile (chat 4 wrapped up alone: 10 s).
    assert np.all((rec.acw >= 10.0 - 1e-9) & (rec.acw <= 14.5 + 1e-9))
    assert rec.acw[0] == pytest.approx(14.5) and rec.acw[3] == pytest.approx(10.0)
    np.testing.assert_allclose(rec.answer + rec.handle + rec.acw, [e1, e2, e3, e4], rtol=1e-12)
    assert e1 < e2 < e3 < e4


def test_without_slowdown_concurrent_chats_take_their_own_handle_time():
    arrival = [0.0, 5.0, 7.0, 300.0]
    handle = [100.0, 40.0, 250.0, 30.0]
    rec = run_draws(build_plan(chat_team(3)), draws_of(arrival, handle))
    np.testing.assert_allclose(rec.answer, arrival)
    np.testing.assert_allclose(rec.handle, handle, rtol=1e-12)


def random_chat_team(agents: int) -> ccsim.Scenario:
    return chat_team(3, SLOWDOWN, agents=agents, rate=f"{45 * agents}/h",
                     handle_time={"dist": "lognormal", "mean": "6min", "cv": 0.9},
                     after_call_work={"dist": "exponential", "mean": "20s"},
                     patience={"dist": "exponential", "mean": "2min"})


def test_one_agent_chats_match_a_direct_computation_of_the_rules():
    plan = build_plan(random_chat_team(1))
    queued = 0
    for r in range(8):
        draws = draw_contacts(plan, r)
        rec = run_draws(plan, draws, r)
        start, end = reference_one_agent(draws.arrival, draws.handle + draws.acw, draws.patience,
                                         3, SLOWDOWN)
        np.testing.assert_array_equal(rec.outcome == ANSWERED, ~np.isnan(start))
        np.testing.assert_array_equal(rec.outcome[np.isnan(start)], ABANDONED)
        np.testing.assert_allclose(rec.answer, start, rtol=0, atol=1e-6)
        np.testing.assert_allclose(ends_of(rec), end, rtol=0, atol=1e-6)
        queued += int((start > draws.arrival).sum())
    assert queued > 0  # the agent was full sometimes


def test_chats_per_agent_never_exceed_the_concurrency_and_follow_the_rate_rule():
    plan = build_plan(random_chat_team(4))
    full_at_arrival = 0
    for r in range(5):
        draws = draw_contacts(plan, r)
        rec = run_draws(plan, draws, r)
        per_agent = per_agent_intervals(rec)
        assert len(rec.agents["group"]) == 4
        assert set(per_agent) <= set(range(4))
        answered = rec.outcome == ANSWERED
        np.testing.assert_array_equal(rec.agents["contact_agent"] >= 0, answered)
        for idx, s, e in per_agent.values():
            assert max_open(s, e) <= 3
            # Each chat received exactly its drawn work (talk + wrap-up) under the rate rule.
            np.testing.assert_allclose(work_received(s, e, SLOWDOWN), draws.handle[idx] + draws.acw[idx],
                                       rtol=1e-9, atol=1e-6)
        # Routing: an arriving chat goes to an agent with the fewest chats open (idle first) and
        # waits only when every agent is full.
        for c in range(len(rec)):
            counts = [open_at(s, e, rec.arrival[c]) for _, s, e in per_agent.values()]
            counts += [0] * (4 - len(counts))
            if answered[c] and rec.answer[c] == rec.arrival[c]:
                a = rec.agents["contact_agent"][c]
                idx, s, e = per_agent[int(a)]
                assert open_at(s, e, rec.arrival[c]) == min(counts), c
            else:
                assert min(counts) == 3, c
                full_at_arrival += 1
        # First come, first served: answers in arrival order.
        assert np.all(np.diff(rec.answer[answered]) >= 0)
    assert full_at_arrival > 0


# --------------------------------------------------------------------------- 3. exclusivity


def blended_team(voice_with_chat: bool) -> ccsim.Scenario:
    return ccsim.from_dict({
        "name": "blend", "seed": 21, "statistics": {"per_agent": True},
        "horizon": {"start": "08:00", "end": "12:00", "interval": "30min"},
        "contact_types": {
            "calls": {"arrivals": {"rate": "50/h"}, "handle_time": {"dist": "exponential", "mean": "4min"},
                      "after_call_work": {"dist": "constant", "value": "15s"},
                      "patience": {"dist": "exponential", "mean": "3min"}},
            "chat": {"channel": "chat", "concurrency": 3, "concurrency_slowdown": SLOWDOWN,
                     "arrivals": {"rate": "60/h"}, "handle_time": {"dist": "lognormal", "mean": "8min", "cv": 0.7},
                     "patience": {"dist": "exponential", "mean": "2min"}},
        },
        "agent_groups": {
            "blend": {"skills": ["calls", "chat"], "staffing": 5, "voice_with_chat": voice_with_chat},
            "voice": {"skills": ["calls"], "staffing": 1},
        },
    })


@pytest.mark.parametrize("voice_with_chat", [False, True])
def test_voice_and_chat_overlap_on_an_agent_only_when_the_group_allows_it(voice_with_chat):
    plan = build_plan(blended_team(voice_with_chat))
    both = 0
    for r in range(5):
        rec = simulate_replication(plan, r)
        groups = rec.agents["group"]
        for a, (idx, s, e) in per_agent_intervals(rec).items():
            voice = rec.ctype[idx] == 0
            assert max_open(s[voice], e[voice]) <= 1  # one call at a time
            assert max_open(s[~voice], e[~voice]) <= 3
            n = overlaps(s[voice], e[voice], s[~voice], e[~voice])
            if not voice_with_chat or groups[a] != 0:
                assert n == 0, (r, a)
            both += n
        assert np.all(rec.group[rec.agents["contact_agent"] >= 0] == groups[rec.agents["contact_agent"][
            rec.agents["contact_agent"] >= 0]])
    assert (both > 0) == voice_with_chat


@pytest.mark.parametrize("voice_with_chat", [False, True])
def test_a_contact_waits_only_while_no_agent_has_room_for_it(voice_with_chat):
    """Right after every event, a waiting chat means every 'blend' agent is full for chats (a
    call in hand without voice_with_chat, or 3 chats open), and a waiting call means every
    agent is on a call or (without voice_with_chat) busy with chats. Everyone stays all day."""
    plan = build_plan(blended_team(voice_with_chat))
    chats_waited = calls_waited = 0
    for r in range(3):
        rec = simulate_replication(plan, r)
        enter, leave = queue_spans(rec)
        intervals = per_agent_intervals(rec)
        groups = rec.agents["group"]
        times = np.unique(np.concatenate([rec.entry, ends_of(rec)[rec.outcome == ANSWERED]]))
        after = times + EPS
        calls_in_hand, chats_open = np.zeros((groups.size, times.size)), np.zeros((groups.size, times.size))
        for a, (idx, s, e) in intervals.items():
            on = (s[None, :] <= after[:, None]) & (e[None, :] > after[:, None])
            calls_in_hand[a] = on[:, rec.ctype[idx] == 0].sum(axis=1)
            chats_open[a] = on[:, rec.ctype[idx] == 1].sum(axis=1)
        blend = groups == 0
        if voice_with_chat:
            chat_full = chats_open[blend] == 3
            call_full = calls_in_hand > 0
        else:
            chat_full = (calls_in_hand[blend] > 0) | (chats_open[blend] == 3)
            call_full = (calls_in_hand > 0) | (chats_open > 0)
        for k, full in ((1, chat_full), (0, call_full)):
            mine = rec.ctype == k
            waiting = ((enter[mine][None, :] <= after[:, None]) & (leave[mine][None, :] > after[:, None])).any(axis=1)
            assert full[:, waiting].all(), (r, k, times[waiting & ~full.all(axis=0)][:5])
        chats_waited += int(((rec.ctype == 1) & (rec.answer > rec.entry)).sum())
        calls_waited += int(((rec.ctype == 0) & (rec.answer > rec.entry)).sum())
    assert chats_waited > 20 and calls_waited > 20


# --------------------------------------------------------------------------- 4. emails conserve


def email_centre(days: int, desk: int = 4) -> ccsim.Scenario:
    return ccsim.from_dict({
        "name": "emails", "seed": 17, "statistics": {"per_agent": True},
        "horizon": {"start": "08:00", "end": "18:00", "interval": "1h", "days": days},
        "contact_types": {
            "calls": {"arrivals": {"rate": "30/h"}, "handle_time": {"dist": "exponential", "mean": "4min"},
                      "patience": {"dist": "exponential", "mean": "3min"}},
            "mail": {"channel": "email", "arrivals": {"rate": "16/h"},
                     "handle_time": {"dist": "lognormal", "mean": "12min", "cv": 0.5}},
            "forms": {"channel": "email", "arrivals": {"rate": "6/h"},
                      "handle_time": {"dist": "gamma", "mean": "15min", "cv": 0.6},
                      "after_call_work": {"dist": "constant", "value": "1min"}},
        },
        "agent_groups": {
            "desk": {"skills": ["calls", "mail", "forms"], "staffing": desk},
            "back": {"skills": ["forms"], "staffing": 1},
        },
    })


def day_windows(plan) -> list[tuple[float, float]]:
    return [(d * DAY_S, d * DAY_S + plan.horizon_s) for d in range(plan.days)]


@pytest.mark.parametrize("days", [1, 3])
def test_emails_conserve_arrived_equals_handled_plus_backlog(days):
    sc = email_centre(days)
    plan = build_plan(sc)
    email_types = [ct.index for ct in plan.contact_types if ct.channel == "email"]
    windows = day_windows(plan)
    carried = backlog = across_close = 0
    for r in range(6):
        draws = draw_contacts(plan, r)
        rec = run_draws(plan, draws, r)
        for k in email_types:
            mine = rec.ctype == k
            arrived = int(mine.sum())
            handled = int((mine & (rec.outcome == ANSWERED)).sum())
            waiting = int((mine & (rec.outcome == WAITING)).sum())
            assert arrived > 0
            assert handled + waiting == arrived  # no email abandons, none is lost
            # An email once started is finished: its handle time is the drawn one.
            done = mine & (rec.outcome == ANSWERED)
            np.testing.assert_array_equal(rec.handle[done], draws.handle[done])
            np.testing.assert_array_equal(rec.acw[done], draws.acw[done])
            # Started inside a day's horizon only.
            start = rec.answer[done]
            inside = np.zeros(start.size, dtype=bool)
            for low, high in windows:
                inside |= (start >= low) & (start < high)
            assert inside.all(), start[~inside]
            # First come, first served within a type: the backlog is the latest arrivals.
            assert np.all(np.diff(start) >= 0)
            if waiting and handled:
                assert rec.arrival[mine & (rec.outcome == WAITING)].min() > rec.arrival[done].max()
            carried += int((np.floor(start / DAY_S) > np.floor(rec.arrival[done] / DAY_S)).sum())
            ends = start + rec.handle[done] + rec.acw[done]
            across_close += int(sum(((start < high) & (ends > high)).sum() for _, high in windows))
            backlog += waiting
        assert np.all(rec.outcome[np.isin(rec.ctype, email_types)] != ABANDONED)
    assert backlog > 0  # staffing is short: work was left at the end
    assert across_close > 0  # emails in progress at a day's end were finished
    assert (carried > 0) == (days > 1)  # the backlog carried over to the next day


def test_a_well_staffed_multi_day_centre_leaves_no_email_backlog():
    plan = build_plan(email_centre(3, desk=9))
    for r in range(3):
        rec = simulate_replication(plan, r)
        emails = rec.ctype >= 1
        # Only emails arriving in the last day's final minutes may still wait.
        late = rec.arrival[emails & (rec.outcome == WAITING)]
        assert np.all(late > 2 * DAY_S + plan.horizon_s - 3600), late


# --------------------------------------------------------------------------- 5. emails never delay calls


def shared_centre(emails: bool = True) -> ccsim.Scenario:
    types = {
        "calls": {"arrivals": {"rate": "45/h"}, "handle_time": {"dist": "exponential", "mean": "4min"},
                  "after_call_work": {"dist": "constant", "value": "20s"},
                  "patience": {"dist": "exponential", "mean": "4min"}},
        "chat": {"channel": "chat", "concurrency": 2, "concurrency_slowdown": [1.0, 1.3],
                 "arrivals": {"rate": "25/h"}, "handle_time": {"dist": "lognormal", "mean": "7min", "cv": 0.6},
                 "patience": {"dist": "exponential", "mean": "3min"}},
    }
    groups = {"phones": {"skills": ["calls", "chat"], "staffing": [3, 4, 4, 5, 5, 4, 3, 3]},
              "web": {"skills": ["chat", "calls"], "staffing": 2}}
    if emails:
        types["mail"] = {"channel": "email", "arrivals": {"rate": "12/h"},
                         "handle_time": {"dist": "lognormal", "mean": "10min", "cv": 0.5}}
        groups["phones"]["skills"].append("mail")
        groups["web"]["skills"].append("mail")
    return ccsim.from_dict({
        "name": "shared", "seed": 5, "statistics": {"per_agent": True},
        "horizon": {"start": "08:00", "end": "12:00", "interval": "30min"},
        "contact_types": types, "agent_groups": groups,
    })


OMNICHANNEL = Path(__file__).resolve().parents[2] / "scenarios" / "omnichannel.yaml"


def email_sharing_centre(which: str) -> ccsim.Scenario:
    if which == "shared":
        return shared_centre()
    # Shifts, breaks, aux, absenteeism and overflow delays: a group may take a contact only
    # after the group's delay, so only those contacts count as ones the agent may take.
    return ccsim.load(OMNICHANNEL).with_changes({"statistics.per_agent": True})


@pytest.mark.parametrize("which, replications", [("shared", 8), ("omnichannel", 3)])
def test_an_email_is_started_only_when_no_call_or_chat_the_agent_may_take_is_waiting(which, replications):
    plan = build_plan(email_sharing_centre(which))
    mail = next(ct.index for ct in plan.contact_types if ct.channel == "email")
    calls_waited = emails_waited = checked = 0
    for r in range(replications):
        rec = simulate_replication(plan, r)
        enter, leave = queue_spans(rec)
        emails = np.flatnonzero((rec.ctype == mail) & (rec.outcome == ANSWERED))
        for gp in plan.agent_groups:
            starts = rec.answer[emails[rec.group[emails] == gp.index]]
            for k, delay in zip(gp.skill_indices, gp.delay, strict=True):
                if k == mail:
                    continue
                o = np.flatnonzero(rec.ctype == k)
                may_take = (enter[o][None, :] + delay <= starts[:, None]) & (starts[:, None] < leave[o][None, :])
                assert not may_take.any(), (r, gp.name, k, starts[may_take.any(axis=1)])
            checked += starts.size
        # An email takes the whole agent: nothing else overlaps it on that agent.
        for idx, s, e in per_agent_intervals(rec).values():
            is_mail = rec.ctype[idx] == mail
            assert overlaps(s[is_mail], e[is_mail], s[~is_mail], e[~is_mail]) == 0
            assert max_open(s[is_mail], e[is_mail]) <= 1
        calls_waited += int(((rec.ctype != mail) & (rec.outcome == ANSWERED) & (rec.answer > rec.entry)).sum())
        emails_waited += int(((rec.ctype == mail) & (rec.outcome == ANSWERED) & (rec.answer > rec.entry)).sum())
    assert checked > 100 and calls_waited > 50 and emails_waited > 50  # both channels queued


def single_server(emails: bool) -> ccsim.Scenario:
    types = {"calls": {"arrivals": {"rate": "24/h"}, "handle_time": {"dist": "exponential", "mean": "60s"}}}
    skills = ["calls"]
    if emails:
        types["mail"] = {"channel": "email", "arrivals": {"rate": "12/h"},
                         "handle_time": {"dist": "constant", "value": "90s"}}
        skills.append("mail")
    return ccsim.from_dict({
        "name": "one agent", "seed": 12, "horizon": {"start": "00:00", "end": "24:00", "interval": "1h"},
        "contact_types": types, "agent_groups": {"one": {"skills": skills, "staffing": 1}},
    })


def test_emails_delay_calls_only_by_the_residual_email_in_progress():
    """One agent, calls before emails without preemption: an M/G/1 queue with non-preemptive
    priorities (Cobham). Calls wait W1 = R / (1 - rho1) with R = sum(lambda_i E[S_i^2]) / 2;
    emails add only lambda_e E[S_e^2] / 2 to R, the residual of an email in progress."""
    lam_v, m_v = 24 / 3600, 60.0  # calls: exponential, E[S^2] = 2 m^2
    lam_e, m_e = 12 / 3600, 90.0  # emails: constant, E[S^2] = m^2
    rho_v, rho_e = lam_v * m_v, lam_e * m_e
    r_v, r_e = lam_v * 2 * m_v**2 / 2, lam_e * m_e**2 / 2
    exact_with, exact_without = (r_v + r_e) / (1 - rho_v), r_v / (1 - rho_v)  # 62.5 s, 40 s
    exact_email = (r_v + r_e) / ((1 - rho_v) * (1 - rho_v - rho_e))

    def mean_wait(rec, k):
        steady = (rec.ctype == k) & (rec.arrival >= 3600) & (rec.arrival < 23 * 3600)  # warm-up, closing left out
        return float(np.mean(rec.answer[steady] - rec.arrival[steady]))

    with_plan, without_plan = build_plan(single_server(True)), build_plan(single_server(False))
    w, wo, we = [], [], []
    for r in range(150):
        a, b = simulate_replication(with_plan, r), simulate_replication(without_plan, r)
        np.testing.assert_array_equal(a.arrival[a.ctype == 0], b.arrival)  # common random numbers
        w.append(mean_wait(a, 0))
        wo.append(mean_wait(b, 0))
        we.append(mean_wait(a, 1))
    w, wo = np.array(w), np.array(wo)
    for values, exact in ((w, exact_with), (wo, exact_without), (w - wo, exact_with - exact_without),
                          (we, exact_email)):
        _, (lo, hi) = mean_ci(values, 0.999)
        assert lo <= exact <= hi, (exact, lo, hi)


# --------------------------------------------------------------------------- per-agent statistics


def union_length(starts: np.ndarray, ends: np.ndarray, low: float, high: float) -> float:
    """Length of the union of [start, end) intervals inside [low, high)."""
    s, e = np.clip(starts, low, high), np.clip(ends, low, high)
    order = np.argsort(s)
    total, cur_s, cur_e = 0.0, None, None
    for a, b in zip(s[order], e[order], strict=True):
        if cur_e is None or a > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = a, b
        else:
            cur_e = max(cur_e, b)
    return total + (cur_e - cur_s if cur_e is not None else 0.0)


def step_length(t: np.ndarray, n: np.ndarray, low: float, high: float) -> float:
    """Integral over [low, high) of the step function n[i] from t[i] on."""
    right = np.append(t[1:], np.inf)
    return float((n * np.clip(np.minimum(right, high) - np.maximum(t, low), 0.0, None)).sum())


PER_AGENT_CENTRES = {
    "blended": lambda: blended_team(False),
    "voice_with_chat": lambda: blended_team(True),
    "chat_team": lambda: random_chat_team(4),
    "shared": shared_centre,
    "emails_3_days": lambda: email_centre(3),
    "rostered": lambda: equivalence_scenario("chat", "rostered", "priority", True),
}


@pytest.mark.parametrize("centre", list(PER_AGENT_CENTRES))
def test_per_agent_time_counts_concurrent_contacts_once(centre):
    """An agent's busy time is the time it had anything open (three chats count once, a call
    with chats once), its handled count the contacts it started, both inside the days'
    windows; the agents' present time adds up to the group's."""
    plan = build_plan(PER_AGENT_CENTRES[centre]())
    windows = plan.open_windows()
    for r in range(2):
        rec = simulate_replication(plan, r)
        intervals = per_agent_intervals(rec)
        agents = rec.agents
        for a in range(agents["group"].size):
            idx, s, e = intervals.get(a, (np.zeros(0, dtype=int), np.zeros(0), np.zeros(0)))
            busy = sum(union_length(s, e, low, high) for low, high in windows)
            assert agents["busy_s"][a] == pytest.approx(busy, abs=1e-6), (r, a)
            handled = sum(int(((s >= low) & (s < high)).sum()) for low, high in windows)
            assert agents["handled"][a] == handled
            assert agents["busy_s"][a] <= agents["present_s"][a] + 1e-6
            assert np.all(rec.group[idx] == agents["group"][a])
        for g in range(len(plan.agent_groups)):
            t, n = rec.present_log[g]
            present = sum(step_length(t, n, low, high) for low, high in windows)
            assert agents["present_s"][agents["group"] == g].sum() == pytest.approx(present, rel=1e-9)
