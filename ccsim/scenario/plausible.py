"""Plausible mistakes in a valid scenario: warnings, located like errors, that never block a run.

* the offered load of a contact type (arrivals x mean handle time, in Erlangs) above
  the agents of every group that has its skill, in some interval — or the centre's
  whole load above all its agents;
* a mean handle time under ``SHORT_HANDLE_S``;
* a call or chat type without patience: its callers wait for ever;
* a warm transfer with no wait limit to a type without patience: its first agent may wait for ever;
* a bare number (seconds) where minutes are usual: a duration of a handle time,
  after-call work, patience or delay of at most ``BARE_MINUTES_MAX``, an interval or
  a break of under a minute (``handle_time: {mean: 5}`` is 5 s; '5min' was meant?).
"""

from __future__ import annotations

from ..units import format_clock
from .calendar import open_days
from .errors import ScenarioWarning, format_path
from .positions import Located

SHORT_HANDLE_S = 10.0
BARE_MINUTES_MAX = 10.0  # a bare 1..10 in a field usually written in minutes
_MINUTE_DISTRIBUTIONS = (("handle_time",), ("after_call_work",), ("patience",), ("retrial", "delay"),
                         ("resolution", "repeat", "delay"), ("callback", "handle_time"))
_DURATION_FIELDS = ("mean", "value", "low", "mode", "high")


def scenario_warnings(scenario) -> list[ScenarioWarning]:
    """Every plausible mistake of *scenario*, sorted by position in the file."""
    located = getattr(scenario, "_located", None) or Located(data=scenario.raw_data(), source=scenario._source)
    found: list[tuple[tuple, str]] = []
    bare = _bare_numbers(located.data)
    found += bare
    found += _short_handle_times(scenario, {path[:3] for path, _ in bare})
    found += _no_patience(scenario)
    found += _endless_warm(scenario)
    found += _closed_throughout(scenario)
    found += _overload(scenario, located.data)
    warnings = []
    for path, message in found:
        source, line, column = located.where(path, key=isinstance(_at(located.data, path), dict))
        warnings.append(ScenarioWarning(source, line, column, format_path(path), message))
    return sorted(warnings, key=lambda w: (w.line or 0, w.column or 0, w.path))


def _at(data, path: tuple):
    """The raw value at *path* (None if it is not there); a mapping is located by its key."""
    for part in path:
        if isinstance(data, dict) and part in data or isinstance(data, list) and isinstance(part, int) \
                and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bare_numbers(data) -> list[tuple[tuple, str]]:
    out: list[tuple[tuple, str]] = []

    def check(path: tuple, value, limit: float, inclusive: bool, usual: str) -> None:
        if _is_number(value) and 0 < value and (value <= limit if inclusive else value < limit):
            out.append((path, f"{value:g} is {value:g} seconds (a bare number is seconds); if {usual} were "
                              f"meant, write '{value:g}min'"))

    types = data.get("contact_types") if isinstance(data, dict) else None
    for name, spec in (types.items() if isinstance(types, dict) else ()):
        for where in _MINUTE_DISTRIBUTIONS:
            node = spec
            for part in where:
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, dict):
                for field in _DURATION_FIELDS:
                    check(("contact_types", name, *where, field), node.get(field), BARE_MINUTES_MAX, True,
                          "minutes")
    horizon = data.get("horizon") if isinstance(data, dict) else None
    if isinstance(horizon, dict):
        check(("horizon", "interval"), horizon.get("interval"), 60.0, False, "minutes")
    groups = data.get("agent_groups") if isinstance(data, dict) else None
    for name, spec in (groups.items() if isinstance(groups, dict) else ()):
        shifts = spec.get("shifts") if isinstance(spec, dict) else None
        for i, shift in enumerate(shifts if isinstance(shifts, list) else ()):
            breaks = shift.get("breaks") if isinstance(shift, dict) else None
            for j, item in enumerate(breaks if isinstance(breaks, list) else ()):
                if isinstance(item, dict):
                    check(("agent_groups", name, "shifts", i, "breaks", j, "length"), item.get("length"), 60.0,
                          False, "minutes")
    return out


def _short_handle_times(scenario, flagged: set) -> list[tuple[tuple, str]]:
    out = []
    for name, ct in scenario.contact_types.items():
        mean = ct.handle_time.analytic_mean()
        if mean < SHORT_HANDLE_S and ("contact_types", name, "handle_time") not in flagged:
            out.append((("contact_types", name, "handle_time"),
                        f"a mean handle time of {mean:g} s, under {SHORT_HANDLE_S:g} s: is the unit right? "
                        "(a bare number is seconds; '3min' for minutes)"))
    return out


def _no_patience(scenario) -> list[tuple[tuple, str]]:
    return [(("contact_types", name),
             f"no patience: {'callers' if ct.channel == 'voice' else 'customers'} never hang up, however long "
             "they wait; give patience (e.g. {dist: exponential, mean: 3min}) if they do")
            for name, ct in scenario.contact_types.items() if ct.channel != "email" and ct.patience is None]


