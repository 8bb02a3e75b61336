"""Chats in progress on an agent: the rate rule of concurrent chats.

A mixin of ``Router``. While n chats are open on an agent, each chat's remaining
work progresses at rate 1 / slowdown[n-1] of its type; whenever a chat opens or
ends, the others keep the work done so far and their ends are re-projected at the
new rate (the earlier end events go stale by the agent's version number).
"""

from __future__ import annotations

from heapq import heappush

_NORMAL = 1  # simpy.events.NORMAL priority


class _Wake:
    """A SimPy-compatible event with a callback and a value (chat end, overflow due)."""

    __slots__ = ("callbacks", "_ok", "_value")

    def __init__(self, callbacks, value):
        self.callbacks = callbacks
        self._ok = True
        self._value = value


class ChatWork:
    """Progress and ends of the chats open on an agent (state set up by ``Router.__init__``)."""

    def _progress(self, agent, now: float) -> None:
        """Advance the work of the agent's open chats to *now* at the current slowdown."""
        chats = agent.chats
        if chats:
            elapsed = now - agent.updated
            if elapsed > 0:
                n = len(chats)
                for chat in chats:
                    done = elapsed / self.slowdown[chat[2]][n - 1]
                    chat[1] -= done
                    chat[3] -= done
        agent.updated = now

    def _project(self, agent, now: float) -> None:
        """Schedule the end of each open chat at the current slowdown (older ends go stale).

        A chat's talk ends when its talk work is done (its wrap-up follows); a chat type
        with ``lines`` holds its line until then, like a call.
        """
        agent.version += 1
        n = len(agent.chats)
        for chat in agent.chats:
            m = self.slowdown[chat[2]][n - 1]
            c = chat[0]  # < 0: a chat already open at a snapshot (no record, no line)
            if chat[3] > 0.0:
                chat[4] = now + chat[3] * m
                if c >= 0 and self.lines[chat[2]]:
                    self.hold_line(chat[2], c, chat[4])
            elif c >= 0 and chat[4] == self.answer[c] and self.lines[chat[2]]:
                self.hold_line(chat[2], c, chat[4])  # no talk at all
            end = now + max(chat[1], 0.0) * m
            heappush(self.heap, (end, _NORMAL, next(self.eid),
                                 _Wake(self.chat_end_callbacks, (agent, chat[0], agent.version))))

    def open_snapshot_chats(self, agent, chats: list[tuple], now: float) -> None:
        """Chats already open on an agent at a snapshot: (type, talk left, wrap-up) each.

        They are not contacts of the run (like a busy agent's call at the snapshot): they
        get negative numbers, occupy the agent and slow its other chats, and leave no record.
        """
        for k, talk, wrap in chats:
            self.snapshot_chats -= 1
            agent.chats.append([self.snapshot_chats, talk + wrap, k, talk, now])
        agent.updated = now
        self._project(agent, now)
        self._chat_only(agent, now, False)
        self._refresh(agent)

    def chat_end(self, event) -> None:
        agent, c, version = event._value
        if version != agent.version:
            return  # stale: the chat's end moved when another chat opened or closed
        now = self.env._now
        g = agent.group
        if self.sink is not None:
            self.sink("done", now, -1, g.index)
        self._progress(agent, now)
        was = agent.solo < 0
        talk_end = next(chat[4] for chat in agent.chats if chat[0] == c)
        agent.chats = [chat for chat in agent.chats if chat[0] != c]
        if c >= 0:  # talk and wrap-up as they happened (both stretched by the chats open meanwhile)
            self.handle[c] = talk_end - self.answer[c]
            self.acw[c] = now - talk_end
            self.work[c] = now - self.answer[c]
        if agent.chats:
            self._project(agent, now)
        self._chat_only(agent, now, was)
        self._freed(agent, g, now)
