"""Snapshot files: the centre as it is now (YAML or JSON), validated with located errors.

```yaml
time: "11:40"                      # clock time of the snapshot
contact_types:
  sales:
    waiting: [4min, 95s, 20s]      # how long each caller now in the queue has waited
    callbacks: [12min]             # callbacks promised (virtual hold): time since the promise
agent_groups:
  sellers:
    idle: 2                        # logged in and free now
    busy: [3min, 45s]              # talk time so far of each agent on a contact
    chats: [[2min, 30s], [4min]]   # agents with chats open: talk so far of each chat
    on_break: ["11:50", "12:00"]   # agents on break, each until that clock time
    absent: 3                      # fewer agents than scheduled for the rest of the day
    # staffing: [24, 24, ...]      # or: the headcount of each remaining interval
reforecast:
  sales: {factor: 1.15}            # remaining volume x 1.15
  # support: {per_interval: [...]} # or new calls per remaining interval
```

Every problem a user can cause is reported at once as ``SnapshotError`` (a
``ScenarioError``), each with file:line:column, field path and what was expected:
a bad value in one part does not hide an unknown name or a wrong length in another.
A snapshot is exported from a live system, so a bad value is never quoted back
(the field path and what was expected say enough); counts and lists are bounded
by the scenario's limits (docs/output.md, "Input bounds").
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator

from ..plan.calendar import build_calendar
from ..scenario.base import ScenarioModel
from ..scenario.errors import Problem, ScenarioError, format_path, unknown_name
from ..scenario.fields import ClockTime, Duration
from ..scenario.limits import MAX_AGENTS_TOTAL
from ..scenario.loader import problem_from_pydantic
from ..scenario.positions import Located, parse_yaml, read_source
from ..units import parse_clock

SnapshotError = ScenarioError


class ContactTypeNow(ScenarioModel):
    """Callers of one contact type in the system now."""

    waiting: list[Duration] = []
    callbacks: list[Duration] = []


class AgentGroupNow(ScenarioModel):
    """Agents of one group now, and its staffing for the rest of the day."""

    idle: Annotated[int, Field(ge=0, le=MAX_AGENTS_TOTAL)] | None = None  # default: scheduled - busy, on break
    busy: list[Duration] = []
    chats: list[list[Duration]] = []  # per chatting agent: talk time so far of each open chat
    on_break: list[ClockTime] = []
    absent: Annotated[int, Field(ge=0, le=MAX_AGENTS_TOTAL)] = 0
    staffing: list[Annotated[int, Field(ge=0, le=MAX_AGENTS_TOTAL)]] | None = None

    @model_validator(mode="after")
    def _one_form(self):
        if self.absent and self.staffing is not None:
            raise ValueError("give either 'absent' or 'staffing', not both")
        return self


class Reforecast(ScenarioModel):
    """A factor on the remaining volume, or new calls per remaining interval."""

    factor: Annotated[float, Field(ge=0.0, le=100.0)] | None = None
    per_interval: list[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] | None = None

    @model_validator(mode="after")
    def _one_form(self):
        if (self.factor is None) == (self.per_interval is None):
            raise ValueError("expected exactly one of 'factor' or 'per_interval'")
        return self


class Snapshot(ScenarioModel):
    """The centre at ``time``: queues, agents, rest-of-day staffing and re-forecast."""

    time: ClockTime
    contact_types: dict[str, ContactTypeNow] = {}
    agent_groups: dict[str, AgentGroupNow] = {}
    reforecast: dict[str, Reforecast] = {}


def load_snapshot(path: str | Path, scenario=None) -> Snapshot:
    """Read and validate a snapshot file (YAML or JSON); check it against *scenario* if given."""
    path = Path(path)
    text = read_source(path, SnapshotError)
    return loads_snapshot(text, str(path), scenario)


def loads_snapshot(text: str, source: str = "<snapshot>", scenario=None) -> Snapshot:
    """Validate snapshot text (JSON is read as the YAML it is a subset of)."""
    located, problems = parse_yaml(text, source)
    if problems or located is None:
        raise SnapshotError(problems)
    return snapshot_from_located(located, scenario)


def snapshot_from_dict(data: dict, source: str = "<snapshot>", scenario=None) -> Snapshot:
    return snapshot_from_located(Located(data=data, source=source), scenario)


def snapshot_from_located(located: Located, scenario=None) -> Snapshot:
    """Every problem at once: the fields' own, and — for the parts that are valid — those
    against *scenario* (unknown names, lengths, times), as a scenario's are reported."""
    problems: list[Problem] = []
    snap = None
    checked = None
    try:
        snap = checked = Snapshot.model_validate(located.data)
    except ValidationError as exc:
        problems.extend(problem_from_pydantic(dict(error), located, Snapshot, quote=False) for error in exc.errors())
        checked = _valid_parts(located.data)
    if checked is not None and scenario is not None:
        issues = list(_unknown_names(located.data, scenario)) + list(_reference_issues(checked, scenario))
        for path, message in issues:
            problems.append(Problem(*located.where(path), format_path(path), message))
    if problems or snap is None:
        raise SnapshotError(problems)
    return snap


