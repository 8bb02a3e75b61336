"""Size guards on the products of a scenario's sizes, checked before anything is allocated.

A day is simulated in memory: contacts x days, agents over all shifts, and
intervals x days x contact types each cost memory and time in proportion.
Each product has a limit that a scenario may raise (``limits:``) when it really
means it; past it the scenario is refused with the field that makes it large.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import ScenarioModel

MAX_CONTACTS = 20_000_000  # expected contacts of one replication, all types and days
MAX_AGENTS_TOTAL = 100_000  # agents of one replication: peak staffing or whole roster, all groups
MAX_INTERVALS = 500_000  # reporting cells: intervals x days x contact types
MIN_INTERVAL_S = 1.0
MAX_DURATION_S = 3650 * 86400.0  # ten years: longer is a unit mistake (or 1e308)


class LocatedValueError(ValueError):
    """A model's check that names the field at fault (``path``, relative to the model)."""

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = path


class LimitsSpec(ScenarioModel):
    """Raise a size limit when a scenario really is this large (memory grows with it)."""

    contacts: Annotated[int, Field(ge=1, le=10**12)] = MAX_CONTACTS
    agents: Annotated[int, Field(ge=1, le=10**9)] = MAX_AGENTS_TOTAL
    intervals: Annotated[int, Field(ge=1, le=10**12)] = MAX_INTERVALS


def _expected_per_day(a, length_s: float) -> tuple[float, str]:
    """Expected contacts of one day of a type's arrivals, and the field that sets them."""
    if a.rate is not None:
        expected, form = a.rate * length_s, "rate"
    elif a.per_interval is not None:
        expected, form = sum(a.per_interval), "per_interval"
    else:
        expected, form = a.volume or 0.0, "volume"
    return (expected + a.overnight) * (1.0 + 4.0 * a.forecast_error), form


def _mean(spec) -> float:
    """A distribution's mean (s), the shortest interval's when it is given per interval; 0 for none."""
    if spec is None:
        return 0.0
    periods = getattr(spec, "periods", None)
    if periods is not None:
        return min(p.analytic_mean() for p in periods)
    return spec.analytic_mean()


def _share(value) -> float:
    """A probability given once or per interval, at its largest."""
    return max(value) if isinstance(value, list) else float(value)


def _dialled_per_day(name: str, ct, scenario) -> float:
    """Expected calls a type's dialer places in a day (an estimate, on the large side).

    The dialer keeps ``kappa x agents + extra`` calls going at once (one per agent for the
    progressive and preview policies), over the agents of the groups that serve the type and
    those lent to it. Each such slot places a call, waits for its ring (or no-answer), and a
    live party then holds an agent for the handle time: a slot's cycle is the mean of these,
    at least one second. The campaign's size caps the day.
    """
    dialer, h = ct.dialer, scenario.horizon
    groups = scenario.agent_groups
    serving = {g for g, spec in groups.items() if name in spec.skills}
    if dialer.agents_move is not None:
        serving |= set(dialer.agents_move.lend)
    agents = sum(_agents(groups[g])[0] for g in serving if g in groups)
    kappa, extra = dialer.ratio()
    slots = max(1.0, kappa * agents + extra) if dialer.policy == "predictive" else max(1.0, float(agents))
    right, wrong = _share(dialer.reach), _share(dialer.wrong_party.probability)
    machine = _share(dialer.answering_machine.probability)
    nobody = max(0.0, 1.0 - right - wrong - machine)
    ring_s, no_answer_s = _mean(dialer.ring_time), _mean(dialer.no_answer_time)
    dial_s = _mean(dialer.preview_time) + nobody * no_answer_s + (1.0 - nobody) * ring_s
    talk_s = (right * (_mean(ct.handle_time) + _mean(ct.after_call_work))
              + wrong * _mean(dialer.wrong_party.handle_time)
              + machine * _mean(dialer.answering_machine.handle_time))
    start = h.start if dialer.start is None else max(h.start, dialer.start)
    end = h.end if dialer.end is None else min(h.end, dialer.end)
    per_day = slots * max(0.0, end - start) / max(1.0, dial_s + talk_s)
    if dialer.campaign_size is not None:
        per_day = min(per_day, dialer.campaign_size / h.days)
    return per_day


def _agents(group) -> tuple[int, str]:
    if group.shifts is not None:
        return sum(s.headcount for s in group.shifts), "shifts"
    staffing = group.staffing
    return (staffing if isinstance(staffing, int) else max(staffing)), "staffing"


def check_sizes(scenario) -> None:
    """Raise ``LocatedValueError`` at the field that makes a product exceed its limit."""
    h, limits = scenario.horizon, scenario.limits
    raise_hint = "raise limits.{} in the scenario if you really mean it".format
    days = h.days
    per_type = {name: (_dialled_per_day(name, ct, scenario), "dialer") if ct.dialer is not None
                else _expected_per_day(ct.arrivals, h.length_s) for name, ct in scenario.contact_types.items()}
    total = sum(per_day for per_day, _ in per_type.values()) * days
    if not total <= limits.contacts:  # also catches nan
        name, (per_day, form) = max(per_type.items(), key=lambda item: item[1][0])
        path = ("contact_types", name, "arrivals", form)
        what, fix = "contacts", "check the rate's unit, e.g. '1000/h',"
        if form == "dialer":
            path = ("contact_types", name, "dialer", "campaign_size")
            what, fix = "dialled calls", "give the campaign a size (campaign_size),"
        made = ""
        if days > 1 or len(per_type) > 1:
            made = f"{f' x {days} days' if days > 1 else ''} make {total:,.0f} contacts per replication" + (
                " (all contact types)" if len(per_type) > 1 else "")
        raise LocatedValueError(path, (
            f"about {per_day:,.0f} {what} per simulated day{made}; at most {limits.contacts:,} are "
            f"simulated: {fix} or {raise_hint('contacts')}"))
    agents = {name: _agents(g) for name, g in scenario.agent_groups.items()}
    total_agents = sum(n for n, _ in agents.values())
    if total_agents > limits.agents:
        name, (n, form) = max(agents.items(), key=lambda item: item[1][0])
        what = "on its shifts" if form == "shifts" else "at the peak"
        raise LocatedValueError(("agent_groups", name, form), (
            f"{n:,} agents {what} make {total_agents:,} agents in all groups; at most {limits.agents:,} "
            f"are simulated; {raise_hint('agents')}"))
    n_types = len(scenario.contact_types)
    cells = h.n_intervals * days * n_types
    if cells > limits.intervals:
        raise LocatedValueError(("horizon", "interval"), (
            f"{h.n_intervals:,} intervals x {days} day{'s' if days > 1 else ''} x {n_types} contact "
            f"type{'s' if n_types > 1 else ''} make "
            f"{cells:,} reporting intervals; at most {limits.intervals:,} are kept. Use a longer interval, "
            f"or {raise_hint('intervals')}"))
