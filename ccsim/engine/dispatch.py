"""The one dispatcher skeleton (a mixin of ``Run``), written once for every scenario:

    arrive(c)   -> join(c): first come, first served within a type, then the type's
                   agent selection (``offer``), else the queue
    release(a)  -> end_of_contact: done event, end-of-contact hooks, then the agent leaves
                   (staffing drop, end of day), goes on break / aux / logs out (what fell
                   due meanwhile), or takes work (``take_work``)
    take_work(a) -> work sources in order: overdue scheduled callbacks, the queues through
                   the group's contact selection (deferrable email last), callbacks not
                   yet due; else idle (or home when the day is over)

Contact and agent selection are plain functions chosen per group and per type when the
run is built (``selectors``); the foundation's rule is the default and its hot path.
"""

from __future__ import annotations

from heapq import heappush

from ..plan import DAY_S
from .agents import Agent, AgentState
from .events import ABANDON, ANSWER, DISCONNECTED, DONE, LOGOUT
from .records import DISCONNECTED as DISCONNECTED_OUTCOME
from .selectors import CHAT, VOICE, Choice
from .state import RunState

_NORMAL = 1  # simpy.events.NORMAL priority


class Dispatch(RunState):
    """Offering, serving and releasing contacts (state set up by ``Run``)."""

    __slots__ = ()

    # --- a contact reaches its queue -----------------------------------------------------------

    def join(self, c: int, k: int, now: float) -> bool:
        """Offer contact c, just in its type's queue, to an agent; False if it must wait.

        First come, first served within a type: while an older contact of the type still
        waits (a reserve or an overflow delay held it back), the new one waits behind it.
        """
        q = self.queues[k]
        if q and self.head(q, now) is not None:
            if self.has_delay[k]:
                self.schedule_overflow(c, k, now)
            return False
        return self.offer_of[k](self, c, k, now)

    def head(self, q, now: float) -> int | None:
        """The first contact still waiting in queue *q* at *now*, or None (those whose patience
        ran out before an agent came leave the queue: abandoned at their deadline)."""
        deadline = self.deadline
        while q:
            c = q[0]
            if deadline[c] > now:
                return c
            q.popleft()
            if self.sink is not None:
                self.abandoned(c)
        return None

    def abandoned(self, c: int) -> None:
        """Tell the sink that caller c hung up (at its deadline; found out lazily)."""
        sink = self.sink
        if sink is not None:
            sink(ABANDON, self.deadline[c], c, self.ctype[c], -1, -1)

    def disconnect_waiting(self, event) -> None:
        """A day's closing: the callers still waiting of the types that disconnect them
        (``at_closing: disconnect``) are disconnected, their lines given back. Those whose
        patience ran out before are abandoned, as ever; accepted callbacks are kept."""
        now = self.env.now
        deadline, fate, entry, sink = self.deadline, self.fate, self.entry, self.sink
        gone = self.contacts.disconnected
        for k in event._value:
            q = self.queues[k]
            for c in q:
                if deadline[c] <= now:  # abandoned before the closing (found out lazily)
                    if sink is not None:
                        self.abandoned(c)
                    continue
                fate[c] = DISCONNECTED_OUTCOME
                deadline[c] = now
                gone.append((c, now - entry[c]))
                if self.lines[k]:
                    self.hold_line(k, c, now)
                if sink is not None:
                    sink(DISCONNECTED, now, c, k, -1, -1)
            q.clear()

    def schedule_overflow(self, c: int, k: int, now: float) -> None:
        """Wake the routing when contact c's overflow delays run out (while it can still wait)."""
        entry = self.entry[c]
        deadline = self.deadline[c]
        for d in self.delays[k]:
            if entry + d > now and entry + d < deadline:
                heappush(self.heap, (entry + d, _NORMAL, next(self.eid), self.overflow_wake(k)))

    def overflow_due(self, event) -> None:
        """Contacts of type k may now go to more groups: offer the oldest waiting, in order."""
        k = event._value
        now = self.env.now
        q = self.queues[k]
        offer = self.offer_of[k]
        while q:
            c = self.head(q, now)
            if c is None or not offer(self, c, k, now, False):
                return
            q.popleft()

    # --- an agent takes a contact -------------------------------------------------------------

    def serve(self, c: int, k: int, g, agent: Agent, now: float) -> None:
        """An agent of g answers contact c of type k (a call or an email): it is busy until the
        contact's work (talk and wrap-up) ends."""
        if self.transfer_at[k]:  # a type with transfer rules or a transfer's target (one list look-up)
            self.transfers.serve(c, k, g, agent, now)  # type: ignore[union-attr]  # set with transfer_at
            return
        journeys = self.journeys
        if journeys is not None and self.journey_serve[k]:
            busy = journeys.serve(c, g, now)
        else:
            self.answer[c] = now
            self.group[c] = g.index
            busy = self.work[c]
            if self.lines[k] and self.line_release[c] >= 0.0:
                # hold_line() inlined: its line until the talk ends, and the type's line_hold after.
                until = now + self.handle[c] + self.line_hold[k]
                self.line_release[c] = until
                heappush(self.line_heaps[self.line_pool[k]], (until, c))
        self.agent_of[c] = agent.number
        if self.sink is not None:
            self.sink(ANSWER, now, c, k, g.index, agent.number)
        agent.contact = c
        heappush(self.heap, (now + busy, _NORMAL, next(self.eid), agent))

    def start(self, c: int, choice: Choice, agent: Agent, now: float) -> None:
        """Agent takes contact c through *choice* (general selection): handle-time factor,
        then a chat opens on the agent or the agent is busy with the contact."""
        f = choice.factor
        if f != 1.0:
            self.handle[c] *= f
            self.acw[c] *= f
            self.work[c] *= f
        g = agent.group
        if not g.max_chats:  # a group without chat skills: one call or email at a time
            self.serve(c, choice.k, g, agent, now)
            agent.channel = choice.channel
            return
        was = bool(agent.chats) and agent.contact < 0
        if choice.channel == CHAT:
            journeys = self.journeys
            if journeys is not None and self.journey_serve[choice.k]:
                busy = journeys.serve(c, g, now)
            else:
                self.answer[c] = now
                self.group[c] = g.index
                busy = self.work[c]
            self.agent_of[c] = agent.number
            if self.sink is not None:
                self.sink(ANSWER, now, c, choice.k, g.index, agent.number)
            self.open_chat(c, choice.k, busy, agent, now)
        else:
            self.serve(c, choice.k, g, agent, now)
            agent.channel = choice.channel
        self.chat_only(agent, now, was)
        self.refresh(agent)

    def callback(self, c: int, agent: Agent, g, now: float) -> None:
        """Agent of g makes scheduled callback c."""
        self.start(c, self.choice_of[g.index][self.ctype[c]], agent, now)

    # --- an agent is through with a contact --------------------------------------------------------

    def release(self, agent: Agent, now: float) -> None:
        """The agent's call or email (and wrap-up) is over (its heap entry came up at *now*)."""
        c = agent.contact
        agent.contact = -1
        g = agent.group
        if (not g.direct or agent.todo or agent.draining or g.leaving
                or (g.callbacks and self.journeys is not None and self.journeys.callbacks_waiting)):
            agent.channel = VOICE
            if agent.chats:
                self.chat_only(agent, now, False)  # chats still open: a chat-only span starts
            self.end_of_contact(agent, c, now)
            return
        # end_of_contact(), take_work() and find_work() inlined for a group of calls (and emails)
        # with no sink, hook, dialer, lent agent, callback or chat to mind: the per-call hot path.
        if g.fast:
            # first_waiting() inlined: the foundation's rule (Run.loop inlines this branch too).
            deadline = self.deadline
            for qi, q in enumerate(g.queues):
                while q and deadline[q[0]] <= now:
                    q.popleft()  # its patience ran out before an agent came: abandoned at its deadline
                if q:
                    self.serve(q.popleft(), g.queue_types[qi], g, agent, now)
                    return
        else:
            agent.channel = VOICE
            self.select[g.index](self, agent, g, now)
            if agent.contact >= 0:
                return
        if g.closing:
            self.leave(agent, now)
            return
        agent.idle_since = now
        g.idle.append(agent)

    def end_of_contact(self, agent: Agent, c: int, now: float) -> None:
        """Agent is through with contact c (< 0: one begun before a snapshot): the done
        event, end-of-contact hooks, then what the freed room is for."""
        if self.sink is not None:
            if c >= 0:
                self.sink(DONE, now, c, self.ctype[c], agent.group.index, agent.number)
            else:
                self.sink(DONE, now, -1, -1, agent.group.index, agent.number)
        for hook in self.end_hooks:
            hook(agent, c, now)
        g = agent.group
        if agent.draining or g.leaving or agent.todo:
            self.freed(agent, now)
        else:
            self.take_work(agent, g, now)

    def freed(self, agent: Agent, now: float) -> None:
        """Room opened on the agent: leave (staffing drop, end of day), go away or log out
        (what fell due meanwhile), or take work."""
        g = agent.group
        busy = agent.contact >= 0 or bool(agent.chats)
        if agent.draining:
            if not busy:
                self.leave(agent, now)
            return
        if g.leaving:
            g.leaving -= 1
            agent.draining = True
            self.refresh(agent)
            if not busy:
                self.leave(agent, now)
            return
        if agent.todo:
            if busy:
                self.refresh(agent)
            else:
                g.chat_open.pop(agent, None)
                g.call_open.pop(agent, None)
                assert self.workforce is not None  # only the workforce gives agents things to do
                self.workforce.do_next(agent, now)
            return
        self.take_work(agent, g, now)

    def take_work(self, agent: Agent, g, now: float) -> None:
        """The agent has room: work sources in order, else idle (or home when the day is over);
        then the group's outbound dialers look (an idle agent may be theirs to call with). A lent
        agent due back at its own group goes there instead (agents_move)."""
        if g.movers:
            for mover in g.movers:
                if mover.reclaims(agent, g, now):
                    return
        self.find_work(agent, g, now)
        if g.dialers:
            for dialer in g.dialers:
                dialer.dial(now)

    def find_work(self, agent: Agent, g, now: float) -> None:
        """Work sources in order, else idle (or home when the day is over)."""
        journeys = self.journeys
        callbacks = journeys is not None and g.callbacks and journeys.callbacks_waiting
        if callbacks and agent.contact < 0 and not agent.chats:
            assert journeys is not None
            c = journeys.due_callback(g, now, overdue_only=True)
            if c is not None:
                self.callback(c, agent, g, now)
                return
        self.select[g.index](self, agent, g, now)
        if agent.contact >= 0 or agent.chats:
            if g.max_chats:
                self.refresh(agent)
            return
        if callbacks:
            assert journeys is not None
            c = journeys.due_callback(g, now, overdue_only=False)
            if c is not None:
                self.callback(c, agent, g, now)
                return
        if g.closing:
            self.leave(agent, now)
            return
        agent.idle_since = now
        g.idle.append(agent)
        if g.max_chats:
            self.refresh(agent)

    def leave(self, agent: Agent, now: float) -> None:
        """The agent logs out (staffing drop, end of shift or of the day)."""
        g = agent.group
        g.present -= 1
        g.log(now)
        self.agent_off(agent, now)
        agent.state = AgentState.GONE
        if g.max_chats:
            g.chat_open.pop(agent, None)
            g.call_open.pop(agent, None)
        if self.sink is not None:
            self.sink(LOGOUT, now, -1, -1, g.index, agent.number)

    def email_open(self, g, now: float) -> bool:
        """Emails are worked during opening hours only (the backlog waits for the next day)."""
        if g.closing:
            return False
        if self.plan.calendar is not None:
            return self.plan.calendar.is_open_at(now)
        day = int(now // DAY_S)
        return day < self.plan.days and now - day * DAY_S < self.plan.horizon_s
