"""Outbound calls in the scenario language: a contact type dialled from a campaign list.

A type with ``direction: outbound`` has no arrivals: a dialer places its calls. Who
answers (the right party, a wrong party, an answering machine, or nobody) is drawn per
call; a live party reached waits for an agent as long as its ``patience`` (a few
seconds), and is then a contact of the type like any other: answered by the groups
that have the type among their skills, in their skills' order (a blended group serves
inbound and outbound). The dialer's policy says how many calls to place when it looks
(after each contact its groups finish, when agents log in, when a call it placed
gets no one, and at its opening):

* ``preview`` — agent-driven: a free agent gets a record, reads it for ``preview_time``,
  then dials and waits for the ring; reached parties are connected at once (no mismatch);
* ``progressive`` — one call per free agent (beyond ``keep_free``), minus calls ringing;
* ``predictive`` — ContactCenters' DIALXFREE family: ``round(kappa x free) + extra``
  calls minus those ringing, when at least ``min_free`` agents of the ``watch`` groups
  are free; ``preset`` names the classic members (``dialone``: one call each time,
  ``dial1xfree``: one per free agent, ``dial2xfree``: two per free agent).

``keep_free`` is the blending threshold (Bhulai & Koole; CCmath's Erlang Blend): the
dialer places outbound calls only while more than that many agents of its groups are
free, keeping them for inbound callers. ``pacing`` holds the abandoned-call rate under
a limit (the regulators' rule: at most 3 % of live-answered calls abandoned, a call
counting as abandoned when no agent is connected within ``grace`` of the greeting,
measured per day over the campaign's hours): the dialer places calls beyond one per
free agent only while the day's abandons so far, those that may still come from calls
waiting or ringing, and the expected ones from the new calls stay within the limit.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import ScenarioModel
from .distributions import ConstantSpec, PeriodDistributionSpec
from .errors import unknown_name
from .fields import ClockTime, Duration, PositiveDuration, Probability

MAX_KAPPA = 20.0
MAX_CALLS_AT_ONCE = 1000
#: Dial ratio (kappa) and extra calls (c) of ContactCenters' named DIALXFREE policies.
PRESETS = {"dialone": (0.0, 1), "dial1xfree": (1.0, 0), "dial2xfree": (2.0, 0)}

PerInterval = Probability | list[Probability]


class WrongPartySpec(ScenarioModel):
    """A live person who is not the one sought: a short talk with an agent."""

    probability: PerInterval = 0.0
    handle_time: PeriodDistributionSpec = ConstantSpec(dist="constant", value=20.0)


class AnsweringMachineSpec(ScenarioModel):
    """An answering machine: dropped by detection, or (``handle_time`` given) an agent
    leaves a message, if one is free within ``wait`` of the greeting."""

    probability: PerInterval = 0.0
    handle_time: PeriodDistributionSpec | None = None
    wait: Duration = 10.0


class PacingSpec(ScenarioModel):
    """Hold the share of live-answered calls abandoned (no agent within ``grace``) under the limit."""

    abandon_limit: Probability = 0.03
    grace: Duration = 2.0


class AgentsMoveSpec(ScenarioModel):
    """Agents lent by inbound groups to the campaign's groups while inbound service is good, and
    brought back when it is not (ContactCenters' AGENTSMOVE; SER's SmartAgent Manager).

    Every ``every`` during the dialer's hours the inbound service level is measured over the
    last ``window``: inbound calls of the lending groups' skills that ended then (answered, or
    hung up), answered within their type's threshold / all of them. Above
    ``to_outbound_above``, one idle agent of the lending groups moves to a campaign group (while
    at least ``keep_idle_inbound`` others stay idle there and fewer than ``max_idle_outbound``
    campaign agents are idle); below ``to_inbound_below``, one lent agent comes back (an idle one
    at once, else the next to finish a call). At the dialer's close every lent agent comes back.
    A group's scheduled staffing still counts the agents it lent."""

    lend: list[str] = Field(min_length=1)  # inbound groups lending agents
    to: list[str] = Field(min_length=1)  # the campaign's groups receiving them
    window: PositiveDuration = 1800.0
    every: PositiveDuration = 60.0
    to_outbound_above: Probability = 0.9
    to_inbound_below: Probability = 0.8
    keep_idle_inbound: Annotated[int, Field(ge=0, le=100_000)] = 1
    max_idle_outbound: Annotated[int, Field(ge=1, le=100_000)] = 1

    @model_validator(mode="after")
    def _thresholds(self):
        if self.to_inbound_below > self.to_outbound_above:
            raise ValueError(f"to_inbound_below ({self.to_inbound_below:g}) must not be above "
                             f"to_outbound_above ({self.to_outbound_above:g})")
        both = set(self.lend) & set(self.to)
        if both:
            raise ValueError(f"a group lends or receives agents, not both: {', '.join(sorted(both))}")
        return self


