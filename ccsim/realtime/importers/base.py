"""What every real-time importer shares: feed rows, the queue mapping, the fill rules, the snapshot.

An importer reads its export into ``FeedRow`` objects — one per queue, routing
profile or split/skill, in ccsim's terms (callers waiting, the oldest wait,
agents idle, on a contact, in after-contact work, away) — and ``build_snapshot``
turns them into the data of a snapshot file (``ccsim.realtime.snapshot``).

Queue-level feeds know how many callers wait and how long the oldest has
waited, not each caller's wait, and how many agents are on a contact, not for
how long. The gaps are filled by fixed, stated rules (docs/realtime.md, "From
your real-time feed"); ``SnapshotImport.notes`` says which were applied:

- **waiting**: N callers, the oldest W: the others at W*k/N, k = N-1 .. 1 — the
  expected ages of the N-1 younger callers when calls arrive as a Poisson
  stream of any constant rate (given N-1 arrivals after the oldest, their
  arrival times are uniform on the oldest's wait);
- **on a contact**: n agents of a group, talk so far m*(k-0.5)/n, k = 1 .. n,
  m the mean handle time of the group's first skill (chats: the same over the
  open chats, dealt to the agents in turn);
- **after-contact work**: n agents, back at now + a*(k-0.5)/n, a the mean
  after-call work of the group's first skill (idle now if it has none);
- **away** (aux, not ready, non-productive): back at the next interval boundary.

Personal data never enters a snapshot: only counts and durations are read from
an export; no message quotes a value of the export (a queue is named by its
place in the file, not by its name), and agents' names or ids are never read.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ...scenario.errors import Problem
from ...scenario.positions import parse_yaml, read_source
from ...units import format_clock_exact
from ..snapshot import SnapshotError, snapshot_from_dict

IGNORE = "-"
MAX_COUNT = 1_000_000  # a count beyond this is not a queue or a team


@dataclass
class FeedRow:
    """One queue / routing profile / split of an export, in ccsim's terms (counts, seconds)."""

    names: tuple[str, ...]  # as the export spells them (name, id, ...): matched, never printed
    line: int | None
    column: int | None
    path: str  # where in the export: a JSON path or "row N"
    waiting: int = 0
    oldest_s: float | None = None
    idle: int = 0
    busy: int = 0
    acw: int = 0
    away: int = 0
    open_contacts: int | None = None  # contacts in hand (chats open), when the feed gives them
    has_agents: bool = False
    has_queue: bool = False


@dataclass
class Feed:
    """An export read: its rows, its clock time (s since midnight, None if it carries none)."""

    source: str
    rows: list[FeedRow]
    time_s: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class SnapshotImport:
    """The snapshot made from an export: ``data`` (the snapshot file's content) and ``notes``
    (which fill rules were applied, in words; counts only, no names)."""

    kind: str
    source: str
    data: dict
    notes: list[str]

    def snapshot(self, scenario):
        """The validated ``Snapshot``."""
        return snapshot_from_dict(self.data, f"{self.source} (as a snapshot)", scenario)

    def to_yaml(self) -> str:
        """The snapshot file's text, the notes as comments at the top."""
        import yaml

        head = [f"# Snapshot imported by `ccsim snapshot --from {self.kind}` from {Path(self.source).name}.",
                "# Filled in by ccsim's stated rules (docs/realtime.md, \"From your real-time feed\"):"]
        head += [f"#   {note}" for note in self.notes]
        body = yaml.safe_dump(self.data, sort_keys=False, default_flow_style=None, width=100)
        return "\n".join(head) + "\n" + body


def _agents(n: int) -> str:
    return f"{n} agent{'s' if n != 1 else ''}"


def problem(source: str, line, column, path: str, message: str) -> Problem:
    return Problem(source, line, column, path, message)


def normalise(name: str) -> str:
    """'Sales Queue' and 'sales-queue' -> 'sales_queue' (names compare case-blind)."""
    return re.sub(r"[\s\-]+", "_", name.strip()).casefold()


# --- the mapping ---------------------------------------------------------------------------