def _closed_throughout(scenario) -> list[tuple[tuple, str]]:
    """A calendar that closes every day of the horizon: nothing happens at all."""
    h = scenario.horizon
    if h.first_day is None or any(open_days(h)):
        return []
    return [(("horizon",), f"the calendar closes every day of the horizon ({h.days} from {h.first_day}): "
                           "nobody arrives and nobody works; check first_day, opening_hours and holidays")]


def _endless_warm(scenario) -> list[tuple[tuple, str]]:
    """Warm transfers with no wait limit to a type whose callers never hang up: the first
    agent may wait as long as the second's queue lasts."""
    out = []
    for name, ct in scenario.contact_types.items():
        for i, rule in enumerate(ct.transfers or ()):
            target = scenario.contact_types.get(rule.to)
            if rule.mode == "warm" and rule.wait_limit is None and target is not None and target.patience is None:
                out.append((("contact_types", name, "transfers", i),
                            f"a warm transfer to {rule.to!r}, whose callers never hang up, with no wait_limit: "
                            "the first agent waits as long as that queue does; give a wait_limit (e.g. 2min)"))
    return out


def _arrivals_path(name: str, arrivals, worst: int) -> tuple:
    if arrivals.rate is not None:
        return ("contact_types", name, "arrivals", "rate")
    if arrivals.per_interval is not None:
        return ("contact_types", name, "arrivals", "per_interval", worst)
    return ("contact_types", name, "arrivals", "volume")


def _rates(ct, n: int, interval: float) -> list[float]:
    """Expected arrivals per second in each interval (without the forecast error)."""
    a = ct.arrivals
    if a.rate is not None:
        return [a.rate] * n
    if a.per_interval is not None:
        return [v / interval for v in a.per_interval]
    total = sum(a.profile)
    return [(a.volume or 0.0) * w / total / interval for w in a.profile]


def _work_s(ct) -> float:
    """Agent time a contact takes, in agents x seconds (a chat shares its agent)."""
    work = ct.handle_time.analytic_mean() + (ct.after_call_work.analytic_mean() if ct.after_call_work else 0.0)
    if ct.channel == "chat":
        n = ct.concurrency or 1
        work *= ct.slowdown()[-1] / n
    if ct.ivr is not None:
        work *= 1.0 - ct.ivr.self_service
    return work


def _agents(group, scenario) -> list[float]:
    """Agents present in each interval: scheduled (shifts covering it), less the absent share."""
    h = scenario.horizon
    n = h.n_intervals
    if group.shifts is not None:
        mids = [h.start + (i + 0.5) * h.interval for i in range(n)]
        scheduled = [sum(s.headcount for s in group.shifts if s.start <= m < s.end) for m in mids]
    else:
        scheduled = [group.staffing_at(i) for i in range(n)]
    return [a * (1.0 - group.absenteeism) for a in scheduled]


def _overload(scenario, data) -> list[tuple[tuple, str]]:
    h = scenario.horizon
    n = h.n_intervals
    starts = [h.start + i * h.interval for i in range(n)]
    agents = {name: _agents(g, scenario) for name, g in scenario.agent_groups.items()}
    out = []
    total_load = [0.0] * n
    for name, ct in scenario.contact_types.items():
        if ct.channel == "email":
            continue  # emails wait for hours by design: a backlog is no mistake
        work = _work_s(ct)
        load = [rate * work for rate in _rates(ct, n, h.interval)]
        total_load = [t + x for t, x in zip(total_load, load, strict=True)]
        serving = [g for g, spec in scenario.agent_groups.items() if name in spec.skills]
        present = [sum(agents[g][i] for g in serving) for i in range(n)]
        over = [i for i in range(n) if load[i] > present[i] + 1e-9]
        if over:
            worst = max(over, key=lambda i: load[i] - present[i])
            out.append((_arrivals_path(name, ct.arrivals, worst), _over_message(
                f"the offered load of {name!r}", load, present, over, worst, starts, h.interval,
                f"the agents of {', '.join(map(repr, serving))}")))
    if not out:
        present = [sum(agents[g][i] for g in agents) for i in range(n)]
        over = [i for i in range(n) if total_load[i] > present[i] + 1e-9]
        if over:
            worst = max(over, key=lambda i: total_load[i] - present[i])
            out.append((("agent_groups",), _over_message(
                "the offered load of all calls and chats", total_load, present, over, worst, starts, h.interval,
                "all agents")))
    return out


def _over_message(what, load, present, over, worst, starts, interval, whose) -> str:
    when = f"{format_clock(starts[worst])}-{format_clock(starts[worst] + interval)}"
    many = f"in {len(over)} of {len(load)} intervals" if len(over) > 1 else "in an interval"
    return (f"{what} is above {whose} {many} ({load[worst]:.1f} Erlangs of agent work against "
            f"{present[worst]:.3g} agents at {when}): the queue grows there. If that is not meant, "
            "check the units of the arrivals and the handle time, or the staffing")
