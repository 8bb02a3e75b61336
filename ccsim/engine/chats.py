"""Chats in progress on an agent: the rate rule of concurrent chats (a mixin of ``Run``).

While n chats are open on an agent, each chat's remaining work progresses at rate
1 / slowdown[n-1] of its type; whenever a chat opens or ends, the others keep the work
done so far and their ends are re-projected at the new rate (the earlier end events go
stale by the agent's version number). A chat type with ``lines`` holds its line until
its talk ends. An agent may hold chats up to the least concurrency among the chats open.
"""

from __future__ import annotations

from heapq import heappush

from .agents import Agent, Chat, Wake
from .selectors import VOICE
from .state import RunState

MAX_CHATS = 10  # the scenario language's largest concurrency
INF = float("inf")
_NORMAL = 1  # simpy.events.NORMAL priority


class ChatWork(RunState):
    """Progress, ends and room of the chats open on agents (state set up by ``Run``)."""

    __slots__ = ()

    def set_room(self, agent: Agent) -> None:
        """Recompute the agent's room after its chats changed."""
        concurrency = self.concurrency
        room = MAX_CHATS
        for chat in agent.chats:
            if concurrency[chat.ctype] < room:
                room = concurrency[chat.ctype]
        agent.room = room

    def refresh(self, agent: Agent) -> None:
        """Keep the agent in its group's lists of agents with room for a chat / for a call."""
        g = agent.group
        if not g.max_chats:
            return  # a group without chat skills keeps no such lists
        room = not agent.draining and not agent.todo
        solo = agent.contact
        if (room and min(g.max_chats, agent.room) > len(agent.chats)
                and (solo < 0 or (g.blended and agent.channel == VOICE)) and (solo >= 0 or agent.chats)):
            g.chat_open[agent] = None
        else:
            g.chat_open.pop(agent, None)
        if g.blended:
            if room and solo < 0 and agent.chats:
                g.call_open[agent] = None
            else:
                g.call_open.pop(agent, None)

    def open_chat(self, c: int, k: int, busy: float, agent: Agent, now: float) -> None:
        """Agent opens chat c of type k with *busy* s of work at rate 1."""
        self.progress(agent, now)
        agent.chats.append(Chat(c, busy, k, self.handle[c], now))
        if self.concurrency[k] < agent.room:
            agent.room = self.concurrency[k]
        self.project(agent, now)

    def progress(self, agent: Agent, now: float) -> None:
        """Advance the work of the agent's open chats to *now* at the current slowdown."""
        chats = agent.chats
        if chats:
            elapsed = now - agent.updated
            if elapsed > 0:
                n = len(chats) - 1
                slowdown = self.slowdown
                for chat in chats:
                    done = elapsed / slowdown[chat.ctype][n]
                    chat.work_left -= done
                    chat.talk_left -= done
        agent.updated = now

    def project(self, agent: Agent, now: float) -> None:
        """Project the end of each open chat at the current slowdown and schedule the first
        (one heap entry per agent: when it comes up, the others are projected again; an
        entry of an older projection is stale)."""
        agent.version += 1
        n = len(agent.chats) - 1
        lines, slowdown = self.lines, self.slowdown
        first_end, first = INF, 0
        for chat in agent.chats:
            k = chat.ctype
            m = slowdown[k][n]
            c = chat.contact
            if chat.talk_left > 0.0:
                chat.talk_end = now + chat.talk_left * m
                if lines[k] and c >= 0:
                    self.hold_line(k, c, chat.talk_end)
            elif lines[k] and c >= 0 and chat.talk_end == self.answer[c]:
                self.hold_line(k, c, chat.talk_end)  # no talk at all
            left = chat.work_left
            end = now + left * m if left > 0.0 else now + 0.0 * m  # (max(left, 0) * m, as ever)
            if end < first_end:
                first_end, first = end, c
        heappush(self.heap, (first_end, _NORMAL, next(self.eid),
                             Wake(self.chat_end_callbacks, (agent, first, agent.version))))

    def open_snapshot_chats(self, agent: Agent, chats: list[tuple], now: float) -> None:
        """Chats already open on an agent at a snapshot: (type, talk left, wrap-up) each.

        They are not contacts of the run (like a busy agent's call at the snapshot): they
        get negative numbers, occupy the agent and slow its other chats, and leave no record.
        """
        for k, talk, wrap in chats:
            self.snapshot_chats -= 1  # type: ignore[misc]  # a slot of Run
            agent.chats.append(Chat(self.snapshot_chats, talk + wrap, k, talk, now))
        self.set_room(agent)
        agent.updated = now
        self.project(agent, now)
        self.chat_only(agent, now, False)
        self.refresh(agent)

    def chat_end(self, event: Wake) -> None:
        agent, c, version = event._value
        if version != agent.version:
            return  # stale: the chat's end moved when another chat opened or closed
        now = self.env.now
        self.progress(agent, now)
        was = agent.contact < 0
        chats = agent.chats
        for i, chat in enumerate(chats):
            if chat.contact == c:
                talk_end = chat.talk_end
                del chats[i]
                break
        self.set_room(agent)
        if c >= 0:  # talk and wrap-up as they happened (both stretched by the chats open meanwhile)
            answer = self.answer[c]
            self.handle[c] = talk_end - answer
            self.acw[c] = now - talk_end
            self.work[c] = now - answer
        if chats:
            self.project(agent, now)
        self.chat_only(agent, now, was)
        self.end_of_contact(agent, c, now)
