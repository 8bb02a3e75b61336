"""What-if actions: parsed from the ``--set``-like syntax and applied to the residual scenario data.

Every action is ``PATH=VALUE``, ``PATH+=VALUE`` or ``PATH-=VALUE``, optionally ``@HH:MM``:

* ``agent_groups.NAME.staffing=N|+=N|-=N[@HH:MM]``: the headcount from the first interval
  boundary at or after the time (no ``@``: from now);
* ``callbacks=on``: every inbound contact type offers callbacks from now;
* intraday actions (see ``intraday.py``): ``agent_groups.NAME.shifts[I].breaks[J]=HH:MM``
  (move a break), ``agent_groups.NAME.overtime=DURATION`` and
  ``agent_groups.NAME.shifts[I].end+=DURATION`` (overtime), ``agent_groups.NAME.vto=N[@HH:MM]``
  and ``agent_groups.NAME.shifts[I].end-=DURATION`` (voluntary time off),
  ``agent_groups.NAME.skills=[...]`` (re-skill from now), ``contact_types.NAME.defer=HH:MM``
  (pause the type's service until then);
* any other ``PATH=VALUE`` (no ``@``): a scenario change for the rest of the day.

Errors are ``ValueError`` naming the action text, the bad value and what was expected.
"""

from __future__ import annotations

import copy
import math
import re

from ..scenario.overrides import parse_path
from ..units import format_clock, format_clock_exact, parse_clock
from . import intraday

DEFAULT_CALLBACK = {"offer_when_expected_wait_over": 60.0, "accept_probability": 0.5,
                    "mode": "virtual_hold"}
_ACTION_RE = re.compile(r"^\s*([^=+\-@\s]+)\s*(\+=|-=|=)\s*([^@]+?)\s*(?:@\s*(\S+))?\s*$")


class Action:
    """One parsed what-if action: ``kind`` is 'staffing', 'callbacks', 'set' or an intraday kind."""

    def __init__(self, text: str, path: tuple, op: str, value, at_s: float | None, kind: str = "set"):
        self.text, self.path, self.op, self.value, self.at_s, self.kind = text, path, op, value, at_s, kind

    def __repr__(self) -> str:
        return f"Action({self.text!r})"


def parse_action(text: str) -> Action:
    """'agent_groups.a.staffing+=2@12:00' -> Action; ValueError with what was expected."""
    import yaml

    m = _ACTION_RE.match(text)
    if not m:
        raise ValueError(f"{text}: expected PATH=VALUE, PATH+=VALUE or PATH-=VALUE, optionally @HH:MM")
    path_text, op, value_text, at = m.groups()
    if path_text == "callbacks":
        if op != "=" or value_text.strip().lower() not in ("on", "true"):
            raise ValueError(f"{text}: expected callbacks=on, got {value_text!r}")
        if at:
            raise ValueError(f"{text}: callbacks=on applies from now; drop the @time")
        return Action(text, ("callbacks",), "=", True, None, "callbacks")
    try:
        path = parse_path(path_text)
    except ValueError as exc:
        raise ValueError(f"{text}: {exc}") from None
    at_s = None
    if at:
        try:
            at_s = parse_clock(at)
        except ValueError:
            raise ValueError(f"{text}: expected a clock time HH:MM after '@', got {at!r}") from None
    kind = intraday.kind_of(path)
    if kind is not None:
        value = intraday.parse_value(text, kind, op, value_text, at_s)
        return Action(text, path, op, value, at_s, kind)
    value = yaml.safe_load(value_text)
    is_staffing = len(path) == 3 and path[0] == "agent_groups" and path[2] == "staffing"
    if (op != "=" or at_s is not None) and not is_staffing:
        raise ValueError(f"{text}: +=, -= and @time apply to agent_groups.NAME.staffing only (and to the "
                         f"intraday actions of docs/realtime.md), got {path_text!r}")
    if is_staffing and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValueError(f"{text}: expected a whole number of agents, got {value_text!r}")
    return Action(text, path, op, value, at_s, "staffing" if is_staffing else "set")


def apply_actions(data: dict, actions: list[Action], scenario, start_s: float,
                  today: dict[str, list[int]] | None = None) -> tuple[dict, dict[str, int]]:
    """Apply *actions* to residual scenario data (*start_s*: the snapshot's clock time, s);
    return it and the agents to add now per group (negative: fewer now).

    today: a multi-day snapshot's headcount of each interval of its day per staffing-plan
    group (``state.day_staffing``): staffing actions change that day's, returned in the
    ``NowChanges.staffing`` of the agents to add; other changes hold to the horizon's end.
    """
    from .state import NowChanges

    data = copy.deepcopy(data)
    extra_now = NowChanges()
    for action in actions:
        if today is not None and (action.kind not in ("callbacks", "staffing", "set")
                                  or action.kind == "staffing" and action.path[1] not in today
                                  and action.path[1] in data["agent_groups"]):
            raise ValueError(f"{action.text}: on a snapshot of a multi-day scenario the actions are staffing "
                             "changes of groups given by intervals, callbacks=on and scenario changes (PATH=VALUE)")
        if today is not None and action.kind == "staffing":
            change_day_staffing(action, scenario, start_s, today, extra_now)
            continue
        if action.kind == "callbacks":
            for name in data["contact_types"]:
                ct = data["contact_types"][name]
                if ct.get("direction") == "outbound":
                    continue  # dialled calls: nobody waits in a queue to be called back
                if not ct.get("callback"):
                    ct["callback"] = dict(DEFAULT_CALLBACK)
        elif action.kind == "staffing":
            change_staffing(data, action, scenario, start_s, extra_now)
        elif action.kind == "set":
            _set(data, action)
        else:
            intraday.apply(data, action, scenario, start_s, extra_now)
    return data, extra_now


