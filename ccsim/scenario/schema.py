"""The scenario language: pydantic models of what a YAML scenario may say.

Field names are part of the product (users and tooling write them): extend,
never rename. Every time is parsed to seconds here; nothing past ``build``
sees these classes.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, model_validator

from ..units import format_clock_exact
from .base import ScenarioModel
from .calendar import WEEKDAYS, check_calendar, parse_first_day, parse_holiday, parse_hours, parse_weekday_key
from .distributions import PeriodDistributionSpec
from .fields import STAFFING, AuxShare, ClockTime, Duration, PositiveDuration, Probability, Rate, Variation
from .journeys import (
    BalkingSpec,
    CallbackSpec,
    ConversionSpec,
    IvrSpec,
    RatingSpec,
    ResolutionSpec,
    RetrialSpec,
    VoicemailSpec,
    WaitPredictor,
)
from .limits import MIN_INTERVAL_S, LimitsSpec, LocatedValueError, check_sizes
from .outbound import DialerSpec
from .override_text import format_override
from .transfers import TransferList
from .workforce import ShiftSpec

MAX_AGENTS = 100_000
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _check_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise ValueError(
            f"names must start with a letter or '_' and use only letters, digits, '_' "
            f"and '-', got {name!r}"
        )
    return name


Name = Annotated[str, AfterValidator(_check_name)]


def _staffing(value: object) -> int | tuple[int, ...]:
    """One headcount for the whole horizon, or a list with one per interval."""
    def count(item: object) -> int:
        if (isinstance(item, bool) or not isinstance(item, int | float)
                or not math.isfinite(item) or item != int(item)):
            raise ValueError(f"expected a whole number of agents, got {item!r}")
        if item < 0:
            raise ValueError(f"agents must not be negative, got {item!r}")
        if item > MAX_AGENTS:
            raise ValueError(f"expected at most {MAX_AGENTS:,} agents in a group, got {item!r}")
        return int(item)

    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("expected one headcount per interval, got an empty list")
        return tuple(count(v) for v in value)
    return count(value)


Staffing = Annotated[int | tuple[int, ...], BeforeValidator(_staffing), STAFFING]


def _skills_by_level(value: object) -> object:
    """``{sales: 1, support: 2}`` (1 = preferred) -> ``[sales, support]``; lists pass as they are.

    Equal levels keep the order in which they are written.
    """
    if not isinstance(value, dict):
        return value
    for skill, level in value.items():
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise ValueError(f"skill levels are whole numbers from 1 (preferred), got {skill}: {level!r}")
    return sorted(value, key=lambda skill: value[skill])


Weekday = Literal[WEEKDAYS]  # type: ignore[valid-type]  # the seven names, monday first


class HorizonSpec(ScenarioModel):
    """The simulated day: clock start and end, reporting interval, warm-up."""

    start: ClockTime
    end: ClockTime
    interval: PositiveDuration = 1800.0  # at least MIN_INTERVAL_S
    warmup: Duration = 0.0
    days: Annotated[int, Field(ge=1, le=366)] = 1  # consecutive days, each with the same pattern
    # The calendar (scenario/calendar.py): the first day's weekday or date, hours per weekday
    # ("closed" or "09:00-13:00"; weekdays not named keep start-end), holidays (dates or day numbers).
    first_day: Annotated[Weekday | dt.date, BeforeValidator(parse_first_day)] | None = None
    opening_hours: dict[Annotated[Weekday, BeforeValidator(parse_weekday_key)],
                        Annotated[Literal["closed"] | tuple[float, float], BeforeValidator(parse_hours)]] = Field(
        default_factory=dict)
    holidays: list[Annotated[int | dt.date, BeforeValidator(parse_holiday)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self):
        length = self.end - self.start
        if length <= 0:
            raise ValueError(f"end ({self.end / 3600:g} h) must be after start ({self.start / 3600:g} h)")
        if self.interval < MIN_INTERVAL_S:
            raise LocatedValueError(("interval",), f"expected an interval of at least {MIN_INTERVAL_S:g} s, "
                                                   f"got {self.interval:g} s")
        n = length / self.interval
        if abs(n - round(n)) > 1e-9:
            raise ValueError(
                f"interval {self.interval:g} s does not divide the horizon of {length:g} s "
                "into whole intervals"
            )
        if self.warmup >= length:
            raise ValueError(f"warmup {self.warmup:g} s must be shorter than the horizon ({length:g} s)")
        check_calendar(self)
        return self

    @property
    def length_s(self) -> float:
        return self.end - self.start

    @property
    def n_intervals(self) -> int:
        return int(round(self.length_s / self.interval))


class ArrivalsSpec(ScenarioModel):
    """Exactly one of ``rate``, ``per_interval``, or ``volume`` with ``profile``."""

    rate: Rate | None = None
    per_interval: list[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] | None = None
    volume: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] | None = None
    profile: list[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] | None = None
    forecast_error: Variation = 0.0
    # A busyness factor shared with other types: a name under the scenario's top-level
    # `busyness` (one mean-1 gamma draw per day multiplies the rates of every type naming it).
    busyness: Name | None = None
    # Emails: expected arrivals while the centre is closed before each day's opening
    # (spread over the closed hours; they join the backlog at the opening).
    overnight: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0

    @model_validator(mode="after")
    def _one_form(self):
        forms = [
            name
            for name, present in (
                ("rate", self.rate is not None),
                ("per_interval", self.per_interval is not None),
                ("volume", self.volume is not None or self.profile is not None),
            )
            if present
        ]
        if len(forms) != 1:
            raise ValueError(
                "expected exactly one of 'rate', 'per_interval', or 'volume' with 'profile'"
                + (f", got {' and '.join(forms)}" if forms else ", got none")
            )
        if forms == ["volume"] and (self.volume is None or self.profile is None):
            raise ValueError("'volume' and 'profile' go together: give both")
        if self.profile is not None and not any(self.profile):
            raise ValueError("profile weights must not all be zero")
        return self


class ServiceLevelSpec(ScenarioModel):
    """Target share answered within the threshold; short abandons optionally left out."""

    target: Probability = 0.8
    threshold: Duration = 20.0
    short_abandon: Duration = 0.0
    # Emails: count the threshold in opening hours only (each day's horizon), not calendar hours.
    opening_hours_only: bool = False


EMAIL_SERVICE_LEVEL = ServiceLevelSpec(target=0.9, threshold=86400.0)
OUTBOUND_SERVICE_LEVEL = ServiceLevelSpec(target=0.97, threshold=2.0)
MAX_CONCURRENCY = 10


class ContactTypeSpec(ScenarioModel):
    """A queue: one kind of contact with its arrivals and customer behaviour."""

    channel: Literal["voice", "chat", "email"] = "voice"
    # Chat: an agent holds up to `concurrency` chats; each progresses slower the more are open.
    concurrency: Annotated[int, Field(ge=1, le=MAX_CONCURRENCY)] | None = None
    concurrency_slowdown: list[Annotated[float, Field(ge=1.0, le=20.0)]] | None = None
    # Routing: a head start in the shared queue discipline (a VIP type), and the wait
    # before a secondary group (a worse skill level) may take the contact (routing: overflow).
    priority_boost: Duration = 0.0
    overflow_after: Duration | None = None
    # Who takes an arriving contact among the free agents allowed to: the one idle longest,
    # or one drawn at random, each equally likely (ContactCenters' random router).
    # With `rank`: the free agent of the best-ranked group (group_rank: {group: 1, ...}, lower
    # first; a group not named ranks by its skill level for the type), ties by longest idle.
    agent_selection: Literal["longest_idle", "random", "rank"] = "longest_idle"
    group_rank: dict[Name, Annotated[int, Field(ge=1, le=1000)]] = {}
    arrivals: ArrivalsSpec
    # Each one distribution, or a list with one per interval (by the contact's interval of arrival).
    handle_time: PeriodDistributionSpec
    after_call_work: PeriodDistributionSpec | None = None
    patience: PeriodDistributionSpec | None = None
    service_level: ServiceLevelSpec = ServiceLevelSpec()
    # Trunk lines: a limit of the type's own (a number), or a pool named in the scenario's
    # top-level `lines` that several types share (its name). A caller finding none free is blocked.
    lines: Annotated[int, Field(ge=1)] | Name | None = None
    # At each day's closing (the horizon's end): agents serve the callers still waiting, or
    # those callers are disconnected (counted as `disconnected`, apart from abandons).
    at_closing: Literal["serve", "disconnect"] = "serve"
    # A line stays held this long after its caller leaves (hangs up, abandons or is served) before
    # another caller may take it (ContactCenters' line release delay); needs `lines`.
    line_hold: Duration = 0.0
    # Caller journeys (all optional; omitted = off).
    ivr: IvrSpec | None = None
    balking: BalkingSpec | None = None
    retrial: RetrialSpec | None = None
    resolution: ResolutionSpec | None = None
    callback: CallbackSpec | None = None
    voicemail: VoicemailSpec | None = None
    conversion: ConversionSpec | None = None
    rating: RatingSpec | None = None
    wait_predictor: WaitPredictor = "queue_position"
    # Transfers after the talk to another type's queue, cold or warm (ccsim.scenario.transfers).
    transfers: TransferList | None = None
    # Outbound: calls placed by a dialer from a campaign list instead of arrivals (outbound.py).
    direction: Literal["inbound", "outbound"] = "inbound"
    dialer: DialerSpec | None = None

    @model_validator(mode="after")
    def _channel_fields(self):
        if self.channel != "chat":
            for field in ("concurrency", "concurrency_slowdown"):
                if getattr(self, field) is not None:
                    raise ValueError(f"'{field}' applies to chats only (channel: chat), not to {self.channel}")
        if self.channel == "chat":
            n = self.concurrency or 1
            if self.concurrency_slowdown is not None and len(self.concurrency_slowdown) > n:
                raise ValueError(
                    f"concurrency_slowdown gives {len(self.concurrency_slowdown)} multipliers for a "
                    f"concurrency of {n}: expected one per number of chats open, at most {n}")
        if self.arrivals.overnight and self.channel != "email":
            raise ValueError("arrivals.overnight applies to emails (channel: email): calls and chats "
                             f"do not wait for the opening; got it on a {self.channel} type")
        if self.service_level.opening_hours_only and self.channel != "email":
            raise ValueError("service_level.opening_hours_only applies to emails (channel: email), "
                             f"not to {self.channel}")
        if self.group_rank and self.agent_selection != "rank":
            raise LocatedValueError(("group_rank",), "group_rank orders the groups for 'agent_selection: rank' "
                                                     f"(agent_selection is {self.agent_selection!r})")
        if self.line_hold and self.lines is None:
            raise LocatedValueError(("line_hold",), "line_hold keeps a trunk line after its caller leaves: give "
                                                    "the type 'lines' (a number, or a pool's name) with it")
        vm = self.voicemail
        if vm is not None and vm.window is not None and not vm.callback:
            raise ValueError("voicemail.window is the callback window of a message: give 'callback: true' with it")
        if vm is not None and vm.callback and self.callback is not None and self.callback.mode != "scheduled":
            raise ValueError("a message's callback waits in the scheduled callback list: with 'voicemail: {callback: "
                             "true}', the type's callback needs 'mode: scheduled' (it is virtual_hold)")
        if self.channel == "email":
            if self.patience is not None:
                raise ValueError("emails never abandon: leave 'patience' out for channel: email")
            if self.voicemail is not None:
                raise ValueError("emails wait in the backlog: 'voicemail' applies to voice and chat, not to email")
            if self.lines is not None:
                raise ValueError("'lines' applies to voice and chat, not to email")
            if self.at_closing != "serve":
                raise ValueError("emails wait in the backlog overnight: 'at_closing: disconnect' applies to "
                                 "voice and chat, not to email")
        return self

    @model_validator(mode="after")
    def _outbound_fields(self):
        if self.direction == "inbound":
            if self.dialer is not None:
                raise ValueError("'dialer' places outbound calls: give 'direction: outbound' with it")
            return self
        if self.dialer is None:
            raise ValueError("an outbound type needs a 'dialer' (policy: preview, progressive or predictive)")
        if self.channel != "voice":
            raise ValueError(f"outbound types are calls (channel: voice), got channel: {self.channel}")
        if self.arrivals.rate != 0.0:
            raise ValueError("outbound calls are placed by the dialer: leave 'arrivals' out of an outbound type")
        journeys = [f for f in ("ivr", "balking", "retrial", "resolution", "callback", "rating", "lines", "voicemail")
                    if getattr(self, f) is not None]
        if journeys:
            raise ValueError(f"{', '.join(repr(f) for f in journeys)} apply to inbound types, not to "
                             "'direction: outbound'")
        return self

    @model_validator(mode="before")
    @classmethod
    def _outbound_arrivals(cls, data):
        """An outbound type has no arrivals of its own: the dialer places its calls."""
        if isinstance(data, dict) and data.get("direction") == "outbound":
            if "arrivals" not in data:
                data = {**data, "arrivals": {"rate": 0}}
            if "service_level" not in data:  # connected within the regulators' 2 s of the greeting
                data = {**data, "service_level": OUTBOUND_SERVICE_LEVEL}
        return data

    @model_validator(mode="before")
    @classmethod
    def _email_service_level(cls, data):
        """Emails are answered in hours: 90 % within 24 h unless the scenario says otherwise."""
        if isinstance(data, dict) and data.get("channel") == "email" and "service_level" not in data:
            data = {**data, "service_level": EMAIL_SERVICE_LEVEL}
        return data

    def slowdown(self) -> list[float]:
        """Handle-time multiplier with 1, 2, ... chats open (the last one repeats)."""
        n = self.concurrency or 1
        given = list(self.concurrency_slowdown or [1.0])
        return given + [given[-1]] * (n - len(given))


class AgentGroupSpec(ScenarioModel):
    """Agents with the same skills; skills listed first to last by priority."""

    skills: Annotated[list[Name], BeforeValidator(_skills_by_level)] = Field(min_length=1)
    # Exactly one of: headcount per interval (staffing), or a roster (shifts).
    staffing: Staffing | None = None
    shifts: list[ShiftSpec] | None = None
    resolution_factor: Annotated[float, Field(gt=0.0, le=10.0)] = 1.0  # x first-contact resolution
    absenteeism: Probability = 0.0  # each scheduled agent is absent for the day with this probability
    aux: AuxShare = 0.0  # share of present time unavailable (random periods)
    # Routing: x handle time per skill, agents kept free for a skill, wait before this
    # group may take a skill (routing: overflow), calls and chats at once.
    handle_time_factor: dict[Name, Annotated[float, Field(gt=0.0, le=10.0)]] = {}
    reserve: dict[Name, Annotated[int, Field(ge=0, le=MAX_AGENTS)]] = {}
    overflow_after: dict[Name, Duration] = {}
    voice_with_chat: bool = False
    # What a freed agent takes: the routing policy's choice (default), or over all its skills the
    # contact with the longest wait x the group's weight for its type (wait_weights), or the
    # head of the longest queue (ContactCenters' router families).
    contact_selection: Literal["routing", "longest_weighted_wait", "longest_queue"] = "routing"
    wait_weights: dict[Name, Annotated[float, Field(gt=0.0, le=1e6)]] = {}
    _levels: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_levels(cls, data, handler):
        """Remember skill levels: written ones (``{sales: 1}``), else 1, 2, ... in list order."""
        model = handler(data)
        given = data.get("skills") if isinstance(data, dict) else None
        if isinstance(given, dict):
            model._levels = {skill: given[skill] for skill in model.skills}
        else:
            model._levels = {skill: i + 1 for i, skill in enumerate(model.skills)}
        return model

    def level(self, skill: str) -> int:
        """The group's level for *skill* (1 = preferred)."""
        return self._levels.get(skill, self.skills.index(skill) + 1)

    @model_validator(mode="after")
    def _unique_skills(self):
        if len(set(self.skills)) != len(self.skills):
            raise ValueError(f"skills must not repeat, got {self.skills}")
        if self.wait_weights and self.contact_selection != "longest_weighted_wait":
            raise LocatedValueError(("wait_weights",), "wait_weights weigh the waits for 'contact_selection: "
                                    f"longest_weighted_wait' (contact_selection is {self.contact_selection!r})")
        if (self.staffing is None) == (self.shifts is None):
            raise ValueError("expected exactly one of 'staffing' (agents per interval) or 'shifts' (a roster)")
        return self

    def staffing_at(self, interval: int) -> int:
        """Scheduled agents in an interval (from ``staffing``; see ``plan`` for shifts)."""
        staffing = self.staffing
        return staffing if isinstance(staffing, int) else staffing[interval]


