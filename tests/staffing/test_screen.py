"""Screening variants on the sample's first days: it only drops variants the whole sample rejects.

The search's check and trim simulate a variant on the first quarter (then half) of the sample's
days and stop when its paired difference from the staffing it comes from shows a certain miss
(``ccsim.staffing.screen``). What must hold: a screened-out variant misses on the whole sample
too; a variant not screened out is judged exactly as without screening; targets read on a share
of days are never screened; and the search's answer keeps its promise (no single removal meets
every target on the whole sample).
"""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.staffing import resolve_options, staff
from ccsim.staffing.evaluate import Evaluator
from ccsim.staffing.screen import screen_days
from ccsim.staffing.staff import validate_staffing


def queue(per_interval, seed=3):
    return ccsim.from_dict({
        "name": "queue", "seed": seed, "horizon": {"start": "08:00", "end": "12:00", "interval": "30min"},
        "contact_types": {"calls": {
            "arrivals": {"per_interval": list(per_interval)},
            "handle_time": {"dist": "exponential", "mean": "3min"},
            "patience": {"dist": "exponential", "mean": "3min"},
            "service_level": {"target": 0.8, "threshold": "20s"},
            "retrial": {"probability": 0.5, "delay": {"dist": "exponential", "mean": "5min"}}}},
        "agent_groups": {"team": {"skills": ["calls"], "staffing": 1}},
    })


def single_removals(staffing):
    out = []
    for j in range(staffing.shape[1]):
        v = staffing.copy()
        v[0, j] -= 1
        out.append(v)
    return out


def test_screen_stops_are_the_first_quarter_and_half_and_never_with_a_confidence_target():
    assert screen_days(40, None) == (10, 20)
    assert screen_days(140, None) == (35, 70)
    assert screen_days(20, None) == (10,)  # half of 20 leaves 10 days to save, a quarter too few to screen on
    assert screen_days(12, None) == ()
    assert screen_days(100, 0.9) == ()


@pytest.fixture(scope="module")
def found():
    sc = queue([40, 70, 90, 80, 60, 50, 45, 30])
    options = resolve_options(sc)
    result = staff(sc, options, replications=40, check_replications=20, compare=False)
    return sc, options, result


def test_a_screened_out_removal_misses_on_the_whole_sample_and_the_others_are_judged_as_without_screening(found):
    sc, options, result = found
    base_staffing = result.required
    variants = single_removals(base_staffing) + single_removals(base_staffing + 2)
    with Evaluator(sc, options.targets, 40, result.seed) as screened, \
            Evaluator(sc, options.targets, 40, result.seed) as full:
        base = screened.evaluate(base_staffing)
        bases = {0: base, 1: screened.evaluate(base_staffing + 2)}
        got = []
        for k, group in enumerate((variants[:8], variants[8:])):
            got += screened.evaluate_screened(bases[k], group, lambda _i, v: not v.all_ok)
        exact = full.evaluate_many(variants)
    assert screened.screened_out >= 4  # one agent fewer at a peak is a clear miss: screened out
    assert screened.simulated_days < full.simulated_days
    for g, e in zip(got, exact, strict=True):
        if g.screened:
            assert len(g.results) < 40
            assert not g.verdicts.all_ok and not e.verdicts.all_ok
            # every interval it names as missed misses on the whole sample too
            assert not (~g.verdicts.ok & e.verdicts.ok).any()
        else:
            assert np.array_equal(g.verdicts.ok, e.verdicts.ok)
            for key, observed in e.verdicts.observed.items():
                assert np.allclose(g.verdicts.observed[key], observed, equal_nan=True), key


def test_a_confidence_target_is_never_screened(found):
    sc, _, result = found
    options = resolve_options(sc, confidence=0.8)
    with Evaluator(sc, options.targets, 40, result.seed) as ev:
        base = ev.evaluate(result.required + 3)
        ev.evaluate_screened(base, single_removals(result.required + 3), lambda _i, v: not v.all_ok)
    assert ev.screened_out == 0 and ev.simulated_days == 40 * 9


def test_the_search_with_screening_keeps_its_promise(found):
    sc, options, result = found
    assert result.search.minimal
    refines = (result.days_per_variant - 40) // 20  # each round that went on added the check's 20 days
    more = [(result.seed + 1 + i, 20) for i in range(refines)]
    with Evaluator(sc, options.targets, 40, result.seed, more=more) as ev:
        assert ev.evaluate(result.required).verdicts.all_ok
        for j, fewer in enumerate(single_removals(result.required)):
            if result.required[0, j] > 0:
                assert not ev.evaluate(fewer).verdicts.all_ok, j


def test_a_refine_round_starts_from_results_it_knows_which_equal_simulating_them_again(found):
    # ``staff`` goes on after a missed check with the check's days added to the sample; the staffing it
    # starts from is not simulated again: its results are the last sample's and the check's own.
    sc, options, result = found
    check = validate_staffing(sc, result.required, options, "simulation", 20, result.seed + 1, 1)
    with Evaluator(sc, options.targets, 40, result.seed) as first:
        known = list(first.evaluate(result.required).results) + list(check.estimates.replication_results)
    with Evaluator(sc, options.targets, 40, result.seed, more=[(result.seed + 1, 20)]) as ev:
        again = ev.evaluate(result.required)
    assert len(known) == len(again.results) == 60
    for a, b in zip(known, again.results, strict=True):
        assert np.array_equal(a.intervals["calls"]["service_level"], b.intervals["calls"]["service_level"],
                              equal_nan=True)
        assert a.contact_types["calls"]["offered"] == b.contact_types["calls"]["offered"]