def group_of(data: dict, action: Action) -> dict:
    """The residual data of the action's agent group; ValueError naming the known groups."""
    name = action.path[1]
    if name not in data["agent_groups"]:
        raise ValueError(f"{action.text}: unknown agent group {name!r} (known: {', '.join(data['agent_groups'])})")
    return data["agent_groups"][name]


def change_staffing(data: dict, action: Action, scenario, start_s: float, extra_now: dict) -> None:
    """``staffing=N|+=N|-=N[@HH:MM]`` on a group given by intervals (or ``+=`` on one with shifts)."""
    name = action.path[1]
    group = group_of(data, action)
    if "shifts" in group:
        _add_shift(data, name, action, scenario, start_s, extra_now)
        return
    interval = scenario.horizon.interval
    staffing = list(group["staffing"])
    first = 0
    if action.at_s is not None:
        first = max(0, math.ceil((action.at_s - parse_clock(data["horizon"]["start"])) / interval - 1e-9))
    for i in range(first, len(staffing)):
        old = staffing[i]
        new = {"=": action.value, "+=": old + action.value, "-=": old - action.value}[action.op]
        staffing[i] = max(0, int(new))
    if first == 0:
        extra_now[name] = extra_now.get(name, 0) + staffing[0] - group["staffing"][0]
    group["staffing"] = staffing


def change_day_staffing(action: Action, scenario, start_s: float, today: dict[str, list[int]],
                        extra_now) -> None:
    """``staffing=N|+=N|-=N[@HH:MM]`` on a multi-day snapshot's day: its intervals from the
    first boundary at or after the time (no ``@``: from the snapshot's interval)."""
    name = action.path[1]
    if name not in today:
        raise ValueError(f"{action.text}: unknown agent group {name!r} (known: {', '.join(scenario.agent_groups)})")
    h = scenario.horizon
    now = int((start_s - h.start) // h.interval)
    first = now
    if action.at_s is not None:
        first = max(now, math.ceil((action.at_s - h.start) / h.interval - 1e-9))
    staffing = list(today[name])
    for i in range(first, len(staffing)):
        old = staffing[i]
        new = {"=": action.value, "+=": old + action.value, "-=": old - action.value}[action.op]
        staffing[i] = max(0, int(new))
    if first == now:
        extra_now[name] = extra_now.get(name, 0) + staffing[now] - today[name][now]
    today[name] = staffing
    extra_now.staffing[name] = staffing


def _set(data: dict, action: Action) -> None:
    node = data
    for part in action.path[:-1]:
        if isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node):
            node = node[part]
            continue
        if not isinstance(node, dict) or part not in node:
            raise ValueError(f"{action.text}: no field {'.'.join(map(str, action.path))}")
        node = node[part]
    last = action.path[-1]
    if isinstance(node, list) and not (isinstance(last, int) and -len(node) <= last < len(node)):
        raise ValueError(f"{action.text}: no item {last} in a list of {len(node)}")
    node[last] = action.value


def _add_shift(data: dict, name: str, action: Action, scenario, now_clock: float, extra_now: dict) -> None:
    """``staffing+=N[@HH:MM]`` on a group that works shifts: N more agents from then (now
    by default) to the horizon end, as a shift of their own without breaks."""
    if action.op != "+=" or action.value < 1:
        raise ValueError(f"{action.text}: a group with shifts takes 'staffing+=N' (N agents more, optionally "
                         "@HH:MM); change a shift's headcount with agent_groups.NAME.shifts[i].headcount=N")
    start = max(now_clock, action.at_s) if action.at_s is not None else now_clock
    end = scenario.horizon.end
    if start >= end:
        raise ValueError(f"{action.text}: {format_clock(start)} is not before the horizon end {format_clock(end)}")
    shifts = list(data["agent_groups"][name]["shifts"])
    shifts.append({"start": format_clock_exact(start), "end": format_clock_exact(end), "headcount": int(action.value)})
    data["agent_groups"][name]["shifts"] = shifts
    if start <= now_clock:  # on at the snapshot: its agents are idle now, with the shift's end
        extra_now[name] = extra_now.get(name, 0) + int(action.value)
