"""Intraday what-if actions on the residual scenario data: move a break, overtime, voluntary
time off, re-skill from now, defer a contact type's service.

Each is expressed through the scenario data (shifts, staffing, skills), so the engine runs
them as any scenario. Times are clock seconds; *now* is the snapshot's clock time.
Errors are ``ValueError`` naming the action text, the bad value and what was expected.
"""

from __future__ import annotations

import math

from ..units import format_clock, format_clock_exact, format_time, parse_clock, parse_duration

_GROUP_KINDS = {("overtime",): "overtime", ("vto",): "vto", ("skills",): "skills"}


def kind_of(path: tuple) -> str | None:
    """The intraday action a path names, or None."""
    if len(path) == 3 and path[0] == "contact_types" and path[2] == "defer":
        return "defer"
    if len(path) < 3 or path[0] != "agent_groups":
        return None
    rest = tuple(path[2:])
    if rest in _GROUP_KINDS:
        return _GROUP_KINDS[rest]
    if len(rest) == 4 and rest[0] == "shifts" and rest[2] == "breaks" and all(isinstance(i, int) for i in rest[1::2]):
        return "break"
    if len(rest) == 3 and rest[0] == "shifts" and isinstance(rest[1], int) and rest[2] == "end":
        return "shift_end"
    return None


def _clock(text: str, value: str, what: str) -> float:
    try:
        return parse_clock(value.strip())
    except ValueError:
        raise ValueError(f"{text}: expected {what} (a clock time HH:MM), got {value.strip()!r}") from None


def _duration(text: str, value: str) -> float:
    try:
        seconds = parse_duration(value.strip())
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ValueError(f"{text}: expected a positive duration ('30min', '1h'), got {value.strip()!r}")
    return seconds


def parse_value(text: str, kind: str, op: str, value: str, at_s: float | None):
    """The value of an intraday action, checked for its form (ValueError otherwise)."""
    import yaml

    if kind != "shift_end" and op != "=":
        raise ValueError(f"{text}: expected '=' for this action, got {op!r}")
    if at_s is not None and kind not in ("vto",):
        raise ValueError(f"{text}: this action takes no @time (only staffing and vto do)")
    if kind == "break":
        if "-" in value:
            a, b = value.split("-", 1)
            start, end = _clock(text, a, "a window start"), _clock(text, b, "a window end")
            if end < start:
                raise ValueError(f"{text}: expected a window HH:MM-HH:MM that ends after it starts, got {value!r}")
            return (start, end)
        return (_clock(text, value, "the break's new start"),) * 2
    if kind == "overtime":
        return _duration(text, value)
    if kind == "shift_end":
        return _clock(text, value, "the shift's new end") if op == "=" else _duration(text, value)
    if kind == "defer":
        return _clock(text, value, "the time the service resumes")
    if kind == "vto":
        n = yaml.safe_load(value)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"{text}: expected a whole number of agents (at least 1) going home, got {value!r}")
        return n
    skills = yaml.safe_load(value)  # kind == "skills"
    if isinstance(skills, str):
        skills = [skills]
    if not (isinstance(skills, list) and skills and all(isinstance(s, str) for s in skills)) and not (
            isinstance(skills, dict) and skills and all(isinstance(s, str) for s in skills)):
        raise ValueError(f"{text}: expected a list of contact types ([support, email]) or levels "
                         f"({{support: 1, email: 2}}), got {value!r}")
    return skills


def apply(data: dict, action, scenario, now: float, extra_now: dict) -> None:
    """Apply one intraday *action* to the residual data *data* in place."""
    if action.kind == "defer":
        _defer(data, action, scenario, now)
        return
    name = action.path[1]
    groups = data["agent_groups"]
    if name not in groups:
        raise ValueError(f"{action.text}: unknown agent group {name!r} (known: {', '.join(groups)})")
    group = groups[name]
    {"break": _move_break, "overtime": _overtime, "shift_end": _shift_end, "vto": _vto,
     "skills": _reskill}[action.kind](data, group, action, scenario, now, extra_now)


def _shift(group: dict, action, index: int) -> dict:
    shifts = group.get("shifts")
    if shifts is None:
        raise ValueError(f"{action.text}: agent group {action.path[1]!r} is staffed by interval, not by shifts "
                         "(its staffing is net of breaks); use agent_groups.NAME.staffing, overtime or vto")
    if not -len(shifts) <= index < len(shifts):
        raise ValueError(f"{action.text}: no shift [{index}]: the group has {len(shifts)} (0 to {len(shifts) - 1})")
    shifts = group["shifts"] = list(shifts)
    shifts[index] = dict(shifts[index])
    return shifts[index]


