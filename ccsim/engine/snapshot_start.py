"""Start a run from a snapshot of the centre (``ccsim.realtime``)."""

from __future__ import annotations

from heapq import heappush

from .agents import AgentState, Wake
from .events import ANSWER, BREAK_END, BREAK_START

_NORMAL = 1  # simpy.events.NORMAL priority


def start_from(run, initial) -> int:
    """Put the snapshot's agents and waiting callers in place at ``initial.start_s``.

    Agents busy with a contact are pushed on the heap for the end of its (residual) work;
    agents with chats open get them; agents on break come back at the break's end and then
    behave like an agent whose contact ended (they leave if the group is over its
    headcount by then). In a group working shifts each agent also gets its place's breaks
    still to come and its logout. Idle agents look for work first, then the waiting
    callers arrive in snapshot order (longest waiting first), so they are answered before
    any later caller of their type. Returns the number of the first contact still to arrive.
    """
    heap, eid = run.heap, run.eid
    t0 = float(initial.start_s)
    workforce = run.workforce
    sink = run.sink

    def back_from_break(event) -> None:
        agent = event._value
        g = agent.group
        now = run.env.now
        g.on_break -= 1
        g.present += 1
        g.log(now)
        agent.state = AgentState.WORKING
        run.agent_on(agent, now)
        if sink is not None:
            sink(BREAK_END, now, -1, -1, g.index, agent.number)
        run.freed(agent, now)  # leaves if the group is over its headcount by now

    back_callbacks = [back_from_break]
    for g, state in zip(run.groups, initial.groups, strict=True):
        g.target = state.target
        # A shift group's agents get their shift's breaks still to come and its logout.
        rosters = iter(state.rosters) if state.rosters is not None and workforce is not None else None

        def new_agent(g=g, rosters=rosters):
            agent = run.new_agent(g, t0)
            if rosters is not None:
                workforce.plan_agent(agent, *next(rosters))
            return agent

        for until in state.busy_until:
            g.present += 1
            agent = new_agent()
            agent.contact = -2  # a contact begun before the snapshot: not a contact of the run
            if sink is not None:
                sink(ANSWER, t0, -1, -1, g.index, agent.number)
            heappush(heap, (max(until, t0), _NORMAL, next(eid), agent))
        for chats in state.chats:
            g.present += 1
            agent = new_agent()
            if sink is not None:
                for _ in chats:
                    sink(ANSWER, t0, -1, -1, g.index, agent.number)
            run.open_snapshot_chats(agent, chats, t0)
        for until in state.break_until:
            g.on_break += 1
            agent = new_agent()
            run.agent_off(agent, t0)
            agent.state = AgentState.ON_BREAK
            if sink is not None:
                sink(BREAK_START, t0, -1, -1, g.index, agent.number)
            heappush(heap, (max(until, t0), _NORMAL, next(eid), Wake(back_callbacks, agent)))
        for _ in range(state.idle):
            g.present += 1
            run.take_work(new_agent(), g, t0)
        g.log(t0)
    lines, deadline = run.lines, run.deadline
    for c in range(initial.n_waiting):
        k = initial.ctype[c]
        if lines[k] and not run.has_journey[k]:
            run.take_line(k)
            run.hold_line(k, c, deadline[c])
        if not run.join(c, k, t0):
            run.queues[k].append(c)
    return initial.n_waiting
