"""General routing inside the event loop: policies, reserves, overflow, VIP head starts,
handle-time factors, chat concurrency, deferrable email, per-agent statistics.

Built only when a scenario uses one of these (``needs_router``); otherwise the
engine's lean path runs untouched and gives exactly the foundation's results.

What a freed agent takes (the contact selection), per ``routing``:

* ``priority`` (the foundation's rule): the skills of the agent's group in level
  order (1 first); among skills of the same level, the contact with the earliest
  *queue key* — its queue entry minus its type's ``priority_boost``.
* ``longest_idle_agent``: all the group's skills at one level: the contact with
  the earliest queue key, whatever the skill (first come, first served).
* ``overflow``: as ``priority``, but a group may take a contact only once it has
  waited the group's delay for that type (``overflow_after``; 0 for the groups
  holding the type at its best level).

An arriving contact (or one whose overflow delay has just run out) goes to the
free agent idle longest among the groups allowed to take it. A chat goes to an
idle agent first, else to the agent with the fewest chats open.

VIP without starvation: ``priority_boost: 2min`` lets a VIP caller be served as
if it had already waited 2 minutes. A caller is therefore never overtaken by a
VIP caller who joined more than 2 minutes after it: the boost bounds how long
the rest can be held back.

Reserve: ``reserve: {sales: 2}`` on a group keeps 2 of its agents for sales: an
agent of the group takes any other contact only while at least that many of its
colleagues are idle.

Channels: an agent holds one call or one email, or up to ``concurrency`` chats;
never a call and a chat at once unless its group has ``voice_with_chat``. A chat
progresses at rate 1 / ``slowdown[n-1]`` while n chats are open on the agent, so
its duration depends on how busy the agent was during it. Emails are taken only
when no voice or chat contact the agent may take is waiting, never during a
day's closing, and an email once started is finished.
"""

from __future__ import annotations

from heapq import heappush

from ..plan import DAY_S, Plan
from .agent_time import AgentStats, AgentTime
from .chat_work import ChatWork, _Wake

VOICE, CHAT, EMAIL = 0, 1, 2
MAX_CHATS = 10  # the scenario language's largest concurrency
CHANNELS = {"voice": VOICE, "chat": CHAT, "email": EMAIL}
_NORMAL = 1


def needs_router(plan: Plan) -> bool:
    """True when the scenario uses anything beyond the foundation's routing."""
    if plan.routing != "priority" or plan.per_agent:
        return True
    for ct in plan.contact_types:
        if ct.channel != "voice" or ct.priority_boost > 0:
            return True
    for gp in plan.agent_groups:
        if any(f != 1.0 for f in gp.factor) or any(gp.reserve) or any(gp.delay):
            return True
        if len(set(gp.levels)) != len(gp.levels):
            return True
    return False


class _Choice:
    """One skill of a group as the router sees it."""

    __slots__ = ("queue", "k", "channel", "delay", "reserve_other", "boost", "factor")

    def __init__(self, queue, k, channel, delay, reserve_other, boost, factor):
        self.queue, self.k, self.channel = queue, k, channel
        self.delay, self.reserve_other, self.boost, self.factor = delay, reserve_other, boost, factor


