"""The total (all contact types of the horizon together) carries the field's other
definitions too — service level over answered and over offered, P(wait > 0) — each
rebuilt here from the records, with one definition for every surface (JSON, report)."""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

import pytest

import ccsim
from ccsim.engine.records import ABANDONED, ANSWERED, CB_ACCEPTED
from ccsim.metrics import catalogue, total_kpis
from ccsim.metrics.contacts import TOTAL_NAMED

ROOT = Path(__file__).resolve().parents[2]
NAMED = ("service_level_answered", "service_level_offered", "p_wait")


def ratio(a, b):
    return a / b if b > 0 else math.nan


def test_the_total_names_the_three_definitions():
    assert set(TOTAL_NAMED) == set(NAMED)
    for name in NAMED:
        assert "total" in catalogue.CATALOGUE[name].levels, name


@pytest.mark.parametrize("name", ["telco_support", "retail_bank"])
def test_total_definitions_rebuilt_from_the_records(name):
    """Callbacks and IVR (telco, three types with their own thresholds), two voice types (bank)."""
    sc = ccsim.load(ROOT / "scenarios" / f"{name}.yaml")
    est = ccsim.simulate(sc, replications=2, seed=5, keep_records=True)
    plan = est.plan
    for rec, res in zip(est.records, est.replication_results, strict=True):
        within = inbound = offered = waited = handled = 0
        for ct in plan.contact_types:
            mine = (rec.ctype == ct.index) & (rec.arrival >= plan.warmup_s)
            ans = mine & (rec.outcome == ANSWERED)
            if rec.journey is not None:
                ans &= rec.journey["callback"] != CB_ACCEPTED
            hand = ans | (mine & (rec.outcome == ABANDONED))
            within += int((ans & (rec.wait <= ct.sl_threshold)).sum())  # each type's own threshold
            inbound += int(ans.sum())
            offered += int(mine.sum())
            waited += int((hand & (rec.wait > 0)).sum())
            handled += int(hand.sum())
        tot = res.total
        assert tot["service_level_answered"] == pytest.approx(ratio(within, inbound))
        assert tot["service_level_offered"] == pytest.approx(ratio(within, offered))
        assert tot["p_wait"] == pytest.approx(ratio(waited, handled))
        assert tot["service_level_offered"] == pytest.approx(ratio(within, tot["offered"]))
        for kpi in NAMED:  # its ratio parts give its value
            num, den = res.parts["total"][kpi]
            assert ratio(num, den) == pytest.approx(tot[kpi]), kpi


def test_total_of_one_type_is_that_type():
    sc = ccsim.load(ROOT / "scenarios" / "erlang_a_reference.yaml")
    est = ccsim.simulate(sc, replications=2, seed=3)
    (name,) = est.contact_types
    for res in est.replication_results:
        for kpi in NAMED:
            assert res.total[kpi] == pytest.approx(res.contact_types[name][kpi], nan_ok=True), kpi


def test_total_leaves_emails_out_when_calls_or_chats_are_there():
    sc = ccsim.load(ROOT / "scenarios" / "omnichannel.yaml")
    est = ccsim.simulate(sc, replications=2, seed=4)
    emails = {ct.name for ct in est.plan.contact_types if ct.channel == "email"}
    assert emails
    for res in est.replication_results:
        for kpi in NAMED:
            num = sum(res.parts[n][kpi][0] for n in res.contact_types if n not in emails)
            den = sum(res.parts[n][kpi][1] for n in res.contact_types if n not in emails)
            assert res.total[kpi] == pytest.approx(ratio(num, den)), kpi
        # Without the types' ratio parts the total cannot say: nan, never a wrong number.
        assert all(math.isnan(total_kpis(est.plan, res.contact_types)[kpi]) for kpi in NAMED)
        assert total_kpis(est.plan, res.contact_types, res.parts)["p_wait"] == res.total["p_wait"]


def test_every_surface_reads_the_one_total():
    sc = ccsim.load(ROOT / "scenarios" / "telco_support.yaml")
    est = ccsim.simulate(sc, replications=3, seed=8)
    doc = est.to_dict()["total"]
    for kpi in NAMED:
        e = est.total[kpi]
        assert doc[kpi]["mean"] == pytest.approx(e.mean)
        num = sum(r.parts["total"][kpi][0] for r in est.replication_results)
        den = sum(r.parts["total"][kpi][1] for r in est.replication_results)
        assert doc[kpi]["ratio_of_sums"]["estimate"] == pytest.approx(num / den)
    from ccsim.report.sections import kpi_tables

    html = kpi_tables(est)
    for kpi in NAMED:
        assert escape(catalogue.CATALOGUE[kpi].label) in html, kpi
