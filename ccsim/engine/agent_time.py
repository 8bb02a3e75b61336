"""Time of each agent for per-agent statistics, and the chat spans of group occupancy.

A mixin of ``Router``: per-agent present time, busy time and contacts started,
inside the days' statistics windows (``statistics: {per_agent: true}``); and the
spans during which an agent has chats open and no call or email in hand, which
the group's occupancy counts once per agent.
"""

from __future__ import annotations

import numpy as np


class AgentStats:
    """One agent's tallies inside the statistics windows."""

    __slots__ = ("group", "number", "present_s", "busy_s", "handled", "since", "here")

    def __init__(self, group: int, number: int, now: float):
        self.group, self.number = group, number
        self.present_s = self.busy_s = 0.0
        self.handled = 0
        self.since, self.here = now, True  # logged in and available since


class AgentTime:
    """Per-agent statistics and chat-busy spans (state set up by ``Router.__init__``)."""

    def agent_on(self, agent, now: float) -> None:
        if self.per_agent and not agent.stats.here:
            agent.stats.since, agent.stats.here = now, True

    def agent_off(self, agent, now: float) -> None:
        if self.per_agent and agent.stats.here:
            agent.stats.present_s += self.open_time(agent.stats.since, now)
            agent.stats.here = False

    def open_time(self, t0: float, t1: float) -> float:
        """Seconds of [t0, t1) inside the days' statistics windows."""
        total = 0.0
        for low, high in self.windows:
            if t1 > low and t0 < high:
                total += min(t1, high) - max(t0, low)
        return total

    def agent_stats(self, end: float):
        """Per agent: group, present s, busy s, handled (inside the statistics windows)."""
        rows = []
        end = max(end, self.windows[-1][1])  # agents still logged in stay present to the last window's end
        for agent in self.agents:
            self.agent_off(agent, end)
            s = agent.stats
            rows.append((s.group, s.present_s, s.busy_s, s.handled))
        return rows

    def _chat_only(self, agent, now: float, was: bool) -> None:
        """Log the span during which the agent has chats and no call or email."""
        now_on = bool(agent.chats) and agent.solo < 0
        if now_on and not was:
            agent.chat_since = now
        elif was and not now_on:
            g = agent.group.index
            self.span_start[g].append(agent.chat_since)
            self.span_end[g].append(now)
            if self.per_agent:
                agent.stats.busy_s += self.open_time(agent.chat_since, now)

    def finish(self, rec, end_s: float) -> None:
        """Attach chat-busy spans and per-agent statistics to the replication's records."""
        rec.chat_spans = [(np.array(s0), np.array(s1)) for s0, s1 in zip(self.span_start, self.span_end,
                                                                         strict=True)]
        if self.per_agent:
            rows = self.agent_stats(end_s)
            columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
            rec.agents = {
                "group": np.array(columns[0], dtype=np.int32),
                "present_s": np.array(columns[1], dtype=float),
                "busy_s": np.array(columns[2], dtype=float),
                "handled": np.array(columns[3], dtype=np.int64),
            }
            served = np.full(len(rec.arrival), -1, dtype=np.int32)
            if self.agent_of:
                served[np.fromiter(self.agent_of.keys(), dtype=np.int64)] = np.fromiter(
                    self.agent_of.values(), dtype=np.int32)
            rec.agents["contact_agent"] = served  # per contact: the agent number who took it, -1
