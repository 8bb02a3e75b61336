"""The fields of a run, declared once for the parts of ``Run`` (dispatch, chats, lines,
headcount, agents' time) so that each part reads typed state; ``Run`` sets them."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import simpy

    from ..plan import Plan
    from .agents import Agent, GroupState, Wake
    from .contacts import Contacts
    from .events import Sink
    from .journeys import Journeys
    from .selectors import Choice, Uniforms
    from .transfers import Transfers
    from .workforce import Workforce

    Select = Callable[[Any, Agent, GroupState, float], None]
    Offer = Callable[..., bool]


class RunState:
    """Typed declarations of ``Run``'s slots (no values here: ``Run.__init__`` sets them)."""

    __slots__ = ()

    plan: Plan
    env: simpy.Environment
    heap: list[Any]  # SimPy's event heap: (time, priority, id, event)
    eid: Iterator[int]
    sink: Sink | None
    initial: Any
    # The contact table and its columns (the same lists).
    contacts: Contacts
    arrival: list[float]
    ctype: list[int]
    handle: list[float]
    acw: list[float]
    work: list[float]
    deadline: list[float]
    entry: list[float]
    answer: list[float]
    group: list[int]
    agent_of: list[int]
    fate: list[int]
    # Trunk lines.
    lines: list[int]  # per type: lines of its pool (0 = unlimited)
    line_pool: list[int]  # per type: its pool
    in_system: list[int]  # per pool: lines held (give-backs pending included)
    line_heaps: list[list[tuple[float, int]]]
    line_hold: list[float]  # per type: s a line stays held after its caller leaves
    line_heap_cap: list[int]
    line_release: list[float]
    # Queues, groups, selection.
    queues: list[deque[int]]
    groups: list[GroupState]
    groups_of: list[list[GroupState]]
    channel: list[int]
    concurrency: list[int]
    slowdown: list[list[float]]
    any_chat: bool
    offer_to: list[list[tuple[GroupState, Choice]]]
    choice_of: list[dict[int, Choice]]
    select: list[Select]
    offer_of: list[Offer]
    plain_offer: list[bool]
    agent_draws: list[Uniforms | None]  # per type with agent_selection: random
    offer_open: list[bool]  # per type: every group may take it on arrival (no delay, reserve, email)
    offer_fallback: list[bool]  # per type: general_offer may place it with no agent free
    has_delay: list[bool]
    delays: list[list[float]]
    due_callbacks: list[Callable[[Wake], None]]
    chat_end_callbacks: list[Callable[[Wake], None]]
    end_hooks: list[Callable[[Agent, int, float], None]]
    # Agents' time.
    per_agent: bool
    agents: list[Agent]
    busy_spans: list[tuple[int, float, float]]
    present_spans: list[tuple[int, float, float]]
    span_start: list[list[float]]
    span_end: list[list[float]]
    snapshot_chats: int
    # Optional parts.
    workforce: Workforce | None
    journeys: Journeys | None
    has_journey: list[bool]
    journey_serve: list[bool]
    transfers: Transfers | None
    transfer_at: list[bool]  # per type: its answers go through the transfers
    dialers: list  # engine.dialer.Dialer, one per outbound type

    if TYPE_CHECKING:  # the parts' methods each other calls (defined in dispatch, chats, ...)
        def join(self, c: int, k: int, now: float) -> bool: ...
        def head(self, q: deque[int], now: float) -> int | None: ...
        def abandoned(self, c: int) -> None: ...
        def schedule_overflow(self, c: int, k: int, now: float) -> None: ...
        def disconnect_waiting(self, event: Any) -> None: ...
        def overflow_wake(self, k: int) -> Wake: ...
        def serve(self, c: int, k: int, g: GroupState, agent: Agent, now: float) -> None: ...
        def start(self, c: int, choice: Choice, agent: Agent, now: float) -> None: ...
        def release(self, agent: Agent, now: float) -> None: ...
        def end_of_contact(self, agent: Agent, c: int, now: float) -> None: ...
        def freed(self, agent: Agent, now: float) -> None: ...
        def take_work(self, agent: Agent, g: GroupState, now: float) -> None: ...
        def find_work(self, agent: Agent, g: GroupState, now: float) -> None: ...
        def leave(self, agent: Agent, now: float) -> None: ...
        def email_open(self, g: GroupState, now: float) -> bool: ...
        def new_agent(self, g: GroupState, now: float) -> Agent: ...
        def agent_on(self, agent: Agent, now: float) -> None: ...
        def agent_off(self, agent: Agent, now: float) -> None: ...
        def chat_only(self, agent: Agent, now: float, was: bool) -> None: ...
        def refresh(self, agent: Agent) -> None: ...
        def open_chat(self, c: int, k: int, busy: float, agent: Agent, now: float) -> None: ...
        def open_snapshot_chats(self, agent: Agent, chats: list[tuple], now: float) -> None: ...
        def hold_line(self, k: int, c: int, until: float) -> None: ...
        def line_free(self, k: int, now: float) -> bool: ...
        def take_line(self, k: int) -> None: ...
