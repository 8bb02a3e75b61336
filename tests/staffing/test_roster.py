"""Shift scheduling: patterns, the covering integer programme, the shifts block, and the loop closed."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ccsim.staffing import InfeasibleTargets, resolve_options
from ccsim.staffing.closing import fit_roster
from ccsim.staffing.roster import Pattern, coverage, enumerate_patterns, schedule_group
from ccsim.staffing.settings import PatternBreakSpec, PatternSpec
from tests.common.staffing import small_line

H = 8 * 3600.0  # horizon start, 08:00


def test_coverage_counts_time_on_shift_and_not_on_a_break():
    p = Pattern(H, 4 * 3600.0, ((H + 3600.0 + 900.0, 900.0, True),))  # 08:00-12:00, break 09:15-09:30
    a = coverage([p], H, 10, 1800.0)[:, 0]
    assert a.tolist() == [1, 1, 0.5, 1, 1, 1, 1, 1, 0, 0]
    assert p.paid_hours == 4.0
    assert Pattern(H, 8 * 3600.0, ((H + 4 * 3600.0, 1800.0, False),)).paid_hours == 7.5


def test_patterns_respect_the_horizon_windows_and_minimum_lengths():
    spec = PatternSpec(lengths=[4 * 3600.0, 6 * 3600.0],
                       breaks=[PatternBreakSpec(length=1800.0, window=(2 * 3600.0, 3 * 3600.0), min_shift=6 * 3600.0)],
                       break_step=1800.0)
    patterns = enumerate_patterns(spec, H, H + 8 * 3600.0, 1800.0)
    for p in patterns:
        assert H <= p.start_s and p.end_s <= H + 8 * 3600.0
        if p.length_s == 6 * 3600.0:
            (start, length, _), = p.breaks
            assert 2 * 3600.0 <= start - p.start_s <= 3 * 3600.0 and length == 1800.0
        else:
            assert p.breaks == ()
    assert len([p for p in patterns if p.length_s == 6 * 3600.0]) == 5 * 3  # 5 starts x 3 break positions


def test_roster_covers_the_requirement_at_minimum_paid_hours():
    req = np.array([2, 3, 3, 1], dtype=float)
    spec = PatternSpec(starts=["08:00", "08:30", "09:00"], lengths=[3600.0, 5400.0], breaks=[])
    r = schedule_group("team", req, spec, H, 1800.0)
    assert (r.covered >= req - 1e-9).all()
    # Brute force over every small roster: nothing cheaper covers the requirement.
    patterns = enumerate_patterns(spec, H, H + 2 * 3600.0, 1800.0)
    a = coverage(patterns, H, 4, 1800.0)
    best = min(sum(x[p] * patterns[p].paid_hours for p in range(len(patterns)))
               for x in itertools.product(range(4), repeat=len(patterns)) if (a @ np.array(x) >= req).all())
    assert r.paid_hours == pytest.approx(best)
    assert r.status == "optimal"


def test_an_interval_no_shift_can_cover_is_a_clear_error():
    spec = PatternSpec(starts=["09:00"], lengths=[3600.0], breaks=[])
    with pytest.raises(InfeasibleTargets, match="no allowed shift covers the 08:00 interval"):
        schedule_group("team", np.array([1.0, 0.0, 1.0, 0.0]), spec, H, 1800.0)


def test_the_shifts_block_is_scenario_language_and_its_roster_simulates():
    sc = small_line()
    required = {"team": np.array([4, 5, 7, 9, 9, 8, 8, 8, 7, 6, 5, 4], dtype=float)}
    options = resolve_options(sc)
    rounds = fit_roster(sc, required, options, None, replications=20, seed=12, rounds=2)
    roster = rounds[-1].roster
    block = roster.groups[0].block()
    assert block and all({"start", "end", "headcount"} <= set(s) for s in block)
    variant = sc.with_changes(roster.changes(sc))  # validated like a file
    assert variant.agent_groups["team"].shifts is not None and variant.agent_groups["team"].staffing is None
    assert (roster.groups[0].covered >= required["team"] - 1e-9).all()
    check = rounds[-1].check
    assert check is not None and check.n_intervals == 12
    assert check.estimates.contact_types["calls"]["offered"].mean > 0
    # Each round either met every target or added agents where the roster missed.
    for before, after in zip(rounds, rounds[1:], strict=False):
        assert before.check.intervals_met < before.check.n_intervals and after.added > 0


def test_shrinkage_is_covered_by_the_roster():
    sc = small_line()
    required = {"team": np.full(12, 6.0)}
    rounds = fit_roster(sc, required, resolve_options(sc, shrinkage=0.25), None, simulate=False)
    assert (rounds[-1].roster.groups[0].covered >= 8.0 - 1e-9).all()
