"""The staffing side file: targets, confidence, shrinkage, cost and shift patterns.

These are planning choices, not facts about the centre, so they live beside the
scenario rather than in it (``ccsim staff SCENARIO --settings staffing.yaml``)::

    targets:                       # per contact type; default: the scenario's service_level
      support: {service_level: 0.80, threshold: 20s, max_abandon: 0.05, max_asa: 30s}
      sales: {day: {service_level: 0.85}}   # over the whole day, beside each interval's (--method optimise)
    max_occupancy: 0.90            # every agent group, or {advisors: 0.90}
    confidence: 0.90               # meet targets in 90 % of days (omitted: in expectation)
    shrinkage: 0.30                # every group, or {advisors: 0.30}
    cost: {agent_hour: 22.0, abandoned_contact: 4.0}
    shift_patterns:
      starts: {from: "07:00", to: "13:00", every: 30min}    # or a list of clock times
      lengths: [8.5h, 6h, 4h]
      breaks:
        - {length: 30min, window: [3h, 5h], min_shift: 6h, paid: false}
        - {length: 15min, window: [1h, 2h]}

Read with the scenario's YAML reader: every problem names file:line:column, the
field path, the bad value and what was expected, all at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, model_validator

from ..scenario.base import ScenarioModel
from ..scenario.errors import Problem, ScenarioError, format_path
from ..scenario.fields import ClockTime, Duration, PositiveDuration, Probability
from ..scenario.positions import Located, parse_yaml, read_source

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Shrinkage = Annotated[float, Field(ge=0.0, lt=1.0)]
Money = Annotated[float, Field(ge=0.0)]
Cap = Annotated[float, Field(gt=0.0, le=1.0)]


class DayTargetSpec(ScenarioModel):
    """Targets of one contact type over the whole day (its KPI over the horizon, every interval pooled),
    beside the per-interval ones; the service level keeps the type's threshold. ``--method optimise`` only."""

    service_level: Probability | None = None
    max_abandon: Share | None = None
    max_asa: Duration | None = None


class TypeTargetSpec(ScenarioModel):
    """Targets of one contact type; omitted fields keep the scenario's value (or no limit)."""

    service_level: Probability | None = None
    threshold: Duration | None = None
    max_abandon: Share | None = None
    max_asa: Duration | None = None
    day: DayTargetSpec | None = None


class CostSpec(ScenarioModel):
    """Money per unit; the cost of a plan is per simulated day (horizon), all days summed."""

    agent_hour: Money | dict[str, Money] = 0.0  # a paid hour of a scheduled position (or per group)
    abandoned_contact: Money = 0.0
    blocked_contact: Money = 0.0
    waiting_hour: Money = 0.0  # an hour of customers waiting (answered or abandoned)


class StartsSpec(ScenarioModel):
    from_: ClockTime = Field(alias="from")
    to: ClockTime
    every: PositiveDuration = 1800.0

    @model_validator(mode="after")
    def _order(self):
        if self.to < self.from_:
            raise ValueError(f"'to' must not be before 'from', got {self.from_ / 3600:g} h to {self.to / 3600:g} h")
        return self


class PatternBreakSpec(ScenarioModel):
    """A break every shift of at least ``min_shift`` takes; its start lies in ``window``
    (durations after the shift's start), on a grid of the patterns' ``break_step``."""

    length: PositiveDuration
    window: tuple[Duration, Duration]
    min_shift: Duration = 0.0
    paid: bool = True

    @model_validator(mode="after")
    def _order(self):
        if self.window[1] < self.window[0]:
            raise ValueError(f"the window must not end before it starts, got {list(self.window)}")
        return self


class PatternSpec(ScenarioModel):
    """Allowed shifts: start times x lengths, each with its breaks."""

    starts: StartsSpec | list[ClockTime] | None = None  # default: every interval start
    lengths: list[PositiveDuration] = Field(default=[8 * 3600.0], min_length=1)
    breaks: list[PatternBreakSpec] = []
    break_step: PositiveDuration = 900.0
    time_limit: PositiveDuration = 60.0  # seconds the solver may take


class SettingsSpec(ScenarioModel):
    targets: dict[str, TypeTargetSpec] = {}
    max_occupancy: Cap | dict[str, Cap] | None = None
    confidence: Cap | None = None
    shrinkage: Shrinkage | dict[str, Shrinkage] = 0.0
    cost: CostSpec | None = None
    shift_patterns: PatternSpec | None = None


def read_settings(path: str | Path) -> tuple[SettingsSpec, Located]:
    """Read and validate a staffing side file; raise ``ScenarioError`` with every problem."""
    path = Path(path)
    text = read_source(path)
    return settings_from_text(text, str(path))


def settings_from_text(text: str, source: str = "<settings>") -> tuple[SettingsSpec, Located]:
    located, problems = parse_yaml(text, source)
    if problems:
        raise ScenarioError(problems)
    return settings_from_located(located)


def settings_from_dict(data: dict, source: str = "<settings>") -> tuple[SettingsSpec, Located]:
    return settings_from_located(Located(data=data, source=source))


def settings_from_located(located: Located) -> tuple[SettingsSpec, Located]:
    try:
        return SettingsSpec.model_validate(located.data), located
    except ValidationError as exc:
        raise ScenarioError([_problem(e, located) for e in exc.errors()]) from None