def _move_break(data, group, action, scenario, now, extra_now) -> None:
    shift = _shift(group, action, action.path[3])
    breaks = [dict(b) for b in shift.get("breaks", [])]
    j = action.path[5]
    if not -len(breaks) <= j < len(breaks):
        raise ValueError(f"{action.text}: no break [{j}]: the shift has {len(breaks)}")
    old = breaks[j]
    earliest = parse_clock(old["start"] if "start" in old else old["window"][0])
    if earliest < now:
        raise ValueError(f"{action.text}: this break began at {format_clock(earliest)}, before the snapshot "
                         f"{format_clock(now)}; only breaks still to come can move")
    start, end = action.value
    length = parse_duration(old["length"])
    s0, s1 = parse_clock(shift["start"]), parse_clock(shift["end"])
    if start < now or start < s0 or end + length > s1:
        raise ValueError(f"{action.text}: expected a break start from {format_clock(max(now, s0))} and ending "
                         f"by the shift end {format_clock(s1)} ({format_time(length)} long)")
    new = {"length": old["length"]}
    if start == end:
        new["start"] = format_clock_exact(start)
    else:
        new["window"] = [format_clock_exact(start), format_clock_exact(end)]
    breaks[j] = new
    shift["breaks"] = breaks


def _overtime(data, group, action, scenario, now, extra_now) -> None:
    horizon_end = scenario.horizon.end
    if "shifts" in group:
        shifts, changed = [], 0
        for s in group["shifts"]:
            s = dict(s)
            end = parse_clock(s["end"])
            if now < end < horizon_end:
                s["end"] = format_clock_exact(min(end + action.value, horizon_end))
                changed += 1
            shifts.append(s)
        if not changed:
            raise ValueError(f"{action.text}: no shift of {action.path[1]!r} ends between the snapshot "
                             f"{format_clock(now)} and the horizon end {format_clock(horizon_end)}")
        group["shifts"] = shifts
        return
    # Interval staffing: every agent who would leave at a boundary stays the duration longer
    # (whole intervals, rounded up): the headcount is the highest of the last m+1 intervals.
    m = math.ceil(action.value / scenario.horizon.interval - 1e-9)
    old = list(group["staffing"])
    group["staffing"] = [max(old[max(0, k - m):k + 1]) for k in range(len(old))]


def _fit_breaks(breaks: list, lo: float, hi: float) -> list:
    """The breaks that fit in [lo, hi], windows clipped to it."""
    out = []
    for b in breaks:
        length = parse_duration(b["length"])
        if "start" in b:
            if lo <= parse_clock(b["start"]) and parse_clock(b["start"]) + length <= hi:
                out.append(dict(b))
            continue
        a, z = max(lo, parse_clock(b["window"][0])), min(hi - length, parse_clock(b["window"][1]))
        if a <= z:
            out.append({"window": [format_clock_exact(a), format_clock_exact(z)], "length": b["length"]})
    return out


def _shift_end(data, group, action, scenario, now, extra_now) -> None:
    shift = _shift(group, action, action.path[3])
    start, end = parse_clock(shift["start"]), parse_clock(shift["end"])
    new = {"=": action.value, "+=": end + action.value, "-=": end - action.value}[action.op]
    new = min(new, scenario.horizon.end)
    if new <= max(now, start):
        raise ValueError(f"{action.text}: the shift would end at {format_clock(new)}, expected after "
                         f"{format_clock(max(now, start))} (the snapshot or the shift's start)")
    if end <= now:
        raise ValueError(f"{action.text}: this shift ended at {format_clock(end)}, before the snapshot")
    shift["end"] = format_clock_exact(new)
    shift["breaks"] = _fit_breaks(shift.get("breaks", []), start, new)


def _vto(data, group, action, scenario, now, extra_now) -> None:
    name, n = action.path[1], action.value
    at = now if action.at_s is None else action.at_s
    if at < now or at >= scenario.horizon.end:
        raise ValueError(f"{action.text}: expected a time from the snapshot {format_clock(now)} to before the "
                         f"horizon end {format_clock(scenario.horizon.end)}, got {format_clock(at)}")
    if "shifts" not in group:
        staffing = list(group["staffing"])
        first = 0 if action.at_s is None else max(0, math.ceil(
            (at - parse_clock(data["horizon"]["start"])) / scenario.horizon.interval - 1e-9))
        if first >= len(staffing) or n > staffing[first]:
            have = staffing[first] if first < len(staffing) else 0
            raise ValueError(f"{action.text}: {n} agents cannot go home, {have} are scheduled then")
        group["staffing"] = staffing[:first] + [max(0, s - n) for s in staffing[first:]]
        if first == 0:
            extra_now[name] = extra_now.get(name, 0) - n
        return
    # Shifts: the agents go from the shifts on at that time that end last; each becomes a
    # shift of its own ending then (a second later when it is now, so the shift is on now).
    home = max(at, math.floor(now) + 1.0)
    shifts = [dict(s) for s in group["shifts"]]
    on = sorted((i for i, s in enumerate(shifts) if parse_clock(s["start"]) <= at < parse_clock(s["end"])),
                key=lambda i: -parse_clock(shifts[i]["end"]))
    left = n
    for i in on:
        take = min(left, int(shifts[i]["headcount"]))
        if take:
            shifts[i]["headcount"] = int(shifts[i]["headcount"]) - take
            shifts.append({"start": shifts[i]["start"], "end": format_clock_exact(home), "headcount": take,
                           "breaks": _fit_breaks(shifts[i].get("breaks", []), parse_clock(shifts[i]["start"]),
                                                 home)})
            left -= take
        if not left:
            break
    if left:
        raise ValueError(f"{action.text}: {n} agents cannot go home, {n - left} are on shift at {format_clock(at)}")
    group["shifts"] = shifts


