"""Model: the ``Plan`` of one scenario, in plain objects for the engine.

No pydantic past this point. Times are seconds from the horizon start
(simulation time 0); rates are contacts per second per interval.

Every plan object is a frozen slotted dataclass, built in one go from values
computed beforehand: nobody changes a plan once it exists, so one plan can be
shared by every replication, process and variant. Sequences are tuples and
arrays are read-only. ``build_plan(scenario, seed)`` gives a plan another root
seed; any other changed copy is ``dataclasses.replace``.
Equality is identity (``eq=False``): comparing field by field would compare
numpy arrays, which have no single truth value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from ..scenario.journeys import RatingSpec, WaitPredictor
from ..scenario.schema import ContactTypeSpec
from .calendar import Calendar
from .sampling import Sampler, sampler_for
from .transfers import TransferRule

DAY_S = 86400.0


@dataclass(frozen=True, slots=True, eq=False, kw_only=True)
class JourneyPlan:
    """A contact type's caller-journey behaviour (None fields = switched off)."""

    ivr_time: Sampler | None  # time in the IVR before queueing
    self_service: float  # share resolved in the IVR
    balk_over: float | None  # s of expected wait over which callers may balk
    balk_p: float
    retrial_p: float
    retrial_delay: Sampler | None
    retrial_max: int  # attempts, the first included
    retrial_keep: tuple[str, ...]  # kept from the attempt before: patience, handle_time, after_call_work
    fcr: float | None  # None: resolution not modelled
    repeat_p: float
    repeat_delay: Sampler | None
    repeat_as: int | None  # contact type index of repeats (None: the same type)
    repeat_max: int
    callback_over: float | None  # s of expected wait over which a callback is offered
    callback_accept: float
    callback_reach: float
    callback_handle: Sampler | None
    dial_time: float  # s
    callback_scheduled: bool
    callback_window: float  # s
    conversion_p: float | None
    conversion_slope: float  # change of the conversion probability per minute waited
    rating: RatingSpec | None
    predictor: WaitPredictor
    message_callback: bool = False  # voicemail.callback: a message asks for a scheduled callback
    message_window: float = 7200.0  # s: its callback's window

    @classmethod
    def of(cls, ct: ContactTypeSpec, names: list[str], interval_s: float | None = None) -> JourneyPlan:
        """The journey of contact type *ct*; *names* are all contact types, in order; *interval_s*
        the horizon's interval (for a handle time per interval that callbacks inherit)."""
        r, res, cb = ct.retrial, ct.resolution, ct.callback
        rep = res.repeat if res else None
        vm = ct.voicemail
        message_cb = bool(vm is not None and vm.callback)
        return cls(
            ivr_time=sampler_for(ct.ivr.time) if ct.ivr else None,
            self_service=ct.ivr.self_service if ct.ivr else 0.0,
            balk_over=ct.balking.when_expected_wait_over if ct.balking else None,
            balk_p=ct.balking.probability if ct.balking else 0.0,
            retrial_p=r.probability if r else 0.0,
            retrial_delay=sampler_for(r.delay) if r else None,
            retrial_max=r.max_attempts if r else 1,
            retrial_keep=tuple(r.keep) if r else (),
            fcr=res.first_contact if res else None,
            repeat_p=rep.probability if rep else 0.0,
            repeat_delay=sampler_for(rep.delay) if rep else None,
            repeat_as=names.index(rep.as_) if rep and rep.as_ else None,
            repeat_max=rep.max_contacts if rep else 1,
            callback_over=cb.offer_when_expected_wait_over if cb else None,
            callback_accept=cb.accept_probability if cb else 0.0,
            callback_reach=cb.reach_probability if cb else 1.0,
            callback_handle=(sampler_for((cb.handle_time if cb else None) or ct.handle_time, interval_s)
                             if cb or message_cb else None),
            dial_time=cb.dial_time if cb else (30.0 if message_cb else 0.0),
            callback_scheduled=bool(cb and cb.mode == "scheduled") or message_cb,
            callback_window=cb.window if cb else 0.0,
            conversion_p=ct.conversion.probability if ct.conversion else None,
            conversion_slope=ct.conversion.per_minute_waited if ct.conversion else 0.0,
            rating=ct.rating,
            predictor=ct.wait_predictor,
            message_callback=message_cb,
            message_window=(vm.window if vm is not None and vm.window is not None
                            else cb.window if cb else 7200.0),
        )

    @property
    def active(self) -> bool:
        """True when any journey feature changes what happens to a contact."""
        return any((self.ivr_time is not None, self.balk_over is not None, self.retrial_p > 0,
                    self.fcr is not None, self.callback_over is not None,
                    self.conversion_p is not None, self.rating is not None, self.message_callback))