class DialerSpec(ScenarioModel):
    """How an outbound type's calls are placed (see the module docstring)."""

    policy: Literal["preview", "progressive", "predictive"] = "progressive"
    preset: Literal["dialone", "dial1xfree", "dial2xfree"] | None = None
    kappa: Annotated[float, Field(ge=0.0, le=MAX_KAPPA)] | None = None
    extra: Annotated[int, Field(ge=-MAX_CALLS_AT_ONCE, le=MAX_CALLS_AT_ONCE)] | None = None
    min_free: Annotated[int, Field(ge=0, le=100_000)] = 1
    watch: list[str] | None = None  # groups whose free agents min_free counts (default: the type's groups)
    keep_free: Annotated[int, Field(ge=0, le=100_000)] = 0
    start: ClockTime | None = None  # default: the horizon's start
    end: ClockTime | None = None  # default: the horizon's end
    campaign_size: Annotated[int, Field(ge=0)] | None = None  # records in the list (default: unlimited)
    reach: PerInterval = 1.0  # right-party connect probability per call
    wrong_party: WrongPartySpec = WrongPartySpec()
    answering_machine: AnsweringMachineSpec = AnsweringMachineSpec()
    # Each one distribution, or one per interval (by the interval of the dialling).
    ring_time: PeriodDistributionSpec | None = None  # dial to greeting, when someone (or a machine) answers
    no_answer_time: PeriodDistributionSpec | None = None  # dial to giving up, when nobody does
    preview_time: PeriodDistributionSpec | None = None  # preview: the agent reads the record first
    pacing: PacingSpec | None = None
    grace: Duration | None = None  # abandoned when no agent within this (default: pacing's, else 2 s)
    agents_move: AgentsMoveSpec | None = None  # inbound agents lent to the campaign on service level

    @model_validator(mode="after")
    def _consistent(self):
        if self.preset is not None:
            if self.policy != "predictive":
                raise ValueError(f"'preset' names a predictive policy: give 'policy: predictive' "
                                 f"with 'preset: {self.preset}', not policy {self.policy!r}")
            if self.kappa is not None or self.extra is not None:
                raise ValueError(f"'preset: {self.preset}' sets kappa and extra: leave them out, "
                                 "or give kappa and extra without a preset")
        if self.policy != "predictive" and (self.kappa is not None or self.extra is not None):
            raise ValueError(f"'kappa' and 'extra' apply to 'policy: predictive', not to {self.policy!r}")
        if self.policy != "preview" and self.preview_time is not None:
            raise ValueError(f"'preview_time' applies to 'policy: preview', not to {self.policy!r}")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"the dialer's end ({self.end / 3600:g} h) must be after its start "
                             f"({self.start / 3600:g} h)")
        if self.pacing is not None and self.grace is not None and self.grace != self.pacing.grace:
            raise ValueError("give the grace once: in 'pacing' (it paces by it) or beside the policy")
        return self

    def ratio(self) -> tuple[float, int]:
        """(kappa, extra): calls per free agent and calls added, as the policy places them."""
        if self.preset is not None:
            return PRESETS[self.preset]
        if self.policy == "predictive":
            return (1.0 if self.kappa is None else self.kappa), (0 if self.extra is None else self.extra)
        return 1.0, 0

    def grace_s(self) -> float:
        if self.pacing is not None:
            return self.pacing.grace
        return 2.0 if self.grace is None else self.grace


def per_interval(value, n: int) -> list[float]:
    """A probability given once or per interval, as one per interval."""
    if isinstance(value, list):
        return [float(v) for v in value]
    return [float(value)] * n


def outbound_issues(types: dict, groups, n: int | None) -> list[tuple[tuple, str]]:
    """Cross-reference problems of the outbound types in raw data: (path, message) each."""
    issues: list[tuple[tuple, str]] = []
    group_names = [g for g in groups if isinstance(g, str)] if isinstance(groups, dict) else []
    for name, spec in types.items():
        dialer = spec.get("dialer") if isinstance(spec, dict) else None
        if not isinstance(dialer, dict):
            continue
        where = ("contact_types", name, "dialer")
        move = dialer.get("agents_move")
        for key in ("lend", "to"):
            names = move.get(key) if isinstance(move, dict) else None
            for i, group in enumerate(names if isinstance(names, list) else ()):
                if not isinstance(group, str) or not group_names:
                    continue
                if group not in group_names:
                    issues.append(((*where, "agents_move", key, i), unknown_name("agent group", group, group_names)))
                    continue
                spec_g = groups[group]
                skills = spec_g.get("skills") if isinstance(spec_g, dict) else None
                if key == "to" and isinstance(skills, list | dict) and name not in skills:
                    issues.append(((*where, "agents_move", key, i),
                                   f"group {group!r} receives lent agents for {name!r}: "
                                   f"give it {name!r} among its skills"))
                if isinstance(spec_g, dict) and (spec_g.get("shifts") is not None or spec_g.get("aux")):
                    issues.append(((*where, "agents_move", key, i),
                                   f"group {group!r} works shifts or has aux time: agents move between groups "
                                   "staffed per interval only"))
        watch = dialer.get("watch")
        if isinstance(watch, list):
            for i, group in enumerate(watch):
                if isinstance(group, str) and group_names and group not in group_names:
                    issues.append(((*where, "watch", i), unknown_name("agent group", group, group_names)))
        for key, path in (("reach", ("reach",)), ("wrong_party", ("wrong_party", "probability")),
                          ("answering_machine", ("answering_machine", "probability"))):
            value = dialer.get(key)
            if key != "reach":
                value = value.get("probability") if isinstance(value, dict) else None
            if n is not None and isinstance(value, list) and len(value) != n:
                issues.append(((*where, *path), f"expected one probability per interval ({n} intervals), "
                                                f"got {len(value)} values"))
        for path in (("ring_time",), ("no_answer_time",), ("preview_time",), ("wrong_party", "handle_time"),
                     ("answering_machine", "handle_time")):
            value = dialer.get(path[0])
            if len(path) == 2:
                value = value.get(path[1]) if isinstance(value, dict) else None
            if n is not None and isinstance(value, list) and len(value) != n:
                issues.append(((*where, *path), f"expected one distribution per interval ({n} intervals), "
                                                f"got {len(value)}"))
    return issues
