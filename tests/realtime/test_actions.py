"""Intraday what-if actions: direction of the effect with paired CIs, conservation, errors."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from ccsim.cli import main
from ccsim.engine.records import OUTCOME_NAMES
from ccsim.realtime import load_snapshot, parse_action, run_from_snapshot, whatif
from ccsim.realtime.whatif import residual_scenario
from ccsim.scenario import load

BANK, OMNI = "scenarios/retail_bank.yaml", "scenarios/omnichannel.yaml"


@pytest.fixture(scope="module")
def bank():
    sc = load(BANK)
    return sc, load_snapshot("scenarios/snapshot_example.yaml", sc)


@pytest.fixture(scope="module")
def omni():
    sc = load(OMNI)
    return sc, load_snapshot("scenarios/snapshot_omnichannel.yaml", sc)


def _asa_diff(res, label, ctype):
    d = res.comparisons[label].difference["contact_types"][ctype]["asa"]
    return d.mean, d.ci95


def test_overtime_lowers_and_vto_raises_rest_of_day_asa_on_the_bank(bank):
    sc, snap = bank
    res = whatif(sc, snap, ["agent_groups.sellers.overtime=1h", "agent_groups.sellers.vto=5"], replications=8)
    mean, ci = _asa_diff(res, "agent_groups.sellers.overtime=1h", "sales")
    assert mean < 0 and ci[1] < 0
    mean, ci = _asa_diff(res, "agent_groups.sellers.vto=5", "sales")
    assert mean > 0 and ci[0] > 0


def test_overtime_and_shorter_shift_on_a_roster(omni):
    sc, snap = omni
    res = whatif(sc, snap, ["agent_groups.advisors.overtime=1h", "agent_groups.advisors.shifts[0].end-=1h"],
                 replications=6)
    mean, ci = _asa_diff(res, "agent_groups.advisors.overtime=1h", "support")
    assert mean < 0 and ci[1] < 0
    mean, ci = _asa_diff(res, "agent_groups.advisors.shifts[0].end-=1h", "support")
    assert mean > 0 and ci[0] > 0


def test_defer_email_answers_no_email_before_the_time_and_conserves_contacts(omni):
    sc, snap = omni
    action = parse_action("contact_types.email.defer=15:00")
    residual, extra = residual_scenario(sc, snap, [action])
    from ccsim.plan import build_plan

    plan = build_plan(residual)
    email = [ct.name for ct in plan.contact_types].index("email")
    served_after = 0
    for r in range(3):
        _, base, _ = run_from_snapshot(sc, snap, r)
        _, rec, _ = run_from_snapshot(sc, snap, r, extra_now=extra, plan=plan)
        mine = rec.ctype == email
        answered = mine & (rec.outcome == 1)
        assert answered.any()
        clock = plan.clock_start + rec.answer[answered]
        assert (clock >= 15 * 3600 - 1e-6).all()
        served_after += int(answered.sum())
        # conservation: the same contacts arrive as without the action, each with one outcome
        assert np.isin(rec.outcome, list(OUTCOME_NAMES)).all()
        assert np.bincount(rec.ctype).tolist() == np.bincount(base.ctype).tolist()
    assert served_after > 0
    res = whatif(sc, snap, ["contact_types.email.defer=15:00"], replications=4)
    mean, ci = _asa_diff(res, "contact_types.email.defer=15:00", "email")
    assert mean > 0 and ci[0] > 0  # the backlog waits longer
    for est in res.variants.values():
        for kpis in est.contact_types.values():
            assert kpis["answered"].mean + kpis["abandoned"].mean <= kpis["offered"].mean + 1e-9


def test_reskill_and_move_break(bank, omni):
    sc, snap = bank
    res = whatif(sc, snap, ["agent_groups.advisors.skills=[support]"], replications=6)
    mean, ci = _asa_diff(res, "agent_groups.advisors.skills=[support]", "sales")
    assert mean > 0 and ci[0] > 0  # advisors no longer help with sales
    sc, snap = omni
    label = "agent_groups.advisors.shifts[2].breaks[0]=15:30-17:30"
    res = whatif(sc, snap, [label], replications=4)
    rows = [r for r in res.interval_table() if r["contact_type"] == "support" and r["interval"] == "14:30"]
    by = {r["variant"]: r["asa"] for r in rows}
    assert by[label] < by["as is"]  # the breaks leave 14:30-15:30


@pytest.mark.parametrize("text, words", [
    ("agent_groups.sellers.overtime=soon", ["overtime=soon", "'soon'", "positive duration"]),
    ("agent_groups.sellers.vto=-2", ["vto=-2", "'-2'", "whole number"]),
    ("agent_groups.sellers.vto=500", ["vto=500", "500 agents", "scheduled"]),
    ("agent_groups.desk.overtime=1h", ["unknown agent group 'desk'", "sellers"]),
    ("agent_groups.advisors.skills=[billing]", ["unknown contact type 'billing'", "known: sales, support"]),
    ("contact_types.sales.defer=25:99", ["defer=25:99", "'25:99'", "clock time"]),
    ("contact_types.support.defer=10:00", ["after the snapshot 11:40"]),
    ("contact_types.sales.defer=13:00", ["'sellers' takes only 'sales'"]),
    ("agent_groups.sellers.shifts[0].breaks[0]=13:00", ["staffed by interval"]),
])
def test_bad_actions_are_located_errors_with_exit_2(text, words):
    r = CliRunner().invoke(main, ["whatif", BANK, "--snapshot", "scenarios/snapshot_example.yaml",
                                  "--action", text, "-r", "1", "-q"])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    for w in words:
        assert w in r.output


def test_vto_on_a_roster_raises_support_asa_now_and_later(omni):
    sc, snap = omni
    res = whatif(sc, snap, ["agent_groups.advisors.vto=10", "agent_groups.advisors.vto=10@15:00"], replications=4)
    now_mean, now_ci = _asa_diff(res, "agent_groups.advisors.vto=10", "support")
    later_mean, later_ci = _asa_diff(res, "agent_groups.advisors.vto=10@15:00", "support")
    assert now_ci[0] > 0 and later_ci[0] > 0
    assert now_mean > later_mean  # home at 13:10 costs more than home at 15:00
