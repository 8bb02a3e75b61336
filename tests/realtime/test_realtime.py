"""Real time: snapshots, residual sampling, what-if, live pacing and the dashboard."""

from __future__ import annotations

import io
import json
import time

import numpy as np
import pytest
import scipy.stats as st
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as hs

from ccsim.cli import main
from ccsim.engine.records import ANSWERED
from ccsim.experiment import plan_for, simulate
from ccsim.metrics import compute_results
from ccsim.plan import sampling as smp
from ccsim.realtime import loads_snapshot, residual, run_from_snapshot, whatif
from ccsim.realtime.live import LiveState, Pacer, render_dashboard, run_live
from ccsim.realtime.snapshot import snapshot_from_dict
from ccsim.realtime.whatif import parse_action
from ccsim.scenario import ScenarioError, load
from ccsim.scenario.loader import from_dict

BANK = "scenarios/retail_bank.yaml"


@pytest.fixture(scope="module")
def bank():
    return load(BANK)


# --- acceptance: an empty centre at 12:00 = the scenario run from 12:00 ------------------------

def test_empty_snapshot_at_noon_equals_scenario_from_noon(bank):
    snap = snapshot_from_dict({"time": "12:00"}, scenario=bank)
    res = whatif(bank, snap, replications=4)
    est = res.variants["as is"]
    # The scenario run from 12:00: horizon.start = 12:00, the later intervals' arrivals and staffing.
    data = json.loads(json.dumps(bank._raw))
    j = 8  # 12:00 is the ninth 30-minute interval after 08:00
    data["horizon"]["start"] = "12:00"
    for name, ct in bank.contact_types.items():
        w = np.asarray(ct.arrivals.profile, dtype=float)
        arrivals = data["contact_types"][name]["arrivals"]
        arrivals.pop("volume"), arrivals.pop("profile")
        arrivals["per_interval"] = (ct.arrivals.volume * w / w.sum())[j:].tolist()
    for g in data["agent_groups"].values():
        g["staffing"] = g["staffing"][j:]
    ref = simulate(from_dict(data), replications=4)
    for name in bank.contact_types:
        for kpi in ("offered", "answered", "abandoned", "service_level", "asa", "wait_p90"):
            assert np.array_equal(est.contact_types[name][kpi].values, ref.contact_types[name][kpi].values,
                                  equal_nan=True), (name, kpi)
    for name in bank.agent_groups:
        assert np.array_equal(est.agent_groups[name]["occupancy"].values,
                              ref.agent_groups[name]["occupancy"].values)


# --- acceptance: callers already waiting go first, with the time already waited ---------------

def test_waiting_callers_answered_first_with_past_wait(bank):
    waits = [600.0, 300.0, 120.0, 30.0]
    snap = snapshot_from_dict({
        "time": "11:40",
        "contact_types": {"support": {"waiting": [f"{w:g}s" for w in waits]}},
        "agent_groups": {"advisors": {"idle": 0, "busy": ["1min"] * 5}, "sellers": {"idle": 0}},
    }, scenario=bank)
    for r in range(5):
        plan, rec, state = run_from_snapshot(bank, snap, r)
        k = [ct.name for ct in plan.contact_types].index("support")
        assert state.n_waiting == 4 and rec.arrival[:4].tolist() == [state.start_s] * 4
        ans = rec.outcome == ANSWERED
        wait = rec.wait
        for c in range(4):
            assert wait[c] >= waits[c] - 1e-9  # the reported wait includes the time already waited
            later = (rec.ctype == k) & (np.arange(len(rec)) >= 4) & ans
            if ans[c] and later.any():
                assert rec.answer[c] <= rec.answer[later].min()
        answered = [c for c in range(4) if ans[c]]
        assert rec.answer[answered].tolist() == sorted(rec.answer[answered].tolist())  # longest first
        assert compute_results(plan, rec).contact_types["support"]["offered"] >= 4


# --- residual sampling against theory --------------------------------------------------------

def _conditional_cdf(dist, a):
    return lambda t: 1.0 - dist.sf(a + np.asarray(t)) / dist.sf(a)


@pytest.mark.parametrize("a", [0.0, 45.0, 900.0])
def test_residual_exponential_is_memoryless(a):
    r = residual(smp.Exponential(180.0), np.random.default_rng(1), np.full(4000, a))
    assert st.kstest(r, st.expon(scale=180.0).cdf).pvalue > 0.001


