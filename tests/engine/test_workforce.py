"""Workforce: shifts with breaks, absenteeism and aux time."""

import numpy as np
import pytest

import ccsim
from ccsim.engine import simulate_replication
from ccsim.experiment.stats import mean_ci
from ccsim.plan import build_plan
from tests.common.workforce import SHIFTS, scenario


def test_present_agents_match_the_roster_exactly_without_absenteeism():
    est = ccsim.simulate(scenario(), replications=2)
    present = est.group_intervals["team"]["agents_present"]
    scheduled = est.group_intervals["team"]["agents_scheduled"]
    np.testing.assert_allclose(present, scheduled, atol=1e-9)
    # 08:00 three agents; 10:00 the early shift's fixed break (15 min) and the late shift's start.
    assert scheduled[0] == 3 and scheduled[4] == pytest.approx(3 + 4 - 3 * 0.5)
    breaks = est.group_intervals["team"]["break_hours"].sum()
    assert breaks == pytest.approx(3 * 0.25 + 4 * 0.5)


def busy_and_present(rec, g=0):
    mine = rec.group == g
    start = rec.answer[mine]
    end = start + rec.handle[mine] + rec.acw[mine]
    t, n = rec.present_log[g]
    return start, end, t, n


def test_a_break_or_the_end_of_a_shift_never_interrupts_a_contact():
    sc = scenario(rate="110/h")
    for r in range(5):
        rec = simulate_replication(build_plan(sc), r)
        start, end, t, n = busy_and_present(rec)
        times = np.unique(np.concatenate([t, start, end]))
        busy = ((start[None, :] <= times[:, None]) & (end[None, :] > times[:, None])).sum(axis=1)
        present = n[np.searchsorted(t, times, side="right") - 1]
        assert np.all(busy <= present), r  # an agent away or gone is never mid-contact
        # Agents went on break: the group logged time away.
        assert rec.away_log[0][0].max() >= 1


def test_absenteeism_removes_that_share_of_rostered_agents():
    sc = scenario(absenteeism=0.25)
    est = ccsim.simulate(sc, replications=200)
    ratio = est.agent_groups["team"]["agents_present"].values / est.agent_groups["team"]["agents_scheduled"].values
    _, (lo, hi) = mean_ci(ratio, 0.999)
    assert lo <= 0.75 <= hi


def test_aux_takes_its_share_of_logged_in_time_between_contacts():
    sc = ccsim.from_dict({
        "name": "aux", "horizon": {"start": "00:00", "end": "24:00", "interval": "1h"}, "seed": 2,
        "contact_types": {"calls": {"arrivals": {"rate": "60/h"},
                                    "handle_time": {"dist": "exponential", "mean": "3min"}}},
        "agent_groups": {"team": {"skills": ["calls"], "staffing": 6, "aux": 0.1}},
    })
    est = ccsim.simulate(sc, replications=20)
    g = est.agent_groups["team"]
    share = g["aux_hours"].values / (g["aux_hours"].values + g["present_hours"].values)
    _, (lo, hi) = mean_ci(share, 0.999)
    assert lo - 0.01 <= 0.1 <= hi + 0.01  # aux periods stop at the horizon end: a little under 10 %
    assert g["utilisation"].mean < g["occupancy"].mean


def test_staffing_or_shifts_exactly_one():
    with pytest.raises(ccsim.ScenarioError, match="exactly one of 'staffing'"):
        ccsim.from_dict({
            "name": "x", "horizon": {"start": "08:00", "end": "10:00"},
            "contact_types": {"c": {"arrivals": {"rate": "1/h"}, "handle_time": {"dist": "constant", "value": 60}}},
            "agent_groups": {"g": {"skills": ["c"], "staffing": 2, "shifts": SHIFTS}},
        })
    with pytest.raises(ccsim.ScenarioError, match="every break must lie inside its shift"):
        scenario(shifts=[{"start": "08:00", "end": "09:00", "headcount": 1,
                          "breaks": [{"start": "09:30", "length": "10min"}]}])


def test_a_roster_works_every_day_of_a_multi_day_horizon():
    # Shifts starting at the opening log in on each day, not only the first.
    sc = ccsim.from_dict({
        "name": "days", "horizon": {"start": "08:00", "end": "14:00", "interval": "1h", "days": 3},
        "seed": 2, "replications": 2,
        "contact_types": {"calls": {"arrivals": {"rate": "10/h"},
                                    "handle_time": {"dist": "exponential", "mean": "3min"}}},
        "agent_groups": {"team": {"skills": ["calls"], "shifts": [
            {"start": "08:00", "end": "14:00", "headcount": 3},
            {"start": "10:00", "end": "12:00", "headcount": 1}]}},
    })
    est = ccsim.simulate(sc)
    present = est.group_intervals["team"]["agents_present"]
    scheduled = est.group_intervals["team"]["agents_scheduled"]
    assert scheduled.tolist() == [3, 3, 4, 4, 3, 3] * 3
    # Exact until the short shift ends (its agent may finish a call after 12:00).
    for day in range(3):
        np.testing.assert_allclose(present[6 * day:6 * day + 4], [3, 3, 4, 4], atol=1e-9)
    assert np.all(present >= scheduled - 1e-9)
    assert est.contact_types["calls"]["waiting_at_end"].mean == 0


def test_breaks_and_shift_ends_never_interrupt_chats_or_emails():
    """Agents holding chats (several at once) or an email go on break or home only when the
    last one ends: at any time, agents with work in hand <= agents present."""
    sc = ccsim.from_dict({
        "name": "chat roster", "horizon": {"start": "08:00", "end": "17:00", "interval": "30min"},
        "seed": 8, "replications": 3, "statistics": {"per_agent": True},
        "contact_types": {
            "chat": {"channel": "chat", "concurrency": 3, "concurrency_slowdown": [1.0, 1.3, 1.6],
                     "arrivals": {"rate": "60/h"}, "handle_time": {"dist": "exponential", "mean": "8min"},
                     "patience": {"dist": "exponential", "mean": "3min"}},
            "email": {"channel": "email", "arrivals": {"rate": "12/h"},
                      "handle_time": {"dist": "exponential", "mean": "10min"}},
        },
        "agent_groups": {"team": {"skills": ["chat", "email"], "shifts": SHIFTS, "aux": 0.05}},
    })
    est = ccsim.simulate(sc, keep_records=True)
    for rec in est.records:
        answered = rec.outcome == 1
        who = rec.agents["contact_agent"][answered]
        start = rec.answer[answered]
        end = start + (rec.handle[answered] + rec.acw[answered])
        t, n = rec.present_log[0]
        points = np.unique(np.concatenate([t, start, end - 1e-7]))
        holding = np.array([np.unique(who[(start <= p) & (end - 1e-7 > p)]).size for p in points])
        present = n[np.searchsorted(t, points, side="right") - 1]
        assert np.all(holding <= present)
        assert rec.away_log[0][0].max() >= 1 and rec.away_log[0][1].max() >= 1  # breaks and aux happened
        assert holding.max() >= 2 and np.bincount(who).max() > 10
