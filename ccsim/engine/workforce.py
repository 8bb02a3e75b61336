"""Workforce inside the event loop: shifts with breaks, absenteeism, aux time.

Only built when a group has shifts, absenteeism or aux. Rostered agents log in
at their shift's start and out at its end; breaks and aux periods fall due at
planned times but never interrupt a contact: what falls due while an agent is
busy waits in the agent's ``todo`` until the contact (and wrap-up) ends, and an
idle agent goes at once. An agent whose shift runs to the horizon end stays
until the system is empty, like the agents of a staffing plan.

Absenteeism: a rostered agent is absent for the day with the group's
probability (its own random stream). For a group given as staffing per
interval, the same share of agents is missing all day: each day draws the
number of absent agents out of the peak headcount, and every interval loses
that share.

Aux: unplanned unavailable time, ``aux`` of present time on average, in
periods of 10 minutes on average (exponential lengths and exponential gaps).
"""

from __future__ import annotations

from heapq import heappush

import numpy as np

from ..plan import DAY_S, Plan
from ..plan.streams import stream
from .agents import AgentState, Due, Wake
from .events import AUX_END, AUX_START, BREAK_END, BREAK_START, LOGOUT

AUX_MEAN_S = 600.0


class Workforce:
    """Rosters, absenteeism and aux time of one replication (built by ``Run`` when used)."""

    def __init__(self, plan: Plan, run, replication: int):
        self.plan, self.run, self.env = plan, run, run.env
        self.groups = run.groups
        self.replication = replication
        self.aux_rng = [stream(plan.seed, replication, f"aux/{gp.name}") if gp.aux > 0 else None
                        for gp in plan.agent_groups]
        # Staffing-plan groups: the share of agents absent each day.
        self.present_share = []
        for gp in plan.agent_groups:
            shares = np.ones(plan.days)
            if gp.shifts is None and gp.absenteeism > 0:
                peak = max(int(max(gp.staffing)), 1)
                rng = stream(plan.seed, replication, f"absenteeism/{gp.name}")
                shares = 1.0 - rng.binomial(peak, gp.absenteeism, plan.days) / peak
            self.present_share.append(shares)

    def staffing_of(self, g, day: int, interval: int) -> int:
        """Agents to have logged in for a staffing-plan group (absentees taken out)."""
        gp = self.plan.agent_groups[g.index]
        return int(round(gp.staffing[interval] * self.present_share[g.index][day]))

    # --- rosters ---------------------------------------------------------------------------

    def start(self, running_from: float | None = None) -> None:
        """Log the roster in. *running_from*: a snapshot's time; the shifts on by then are
        left out (their agents come from the snapshot, see ``plan_agent``)."""
        plan = self.plan
        for gp, g in zip(plan.agent_groups, self.groups, strict=True):
            if gp.shifts is None:
                continue
            rng = stream(plan.seed, self.replication, f"absenteeism/{gp.name}")
            for day in range(plan.days):
                base = day * DAY_S
                for sh in gp.shifts:
                    absent = rng.random(sh.headcount) < gp.absenteeism
                    if running_from is not None and day == 0 and sh.start_s <= running_from:
                        continue
                    start_s, end_s = sh.start_s, sh.end_s
                    if plan.calendar is not None:  # the day's opening hours (after the draws: CRN)
                        start_s, end_s = open_part(plan.calendar.hours[day], start_s, end_s)
                        if end_s <= start_s:
                            continue
                    for a in range(sh.headcount):
                        if absent[a]:
                            continue
                        breaks = sh.break_starts(a)
                        if plan.calendar is not None:
                            breaks = [(b, n) for b, n in breaks if b >= start_s and b + n <= end_s]
                        self._at(base + start_s, self._login, (g, base, end_s, breaks))

    def plan_agent(self, agent, logout_s: float | None, breaks: list[tuple[float, float]]) -> None:
        """A snapshot's agent of a shift group: its breaks still to come, its logout, its aux."""
        for start, length in breaks:
            self._at(start, self._due, (agent, (Due.BREAK, length)))
        if logout_s is not None:
            self._at(logout_s, self._due, (agent, (Due.LOGOUT, 0.0)))
        self.joined(agent, self.env.now)

    def _aux_at(self, t: float, agent, length: float) -> None:
        """Plan an aux period; none after the last day's horizon (the run must end)."""
        if t < (self.plan.days - 1) * DAY_S + self.plan.horizon_s:
            self._at(t, self._due, (agent, (Due.AUX, length)))

    def _at(self, t: float, fn, args) -> None:
        """Call fn(*args) at time t (now if t is past), as a SimPy timeout would schedule it."""
        now = self.env.now
        heappush(self.run.heap, (now + max(0.0, t - now), 1, next(self.run.eid), Wake([_Call(fn)], args)))

    def _login(self, g, base, end_s, breaks) -> None:
        now = self.env.now
        agent = self.run.new_agent(g, now)
        g.closing = False  # a new day's first login may come before the day's opening event
        g.present += 1
        g.log(now)
        for start, length in breaks:
            self._at(base + start, self._due, (agent, (Due.BREAK, length)))
        if end_s < self.plan.horizon_s:  # shifts to the horizon end stay until the system is empty
            self._at(base + end_s, self._due, (agent, (Due.LOGOUT, 0.0)))
        self.joined(agent, now)
        self.run.take_work(agent, g, now)

    # --- anything that falls due: break, aux, logout ------------------------------------------

    def joined(self, agent, now: float) -> None:
        """An agent logged in: plan its first aux period if the group has aux time."""
        rng = self.aux_rng[agent.group.index]
        if rng is not None:
            aux = self.plan.agent_groups[agent.group.index].aux
            gap = rng.exponential(AUX_MEAN_S * (1.0 - aux) / aux)
            self._aux_at(now + gap, agent, rng.exponential(AUX_MEAN_S))

    def left(self, agent) -> None:
        """An agent left through a staffing drop: nothing more falls due for it."""
        agent.state = AgentState.GONE

    def _due(self, agent, item) -> None:
        if agent.state == AgentState.GONE:
            return
        g = agent.group
        if agent.todo is None:
            agent.todo = []
        agent.todo.append(item)
        if agent.state == AgentState.WORKING and agent in g.idle:  # idle: go now
            g.idle.remove(agent)
            self.do_next(agent, self.env.now)
        # busy or away: done when the contact ends / the agent is back

    def do_next(self, agent, now: float) -> None:
        """Act on the first thing due: go on break/aux, or log out."""
        g = agent.group
        kind, length = agent.todo.pop(0)
        run = self.run
        run.agent_off(agent, now)
        g.present -= 1
        sink = run.sink
        if kind == Due.LOGOUT:
            g.log(now)
            agent.state = AgentState.GONE
            if sink is not None:
                sink(LOGOUT, now, -1, -1, g.index, agent.number)
            return
        if kind == Due.BREAK:
            g.on_break += 1
            agent.state = AgentState.ON_BREAK
        else:
            g.on_aux += 1
            agent.state = AgentState.ON_AUX
        g.log(now)
        if sink is not None:
            sink(BREAK_START if kind == Due.BREAK else AUX_START, now, -1, -1, g.index, agent.number)
        self._at(now + length, self._back, (agent,))

    def _back(self, agent) -> None:
        now = self.env.now
        g = agent.group
        run = self.run
        if agent.state == AgentState.ON_BREAK:
            g.on_break -= 1
            kind = BREAK_END
        else:
            g.on_aux -= 1
            kind = AUX_END
            rng = self.aux_rng[g.index]
            aux = self.plan.agent_groups[g.index].aux
            self._aux_at(now + rng.exponential(AUX_MEAN_S * (1.0 - aux) / aux), agent,
                         rng.exponential(AUX_MEAN_S))
        agent.state = AgentState.WORKING
        g.present += 1
        g.log(now)
        run.agent_on(agent, now)
        if run.sink is not None:
            run.sink(kind, now, -1, -1, g.index, agent.number)
        if agent.todo:
            self.do_next(agent, now)
        else:
            run.take_work(agent, g, now)


class _Call:
    """Callback of a workforce heap entry: call fn with the entry's arguments."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, event) -> None:
        self.fn(*event._value)


def open_part(hours: tuple[float, float] | None, start_s: float, end_s: float) -> tuple[float, float]:
    """The part of a shift [start_s, end_s) inside a day's opening *hours* (empty if closed)."""
    if hours is None:
        return start_s, start_s
    return max(start_s, hours[0]), min(end_s, hours[1])
