"""Start the event loop from a snapshot of the centre (``ccsim.realtime``)."""

from __future__ import annotations

from heapq import heappush
from itertools import count

_NORMAL = 1  # simpy.events.NORMAL priority


def start_from(initial, env, groups, queues, take_work, release_callbacks, release, offer,
                has_journeys, journey_of, lines, in_system, hold_line, deadline, sink, make_agent,
               plan_agent=None, open_chats=None) -> int:
    """Put the snapshot's agents and waiting callers in place at ``initial.start_s``.

    Agents busy with a contact are pushed on the heap for the end of its (residual) work;
    agents with chats open get them (``open_chats``, general routing); agents on break
    come back at the break's end and then behave like an agent whose contact ended (they
    leave if the group is over its headcount by then). In a group working shifts each
    agent also gets its place's breaks still to come and its logout (``plan_agent``).
    Idle agents look for work first, then the waiting callers arrive in snapshot order
    (longest waiting first), so they are answered before any later caller of their type.
    Returns the index of the first contact still to arrive.
    """
    heap = env._queue
    eid = env._eid if hasattr(env, "_eid") else count()
    t0 = env._now = float(initial.start_s)

    def back_from_break(agent) -> None:
        agent.group.on_break -= 1
        agent.group.present += 1
        agent.group.log(env._now)
        if sink is not None:
            sink("break_end", env._now, -1, agent.group.index)
        release(agent)

    back_callbacks = [back_from_break]
    for g, state in zip(groups, initial.groups, strict=True):
        g.target = state.target
        # A shift group's agents get their shift's breaks still to come and its logout.
        rosters = iter(state.rosters) if state.rosters is not None and plan_agent is not None else None

        def new_agent(g=g, rosters=rosters):
            agent = make_agent(g, t0)
            if rosters is not None:
                plan_agent(agent, *next(rosters))
            return agent

        for until in state.busy_until:
            g.present += 1
            agent = new_agent()
            agent.callbacks = release_callbacks
            heappush(heap, (max(until, t0), _NORMAL, next(eid), agent))
        for chats in state.chats:
            g.present += 1
            open_chats(new_agent(), chats, t0)
        for until in state.break_until:
            g.on_break += 1
            agent = new_agent()
            agent.callbacks = back_callbacks
            heappush(heap, (max(until, t0), _NORMAL, next(eid), agent))
        for _ in range(state.idle):
            g.present += 1
            take_work(new_agent(), g, t0)
        g.log(t0)
    for c in range(initial.n_waiting):
        k = initial.ctype[c]
        if lines[k] and not (has_journeys and journey_of[k]):
            in_system[k] += 1
            hold_line(k, c, deadline[c])
        if not offer(c, k, t0):
            queues[k].append(c)
    return initial.n_waiting
