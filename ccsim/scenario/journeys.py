"""Caller journeys in the scenario language: IVR, balking, retrials, resolution and
repeat contacts, callbacks, voicemail, conversion and customer rating (per contact type)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import ScenarioModel
from .distributions import DistributionSpec
from .fields import Duration, PositiveDuration, Probability


class IvrSpec(ScenarioModel):
    """Time in the IVR before queueing; a share is resolved there (self-service)."""

    time: DistributionSpec
    self_service: Probability = 0.0


class BalkingSpec(ScenarioModel):
    """Callers told an expected wait above the limit leave at once with this probability."""

    when_expected_wait_over: Duration
    probability: Probability


RetrialKept = Literal["patience", "handle_time", "after_call_work"]


class RetrialSpec(ScenarioModel):
    """Abandoned, balked and blocked callers try again later, as the same customer.

    Each retrial draws a new patience, handle time and after-call work, except those named
    in ``keep``: the caller brings them along from the attempt before (the same person
    with the same problem and the same tolerance for waiting)."""

    probability: Probability
    delay: DistributionSpec
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 3
    keep: tuple[RetrialKept, ...] = ()


class RepeatSpec(ScenarioModel):
    """Unresolved customers come back after the delay, possibly as another contact type."""

    probability: Probability
    delay: DistributionSpec
    as_: str | None = Field(default=None, alias="as")
    max_contacts: Annotated[int, Field(ge=1, le=100)] = 10

    model_config = {**ScenarioModel.model_config, "populate_by_name": True}


class ResolutionSpec(ScenarioModel):
    """Probability that an answered contact solves the customer's problem."""

    first_contact: Probability
    repeat: RepeatSpec | None = None


class CallbackSpec(ScenarioModel):
    """Callbacks offered above an expected wait. Virtual hold: the customer keeps their
    place and hangs up, and the agent dials out when the callback reaches the head of
    the queue. Scheduled: the callback waits in its own list, served when no caller of
    the agent's skills waits, and first of all once its window has run out."""

    offer_when_expected_wait_over: Duration
    accept_probability: Probability
    reach_probability: Probability = 1.0
    handle_time: DistributionSpec | None = None  # default: the contact type's handle time
    dial_time: Duration = 30.0  # agent time spent on a callback that does not reach the customer
    # virtual_hold: the callback keeps the customer's place in the queue.
    # scheduled: it leaves the queue and is called back when agents are otherwise idle,
    # at the latest when ``window`` has passed since the customer accepted.
    mode: Literal["virtual_hold", "scheduled"] = "virtual_hold"
    window: Duration = 7200.0


class ConversionSpec(ScenarioModel):
    """Chance an answered contact ends in a sale, changing linearly with the minutes waited."""

    probability: Probability
    per_minute_waited: float = Field(default=0.0, ge=-1.0, le=1.0)


Coefficient = Annotated[float, Field(allow_inf_nan=False)]  # a finite number


class RatingSpec(ScenarioModel):
    """A customer-rating model per issue, linear in what the customer lived through.

    score = base + per_minute_waited x total minutes waited + abandoned (if the customer
    ever hung up waiting) + unresolved (if the issue was not resolved) + per_extra_contact
    x (contacts - 1) + normal noise (sd ``noise``), rounded and clipped to 1..scale.
    The coefficients are what a linear regression of survey scores on these contact
    facts gives, so a planner can set them from survey data. Satisfied = score >=
    ``satisfied_at``.
    """

    scale: Annotated[int, Field(ge=2, le=100)] = 5
    base: Coefficient = 4.6
    per_minute_waited: Coefficient = -0.15
    abandoned: Coefficient = -1.0
    unresolved: Coefficient = -1.5
    per_extra_contact: Coefficient = -0.4
    noise: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.6
    satisfied_at: Coefficient = 4.0


WaitPredictor = Literal["queue_position", "last_to_enter_service"]


class VoicemailSpec(ScenarioModel):
    """A caller still waiting after ``after`` in the queue leaves a message and hangs up:
    counted as ``messages``, neither answered nor abandoned (ContactCenters' Telethon).

    With ``callback: true`` each message asks for a call back: a scheduled callback of the same
    customer, made when agents of the type are otherwise idle and first of all once ``window``
    has passed (default: the type's callback window, else 2 h), reaching the customer with the
    type's callback ``reach_probability`` (else always)."""

    after: PositiveDuration
    callback: bool = False
    window: Duration | None = None