@pytest.mark.parametrize("a", [0.0, 120.0, 1800.0, 36000.0])
def test_residual_lognormal_matches_truncated_distribution(a):
    s = smp.Lognormal(300.0, 0.8)
    dist = st.lognorm(s.sigma, scale=np.exp(s.mu))
    r = residual(s, np.random.default_rng(2), np.full(4000, a))
    assert st.kstest(r, _conditional_cdf(dist, a)).pvalue > 0.001


@pytest.mark.parametrize("sampler,dist", [
    (smp.Gamma(420.0, 1 / 0.81), st.gamma(1 / 0.81, scale=420.0 * 0.81)),
    (smp.Gamma(300.0, 3.0), st.gamma(3.0, scale=100.0)),
    (smp.Weibull(240.0, 0.8), None),
    (smp.Triangular(10.0, 20.0, 60.0), st.triang(0.2, loc=10.0, scale=50.0)),
    (smp.Uniform(20.0, 60.0), st.uniform(20.0, 40.0)),
])
def test_residual_other_distributions(sampler, dist):
    if dist is None:
        dist = st.weibull_min(sampler.shape, scale=sampler.scale)
    r = residual(sampler, np.random.default_rng(3), np.full(3000, 30.0))
    assert st.kstest(r, _conditional_cdf(dist, 30.0)).pvalue > 0.001


def test_residual_empirical_resamples_values_above_elapsed():
    values = [10.0, 20.0, 30.0, 60.0, 90.0]
    r = residual(smp.Empirical(values), np.random.default_rng(4), np.full(6000, 25.0))
    left, counts = np.unique(r, return_counts=True)
    assert left.tolist() == [5.0, 35.0, 65.0]  # 30, 60, 90 minus the 25 s elapsed
    assert st.chisquare(counts).pvalue > 0.001  # each equally likely
    assert residual(smp.Empirical(values), np.random.default_rng(4), [95.0]).tolist() == [0.0]
    assert residual(smp.Constant(60.0), np.random.default_rng(4), [25.0, 80.0]).tolist() == [35.0, 0.0]


@settings(max_examples=40, deadline=None)
@given(a=hs.floats(0.0, 1e5), seed=hs.integers(0, 2**32 - 1),
       which=hs.sampled_from(["exp", "logn", "gamma", "weib", "unif", "tri", "emp", "const"]))
def test_residual_never_negative_and_finite(a, seed, which):
    sampler = {"exp": smp.Exponential(60.0), "logn": smp.Lognormal(300.0, 1.5), "gamma": smp.Gamma(200.0, 0.5),
               "weib": smp.Weibull(100.0, 2.0), "unif": smp.Uniform(5.0, 50.0),
               "tri": smp.Triangular(0.0, 5.0, 40.0), "emp": smp.Empirical([1.0, 5.0, 500.0]),
               "const": smp.Constant(30.0)}[which]
    r = residual(sampler, np.random.default_rng(seed), np.full(50, a))
    assert np.all(r >= 0.0) and np.all(np.isfinite(r))


# --- snapshot files: located errors ---------------------------------------------------------

def test_snapshot_errors_are_located(bank):
    text = ("time: '21:00'\n"
            "contact_types:\n  billing: {waiting: [1min]}\n"
            "agent_groups:\n  sellers: {busy: [fast]}\n")
    with pytest.raises(ScenarioError) as err:
        loads_snapshot(text, "now.yaml", bank)
    messages = [str(p) for p in err.value.problems]
    assert any(m.startswith("now.yaml:5:") and "agent_groups.sellers.busy[0]" in m for m in messages), messages
    text = "time: '11:40'\ncontact_types:\n  billing: {waiting: [1min]}\n"
    with pytest.raises(ScenarioError) as err:
        loads_snapshot(text, "now.yaml", bank)
    assert str(err.value.problems[0]).startswith("now.yaml:3:")
    assert "unknown contact type 'billing' (known: sales, support)" in str(err.value)
    with pytest.raises(ScenarioError, match="outside the scenario's horizon"):
        loads_snapshot("time: '21:00'\n", "now.yaml", bank)


def test_actions_parse():
    a = parse_action("agent_groups.advisors.staffing+=2@12:00")
    assert (a.path, a.op, a.value, a.at_s) == (("agent_groups", "advisors", "staffing"), "+=", 2, 43200.0)
    assert parse_action("callbacks=on").path == ("callbacks",)
    with pytest.raises(ValueError, match="staffing only"):
        parse_action("contact_types.sales.lines+=3")