_PARTS: dict[str, type[ScenarioModel]] = {"contact_types": ContactTypeNow, "agent_groups": AgentGroupNow,
                                          "reforecast": Reforecast}


def _valid_parts(data) -> Snapshot | None:
    """The parts of a snapshot that are valid on their own (``time`` None if it is not), so
    that they can be checked against the scenario beside the others' errors."""
    if not isinstance(data, dict):
        return None
    try:
        time = parse_clock(data.get("time"))
    except ValueError:
        time = None
    parts: dict[str, Any] = {}
    for section, model in _PARTS.items():
        entries = data.get(section)
        parts[section] = {}
        for name, entry in (entries.items() if isinstance(entries, dict) else ()):
            try:
                parts[section][name] = model.model_validate(entry if entry is not None else {})
            except ValidationError:
                continue
    return Snapshot.model_construct(time=time, **parts)


def _unknown_names(data, scenario):
    """Contact types and groups of the snapshot (as written) that the scenario does not have."""
    known = {"contact_types": (scenario.contact_types, "contact type"),
             "reforecast": (scenario.contact_types, "contact type"),
             "agent_groups": (scenario.agent_groups, "agent group")}
    for section, (names, what) in known.items():
        entries = data.get(section) if isinstance(data, dict) else None
        for name in (entries if isinstance(entries, dict) else ()):
            if name not in names:
                yield (section, name), unknown_name(what, name, names)


