"""The event vocabulary: what ``--events`` and the live dashboard see matches the run."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.engine.events import EVENT_KINDS
from ccsim.engine.run import Run
from ccsim.experiment import plan_for
from ccsim.realtime.live import LiveState
from ccsim.realtime.snapshot import load_snapshot
from ccsim.realtime.state import initial_state, snapshot_draws
from ccsim.realtime.whatif import residual_scenario

ROOT = Path(__file__).resolve().parents[2]
TELCO = str(ROOT / "scenarios" / "telco_support.yaml")
BANK = str(ROOT / "scenarios" / "retail_bank.yaml")
OMNI = str(ROOT / "scenarios" / "omnichannel.yaml")


def check_stream(events: list[dict]) -> Counter:
    """Every answer has a later done for the same contact and agent; per agent, contacts
    open never go below zero; per group, agents busy never exceed agents present."""
    open_on = Counter()
    busy, present = Counter(), Counter()
    answered, done = {}, {}
    for e in events:
        assert e["event"] in EVENT_KINDS, e
        kind, agent, group = e["event"], e["agent"], e["group"]
        if kind == "answer":
            if e["contact"] is not None:
                answered[e["contact"]] = (agent, e["t"])
            if open_on[agent] == 0:
                busy[group] += 1
            open_on[agent] += 1
        elif kind == "done":
            if e["contact"] is not None:
                done[e["contact"]] = (agent, e["t"])
            assert open_on[agent] > 0, e  # a done only for an agent with a contact open
            open_on[agent] -= 1
            if open_on[agent] == 0:
                busy[group] -= 1
        elif kind in ("login", "break_end", "aux_end"):
            present[group] += 1
        elif kind in ("logout", "break_start", "aux_start"):
            present[group] -= 1
        if group is not None:
            assert busy[group] <= present[group], e
    assert answered.keys() == done.keys()
    for c, (agent, t) in answered.items():
        assert done[c][0] == agent and done[c][1] >= t
    return Counter(e["event"] for e in events)


def test_events_of_a_journeys_scenario(tmp_path):
    """Retrials and repeat contacts are created during the run: their events name them."""
    out = tmp_path / "ev.jsonl"
    r = CliRunner().invoke(main, ["run", TELCO, "-r", "1", "-q", "--events", str(out)])
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    events = [json.loads(line) for line in out.read_text().splitlines()]
    kinds = check_stream(events)
    est = ccsim.simulate(ccsim.load(TELCO), replications=1, seed=ccsim.load(TELCO).seed)
    offered = sum(int(k["offered"].values[0]) for k in est.contact_types.values())
    assert kinds["arrival"] == offered  # first attempts, retrials and repeats
    assert kinds["ivr_resolved"] > 0 and kinds["callback_accepted"] > 0


def test_events_of_chats_and_shifts(tmp_path):
    out = tmp_path / "ev.jsonl"
    r = CliRunner().invoke(main, ["run", OMNI, "-r", "1", "-q", "--events", str(out)])
    assert r.exit_code == 0, r.output
    kinds = check_stream([json.loads(line) for line in out.read_text().splitlines()])
    assert kinds["break_start"] == kinds["break_end"] > 0 and kinds["aux_start"] > 0


def test_live_journeys_scenario_runs(tmp_path):
    r = CliRunner().invoke(main, ["live", TELCO, "--speed", "1000000", "--duration", "1", "--no-dashboard",
                                  "--events", str(tmp_path / "ev.jsonl")])
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output


def test_live_from_a_snapshot_counts_busy_agents_exactly():
    """Agents back from a break taken at the snapshot are not 'done' with anything: the
    dashboard's busy count equals the engine's at every arrival."""
    sc = ccsim.load(BANK)
    snap = load_snapshot(ROOT / "scenarios" / "snapshot_example.yaml", scenario=sc)
    residual, extra = residual_scenario(sc, snap)
    plan = plan_for(residual, sc.seed)
    start_s = snap.time - plan.clock_start
    events = []
    checked = defaultdict(int)
    for replication in range(3):
        initial, rows = initial_state(plan, snap, start_s, replication, extra)
        draws = snapshot_draws(plan, replication, start_s, rows)
        box = {}

        def sink(kind, t, c, k, g, a, box=box):
            box["state"](kind, t, c, k, g, a)
            events.append({"event": kind, "t": t, "contact": c if c >= 0 else None, "group": g if g >= 0 else None,
                           "agent": a if a >= 0 else None})
            if kind == "arrival":  # between dispatches: the engine's truth is settled
                run = box["run"]
                for gi in range(len(plan.agent_groups)):
                    truth = sum(1 for agent in run.agents if agent.group.index == gi
                                and agent.state == 0 and (agent.contact != -1 or agent.chats))
                    assert box["state"].busy[gi] == truth
                    checked[gi] += 1

        run = box["run"] = Run(plan, draws, replication, initial, sink)
        box["state"] = LiveState(plan, run.deadline, run.entry)
        run.loop()
        check_stream(events)
        events.clear()
        assert not any(box["state"].open.values())  # every agent is through at the end
    assert min(checked.values()) > 100
