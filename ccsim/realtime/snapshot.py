"""Snapshot files: the centre as it is now (YAML or JSON), validated with located errors.

```yaml
time: "11:40"                      # clock time of the snapshot
day: 3                             # multi-day horizon: the day it was taken on (1 = the first)
# date: 2026-12-02                 # or its date, when horizon.first_day is a date
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

A scenario of several days (``horizon.days > 1``) needs the snapshot's ``day`` (or
``date``): the run goes on from that day's ``time`` to the end of the horizon, later
days with their own calendar. Checked against a scenario, the snapshot comes back with
``day`` set (a ``date`` turned into its day number), or with neither for a one-day
scenario: ``snapshot.day is None`` means a one-day run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator

from ..plan.calendar import build_calendar
from ..scenario.base import ScenarioModel
from ..scenario.calendar import WEEKDAYS, first_weekday, holiday_numbers
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
    day: Annotated[int, Field(ge=1, le=366)] | None = None  # day of a multi-day horizon, 1 = the first
    date: dt.date | None = None  # or its date (a horizon whose first_day is a date)
    contact_types: dict[str, ContactTypeNow] = {}
    agent_groups: dict[str, AgentGroupNow] = {}
    reforecast: dict[str, Reforecast] = {}

    @model_validator(mode="after")
    def _one_day_form(self):
        if self.day is not None and self.date is not None:
            raise ValueError("give either 'day' or 'date', not both")
        return self


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
    if scenario is not None:
        day = snapshot_day(snap, scenario.horizon)
        snap = snap.model_copy(update={"day": None if scenario.horizon.days == 1 else day + 1, "date": None})
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
    day: dict[str, Any] = {}
    for key in ("day", "date"):
        if data.get(key) is not None:
            try:
                day[key] = Snapshot.model_validate({"time": 0, key: data[key]}).model_dump()[key]
            except ValidationError:
                day[key] = _INVALID
    parts: dict[str, Any] = {}
    for section, model in _PARTS.items():
        entries = data.get(section)
        parts[section] = {}
        for name, entry in (entries.items() if isinstance(entries, dict) else ()):
            try:
                parts[section][name] = model.model_validate(entry if entry is not None else {})
            except ValidationError:
                continue
    return Snapshot.model_construct(time=time, **day, **parts)


_INVALID = object()  # a day or date whose own error is reported: what depends on it is not checked


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


def snapshot_day(snap: Snapshot, h) -> int:
    """The day of horizon *h* a snapshot checked against it was taken on (0 = the first)."""
    if snap.day is not None:
        return snap.day - 1
    if snap.date is not None and isinstance(h.first_day, dt.date):
        return (snap.date - h.first_day).days
    return 0


def first_open_day(h) -> int:
    """The first day of horizon *h* (1 = the first) its calendar opens at the horizon start
    (1 without a calendar, or when none does)."""
    calendar = build_calendar(h)
    if calendar is None:
        return 1
    return next((d + 1 for d, hours in enumerate(calendar.hours) if hours is not None and hours[0] == 0.0), 1)


def _day_issues(snap: Snapshot, h):
    """The snapshot's day (or date) against the horizon: given when it has several days, in
    it, and open. Yields (path, message); returns nothing more to check when one is wrong."""
    if snap.day is _INVALID or snap.date is _INVALID:
        return
    if snap.day is not None and snap.date is not None:
        return  # 'give either' is reported
    last = (h.first_day + dt.timedelta(days=h.days - 1)) if isinstance(h.first_day, dt.date) else None
    dates = f" or date: YYYY-MM-DD ({h.first_day.isoformat()} to {last.isoformat()})" if last else ""
    if snap.day is None and snap.date is None:
        if h.days > 1:
            yield ("day",), (f"the scenario's horizon has {h.days} days (horizon.days): give the day the snapshot "
                             f"was taken on, day: N (1 to {h.days}){dates}")
        return
    if snap.day is not None and not 1 <= snap.day <= h.days:
        yield ("day",), f"expected a day of the scenario's horizon from 1 to {h.days} (horizon.days), got {snap.day}"
        return
    if snap.date is not None:
        if last is None:
            yield ("date",), (f"a date needs the scenario's horizon.first_day as a date (it is "
                              f"{h.first_day or 'not given'}); give day: N (1 to {h.days}) instead")
            return
        if not h.first_day <= snap.date <= last:
            yield ("date",), (f"expected a date of the scenario's horizon, {h.first_day.isoformat()} to "
                              f"{last.isoformat()}, got {snap.date.isoformat()}")
            return


def _closed_at(time_s: float, h, day: int) -> str | None:
    """Why the scenario's calendar has the centre closed on *day* (0 = the first) at
    *time_s* (None: open)."""
    calendar = build_calendar(h)
    if calendar is None:
        return None
    hours = calendar.hours[day]
    if hours is None:
        if h.days == 1:
            return "the scenario's calendar has its day closed (a closed weekday or a holiday): nothing to snapshot"
        weekday = WEEKDAYS[(first_weekday(h.first_day) + day) % 7]
        why = "a holiday (horizon.holidays)" if day in holiday_numbers(h) else \
            f"closed on {weekday}s (horizon.opening_hours)"
        opened = [str(d + 1) for d, hrs in enumerate(calendar.hours) if hrs is not None]
        return (f"day {day + 1} ({weekday}{_date_of(h, day)}) is {why}: nothing to snapshot; expected an open day "
                f"({', '.join(opened[:12])}{', ...' if len(opened) > 12 else ''})")
    if not hours[0] <= time_s - h.start < hours[1]:
        return (f"{_clock(time_s)} is outside the day's opening hours "
                f"{_clock(h.start + hours[0])}-{_clock(h.start + hours[1])} (horizon.opening_hours)")
    return None


def _date_of(h, day: int) -> str:
    return f", {(h.first_day + dt.timedelta(days=day)).isoformat()}" if isinstance(h.first_day, dt.date) else ""


def _reference_issues(snap: Snapshot, scenario):
    """Checks of a snapshot's valid parts against *scenario*; unknown names are ``_unknown_names``'."""
    h = scenario.horizon
    day_issues = list(_day_issues(snap, h))
    yield from day_issues
    if snap.time is None:
        return  # the time's own error is reported; what depends on it cannot be checked
    if not h.start <= snap.time < h.end:
        yield ("time",), (f"{_clock(snap.time)} is outside the scenario's horizon "
                          f"{_clock(h.start)}-{_clock(h.end)}")
        return
    if day_issues or snap.day is _INVALID or snap.date is _INVALID:
        return
    day = snapshot_day(snap, h)
    closed = _closed_at(snap.time, h, day)
    if closed:
        calendar = build_calendar(h)
        open_day = calendar is None or calendar.hours[day] is not None
        path = ("time",) if h.days == 1 or open_day else ("date",) if snap.date is not None else ("day",)
        yield path, closed
        return
    _, left = remaining_intervals(snap, scenario)
    for name, rf in snap.reforecast.items():
        if name in scenario.contact_types and rf.per_interval is not None and h.days > 1:
            yield (("reforecast", name, "per_interval"),
                   f"a snapshot of a {h.days}-day horizon takes a reforecast 'factor' (on the rest of the "
                   "horizon), not 'per_interval' (for a one-day scenario)")
        elif name in scenario.contact_types and rf.per_interval is not None and len(rf.per_interval) != left:
            yield (("reforecast", name, "per_interval"),
                   f"expected {left} values (one per interval from the snapshot's), got {len(rf.per_interval)}")
    yield from _size_issues(snap, scenario, left, h.days - day - 1)
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


def _size_issues(snap: Snapshot, scenario, left: int, later_days: int = 0):
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
        remaining += day * (left / h.n_intervals + later_days) * (rf.factor if rf is not None else 1.0)
    if not remaining <= limits.contacts and snap.reforecast:
        rest = "the rest of the horizon" if later_days else "the rest of the day"
        yield (("reforecast",),
               f"about {remaining:,.0f} contacts for {rest}; at most {limits.contacts:,} are "
               "simulated (the scenario's limits.contacts)")


def _clock(seconds: float) -> str:
    from ..units import format_clock_exact

    text = format_clock_exact(seconds)
    return text[:-3] if text.endswith(":00") else text