def parse_mapping(items) -> dict[str, str]:
    """``--map`` values: NAME=TARGET pairs or mapping files (YAML/JSON ``NAME: TARGET``).

    TARGET is a contact type, an agent group, TYPE/GROUP, TYPE/- (the callers only: the
    queue's agents are counted in another queue) or ``-`` (leave the queue out).
    Raises ``SnapshotError`` with every problem located.
    """
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for item in items:
        if "=" in item:
            name, _, target = item.partition("=")
            if not name.strip() or not target.strip():
                problems.append(problem("--map", None, None, "(option)",
                                        "expected NAME=TARGET (TARGET a contact type, an agent group, "
                                        "TYPE/GROUP or '-')"))
                continue
            mapping[normalise(name)] = target.strip()
            continue
        text = read_source(item, SnapshotError)
        located, found = parse_yaml(text, item)
        problems.extend(found)
        if located is None:
            continue
        assert isinstance(located.data, dict)  # parse_yaml gives a mapping or problems
        for key, target in located.data.items():
            if not isinstance(key, str | int) or not isinstance(target, str) or not target.strip():
                problems.append(problem(item, *located.where((key,))[1:], "(mapping)",
                                        "expected NAME: TARGET, TARGET a contact type, an agent group, "
                                        "TYPE/GROUP or '-'"))
                continue
            mapping[normalise(str(key))] = target.strip()
    if problems:
        raise SnapshotError(problems)
    return mapping


def _primary_group(scenario, ctype: str) -> str | None:
    """The one agent group whose first skill is *ctype* (None if none or several)."""
    groups = [name for name, g in scenario.agent_groups.items() if g.skills[0] == ctype]
    return groups[0] if len(groups) == 1 else None


def resolve(row: FeedRow, mapping: dict[str, str], scenario, source: str, problems: list[Problem]):
    """(contact type or None, agent group or None) of *row*; a problem when it cannot be placed."""
    types, groups = scenario.contact_types, scenario.agent_groups
    by_type = {normalise(t): t for t in types}
    by_group = {normalise(g): g for g in groups}
    keys = [normalise(name) for name in row.names if name.strip()]
    if not keys and len(types) == 1:  # an ungrouped feed: the whole centre is the one contact type
        ctype = next(iter(types))
        return ctype, _primary_group(scenario, ctype)
    for key in keys:
        if key not in mapping:
            continue
        target = mapping[key]
        if target == IGNORE:
            return None, None
        ctype, _, group = target.partition("/")
        ctype, group = ctype.strip(), group.strip()
        if not group and ctype not in types and ctype in groups:
            return None, ctype
        if group == IGNORE:  # the queue's callers only: its agents are counted elsewhere
            return (ctype or None), IGNORE
        bad = []
        if ctype and ctype not in types:
            bad.append(f"contact type {ctype!r} (known: {', '.join(types)})")
        if group and group not in groups:
            bad.append(f"agent group {group!r} (known: {', '.join(groups)})")
        if bad:
            problems.append(problem("--map", None, None, "(mapping)",
                                    f"a queue is mapped to an unknown {' and '.join(bad)}"))
            return None, None
        return (ctype or None), (group or (_primary_group(scenario, ctype) if ctype else None))
    for key in keys:
        if key in by_type:
            ctype = by_type[key]
            return ctype, by_group.get(key) or _primary_group(scenario, ctype)
        if key in by_group:
            return None, by_group[key]
    if not keys:
        problems.append(problem(source, row.line, row.column, row.path,
                                "a result with no queue (ungrouped) fits only a scenario with one contact type; "
                                "export the metrics grouped by queue"))
        return None, None
    problems.append(problem(
        source, row.line, row.column, row.path,
        f"this queue's name is neither a contact type ({', '.join(types)}) nor an agent group "
        f"({', '.join(groups)}) of the scenario; map it with --map NAME=TYPE, NAME=TYPE/GROUP, NAME=GROUP "
        "or NAME=- to leave it out (the name is not shown: exports can carry personal data)"))
    return None, None


# --- the fill rules and the snapshot ----------------------------------------------------------

def waits_from_oldest(n: int, oldest_s: float) -> list[float]:
    """N callers, the oldest waiting *oldest_s*: [W, W*(N-1)/N, ..., W/N] (see the module)."""
    return [round(oldest_s * k / n, 1) for k in range(n, 0, -1)]


def spread(n: int, mean_s: float) -> list[float]:
    """n values mean*(k-0.5)/n, k = 1..n, longest first, to 0.1 s."""
    return [round(mean_s * (k - 0.5) / n, 1) for k in range(n, 0, -1)]