@dataclass(frozen=True, slots=True, eq=False, kw_only=True)
class AgentsMovePlan:
    """Inbound agents lent to a campaign on the inbound service level (``scenario.outbound``)."""

    lend: tuple[int, ...]  # lending groups
    to: tuple[int, ...]  # receiving groups
    window_s: float
    every_s: float
    above: float  # lend while the window's inbound service level is above this
    below: float  # bring back while it is below this
    keep_idle_inbound: int
    max_idle_outbound: int


@dataclass(frozen=True, slots=True, eq=False, kw_only=True)
class OutboundPlan:
    """How an outbound type's dialer places calls (``scenario.outbound``), in seconds."""

    policy: str  # preview, progressive or predictive
    kappa: float  # calls per free agent
    extra: int  # calls added (may be negative)
    min_free: int  # free agents needed in the watch groups
    watch: tuple[int, ...]  # groups whose free agents min_free counts
    keep_free: int  # agents of the type's groups kept free (blending threshold)
    start_s: float  # the dialer's hours each day, from the horizon start
    end_s: float
    campaign_size: float  # records in the list (inf: unlimited)
    reach: tuple[float, ...]  # right party, per interval
    wrong: tuple[float, ...]  # wrong party, per interval
    machine: tuple[float, ...]  # answering machine, per interval
    wrong_handle: Sampler
    machine_handle: Sampler | None  # None: machines dropped by detection
    machine_wait: float  # s a machine's message may start after the greeting
    ring: Sampler | None  # dial to greeting (None: at once)
    no_answer: Sampler | None  # dial to giving up
    preview: Sampler | None  # preview: reading the record before dialling
    abandon_limit: float | None  # pacing: limit on the day's abandoned share of live calls
    grace_s: float  # a live call not connected within this is abandoned (regulators' rule)
    agents_move: AgentsMovePlan | None = None  # agents lent by inbound groups (AGENTSMOVE)


@dataclass(frozen=True, slots=True, eq=False, kw_only=True)
class ContactTypePlan:
    """What the engine needs to know about one contact type (queue)."""

    name: str
    index: int
    rates: np.ndarray  # contacts per second, one per interval (read-only)
    forecast_cv: float
    handle: Sampler
    after_call_work: Sampler | None
    patience: Sampler
    sl_target: float
    sl_threshold: float  # s
    short_abandon: float  # s
    lines: int  # lines of the type's pool; 0 = unlimited
    line_pool: int  # index in Plan.line_pools (own limit or a shared pool); -1 = unlimited
    group_indices: tuple[int, ...]  # the groups with this skill, in group order
    journey: JourneyPlan | None  # None when no journey feature is on
    channel: str  # voice, chat or email
    concurrency: int  # chats an agent may hold at once (chat; 1 otherwise)
    slowdown: tuple[float, ...]  # handle-time multiplier with 1, 2, ... chats open
    priority_boost: float  # s of head start in a shared queue discipline
    agent_selection: str  # longest_idle, random or rank: who takes an arriving contact among the free agents
    disconnect_at_closing: bool  # callers still waiting at a day's closing are disconnected
    sl_opening_hours: bool  # emails: the threshold counts opening hours only
    overnight: float  # emails: expected arrivals while closed, before each opening
    busyness: int = -1  # index in Plan.busyness_cv of the day factor it shares; -1: none
    group_rank: tuple[int, ...] = ()  # agent_selection rank: rank of each of group_indices (lower first)
    line_hold: float = 0.0  # s a line stays held after its caller leaves
    voicemail_s: float = float("inf")  # s in queue after which a caller still waiting leaves a message
    transfers: tuple[TransferRule, ...] = ()  # tried in order after the talk (plan.transfers)
    outbound: OutboundPlan | None = None  # direction: outbound — its dialer; None for inbound types

    def __setstate__(self, state: list[object]) -> None:
        # Unpickling (worker processes, dask) brings arrays back writeable: the plan
        # handed to a worker keeps its rates read-only like the one it came from.
        for f, value in zip(fields(self), state, strict=True):
            object.__setattr__(self, f.name, value)
        self.rates.flags.writeable = False


