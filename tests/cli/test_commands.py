"""Every command that takes a scenario, on every bundled scenario and on one with every field.

The matrix: ``run --events``, ``run --out --records``, ``run --report``, ``live``
(no dashboard, as fast as it goes), ``compare`` (one more agent), ``sweep`` (two
points), and, where a snapshot goes with the scenario, ``whatif`` with actions and
``live --snapshot``. Each case runs once, in this process (click's CliRunner), with
one or two replications; each must exit with 0 and no traceback, write what it says
it writes, and stream events that keep their books (``tests.common.events``).

The scenario with every field is ``tests.common.strategies.every_field_scenario()`` (two
days); whatif and live --snapshot take its one-day version, as snapshots do not
take several days (docs/realtime.md), with a snapshot written here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from tests.common.events import check_done_names_its_contact, check_events, places_per_agent
from tests.common.strategies import every_field_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
BUNDLED = sorted(p.stem for p in SCENARIOS.glob("*.yaml") if not p.name.startswith("snapshot_"))
GENERATED = "every_field"  # every_field_scenario(), written by the ``files`` fixture
GENERATED_DAY = "every_field_day"  # its one-day version, for snapshots

# The snapshot the generated one-day scenario is taken from at 09:10: callers, callbacks,
# chats and emails waiting; agents busy, chatting and on break; a re-forecast.
GENERATED_SNAPSHOT = """\
time: "09:10"
contact_types:
  support: {waiting: [2min, 40s, 10s]}
  sales: {waiting: [30s], callbacks: [3min]}
  chat: {waiting: [50s]}
  email: {waiting: [3h, 40min]}
agent_groups:
  sellers: {idle: 0, busy: [2min, 30s, 4min], on_break: ["09:15"]}
  advisors: {busy: [1min, 3min, 20s, 5min], on_break: ["09:20"]}
  chat_team: {chats: [[2min, 30s], [1min]], busy: [45s]}
reforecast:
  sales: {factor: 1.2}
  support: {per_interval: [30, 35, 25, 20]}
"""
GENERATED_ACTIONS = ("agent_groups.sellers.staffing+=1@09:30", "agent_groups.advisors.staffing+=2@09:30",
                     "callbacks=on")


def bundled_snapshots() -> dict[str, Path]:
    """Scenario name -> the bundled snapshot taken from it, as its header says
    ("# The retail bank (scenarios/retail_bank.yaml) at 11:40 ...")."""
    pairs = {}
    for path in sorted(SCENARIOS.glob("snapshot_*.yaml")):
        header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                         if line.startswith("#"))
        match = re.search(r"scenarios/(\w+)\.yaml", header)
        assert match, f"{path.name}: its header does not name the scenario it belongs to"
        pairs[match.group(1)] = path
    return pairs


SNAPSHOTS = bundled_snapshots()
# What-if actions for the bundled snapshots: the ones their headers show.
BUNDLED_ACTIONS = {
    "retail_bank": ("agent_groups.sellers.staffing+=2@12:00", "callbacks=on"),
    "omnichannel": ("agent_groups.advisors.staffing+=4@13:30", "agent_groups.chat_team.voice_with_chat=true"),
}

COMMANDS = ("run-events", "run-records", "run-report", "live", "compare", "sweep")
SNAPSHOT_COMMANDS = ("whatif", "live-snapshot")
CASES = [(c, s) for s in (*BUNDLED, GENERATED) for c in COMMANDS]
CASES += [(c, s) for s in (*SNAPSHOTS, GENERATED_DAY) for c in SNAPSHOT_COMMANDS]
EVENT_CASES = [(c, s) for c, s in CASES if c in ("run-events", "live", "live-snapshot")]


def case_id(case) -> str:
    return f"{case[0]}:{case[1]}"


# --------------------------------------------------------------------------- the files


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Scenario name -> YAML file, and name -> snapshot file, for every case."""
    where = tmp_path_factory.mktemp("scenarios")
    paths = {name: SCENARIOS / f"{name}.yaml" for name in BUNDLED}
    for name, days in ((GENERATED, 2), (GENERATED_DAY, 1)):
        paths[name] = where / f"{name}.yaml"
        paths[name].write_text(yaml.safe_dump(every_field_scenario(days=days), sort_keys=False), encoding="utf-8")
    snapshots = dict(SNAPSHOTS)
    snapshots[GENERATED_DAY] = where / "snapshot_every_field.yaml"
    snapshots[GENERATED_DAY].write_text(GENERATED_SNAPSHOT, encoding="utf-8")
    return {"scenarios": paths, "snapshots": snapshots, "tmp": where}


def first_group(raw: dict) -> tuple[str, dict]:
    name = next(iter(raw["agent_groups"]))
    return name, raw["agent_groups"][name]