class Router(AgentTime, ChatWork):
    """Routing state of one replication; ``offer`` and ``take_work`` replace the lean ones."""

    def __init__(self, plan: Plan, env, groups, queues, arrival, ctype, handle, work, acw, deadline, answer,
                 served_by, lines, hold_line, sink):
        self.plan, self.env, self.heap = plan, env, env._queue
        self.eid = env._eid
        self.groups, self.queues = groups, queues
        self.arrival, self.handle, self.work, self.acw = arrival, handle, work, acw
        self.ctype = ctype
        self.deadline, self.answer, self.served_by = deadline, answer, served_by
        self.lines, self.hold_line, self.sink = lines, hold_line, sink
        self.journeys = None  # set by the engine when caller journeys are on
        self.entry = arrival  # queue entry per contact (journeys: after the IVR)
        self.workforce = None
        self.release_callbacks = None  # set by the engine: [release]
        types = plan.contact_types
        self.channel = [CHANNELS[ct.channel] for ct in types]
        self.concurrency = [ct.concurrency for ct in types]
        # Multipliers by chats open on the agent, up to the most any chat type allows (an agent
        # may hold chats of several types: each progresses by its own type's list, last value on).
        self.slowdown = [ct.slowdown + [ct.slowdown[-1]] * (MAX_CHATS - len(ct.slowdown)) for ct in types]
        self.has_delay = [False] * len(types)
        self.delays = [set() for _ in types]
        self.chat_end_callbacks = [self.chat_end]
        self.due_callbacks = [self.overflow_due]
        self.day_open_s = plan.horizon_s
        self.per_agent = plan.per_agent
        self.windows = plan.open_windows()
        self.agents: list = []
        self.agent_of: dict[int, int] = {}  # contact -> agent number (per-agent statistics)
        self.snapshot_chats = 0  # chats open at a snapshot are numbered -1, -2, ...
        by_policy = plan.routing
        self.choices, self.emails, self.offer_to = [], [], [[] for _ in types]
        self.max_chats = []
        self.blended = []
        for gp, g in zip(plan.agent_groups, groups, strict=True):
            total_reserve = sum(gp.reserve)
            levels: dict[int, list] = {}
            email_levels: dict[int, list] = {}
            for j, k in enumerate(gp.skill_indices):
                choice = _Choice(queues[k], k, self.channel[k], gp.delay[j], total_reserve - gp.reserve[j],
                                 types[k].priority_boost, gp.factor[j])
                level = 1 if by_policy == "longest_idle_agent" else gp.levels[j]
                (email_levels if choice.channel == EMAIL else levels).setdefault(level, []).append(choice)
                self.offer_to[k].append((g, choice))
                if choice.delay > 0:
                    self.has_delay[k] = True
                    self.delays[k].add(choice.delay)
            self.choices.append([levels[v] for v in sorted(levels)])
            self.emails.append([email_levels[v] for v in sorted(email_levels)])
            chats = [self.concurrency[k] for k in gp.skill_indices if self.channel[k] == CHAT]
            self.max_chats.append(max(chats) if chats else 0)
            self.blended.append(gp.voice_with_chat)
        self.delays = [sorted(d) for d in self.delays]
        # Group occupancy of chats: spans during which an agent has a chat open and no
        # call or email in hand (calls and emails are in the contact records).
        self.span_start = [[] for _ in groups]
        self.span_end = [[] for _ in groups]

    # --- agents ----------------------------------------------------------------------------

    def new_agent(self, agent) -> None:
        """Give a new agent the router's state (called once per agent)."""
        agent.solo = -1  # the call or email in hand, -1 if none
        agent.solo_ch = VOICE  # its channel
        agent.chats = []  # open chats: [contact, work left, type, talk left, end of talk] (see chat_work)
        agent.updated = 0.0
        agent.version = 0
        agent.draining = False  # leaves when its last contact ends
        agent.chat_since = -1.0
        if self.per_agent:
            agent.stats = AgentStats(agent.group.index, len(self.agents), self.env._now)
            self.agents.append(agent)

    def chat_room(self, agent) -> int:
        """Chats the agent may hold with those open now: the least concurrency among them
        (a chat type with concurrency 1 takes the agent's whole attention)."""
        chats = agent.chats
        if not chats:
            return MAX_CHATS
        return min(self.concurrency[chat[2]] for chat in chats)

    def _refresh(self, agent) -> None:
        """Keep the agent in the group's lists of agents with room for a chat / a call."""
        g = agent.group
        room = not agent.draining and not agent.todo
        solo = agent.solo
        chat_room = (room and min(self.max_chats[g.index], self.chat_room(agent)) > len(agent.chats)
                     and (solo < 0 or (self.blended[g.index] and agent.solo_ch == VOICE))
                     and (solo >= 0 or agent.chats))
        if chat_room:
            g.chat_open[agent] = None
        else:
            g.chat_open.pop(agent, None)
        if self.blended[g.index]:
            if room and solo < 0 and agent.chats:
                g.call_open[agent] = None
            else:
                g.call_open.pop(agent, None)

    # --- starting a contact -----------------------------------------------------------------

    def start(self, c: int, choice: _Choice, agent, now: float) -> None:
        """Agent takes contact c: record the answer, set the agent busy."""
        g = agent.group
        f = choice.factor
        if f != 1.0:
            self.handle[c] *= f
            self.acw[c] *= f
            self.work[c] *= f
        if self.journeys is not None:
            busy = self.journeys.serve(c, g, now)
        else:
            self.answer[c] = now
            self.served_by[c] = g.index
            busy = self.work[c]
            k = choice.k
            if self.lines[k]:
                self.hold_line(k, c, now + self.handle[c])
        if self.sink is not None:
            self.sink("answer", now, c, g.index)
        if self.per_agent:
            self.agent_of[c] = agent.stats.number
            if self.open_time(now, now + 1e-9) > 0:
                agent.stats.handled += 1
        was = bool(agent.chats) and agent.solo < 0
        if choice.channel == CHAT:
            self._progress(agent, now)
            # [contact, work left, type, talk left, end of talk]: work at rate 1, times in s
            agent.chats.append([c, busy, choice.k, self.handle[c], now])
            self._project(agent, now)
        else:
            agent.solo = c
            agent.solo_ch = choice.channel
            if self.per_agent:
                agent.stats.busy_s += self.open_time(now, now + busy)
            agent.callbacks = self.release_callbacks
            heappush(self.heap, (now + busy, _NORMAL, next(self.eid), agent))
        self._chat_only(agent, now, was)
        self._refresh(agent)

    # --- contact selection -------------------------------------------------------------------

    def _head(self, choice: _Choice, now: float):
        """The first contact still waiting in the choice's queue, or None (abandoned ones go)."""
        q = choice.queue
        deadline = self.deadline
        while q:
            c = q[0]
            if deadline[c] > now:
                return c
            q.popleft()  # its patience ran out before an agent came: abandoned at its deadline
            if self.sink is not None:
                self.sink("abandon", deadline[c], c, -1)
        return None

    def _pick(self, agent, g, now: float, levels) -> tuple | None:
        """The (contact, choice) agent takes from *levels*, or None."""
        entry = self.entry
        idle = len(g.idle)
        can_voice = agent.solo < 0 and (not agent.chats or self.blended[g.index])
        can_chat = agent.solo < 0 or (self.blended[g.index] and agent.solo_ch == VOICE)
        n_chats = len(agent.chats)
        cap = self.chat_room(agent)
        for level in levels:
            best, best_key, best_choice = None, 0.0, None
            for choice in level:
                ch = choice.channel
                if ch == VOICE:
                    if not can_voice:
                        continue
                elif ch == CHAT:
                    if not can_chat or n_chats >= min(self.concurrency[choice.k], cap):
                        continue
                elif agent.solo >= 0 or agent.chats:
                    continue
                if choice.reserve_other > idle or not choice.queue:
                    continue
                c = self._head(choice, now)
                if c is None or now - entry[c] < choice.delay:
                    continue
                key = entry[c] - choice.boost
                if best is None or key < best_key:
                    best, best_key, best_choice = c, key, choice
            if best is not None:
                return best, best_choice
        return None

    def email_open(self, g, now: float) -> bool:
        """Emails are worked during opening hours only (the backlog waits for the next day)."""
        if g.closing:
            return False
        day = int(now // DAY_S)
        return day < self.plan.days and now - day * DAY_S < self.day_open_s

    def take_work(self, agent, g, now: float) -> None:
        """The agent has room: take what the routing gives it, else go idle (or home)."""
        journeys = self.journeys
        if g.callbacks and agent.solo < 0 and not agent.chats:
            c = journeys.due_callback(g, now, overdue_only=True)
            if c is not None:
                self._callback(c, agent, g, now)
                return
        while True:
            picked = self._pick(agent, g, now, self.choices[g.index])
            if picked is None and self.emails[g.index] and self.email_open(g, now):
                picked = self._pick(agent, g, now, self.emails[g.index])
            if picked is None:
                break
            c, choice = picked
            choice.queue.popleft()
            self.start(c, choice, agent, now)
            if agent.solo >= 0 and (not self.blended[g.index] or agent.solo_ch != VOICE):
                return  # a call or an email takes the whole agent
        if agent.solo >= 0 or agent.chats:
            self._refresh(agent)
            return
        if g.callbacks:
            c = journeys.due_callback(g, now, overdue_only=False)
            if c is not None:
                self._callback(c, agent, g, now)
                return
        if g.closing:  # the day is over and nothing waits: go home
            self.leave(agent, now)
            return
        agent.idle_since = now
        g.idle.append(agent)
        self._refresh(agent)

    def _callback(self, c: int, agent, g, now: float) -> None:
        k = self.ctype[c]
        for choice_g, choice in self.offer_to[k]:
            if choice_g is g:
                self.start(c, choice, agent, now)
                return

    def leave(self, agent, now: float) -> None:
        g = agent.group
        g.present -= 1
        g.log(now)
        self.agent_off(agent, now)
        g.chat_open.pop(agent, None)
        g.call_open.pop(agent, None)

    # --- the end of a contact ------------------------------------------------------------------

    def release(self, agent) -> None:
        """The agent's call or email (and wrap-up) is over."""
        now = self.env._now
        g = agent.group
        if self.sink is not None:
            self.sink("done", now, -1, g.index)
        was = False
        agent.solo = -1
        self._chat_only(agent, now, was)
        self._freed(agent, g, now)

    def _freed(self, agent, g, now: float) -> None:
        """Room opened on the agent: leave, go on break, or take more work."""
        busy = agent.solo >= 0 or bool(agent.chats)
        if agent.draining:
            if not busy:
                self.leave(agent, now)
            return
        if g.leaving:
            g.leaving -= 1
            agent.draining = True
            self._refresh(agent)
            if not busy:
                self.leave(agent, now)
            return
        if agent.todo:
            if not busy:
                g.chat_open.pop(agent, None)
                g.call_open.pop(agent, None)
                self.workforce.do_next(agent, now)
            else:
                self._refresh(agent)
            return
        self.take_work(agent, g, now)

    # --- offering a contact to the agents ------------------------------------------------------

    def offer(self, c: int, k: int, now: float) -> bool:
        """Give contact c to a free agent allowed to take it now; schedule its overflow if none."""
        ch = self.channel[k]
        waited = now - self.entry[c]
        best, best_choice = None, None
        for g, choice in self.offer_to[k]:
            if choice.delay > waited:
                continue
            if ch == EMAIL and not self.email_open(g, now):
                continue
            if g.idle and len(g.idle) > choice.reserve_other:
                a = g.idle[0]
                if best is None or a.idle_since < best.idle_since:
                    best, best_choice = a, choice
        if best is not None:
            best.group.idle.popleft()
        elif ch == CHAT:
            fewest = None
            for g, choice in self.offer_to[k]:
                if choice.delay > waited or len(g.idle) < choice.reserve_other:
                    continue
                for a in g.chat_open:
                    if a.todo or a.draining:
                        continue
                    n = len(a.chats)
                    if n < min(self.concurrency[k], self.chat_room(a)) and (fewest is None or n < fewest):
                        best, best_choice, fewest = a, choice, n
                        if n == 1:
                            break
        elif ch == VOICE:
            for g, choice in self.offer_to[k]:
                if g.call_open and choice.delay <= waited and len(g.idle) >= choice.reserve_other:
                    for a in g.call_open:
                        if not (a.todo or a.draining):
                            best, best_choice = a, choice
                            break
                    if best is not None:
                        break
        if best is None:
            if self.has_delay[k]:
                deadline = self.deadline[c]
                for d in self.delays[k]:
                    if d > waited and self.entry[c] + d < deadline:
                        heappush(self.heap, (self.entry[c] + d, _NORMAL, next(self.eid),
                                             _Wake(self.due_callbacks, k)))
            return False
        self.start(c, best_choice, best, now)
        return True

    def overflow_due(self, event) -> None:
        """A waiting contact of type k may now go to more groups: offer the oldest waiting."""
        k = event._value
        now = self.env._now
        q = self.queues[k]
        while q:
            c = q[0]
            if self.deadline[c] <= now:
                q.popleft()
                if self.sink is not None:
                    self.sink("abandon", self.deadline[c], c, -1)
                continue
            if not self._offer_waiting(c, k, now):
                return
            q.popleft()

    def _offer_waiting(self, c: int, k: int, now: float) -> bool:
        """Offer the waiting contact c without scheduling anything more."""
        delays, self.has_delay[k] = self.has_delay[k], False
        try:
            return self.offer(c, k, now)
        finally:
            self.has_delay[k] = delays