@dataclass(frozen=True, slots=True, eq=False)
class ShiftPlan:
    """A shift in simulation seconds from the horizon start (clipped to the horizon)."""

    start_s: float
    end_s: float
    headcount: int
    breaks: tuple[tuple[float, float, float], ...]  # (earliest, latest, length) s

    def break_starts(self, agent: int) -> list[tuple[float, float]]:
        """(planned start, length) of each break of agent number *agent*: staggered evenly."""
        out = []
        for earliest, latest, length in self.breaks:
            share = (agent + 0.5) / self.headcount if self.headcount else 0.5
            out.append((earliest + share * (latest - earliest), length))
        return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def scheduled_from_shifts(shifts: Sequence[ShiftPlan], n: int, interval_s: float) -> list[float]:
    """Agents on shift and not on a planned break, time-averaged per interval."""
    lo = np.arange(n) * interval_s
    hi = np.arange(1, n + 1) * interval_s
    total = np.zeros(n)
    for sh in shifts:
        on = np.maximum(0.0, np.minimum(sh.end_s, hi) - np.maximum(sh.start_s, lo)) * sh.headcount
        if sh.breaks and sh.headcount:
            # Each agent's breaks (staggered as break_starts does), taken off in agent order.
            share = (np.arange(sh.headcount) + 0.5) / sh.headcount
            starts = np.stack([earliest + share * (latest - earliest) for earliest, latest, _ in sh.breaks], axis=1)
            lengths = np.array([length for _, _, length in sh.breaks])
            start = starts.reshape(-1, 1)
            end = (starts + lengths).reshape(-1, 1)
            off = np.maximum(0.0, np.minimum(end, hi) - np.maximum(start, lo))
            for row in off:
                on = on - row
        total = total + on
    return (total / interval_s).tolist()


@dataclass(frozen=True, slots=True, eq=False, kw_only=True)
class AgentGroupPlan:
    """A group of identical agents: skills in priority order, headcount per interval
    (or a roster of shifts), absenteeism and aux time."""

    name: str
    index: int
    skill_indices: tuple[int, ...]  # contact type indices, in priority order
    staffing: tuple[float, ...]  # agents per interval (time-averaged from `shifts` if given)
    resolution_factor: float  # x first-contact resolution
    shifts: tuple[ShiftPlan, ...] | None  # None: agents per interval from `staffing`
    absenteeism: float  # probability that a scheduled agent is absent for the day
    aux: float  # share of present time unavailable
    # Routing, per skill in skill_indices order: level (1 = preferred), handle-time factor,
    # agents reserved, wait in s before this group may take the contact (overflow).
    levels: tuple[int, ...]
    factor: tuple[float, ...]
    reserve: tuple[int, ...]
    delay: tuple[float, ...]
    voice_with_chat: bool  # calls and chats at once on one agent
    contact_selection: str = "routing"  # routing, longest_weighted_wait or longest_queue
    wait_weights: tuple[float, ...] = ()  # longest_weighted_wait: weight per skill (skill_indices order)


@dataclass(frozen=True, slots=True, eq=False, kw_only=True)
class Plan:
    """Everything one replication needs, free of validation machinery."""

    name: str
    seed: int  # root seed of every random stream
    replications: int
    clock_start: float  # s after midnight of simulation time 0
    horizon_s: float  # length of each day's horizon
    interval_s: float
    n_intervals: int  # per day
    warmup_s: float  # left out of the statistics, first day only
    contact_types: tuple[ContactTypePlan, ...]
    agent_groups: tuple[AgentGroupPlan, ...]
    days: int
    routing: str  # priority, longest_idle_agent or overflow
    per_agent: bool  # keep per-agent tallies
    # Trunk-line pools: lines of each; a type's own limit is a pool of its own, a pool named
    # in the scenario's `lines` is shared by the types that name it (ContactTypePlan.line_pool).
    line_pools: tuple[int, ...] = ()
    line_pool_names: tuple[str, ...] = ()  # the shared pools' names (own pools: the type's name)
    occupancy_after_closing: bool = False  # a day's occupancy counts work finished after closing
    # Busyness factors shared by several types (scenario `busyness`): cv and name of each.
    busyness_cv: tuple[float, ...] = ()
    busyness_names: tuple[str, ...] = ()
    # Opening hours per day, closed days (plan/calendar.py); None: every day open start to end.
    calendar: Calendar | None = None

    def business_windows(self) -> list[tuple[float, float]]:
        """[open, close) of each day's opening hours (s): the horizon, or the calendar's
        hours with closed days left out."""
        if self.calendar is None:
            return [(d * DAY_S, d * DAY_S + self.horizon_s) for d in range(self.days)]
        return self.calendar.windows()

    def interval_starts(self) -> np.ndarray:
        """Start of each interval of every day in simulation seconds (0 = first day's start).

        Day d's horizon starts at d x 86400 s; the array has n_intervals x days entries.
        """
        one_day = np.arange(self.n_intervals) * self.interval_s
        return np.concatenate([d * DAY_S + one_day for d in range(self.days)])

    def open_windows(self) -> list[tuple[float, float]]:
        """[start, end) of each day's horizon, the first day's warm-up left out."""
        return [(d * DAY_S + (self.warmup_s if d == 0 else 0.0), d * DAY_S + self.horizon_s)
                for d in range(self.days)]