def build_snapshot(kind: str, feed: Feed, scenario, mapping: dict[str, str] | None = None,
                   time_s: float | None = None, day: int | None = None,
                   date: dt.date | None = None) -> SnapshotImport:
    """The snapshot data of *feed* for *scenario* at *time_s* (default: the export's own time),
    on *day* (1 = the horizon's first) or *date* of a multi-day scenario."""
    mapping = mapping or {}
    source = feed.source
    problems: list[Problem] = []
    now = time_s if time_s is not None else feed.time_s
    if now is None:
        problems.append(problem(source, None, None, "(time)",
                                "the export carries no time of its own: give --time HH:MM"))
    h = scenario.horizon
    if h.days > 1 and day is None and date is None:
        dated = " or --date YYYY-MM-DD" if isinstance(h.first_day, dt.date) else ""
        problems.append(problem(source, None, None, "(day)",
                                f"the scenario's horizon has {h.days} days: give the day the export was taken on, "
                                f"--day N (1 to {h.days}){dated}"))
    queues: dict[str, list[FeedRow]] = {}
    teams: dict[str, list[FeedRow]] = {}
    for row in feed.rows:
        ctype, group = resolve(row, mapping, scenario, source, problems)
        if ctype is not None and row.has_queue:
            queues.setdefault(ctype, []).append(row)
        if group == IGNORE:
            pass
        elif group is not None and row.has_agents:
            teams.setdefault(group, []).append(row)
        elif row.has_agents and (row.idle or row.busy or row.acw or row.away) and ctype is not None:
            problems.append(problem(source, row.line, row.column, row.path,
                                    f"agents of this queue cannot be placed: no single agent group has "
                                    f"{ctype!r} as its first skill; map the queue to TYPE/GROUP"))
    if problems:
        raise SnapshotError(problems)
    assert now is not None
    now = float(round(now))
    notes = list(feed.notes)
    data: dict = {"time": format_clock_exact(now)}
    if day is not None:
        data["day"] = int(day)
    if date is not None:
        data["date"] = date.isoformat()
    contact_types: dict = {}
    for ctype, rows in queues.items():
        n = sum(r.waiting for r in rows)
        if n == 0:
            continue
        olds = [r.oldest_s for r in rows if r.oldest_s is not None]
        if not olds:
            r = rows[0]
            problems.append(problem(source, r.line, r.column, r.path,
                                    f"{n} contacts in queue but no oldest wait; expected the oldest "
                                    "contact's age"))
            continue
        contact_types[ctype] = {"waiting": waits_from_oldest(n, max(olds))}
        notes.append(f"{ctype}: {n} waiting, the oldest {max(olds):.0f} s; the others' waits spread as "
                     "Poisson arrivals since the oldest put them on average (W*k/N)")
    if contact_types:
        data["contact_types"] = contact_types
    h = scenario.horizon
    boundary = h.start + (math.floor((now - h.start) / h.interval + 1e-9) + 1) * h.interval
    agent_groups: dict = {}
    for group, rows in teams.items():
        spec = scenario.agent_groups[group]
        first = scenario.contact_types[spec.skills[0]]
        idle = sum(r.idle for r in rows)
        busy = sum(r.busy for r in rows)
        acw = sum(r.acw for r in rows)
        away = sum(r.away for r in rows)
        entry: dict = {}
        handle = first.handle_time.analytic_mean()
        if first.channel == "chat" and busy:
            given = [r.open_contacts for r in rows]
            open_chats = sum(x if x is not None else r.busy for x, r in zip(given, rows, strict=True))
            most = first.concurrency or 1
            open_chats = min(max(open_chats, busy), busy * most)
            per_agent = [open_chats // busy + (1 if k < open_chats % busy else 0) for k in range(busy)]
            talks = iter(spread(open_chats, handle))
            entry["chats"] = [[next(talks) for _ in range(m)] for m in per_agent]
            notes.append(f"{group}: {_agents(busy)} with {open_chats} chats open, talk so far spread up to the "
                         f"mean handle time of {spec.skills[0]} ({handle:.0f} s)")
        elif busy:
            entry["busy"] = spread(busy, handle)
            notes.append(f"{group}: {_agents(busy)} on a contact, talk so far spread evenly up to the mean "
                         f"handle time of {spec.skills[0]} ({handle:.0f} s)")
        breaks: list[str] = []
        wrap = first.after_call_work.analytic_mean() if first.after_call_work is not None else 0.0
        if acw and wrap > 0:
            breaks += [format_clock_exact(now + max(1.0, math.ceil(s))) for s in spread(acw, wrap)]
            notes.append(f"{group}: {_agents(acw)} in after-contact work, back within the mean after-call "
                         f"work ({wrap:.0f} s)")
        elif acw:
            idle += acw
            notes.append(f"{group}: {_agents(acw)} in after-contact work counted idle ({spec.skills[0]} has "
                         "no after-call work)")
        if away:
            breaks += [format_clock_exact(boundary)] * away
            notes.append(f"{group}: {_agents(away)} away (aux, not ready), back at the next interval boundary "
                         f"{format_clock_exact(boundary)[:5]}")
        if breaks:
            entry["on_break"] = sorted(breaks)
        entry["idle"] = idle
        agent_groups[group] = entry
    if agent_groups:
        data["agent_groups"] = agent_groups
    if problems:
        raise SnapshotError(problems)
    result = SnapshotImport(kind, source, data, notes)
    result.snapshot(scenario)  # the snapshot's own checks (limits, horizon) before anything is written
    return result


# --- reading helpers shared by the JSON importers ---------------------------------------------

class JsonDoc:
    """A JSON export with the line and column of each value, for located errors."""

    def __init__(self, path: str | Path):
        import json

        self.source = str(path)
        text = read_source(path, SnapshotError)
        try:
            self.data = json.loads(text)
        except json.JSONDecodeError as exc:
            # exc.msg says what was expected ("Expecting ',' delimiter") and quotes nothing
            raise SnapshotError([problem(self.source, exc.lineno, exc.colno, "(json)",
                                         f"malformed JSON: {exc.msg}")]) from None
        except RecursionError:
            raise SnapshotError([problem(self.source, None, None, "(json)", "nested too deeply")]) from None
        located, _ = parse_yaml(text, self.source) if isinstance(self.data, dict) else (None, [])
        self.located = located

    def where(self, path: tuple) -> tuple[int | None, int | None]:
        if self.located is None:
            return None, None
        _, line, column = self.located.where(path)
        return line, column


def json_path(path: tuple) -> str:
    """('MetricResults', 0, 'Collections', 2) -> 'MetricResults[0].Collections[2]'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


class Reader:
    """Typed reads from a JsonDoc, every problem collected and located."""

    def __init__(self, doc: JsonDoc):
        self.doc = doc
        self.problems: list[Problem] = []

    def fail(self, path: tuple, message: str) -> None:
        self.problems.append(problem(self.doc.source, *self.doc.where(path), json_path(path), message))

    def get(self, node, path: tuple, key, kind: type | tuple, what: str, required: bool = True):
        """``node[key]`` if it is of *kind*; a located problem (and None) otherwise."""
        full = (*path, key)
        if not isinstance(node, dict) or key not in node:
            if required:
                self.fail(path, f"missing '{key}'; expected {what}")
            return None
        value = node[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            self.fail(full, f"expected {what}, got {_kind(value)}")
            return None
        return value

    def count(self, value, path: tuple, what: str) -> int | None:
        """A whole number >= 0 (3 or 3.0)."""
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or value < 0 or value != int(value) or value > MAX_COUNT:
            self.fail(path, f"expected {what}: a whole number from 0 to {MAX_COUNT:,}, got "
                            f"{_kind(value) if not isinstance(value, int | float) else 'another number'}")
            return None
        return int(value)

    def seconds(self, value, path: tuple, what: str, scale: float = 1.0) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or value < 0 or value * scale > 7 * 86400:
            self.fail(path, f"expected {what}: a duration from 0 to 7 days, got "
                            f"{_kind(value) if not isinstance(value, int | float) else 'another number'}")
            return None
        return float(value) * scale


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a number"


def parse_timestamp(text) -> float | None:
    """An ISO 8601 timestamp's clock time (s since midnight) in the offset it is written in."""
    import datetime as dt

    if not isinstance(text, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.hour * 3600 + stamp.minute * 60 + stamp.second + stamp.microsecond / 1e6
