"""Staffing per interval (a mixin of ``Run``): agents log in and out at interval
boundaries to follow a group's headcount, and leave when a day is over.

When staffing drops, idle agents leave at once (the most recently idle first) and busy
ones when their contact (and wrap-up) ends; no contact is ever dropped. At a day's end
agents serve what still waits, then leave; the last day's agents stay until the system
is empty. Groups working shifts follow their roster instead (``workforce``).
"""

from __future__ import annotations

from .agents import Agent, AgentState
from .events import LOGIN, LOGOUT
from .state import RunState


class Headcount(RunState):
    """Staffing changes at boundaries and the day's close (state set up by ``Run``)."""

    __slots__ = ()

    def staffing_of(self, g, day: int, interval: int) -> int:
        """Agents to have logged in for a staffing-plan group (absentees taken out); none
        outside the calendar's opening hours."""
        calendar = self.plan.calendar
        if calendar is not None and not calendar.open_interval(day, interval):
            return 0
        initial = self.initial
        if day == 0 and initial is not None and initial.staffing is not None:  # a multi-day snapshot's day
            today = initial.staffing[g.index]
            if today is not None:
                return today[interval]
        if self.workforce is not None:
            return self.workforce.staffing_of(g, day, interval)
        return self.plan.agent_groups[g.index].staffing[interval]

    def log_in(self, g, now: float):
        """A new agent of g is present from *now*: it looks for work at once."""
        g.present += 1
        agent = self.new_agent(g, now)
        if self.workforce is not None:
            self.workforce.joined(agent, now)
        self.take_work(agent, g, now)
        return agent

    def new_agent(self, g, now: float):
        """An agent of g, numbered in order of login."""
        agent = Agent(g, len(self.agents), now)
        self.agents.append(agent)
        if self.sink is not None:
            self.sink(LOGIN, now, -1, -1, g.index, agent.number)
        return agent

    def send_home(self, g, now: float) -> None:
        """The most recently idle agent of g leaves now."""
        gone = g.idle.pop()
        g.present -= 1
        self.agent_off(gone, now)
        gone.state = AgentState.GONE
        if self.workforce is not None:
            self.workforce.left(gone)
        if self.sink is not None:
            self.sink(LOGOUT, now, -1, -1, g.index, gone.number)

    def set_staffing(self, g, target: int, now: float) -> None:
        diff = target - g.target
        g.target = target
        if diff > 0:
            cancelled = min(g.leaving, diff)
            g.leaving -= cancelled
            for _ in range(diff - cancelled):
                self.log_in(g, now)
        elif diff < 0:
            remove = -diff
            while remove and g.idle:
                self.send_home(g, now)
                remove -= 1
            g.leaving += remove
        g.log(now)

    def on_boundary(self, event) -> None:
        day, i = event._value
        now = self.env.now
        for g in self.groups:
            if g.rostered:
                if i == 0 and day > 0:
                    g.closing = False
                continue
            if i == 0 and day > 0:  # a new day opens; yesterday's last agents finish and go
                if g.closing:
                    g.closing = False
                    g.leaving = g.present
                    g.target = 0
                self.set_staffing(g, self.staffing_of(g, day, 0), now)
            else:
                target = self.staffing_of(g, day, i)
                if target != g.target:
                    self.set_staffing(g, target, now)

    def on_close(self, event) -> None:
        """A day's horizon ends: agents serve what still waits, then leave."""
        now = self.env.now
        for g in self.groups:
            g.closing = True
            g.target = 0
            g.leaving = 0
            while g.idle:
                self.send_home(g, now)
            g.log(now)