def _problem(error: dict, located: Located) -> Problem:
    """A pydantic error in the user's words, at the position of the bad value."""
    path, node = [], located.data
    for part in error["loc"]:  # keep the parts that are real keys or indices of the data
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif part == "from_" and isinstance(node, dict) and "from" in node:
            path.append("from")
            node = node["from"]
    path = tuple(path)
    message = error["msg"].removeprefix("Value error, ")
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        return Problem(*located.where(path, key=True), format_path(path), f"unknown field {loc[-1]!r}"
                       + _allowed(loc[:-1]))
    if kind == "missing":
        name = "from" if loc[-1] == "from_" else loc[-1]
        return Problem(*located.where(path), format_path(path + (name,)), "missing required field")
    if message.startswith("Input should be"):
        message = "expected " + message[len("Input should be "):]
    if "got" not in message:
        message += f", got {error.get('input')!r}"
    return Problem(*located.where(path), format_path(path), message)


def _allowed(loc: tuple) -> str:
    """' (expected one of: ...)' for the model at *loc* (pydantic's location of the parent)."""
    key = tuple(p for p in loc if isinstance(p, str) and p not in ("StartsSpec", "list[...]"))
    if len(key) >= 2 and key[0] == "targets":
        model = TypeTargetSpec
    elif key[:2] == ("shift_patterns", "breaks"):
        model = PatternBreakSpec
    else:
        model = {(): SettingsSpec, ("cost",): CostSpec, ("shift_patterns",): PatternSpec,
                 ("shift_patterns", "starts"): StartsSpec}.get(key)
    if model is None:
        return ""
    names = [info.alias or name for name, info in model.model_fields.items()]
    return f" (expected one of: {', '.join(names)})"


# ---------------------------------------------------------------- settings + command line + scenario


class StaffingOptions:
    """Everything a staffing run is asked to respect, resolved against a scenario.

    ``targets`` (``Targets``), ``shrinkage`` (group -> share of paid time not
    available), ``cost`` (``Cost`` or None), ``patterns`` (``PatternSpec`` or None).
    """

    def __init__(self, targets, shrinkage: dict[str, float], cost, patterns: PatternSpec | None,
                 shrinkage_given: bool = False):
        self.targets = targets
        self.shrinkage = shrinkage
        self.shrinkage_given = shrinkage_given  # set on the command line or in the side file
        self.cost = cost
        self.patterns = patterns


def resolve_options(scenario, spec: SettingsSpec | None = None, located: Located | None = None, *,
                    service_level: float | None = None, threshold_s: float | None = None,
                    max_abandon: float | None = None, max_asa_s: float | None = None,
                    max_occupancy: float | None = None, confidence: float | None = None,
                    shrinkage: float | None = None, cost: dict[str, float] | None = None) -> StaffingOptions:
    """Combine the scenario's targets, the side file (*spec*) and command-line values.

    Command-line values apply to every contact type (or agent group) and win over
    the side file, which wins over the scenario. Names in the side file must be
    contact types / agent groups of the scenario (a located error otherwise).
    """
    from .cost import Cost
    from .targets import Targets, TypeTargets

    spec = spec or SettingsSpec()
    located = located or Located(data={}, source="<settings>")
    types, groups = list(scenario.contact_types), list(scenario.agent_groups)
    problems = []

    def unknown(path, name, known, what):
        problems.append(Problem(*located.where(path, key=True), format_path(path),
                                f"unknown {what} {name!r} (known: {', '.join(known)})"))

    for name in spec.targets:
        if name not in types:
            unknown(("targets", name), name, types, "contact type")
    for field in ("max_occupancy", "shrinkage"):
        value = getattr(spec, field)
        if isinstance(value, dict):
            for name in value:
                if name not in groups:
                    unknown((field, name), name, groups, "agent group")
    if spec.cost is not None and isinstance(spec.cost.agent_hour, dict):
        for name in spec.cost.agent_hour:
            if name not in groups:
                unknown(("cost", "agent_hour", name), name, groups, "agent group")
    if problems:
        raise ScenarioError(problems)

    type_targets = {}
    for name, ct in scenario.contact_types.items():
        t = spec.targets.get(name, TypeTargetSpec())
        type_targets[name] = TypeTargets(
            service_level=_first(service_level, t.service_level, ct.service_level.target),
            threshold_s=_first(threshold_s, t.threshold, ct.service_level.threshold),
            max_abandon=_first(max_abandon, t.max_abandon, None),
            max_asa_s=_first(max_asa_s, t.max_asa, None),
            day_service_level=t.day.service_level if t.day is not None else None,
            day_max_abandon=t.day.max_abandon if t.day is not None else None,
            day_max_asa_s=t.day.max_asa if t.day is not None else None,
        )
    occupancy = {g: _per_group(max_occupancy, spec.max_occupancy, g, None) for g in groups}
    shrink = {g: _per_group(shrinkage, spec.shrinkage, g, 0.0) for g in groups}
    targets = Targets(type_targets, occupancy, confidence if confidence is not None else spec.confidence)

    cost_obj = None
    if spec.cost is not None or cost:
        base = spec.cost or CostSpec()
        values = base.model_dump()
        for key, value in (cost or {}).items():
            if key not in values:
                raise ValueError(f"unknown cost {key!r} (expected one of: {', '.join(values)})")
            values[key] = value
        hour = values["agent_hour"]
        cost_obj = Cost(
            agent_hour={g: float(hour.get(g, 0.0) if isinstance(hour, dict) else hour) for g in groups},
            abandoned_contact=values["abandoned_contact"], blocked_contact=values["blocked_contact"],
            waiting_hour=values["waiting_hour"])
    given = shrinkage is not None or "shrinkage" in spec.model_fields_set
    return StaffingOptions(targets, shrink, cost_obj, spec.shift_patterns, given)


def _first(*values):
    for v in values:
        if v is not None:
            return v
    return None


def _per_group(cli, side, group, default):
    if cli is not None:
        return cli
    if isinstance(side, dict):
        return side.get(group, default)
    return side if side is not None else default