Routing = Literal["priority", "longest_idle_agent", "overflow"]


class StatisticsSpec(ScenarioModel):
    """Optional statistics, off by default because they cost time."""

    per_agent: bool = False  # contacts per hour and occupancy per agent, and their spread
    # A day's occupancy (and busy and present hours) runs on past the closing to the end of the
    # group's last contact (ccsim.metrics.after_closing); intervals are unchanged.
    occupancy_after_closing: bool = False


# The loader validates a variant as it validates a file (overrides, cross-references, located
# errors). It imports this module, so it hands itself over here (``use_loader``) rather
# than being imported: the data flows one way, loader -> schema.
_from_dict: Callable[..., Scenario] | None = None


def use_loader(from_dict: Callable[..., Scenario]) -> None:
    """Called once by ``scenario.loader``: how ``Scenario.with_changes`` validates a variant."""
    global _from_dict
    _from_dict = from_dict


class Scenario(ScenarioModel):
    """A whole scenario: horizon, contact types, agent groups, seed, replications."""

    name: str = Field(min_length=1)
    description: str = ""
    horizon: HorizonSpec
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 1
    replications: Annotated[int, Field(ge=1, le=100_000)] = 10
    contact_types: dict[Name, ContactTypeSpec] = Field(min_length=1)
    agent_groups: dict[Name, AgentGroupSpec] = Field(min_length=1)
    routing: Routing = "priority"
    # Pools of trunk lines shared by several contact types: {pool: lines}; a type takes one
    # of its pool's lines with `lines: <pool>`.
    lines: dict[Name, Annotated[int, Field(ge=1, le=MAX_AGENTS * 100)]] = {}
    # Busyness factors shared by several contact types: {name: cv}; a type's arrivals name one
    # with `busyness: <name>`, and one mean-1 gamma draw with that cv per day multiplies them all.
    busyness: dict[Name, Variation] = {}
    statistics: StatisticsSpec = StatisticsSpec()
    limits: LimitsSpec = LimitsSpec()
    # The data as the user wrote it (YAML values), kept so variants re-validate with
    # the user's own units and error locations. Set by the loader.
    _raw: object = PrivateAttr(default=None)
    _source: str = PrivateAttr(default="<scenario>")
    _located: object = PrivateAttr(default=None)  # positions in the file, for located warnings

    def warnings(self) -> list:
        """Plausible mistakes (``ScenarioWarning``: file:line:column, field, message); they never
        block a run. See ``ccsim.scenario.plausible``."""
        from .plausible import scenario_warnings  # it reads this module's classes

        return scenario_warnings(self)

    def raw_data(self) -> dict:
        """The scenario as plain data that validates back to an equal scenario."""
        if self._raw is not None:
            return copy.deepcopy(self._raw)
        data = self.model_dump(mode="python", exclude_none=True, by_alias=True)
        for key in ("start", "end"):  # clock times are dumped as seconds since midnight
            data["horizon"][key] = format_clock_exact(data["horizon"][key])
        return data

    def with_changes(self, changes: dict | list[str] | tuple[str, ...]) -> Scenario:
        """A variant with fields changed by dotted path, validated like the file.

        *changes* is ``{"agent_groups.sellers.staffing": 30}`` or
        ``["agent_groups.sellers.staffing=30"]`` (``--set`` syntax).
        """
        if isinstance(changes, dict):
            changes = [format_override(path, value) for path, value in changes.items()]
        if _from_dict is None:  # pragma: no cover - ccsim.scenario always imports the loader
            raise RuntimeError("the scenario loader is not imported")
        return _from_dict(self.raw_data(), source=self._source, overrides=list(changes))

    @model_validator(mode="after")
    def _size_guard(self):
        """Refuse runs too large to simulate in memory rather than hang for hours (limits.py)."""
        check_sizes(self)
        return self

    @property
    def n_intervals(self) -> int:
        return self.horizon.n_intervals

    def interval_starts(self) -> list[float]:
        """Clock time (seconds since midnight) of each interval's start."""
        h = self.horizon
        return [h.start + i * h.interval for i in range(h.n_intervals)]
