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

import numpy as np

from ..plan import DAY_S, Plan
from ..streams import stream

AUX_MEAN_S = 600.0


class Workforce:
    def __init__(self, plan: Plan, env, groups, replication: int, take_work, new_agent):
        self.plan, self.env, self.groups = plan, env, groups
        self.take_work = take_work
        self.new_agent = new_agent  # (group, now) -> a new agent of the engine
        self.router = None  # general routing, when the scenario uses it (per-agent time)
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
                    for a in range(sh.headcount):
                        if absent[a]:
                            continue
                        breaks = sh.break_starts(a)
                        self._at(base + sh.start_s, self._login, (g, base, sh.end_s, breaks))

    def plan_agent(self, agent, logout_s: float | None, breaks: list[tuple[float, float]]) -> None:
        """A snapshot's agent of a shift group: its breaks still to come, its logout, its aux."""
        for start, length in breaks:
            self._at(start, self._due, (agent, ("break", length)))
        if logout_s is not None:
            self._at(logout_s, self._due, (agent, ("logout", 0.0)))
        self.joined(agent, self.env.now)

    def _aux_at(self, t: float, agent, length: float) -> None:
        """Plan an aux period; none after the last day's horizon (the run must end)."""
        if t < (self.plan.days - 1) * DAY_S + self.plan.horizon_s:
            self._at(t, self._due, (agent, ("aux", length)))

    def _at(self, t: float, fn, args) -> None:
        event = self.env.timeout(max(0.0, t - self.env.now), value=args)
        event.callbacks.append(lambda ev, fn=fn: fn(*ev._value))

    def _login(self, g, base, end_s, breaks) -> None:
        now = self.env.now
        agent = self.new_agent(g, now)
        g.closing = False  # a new day's first login may come before the day's opening event
        g.present += 1
        g.log(now)
        for start, length in breaks:
            self._at(base + start, self._due, (agent, ("break", length)))
        if end_s < self.plan.horizon_s:  # shifts to the horizon end stay until the system is empty
            self._at(base + end_s, self._due, (agent, ("logout", 0.0)))
        self.joined(agent, now)
        self.take_work(agent, g, now)

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
        agent.todo = ["gone"]

    def _due(self, agent, item) -> None:
        if agent.todo and agent.todo[0] == "gone":
            return
        g = agent.group
        if agent.todo is None:
            agent.todo = []
        agent.todo.append(item)
        if agent.away is None and agent in g.idle:  # idle: go now
            g.idle.remove(agent)
            self.do_next(agent, self.env.now)
        # busy or away: done when the contact ends / the agent is back

    def do_next(self, agent, now: float) -> None:
        """Act on the first thing due: go on break/aux, or log out."""
        g = agent.group
        kind, length = agent.todo.pop(0)
        if self.router is not None:
            self.router.agent_off(agent, now)
        if kind == "logout":
            g.present -= 1
            g.log(now)
            agent.todo = ["gone"]
            return
        g.present -= 1
        if kind == "break":
            g.on_break += 1
        else:
            g.on_aux += 1
        agent.away = kind
        g.log(now)
        self._at(now + length, self._back, (agent,))

    def _back(self, agent) -> None:
        now = self.env.now
        g = agent.group
        if agent.away == "break":
            g.on_break -= 1
        else:
            g.on_aux -= 1
            rng = self.aux_rng[g.index]
            aux = self.plan.agent_groups[g.index].aux
            self._aux_at(now + rng.exponential(AUX_MEAN_S * (1.0 - aux) / aux), agent,
                         rng.exponential(AUX_MEAN_S))
        agent.away = None
        g.present += 1
        g.log(now)
        if self.router is not None:
            self.router.agent_on(agent, now)
        if agent.todo and agent.todo[0] != "gone":
            self.do_next(agent, now)
        else:
            self.take_work(agent, g, now)