def one_more_agent(raw: dict) -> str:
    """A --set that gives the first agent group one more agent (in every interval)."""
    name, group = first_group(raw)
    if "shifts" in group:
        return f"agent_groups.{name}.shifts[0].headcount={group['shifts'][0]['headcount'] + 1}"
    staffing = group["staffing"]
    more = [n + 1 for n in staffing] if isinstance(staffing, list) else staffing + 1
    return f"agent_groups.{name}.staffing={json.dumps(more)}"


def sweep_axis(raw: dict) -> str:
    """A sweep axis of two points over the first agent group's headcount (a..b syntax)."""
    name, group = first_group(raw)
    if "shifts" in group:
        n = group["shifts"][0]["headcount"]
        return f"agent_groups.{name}.shifts[0].headcount={n}..{n + 1}"
    staffing = group["staffing"]
    if isinstance(staffing, list):
        return f"agent_groups.{name}.staffing[0]={staffing[0]}..{staffing[0] + 1}"
    return f"agent_groups.{name}.staffing={staffing}..{staffing + 1}"


# --------------------------------------------------------------------------- running a case


@dataclass
class Outcome:
    args: list[str]
    exit_code: int
    output: str
    error: str | None  # the exception's traceback tail, if the command raised one
    events: list[dict] | None = None
    written: dict[str, Path] = field(default_factory=dict)

    def describe(self) -> str:
        return f"ccsim {' '.join(self.args)}\n{self.error or self.output[-3000:]}"


_outcomes: dict[tuple[str, str], Outcome] = {}


def command(case, files) -> tuple[list[str], dict[str, Path]]:
    """The ccsim arguments of a case and the files it must write."""
    kind, name = case
    scenario = files["scenarios"][name]
    out = files["tmp"] / f"{kind}-{name}"
    out.mkdir(exist_ok=True)
    raw = ccsim.load(scenario).raw_data()
    one = ["-r", "1", "-w", "1"]
    if kind == "run-events":
        return ["run", str(scenario), *one, "--events", str(out / "events.jsonl")], {"events": out / "events.jsonl"}
    if kind == "run-records":
        written = {f: out / "dir" / f for f in ("results.json", "intervals.csv", "groups.csv", "contacts.csv")}
        return ["run", str(scenario), *one, "--out", str(out / "dir"), "--records"], written
    if kind == "run-report":
        return ["run", str(scenario), *one, "--report", str(out / "report.html")], {"report": out / "report.html"}
    if kind == "live":
        return (["live", str(scenario), "--no-dashboard", "--speed", "1e9", "--events", str(out / "events.jsonl")],
                {"events": out / "events.jsonl"})
    if kind == "live-snapshot":
        return (["live", str(scenario), "--snapshot", str(files["snapshots"][name]), "--no-dashboard",
                 "--speed", "1e9", "--events", str(out / "events.jsonl")], {"events": out / "events.jsonl"})
    if kind == "compare":
        return (["compare", str(scenario), "-r", "2", "-w", "1", "--set", one_more_agent(raw), "--out", str(out)],
                {"comparison.json": out / "comparison.json", "comparison.csv": out / "comparison.csv"})
    if kind == "sweep":
        return (["sweep", str(scenario), *one, "--set", sweep_axis(raw), "--out", str(out)],
                {"sweep.json": out / "sweep.json", "sweep.csv": out / "sweep.csv"})
    if kind == "whatif":
        actions = GENERATED_ACTIONS if name == GENERATED_DAY else BUNDLED_ACTIONS.get(name, ())
        args = ["whatif", str(scenario), "--snapshot", str(files["snapshots"][name]), "-r", "2", "-q",
                "--out", str(out / "whatif.json")]
        for action in actions:
            args += ["--action", action]
        return args, {"whatif.json": out / "whatif.json"}
    raise AssertionError(kind)


def outcome(case, files) -> Outcome:
    """Run a case once (the matrix and the event checks share it)."""
    if case not in _outcomes:
        args, written = command(case, files)
        result = CliRunner().invoke(main, args)
        error = None
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            import traceback

            error = "".join(traceback.format_exception(*result.exc_info)[-6:])
        out = Outcome(args, result.exit_code, result.output, error, written=written)
        events = written.get("events")
        if events is not None and events.exists():
            out.events = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
        _outcomes[case] = out
    return _outcomes[case]


# --------------------------------------------------------------------------- the tests