def remaining_intervals(snapshot: Snapshot, scenario) -> tuple[int, int]:
    """(index of the interval holding the snapshot time, intervals left from it)."""
    h = scenario.horizon
    j = int((snapshot.time - h.start) // h.interval)
    return j, h.n_intervals - j


def _closed_at(time_s: float, h) -> str | None:
    """Why a one-day scenario's calendar has the centre closed at *time_s* (None: open)."""
    calendar = build_calendar(h) if h.days == 1 else None
    if calendar is None:
        return None
    hours = calendar.hours[0]
    if hours is None:
        return "the scenario's calendar has its day closed (a closed weekday or a holiday): nothing to snapshot"
    if not hours[0] <= time_s - h.start < hours[1]:
        return (f"{_clock(time_s)} is outside the day's opening hours "
                f"{_clock(h.start + hours[0])}-{_clock(h.start + hours[1])} (horizon.opening_hours)")
    return None


def _reference_issues(snap: Snapshot, scenario):
    """Checks of a snapshot's valid parts against *scenario*; unknown names are ``_unknown_names``'."""
    h = scenario.horizon
    if h.days != 1:
        yield ("time",), (f"snapshots need a one-day horizon (the scenario has days: {h.days}); for one day "
                          "of it, give the scenario horizon.days: 1 (and that day's first_day)")
    if snap.time is None:
        return  # the time's own error is reported; what depends on it cannot be checked
    if not h.start <= snap.time < h.end:
        yield ("time",), (f"{_clock(snap.time)} is outside the scenario's horizon "
                          f"{_clock(h.start)}-{_clock(h.end)}")
        return
    closed = _closed_at(snap.time, h)
    if closed:
        yield ("time",), closed
        return
    _, left = remaining_intervals(snap, scenario)
    for name, rf in snap.reforecast.items():
        if name in scenario.contact_types and rf.per_interval is not None and len(rf.per_interval) != left:
            yield (("reforecast", name, "per_interval"),
                   f"expected {left} values (one per interval from the snapshot's), got {len(rf.per_interval)}")
    yield from _size_issues(snap, scenario, left)
    for name, g in snap.agent_groups.items():
        if name not in scenario.agent_groups:
            continue
        spec = scenario.agent_groups[name]
        if spec.shifts is not None:
            for field in ("staffing", "absent"):
                if field in g.model_fields_set:
                    yield (("agent_groups", name, field),
                           f"{name!r} works shifts: the roster decides who comes and goes; change the "
                           f"scenario's shifts (--set agent_groups.{name}.shifts[i].headcount=N) instead of "
                           f"giving '{field}'")
        elif g.absent:
            scheduled = max(spec.staffing_at(i) for i in range(h.n_intervals - left, h.n_intervals))
            if g.absent > scheduled:
                yield (("agent_groups", name, "absent"),
                       f"{g.absent:,} absent, but {name!r} has at most {scheduled:,} agents scheduled for the "
                       "rest of the day")
        if g.staffing is not None and len(g.staffing) != left:
            yield (("agent_groups", name, "staffing"),
                   f"expected {left} values (one per interval from the snapshot's), got {len(g.staffing)}")
        chat_types = [s for s in spec.skills if scenario.contact_types[s].channel == "chat"]
        most = max((scenario.contact_types[s].concurrency or 1 for s in chat_types), default=0)
        for i, open_chats in enumerate(g.chats):
            if not chat_types:
                yield (("agent_groups", name, "chats"), f"{name!r} has no chat skill (skills: "
                       f"{', '.join(spec.skills)})")
                break
            if not 1 <= len(open_chats) <= most:
                yield (("agent_groups", name, "chats", i),
                       f"expected 1 to {most} open chats (the group's concurrency), got {len(open_chats)}")
        for i, until in enumerate(g.on_break):
            if until <= snap.time:
                yield (("agent_groups", name, "on_break", i),
                       f"break end {_clock(until)} is not after the snapshot time {_clock(snap.time)}")


def _size_issues(snap: Snapshot, scenario, left: int):
    """Agents and contacts of the snapshot within the scenario's limits (scenario/limits.py)."""
    limits = scenario.limits
    agents = {name: (g.idle or 0) + len(g.busy) + len(g.chats) + len(g.on_break)
              for name, g in snap.agent_groups.items()}
    if sum(agents.values()) > limits.agents:
        name = max(agents, key=lambda n: agents[n])
        yield (("agent_groups", name),
               f"{sum(agents.values()):,} agents in the snapshot (idle, busy, chatting, on break; "
               f"{agents[name]:,} here); at most {limits.agents:,} are simulated (the scenario's limits.agents)")
    waiting = {name: len(c.waiting) + len(c.callbacks) for name, c in snap.contact_types.items()}
    if sum(waiting.values()) > limits.contacts:
        name = max(waiting, key=lambda n: waiting[n])
        yield (("contact_types", name),
               f"{sum(waiting.values()):,} contacts waiting in the snapshot; at most {limits.contacts:,} are "
               "simulated (the scenario's limits.contacts)")
    h = scenario.horizon
    remaining = 0.0
    for name, ct in scenario.contact_types.items():
        rf = snap.reforecast.get(name)
        if rf is not None and rf.per_interval is not None:
            remaining += sum(rf.per_interval)
            continue
        a = ct.arrivals
        if a.rate is not None:
            day = a.rate * h.length_s
        elif a.per_interval is not None:
            day = sum(a.per_interval)
        else:
            day = a.volume or 0.0
        remaining += day * left / h.n_intervals * (rf.factor if rf is not None else 1.0)
    if not remaining <= limits.contacts and snap.reforecast:
        yield (("reforecast",),
               f"about {remaining:,.0f} contacts for the rest of the day; at most {limits.contacts:,} are "
               "simulated (the scenario's limits.contacts)")


def _clock(seconds: float) -> str:
    from ..units import format_clock_exact

    text = format_clock_exact(seconds)
    return text[:-3] if text.endswith(":00") else text