def test_staffing_action_helps_and_streams_are_common(bank):
    snap = loads_snapshot(open("scenarios/snapshot_example.yaml").read(), "ex.yaml", bank)
    res = whatif(bank, snap, ["agent_groups.sellers.staffing+=2@12:00"], replications=3)
    base, more = res.variants.values()
    assert np.array_equal(base.contact_types["sales"]["offered"].values,
                          more.contact_types["sales"]["offered"].values)  # same arrivals
    diff = res.comparisons["agent_groups.sellers.staffing+=2@12:00"].difference["contact_types"]["sales"]
    assert diff["service_level"].mean > 0
    assert len(res.to_dict()["intervals"]) == 2 * 2 * base.plan.n_intervals


# --- live ----------------------------------------------------------------------------------

def test_dashboard_fits_a_tmux_pane(bank):
    plan = plan_for(bank)
    n = 5000
    state = LiveState(plan, [1e9] * n, [0.0] * n)
    for c in range(n):
        state("arrival", c * 0.5, c, c % 2, -1, -1)
        if c % 3:
            state("answer", c * 0.5 + 5, c, c % 2, c % 2, c)
    lines = render_dashboard(state, 80, 24, speed=60)
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    assert any("sales" in line for line in lines) and any("advisors" in line for line in lines)


def test_pacer_follows_a_fake_clock():
    now = [0.0]
    pacer = Pacer(60.0, 0.0, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    pacer("arrival", 600.0, 0, 0, -1, -1)  # ten simulated minutes at x60: ten seconds
    assert now[0] == pytest.approx(10.0)


@pytest.mark.slow
def test_live_tracks_wall_time_at_speed_600(bank):
    from ccsim.engine.arrivals import draw_contacts

    plan = plan_for(bank)
    draws = draw_contacts(plan, 0)
    start = time.monotonic()
    state, records, pacer = run_live(plan, draws, speed=600.0, stop_after_s=10.0)
    wall = time.monotonic() - start
    assert records is None  # stopped by the time limit, not the end of the day
    assert pacer.simulated_elapsed() == pytest.approx(600.0 * wall, rel=0.02)
    assert sum(state.offered) > 0


def test_cli_whatif_live_and_events(tmp_path):
    runner = CliRunner()
    out = tmp_path / "w.json"
    r = runner.invoke(main, ["whatif", BANK, "--snapshot", "scenarios/snapshot_example.yaml", "-r", "2", "-q",
                             "--action", "callbacks=on", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "callbacks=on vs as is" in r.output and json.loads(out.read_text())["variants"][1] == "callbacks=on"
    bad = tmp_path / "bad.yaml"
    bad.write_text("time: '11:40'\nagent_groups:\n  desk: {idle: 2}\n")
    r = runner.invoke(main, ["whatif", BANK, "--snapshot", str(bad)])
    assert r.exit_code == 2 and f"{bad}:3:9: agent_groups.desk: unknown agent group" in r.output
    assert "the snapshot has 1 problem" in r.output
    r = runner.invoke(main, ["whatif", BANK, "--snapshot", "scenarios/snapshot_example.yaml", "--action", "x+=1"])
    assert r.exit_code == 2
    r = runner.invoke(main, ["live", BANK, "--snapshot", "scenarios/snapshot_example.yaml", "--speed", "6000",
                             "--duration", "0.5", "--events", "-", "--no-dashboard"])
    assert r.exit_code == 0, r.output
    events = [json.loads(line) for line in r.output.splitlines() if line.startswith("{")]
    assert events and {"arrival", "answer"} <= {e["event"] for e in events}
    ev = tmp_path / "ev.jsonl"
    r = runner.invoke(main, ["run", "scenarios/erlang_a_reference.yaml", "-r", "1", "-w", "1", "-q",
                             "--events", str(ev)])
    assert r.exit_code == 0, r.output
    kinds = {json.loads(line)["event"] for line in ev.read_text().splitlines()}
    assert {"arrival", "answer", "done"} <= kinds
    r = runner.invoke(main, ["run", BANK, "-r", "2", "--events", "-"])
    assert r.exit_code == 2


def test_event_writer_lines():
    from ccsim.realtime.live import EventWriter

    plan = plan_for(load(BANK))
    buf = io.StringIO()
    EventWriter(buf, plan)("answer", 60.0, 0, 1, 1, 7)
    assert json.loads(buf.getvalue()) == {"t": 60.0, "clock": "08:01:00", "event": "answer", "contact": 0,
                                          "contact_type": "support", "group": "advisors", "agent": 7}