def test_every_bundled_snapshot_names_its_scenario():
    assert {"retail_bank", "omnichannel"} <= set(SNAPSHOTS) <= set(BUNDLED)
    assert set(BUNDLED_ACTIONS) == set(SNAPSHOTS), "give the new snapshot's what-if actions"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_command_on_scenario(case, files):
    kind, name = case
    out = outcome(case, files)
    assert out.error is None, out.describe()
    assert out.exit_code == 0, out.describe()
    assert "Traceback" not in out.output, out.describe()
    for label, path in out.written.items():
        assert path.exists() and path.stat().st_size > 0, f"{label} not written\n{out.describe()}"
    if kind == "run-records":
        header = out.written["contacts.csv"].read_text(encoding="utf-8").splitlines()[0].split(",")
        assert {"replication", "contact_id", "contact_type", "outcome", "wait_s", "agent_group"} <= set(header)
        doc = json.loads(out.written["results.json"].read_text(encoding="utf-8"))
        assert set(doc["contact_types"]) == set(ccsim.load(files["scenarios"][name]).contact_types)
    elif kind == "run-report":
        assert "<html" in out.written["report"].read_text(encoding="utf-8")[:500].lower()
    elif kind in ("compare", "sweep", "whatif"):
        for label, path in out.written.items():
            if label.endswith(".json"):
                json.loads(path.read_text(encoding="utf-8"))
    if out.events is not None:
        scenario = ccsim.load(files["scenarios"][name])
        assert out.events, "no events"
        check_events(out.events, scenario, from_snapshot=kind == "live-snapshot")


@pytest.mark.parametrize("case", EVENT_CASES, ids=case_id)
def test_every_answer_is_done_by_its_agent(case, files):
    out = outcome(case, files)
    assert out.error is None and out.exit_code == 0, out.describe()
    check_done_names_its_contact(out.events)


# --------------------------------------------------------------------------- the checks themselves


def event(t, kind, contact=None, agent=None):
    """An event of the IT helpdesk (one type, one group)."""
    return {"t": t, "clock": "08:00:00", "event": kind, "contact": contact,
            "contact_type": None if contact is None else "incidents",
            "group": None if agent is None else "desk", "agent": agent}


def helpdesk():
    return ccsim.load(SCENARIOS / "it_helpdesk.yaml")


DAY = [event(0, "login", agent=0), event(1, "arrival", 0), event(1, "answer", 0, 0), event(5, "done", 0, 0),
       event(5, "break_start", agent=0), event(9, "break_end", agent=0), event(9, "arrival", 1),
       event(9, "answer", 1, 0), event(12, "done", 1, 0), event(12, "logout", agent=0)]


def test_the_event_checks_pass_a_good_day():
    check_events(DAY, helpdesk(), from_snapshot=False)
    check_done_names_its_contact(DAY)
    late_abandon = [*DAY[:3], event(2, "arrival", 2), event(4, "abandon", 2), event(3, "abandon", 3), *DAY[3:]]
    with pytest.raises(AssertionError, match="without an arrival"):  # contact 3 never arrived
        check_events(late_abandon, helpdesk(), from_snapshot=False)
    late_abandon[5] = event(3, "abandon", 2)
    del late_abandon[4]
    check_events(late_abandon, helpdesk(), from_snapshot=False)  # a lazy abandon may come late
    snapshot = [event(0, "login", agent=0), event(0, "answer", None, 0), event(3, "done", None, 0)]
    check_events(snapshot, helpdesk(), from_snapshot=True)
    check_done_names_its_contact(snapshot)
    assert places_per_agent(ccsim.from_dict(every_field_scenario()), "chat_team") == 4  # 3 chats and a call


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.insert(6, event(9, "answer", 0, 0)), "already left the queue"),
    (lambda d: d.insert(2, event(1, "arrival", 0)), "arrived twice"),
    (lambda d: d.__setitem__(3, event(0.5, "done", 0, 0)), "before the event"),
    (lambda d: d.insert(3, event(3, "break_start", agent=0)), "holds 1 contact.* while away"),
    (lambda d: d.__setitem__(0, event(0, "login", agent=1)), "holds 1 contact.* while logged out"),
    (lambda d: d.__delitem__(slice(8, 10)), "2 answers but 1 done"),
    (lambda d: d.__setitem__(2, {**event(1, "answer", 0, 0), "group": None}), "event 2"),
    (lambda d: d.__setitem__(1, {**event(1, "arrival", 0), "agent": 3}), "event 1"),
    (lambda d: d.__setitem__(5, event(9, "staffing", agent=0)), "event 5"),
])
def test_the_event_checks_refuse_broken_books(change, message):
    day = list(DAY)
    change(day)
    with pytest.raises(AssertionError, match=message):
        check_events(day, helpdesk(), from_snapshot=False)


def test_the_pairing_check_refuses_unfinished_contacts():
    with pytest.raises(AssertionError, match="never done"):
        check_done_names_its_contact(DAY[:3])
    with pytest.raises(AssertionError, match="done without an answer"):
        check_done_names_its_contact([event(1, "done", 4, 0)])
    with pytest.raises(AssertionError, match="answered at 1 s by agent 0"):
        check_done_names_its_contact([*DAY[:3], event(5, "done", 0, 1)])
