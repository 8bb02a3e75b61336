"""Agents' time (a mixin of ``Run``): the spans during which an agent had chats open and
nothing else (a group's chat busy time), and per-agent statistics.

Per-agent statistics (``statistics: {per_agent: true}``) cost the event loop nothing per
call: a call or email keeps its agent busy from its answer for its work (the contact
table has both), present spans and chat-only spans are appended as they happen, and the
tallies inside the days' statistics windows are computed once, after the run.
"""

from __future__ import annotations

import numpy as np

from .agents import Agent
from .selectors import CHAT
from .state import RunState


def open_time(windows: list[tuple[float, float]], t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """Seconds of each [t0, t1) inside the statistics windows (summed window by window)."""
    total = np.zeros(t0.shape)
    for low, high in windows:
        inside = (t1 > low) & (t0 < high)
        total = total + np.where(inside, np.minimum(t1, high) - np.maximum(t0, low), 0.0)
    return total


class AgentTime(RunState):
    """Chat-only spans and per-agent spans (state set up by ``Run``)."""

    __slots__ = ()

    def agent_on(self, agent: Agent, now: float) -> None:
        """The agent is available from *now* (login, back from a break or aux)."""
        agent.since = now

    def agent_off(self, agent: Agent, now: float) -> None:
        """The agent stops being available at *now* (logout, break, aux)."""
        if self.per_agent and agent.since >= 0.0:
            self.present_spans.append((agent.number, agent.since, now))
        agent.since = -1.0

    def chat_only(self, agent: Agent, now: float, was: bool) -> None:
        """Log the span during which the agent has chats and no call or email."""
        now_on = bool(agent.chats) and agent.contact < 0
        if now_on and not was:
            agent.chat_since = now
        elif was and not now_on:
            g = agent.group.index
            self.span_start[g].append(agent.chat_since)
            self.span_end[g].append(now)
            if self.per_agent:
                self.busy_spans.append((agent.number, agent.chat_since, now))

    def finish_agents(self, rec, end_s: float) -> None:
        """Attach chat-busy spans and per-agent statistics to the replication's records."""
        if self.any_chat:
            rec.chat_spans = [(np.array(s0), np.array(s1)) for s0, s1 in zip(self.span_start, self.span_end,
                                                                             strict=True)]
        if not self.per_agent:
            return
        windows = self.plan.open_windows()
        end = max(end_s, windows[-1][1])  # agents still logged in stay present to the last window's end
        for agent in self.agents:
            self.agent_off(agent, end)
        n = len(self.agents)

        def tally(spans) -> np.ndarray:
            if not spans:
                return np.zeros(n)
            who, t0, t1 = (np.array(col) for col in zip(*spans, strict=True))
            return np.bincount(who, weights=open_time(windows, t0, t1), minlength=n)

        answer = rec.answer
        served = np.array(self.agent_of, dtype=np.int32)
        started = served >= 0
        # Calls and emails: busy from the answer for the contact's work (talk and wrap-up).
        solo = started & ~np.isin(rec.ctype, np.nonzero(np.array(self.channel) == CHAT)[0])
        t0 = answer[solo]
        busy = np.bincount(served[solo], weights=open_time(windows, t0, t0 + np.array(self.work)[solo]),
                           minlength=n) + tally(self.busy_spans)
        # A contact counts for its agent when it started inside a window.
        t = answer[started]
        counted = open_time(windows, t, t + 1e-9) > 0
        handled = np.bincount(served[started][counted], minlength=n).astype(np.int64)
        rec.agents = {
            "group": np.array([a.group.index for a in self.agents], dtype=np.int32),
            "present_s": tally(self.present_spans),
            "busy_s": busy,
            "handled": handled,
            "contact_agent": served,  # per contact: the number of the agent who took it, -1
        }
