"""Agents lent by inbound groups to an outbound campaign on the inbound service level
(ContactCenters' AGENTSMOVE dialer, after SER's SmartAgent Manager): one ``AgentMover`` per
outbound type whose dialer has ``agents_move``.

Every ``every`` seconds of the dialer's hours the mover measures the inbound service level over
the last ``window``: the first attempts of the lending groups' inbound types that ended in it —
answered (good when within their type's threshold), hung up after the threshold, or blocked
(bad); a caller who hung up within the threshold is not counted, as ContactCenters counts it.
Above ``to_outbound_above`` one idle agent of a lending group moves to a receiving group; below
``to_inbound_below`` one lent agent comes back — at once if idle, else when its call ends. At the
dialer's close every lent agent comes back.

A move is a log-out from one group and a log-in to the other (the event stream and the
per-agent statistics see two agents, one per group); the groups' scheduled staffing is not
touched, so a staffing change still applies to a group as the plan says.
"""

from __future__ import annotations

from heapq import heappush

from .agents import AgentState, Wake
from .events import LOGOUT
from .records import BLOCKED

_NORMAL = 1  # simpy.events.NORMAL priority


class AgentMover:
    """Lends agents of the lending groups to the campaign's groups (see the module docstring)."""

    __slots__ = ("run", "mp", "lend", "to", "measured", "threshold", "next_row", "open_rows", "ends", "lent",
                 "returning", "enabled", "callbacks", "end_s", "moves")

    def __init__(self, run, k: int):
        plan = run.plan
        mp = self.mp = plan.contact_types[k].outbound.agents_move
        self.run = run
        self.lend = [run.groups[i] for i in mp.lend]
        self.to = [run.groups[i] for i in mp.to]
        types = plan.contact_types
        measured = {t for i in mp.lend for t in plan.agent_groups[i].skill_indices
                    if types[t].outbound is None and types[t].channel != "email"}
        self.measured = [t in measured for t in range(len(types))]
        self.threshold = [ct.sl_threshold for ct in types]
        self.next_row = 0  # first attempts (in arrival order) not looked at yet
        self.open_rows: list[int] = []  # measured calls arrived and not ended yet
        self.ends: list[tuple[float, bool]] = []  # (when, in time) of measured calls ended lately
        self.lent: list = []  # agents now in a receiving group, lent by a lending one: (agent, home)
        self.returning: dict = {}  # lent agents to bring back when their call ends -> home group
        self.enabled = False
        self.callbacks = [self.tick]
        self.end_s = 0.0
        self.moves = 0
        for g in self.to:
            g.movers.append(self)

    # --- the dialer's hours ----------------------------------------------------------------------

    def open(self, now: float, end_s: float) -> None:
        self.enabled = True
        self.end_s = end_s
        self.schedule(now)

    def close(self, now: float) -> None:
        """The dialer closes: every lent agent comes back (the busy ones when their call ends)."""
        self.enabled = False
        for agent, home in list(self.lent):
            self.bring_back(agent, home, now)

    def schedule(self, now: float) -> None:
        t = now + self.mp.every_s
        if t < self.end_s:
            run = self.run
            heappush(run.heap, (t, _NORMAL, next(run.eid), Wake(self.callbacks, None)))

    # --- measuring and deciding ------------------------------------------------------------------

    def service_level(self, now: float) -> float:
        """The inbound service level over the last window (1 when nothing ended in it)."""
        run = self.run
        arrival, ctype, measured = run.arrival, run.ctype, self.measured
        n_first = run.contacts.n_first
        i = self.next_row
        while i < n_first and arrival[i] <= now:
            if measured[ctype[i]]:
                self.open_rows.append(i)
            i += 1
        self.next_row = i
        answer, entry, deadline, fate, threshold = run.answer, run.entry, run.deadline, run.fate, self.threshold
        ends, still = self.ends, []
        for c in self.open_rows:
            a = answer[c]
            if a == a:
                ends.append((a, a - entry[c] <= threshold[ctype[c]]))
            elif fate[c] == BLOCKED:
                ends.append((arrival[c], False))
            elif fate[c]:
                continue  # balked, resolved in the IVR, ...: not counted
            elif deadline[c] <= now:
                if deadline[c] - entry[c] > threshold[ctype[c]]:
                    ends.append((deadline[c], False))
            else:
                still.append(c)
        self.open_rows = still
        since = now - self.mp.window_s
        self.ends = ends = [e for e in ends if e[0] > since]
        return sum(1 for _, good in ends if good) / len(ends) if ends else 1.0

    def tick(self, event) -> None:
        if not self.enabled:
            return
        now = self.run.env.now
        sl = self.service_level(now)
        if sl > self.mp.above:
            self.lend_one(now)
        elif sl < self.mp.below and self.lent:
            agent, home = next(((a, h) for a, h in self.lent if a.contact < 0 and a in a.group.idle), self.lent[0])
            self.bring_back(agent, home, now)
        self.schedule(now)

    # --- moving agents ---------------------------------------------------------------------------

    def lend_one(self, now: float) -> None:
        """Move one idle agent of the lending groups to the receiving group with the fewest idle."""
        mp = self.mp
        idle_in = sum(len(g.idle) for g in self.lend)
        if idle_in < mp.keep_idle_inbound + 1 or sum(len(g.idle) for g in self.to) >= mp.max_idle_outbound:
            return
        src = max(self.lend, key=lambda g: len(g.idle))
        dst = min(self.to, key=lambda g: len(g.idle))
        if src.closing or dst.closing:
            return
        agent = src.idle.pop()  # the most recently idle
        self.log_out(agent, src, now)
        self.moves += 1
        self.lent.append((self.run.log_in(dst, now), src))
        dst.log(now)

    def bring_back(self, agent, home, now: float) -> None:
        """A lent agent goes back to its group: now if idle, else when its call ends."""
        g = agent.group
        if agent.state == AgentState.GONE:
            self.lent.remove((agent, home))
            return
        if agent.contact >= 0 or agent.chats or agent not in g.idle:
            self.returning[agent] = home
            return
        g.idle.remove(agent)
        self.swap(agent, home, now)

    def reclaims(self, agent, g, now: float) -> bool:
        """``take_work`` asks: is this freed agent coming back to its group? (then it goes)"""
        home = self.returning.pop(agent, None)
        if home is None:
            return False
        self.swap(agent, home, now)
        return True

    def swap(self, agent, home, now: float) -> None:
        self.lent.remove((agent, home))
        self.log_out(agent, agent.group, now)
        self.moves += 1
        self.run.log_in(home, now)
        home.log(now)

    def log_out(self, agent, g, now: float) -> None:
        """The agent leaves group g (not the day: a log-in elsewhere follows)."""
        run = self.run
        g.present -= 1
        g.log(now)
        run.agent_off(agent, now)
        agent.state = AgentState.GONE
        if run.sink is not None:
            run.sink(LOGOUT, now, -1, -1, g.index, agent.number)
