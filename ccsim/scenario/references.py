"""Cross-reference checks that span several parts of a scenario.

They run on the raw data, beside pydantic's field checks, so a file with a type
error and an unknown skill reports both at once. Anything malformed here is
left to pydantic, which reports it with its own message.
"""

from __future__ import annotations

from ..units import parse_clock
from .errors import unknown_name
from .fields import parse_duration
from .outbound import outbound_issues
from .transfers import transfer_issues

Issue = tuple[tuple, str]  # (path, message)


def _n_intervals(data: dict) -> int | None:
    horizon = data.get("horizon")
    if not isinstance(horizon, dict):
        return None
    try:
        length = parse_clock(horizon["end"]) - parse_clock(horizon["start"])
        interval = parse_duration(horizon.get("interval", 1800))
    except (KeyError, ValueError, TypeError):
        return None
    if length <= 0 or interval <= 0:
        return None
    n = length / interval
    return int(round(n)) if abs(n - round(n)) < 1e-9 else None


def _check_length(value, path: tuple, n: int | None, what: str, issues: list[Issue]) -> None:
    if n is not None and isinstance(value, list) and len(value) != n:
        issues.append(
            (path, f"expected one {what} per interval ({n} intervals), got {len(value)} values")
        )


def _skills_of(group) -> list:
    skills = group.get("skills") if isinstance(group, dict) else None
    return list(skills) if isinstance(skills, dict | list) else []


def reference_issues(data: dict) -> list[Issue]:
    """Return (path, message) for every cross-reference problem found in raw data."""
    issues: list[Issue] = []
    n = _n_intervals(data)
    types = data.get("contact_types")
    type_names = list(types) if isinstance(types, dict) else []

    pools = data.get("lines")
    pool_names = [p for p in pools if isinstance(p, str)] if isinstance(pools, dict) else []
    factors = data.get("busyness")
    busyness_names = [f for f in factors if isinstance(f, str)] if isinstance(factors, dict) else []
    if isinstance(types, dict):
        for name, spec in types.items():
            if not isinstance(spec, dict):
                continue
            pool = spec.get("lines")
            if isinstance(pool, str) and pool not in pool_names:
                issues.append((("contact_types", name, "lines"),
                               unknown_name("line pool", pool, pool_names)
                               + ("" if pool_names else "; name a pool under the top-level 'lines' "
                                  "(lines: {" + pool + ": 15}), or give this type its own number of lines")))
            arrivals = spec.get("arrivals")
            factor = arrivals.get("busyness") if isinstance(arrivals, dict) else None
            if isinstance(factor, str) and factor not in busyness_names:
                issues.append((("contact_types", name, "arrivals", "busyness"),
                               unknown_name("busyness factor", factor, busyness_names)
                               + ("" if busyness_names else "; name it under the top-level 'busyness' "
                                  "(busyness: {" + factor + ": 0.1})")))
            resolution = spec.get("resolution")
            repeat = resolution.get("repeat") if isinstance(resolution, dict) else None
            target = repeat.get("as") if isinstance(repeat, dict) else None
            if isinstance(target, str) and target not in type_names:
                issues.append((("contact_types", name, "resolution", "repeat", "as"),
                               unknown_name("contact type", target, type_names)))
            arrivals = spec.get("arrivals")
            if isinstance(arrivals, dict):
                for key, what in (("per_interval", "expected volume"), ("profile", "weight")):
                    _check_length(arrivals.get(key), ("contact_types", name, "arrivals", key), n, what, issues)
            for key in ("handle_time", "after_call_work", "patience"):  # one distribution per interval
                if isinstance(spec.get(key), list):
                    _check_length(spec[key], ("contact_types", name, key), n, "distribution", issues)

    served: set[str] = set()
    groups = data.get("agent_groups")
    if isinstance(groups, dict):
        for name, spec in groups.items():
            if not isinstance(spec, dict):
                continue
            skills = spec.get("skills")
            if isinstance(skills, dict):  # {skill: level}: located by the skill's key
                for skill in skills:
                    if isinstance(skill, str) and type_names and skill not in type_names:
                        issues.append((("agent_groups", name, "skills", skill),
                                       unknown_name("contact type", skill, type_names)))
                    served.add(skill) if isinstance(skill, str) else None
            if isinstance(skills, list):
                for i, skill in enumerate(skills):
                    if isinstance(skill, str) and type_names and skill not in type_names:
                        issues.append((("agent_groups", name, "skills", i),
                                       unknown_name("contact type", skill, type_names)))
                    served.add(skill) if isinstance(skill, str) else None
            _check_length(spec.get("staffing"), ("agent_groups", name, "staffing"), n, "headcount", issues)
            own = list(skills) if isinstance(skills, dict | list) else None
            for field in ("handle_time_factor", "reserve", "overflow_after", "wait_weights"):
                per_skill = spec.get(field)
                if own is None or not isinstance(per_skill, dict):
                    continue
                for skill in per_skill:
                    if isinstance(skill, str) and skill not in own:
                        issues.append((("agent_groups", name, field, skill),
                                       f"{skill!r} is not one of this group's skills "
                                       f"({', '.join(map(str, own))})"))

    if isinstance(types, dict) and isinstance(groups, dict):
        for name, spec in types.items():
            ranks = spec.get("group_rank") if isinstance(spec, dict) else None
            for group in ranks if isinstance(ranks, dict) else ():
                if not isinstance(group, str):
                    continue
                if group not in groups:
                    issues.append((("contact_types", name, "group_rank", group),
                                   unknown_name("agent group", group, list(groups))))
                elif name not in _skills_of(groups[group]):
                    issues.append((("contact_types", name, "group_rank", group),
                                   f"group {group!r} does not have {name!r} among its skills"))

    routing = data.get("routing", "priority")
    if routing != "overflow":
        for part in ("contact_types", "agent_groups"):
            specs = data.get(part)
            for name, spec in (specs.items() if isinstance(specs, dict) else ()):
                if isinstance(spec, dict) and spec.get("overflow_after") not in (None, {}):
                    issues.append(((part, name, "overflow_after"),
                                   f"overflow_after needs 'routing: overflow' (routing is {routing!r})"))

    if isinstance(types, dict):
        issues.extend(transfer_issues(types, groups))
        issues.extend(outbound_issues(types, groups, n))

    unknown_skill = any("unknown contact type" in message for _, message in issues)
    if isinstance(groups, dict) and groups and not unknown_skill:
        for name in type_names:
            if name not in served:
                issues.append(
                    (("contact_types", name),
                     f"contact type {name!r} is in no agent group's skills; add it to a group's skills")
                )
    return issues