def _known_types(data: dict, action, names) -> None:
    for skill in names:
        if skill not in data["contact_types"]:
            raise ValueError(f"{action.text}: unknown contact type {skill!r} "
                             f"(known: {', '.join(data['contact_types'])})")


def _drop_keys(group: dict, keep) -> None:
    for key in ("handle_time_factor", "reserve", "overflow_after"):
        if key in group:
            group[key] = {k: v for k, v in group[key].items() if k in keep}


def _reskill(data, group, action, scenario, now, extra_now) -> None:
    _known_types(data, action, action.value)
    group["skills"] = action.value
    _drop_keys(group, set(action.value))


def _defer(data, action, scenario, now) -> None:
    """Pause a contact type's service until a time: every group taking it is split into the
    group without it until then and, from then, a group with it (``NAME-TYPE``; for shifts
    starting after the snapshot ``NAME-TYPE-later``, with the group's absenteeism)."""
    ctype, until = action.path[1], action.value
    if ctype not in data["contact_types"]:
        raise ValueError(f"{action.text}: unknown contact type {ctype!r} (known: {', '.join(data['contact_types'])})")
    if not now < until < scenario.horizon.end:
        raise ValueError(f"{action.text}: expected a time after the snapshot {format_clock(now)} and before the "
                         f"horizon end {format_clock(scenario.horizon.end)}, got {format_clock(until)}")
    groups = data["agent_groups"]
    added: dict[str, dict] = {}
    for name, group in groups.items():
        skills = group["skills"]
        if ctype not in skills:
            continue
        rest = {k: v for k, v in skills.items() if k != ctype} if isinstance(skills, dict) else \
            [s for s in skills if s != ctype]
        if not rest:
            raise ValueError(f"{action.text}: agent group {name!r} takes only {ctype!r}; give it other work first "
                             f"(agent_groups.{name}.skills=[...]) or send agents home (vto)")
        after = dict(group)
        group["skills"] = rest
        _drop_keys(group, set(rest))
        if "shifts" not in group:
            start = parse_clock(data["horizon"]["start"])
            first = math.ceil((until - start) / scenario.horizon.interval - 1e-9)
            staffing = list(group["staffing"])
            group["staffing"] = staffing[:first] + [0] * (len(staffing) - first)
            after["staffing"] = [0] * first + staffing[first:]
            added[_fresh(groups, added, f"{name}-{ctype}")] = after
            continue
        before: list[dict] = []
        on: list[dict] = []
        later: list[dict] = []
        for s in group["shifts"]:
            s0, s1 = parse_clock(s["start"]), parse_clock(s["end"])
            if s0 < until:
                before.append(dict(s, end=format_clock_exact(min(s1, until)),
                                   breaks=_fit_breaks(s.get("breaks", []), s0, min(s1, until))))
            if s1 > until:
                part = dict(s, start=format_clock_exact(max(s0, until)),
                            breaks=_fit_breaks([b for b in s.get("breaks", []) if not _fits(b, s0, until)],
                                               max(s0, until), s1))
                (on if s0 <= now else later).append(part)
        group["shifts"] = before
        if on:  # on at the snapshot: who is in is known, no fresh absenteeism
            added[_fresh(groups, added, f"{name}-{ctype}")] = dict(after, shifts=on, absenteeism=0.0)
        if later:
            added[_fresh(groups, added, f"{name}-{ctype}-later")] = dict(after, shifts=later)
    if not added:
        raise ValueError(f"{action.text}: no agent group takes {ctype!r}")
    groups.update(added)


def _fits(b: dict, lo: float, hi: float) -> bool:
    return bool(_fit_breaks([b], lo, hi))


def _fresh(groups: dict, added: dict, name: str) -> str:
    base, k = name, 2
    while name in groups or name in added:
        name, k = f"{base}-{k}", k + 1
    return name
