"""Contact selection and agent selection: small plain functions, chosen per group and per
contact type when the run is built.

*Contact selection* (what a freed agent of a group takes): ``select(run, agent, g, now)``
starts the contacts it picks and returns nothing; the dispatcher looks at the agent
afterwards.

* ``first_waiting`` — the foundation's rule: the group's skills in priority order, the
  longest-waiting contact of the first skill with anyone waiting. Every group whose
  skills are voice at distinct levels, with no reserve, overflow delay or handle-time
  factor, uses it; it is the per-call hot path, written out flat.
* ``voice_levels`` — ``by_level`` for a group of calls and emails (no chat, no reserve).
* ``by_level`` — everything else composed: skills of equal level share one queue
  discipline by *queue key* (queue entry minus the type's ``priority_boost``; with
  ``routing: longest_idle_agent`` all skills are one level), a ``reserve`` kept for other
  skills, overflow delays (a group may take a contact once it has waited the group's
  delay), the channel rules (one call or email, or chats up to the concurrency, calls
  beside chats with ``voice_with_chat``), and deferrable email after everything else.

* ``weighted_wait`` — ``contact_selection: longest_weighted_wait``: levels ignored, the head
  contact with the longest wait x the group's weight for its type (``wait_weights``, 1 by
  default; ``priority_boost`` counts as wait); emails after everything, by level.
* ``longest_queue`` — ``contact_selection: longest_queue``: levels ignored, the head of the
  skill with the most contacts still waiting (ties: the earlier in the group's skills);
  emails after everything, by level. Counting a queue's live contacts costs its length.

*Agent selection* (who takes an arriving contact): ``offer(run, c, k, now) -> bool``.

* ``longest_idle`` — the foundation's rule: the free agent idle longest among the groups
  that have the skill (the hot path, flat).
* ``voice_offer`` — ``general_offer`` for a call that no blended group takes.
* ``general_offer`` — with delays, reserves, emails only in opening hours, a chat to an
  idle agent first, else to the agent with the fewest chats open, a call to a chatting
  agent of a blended group; overflow timers for contacts no group may take yet.
* ``random_offer`` — ``agent_selection: random``: one of the free agents of the groups
  allowed to take the contact now, each equally likely (its type's own random stream);
  with none free, as ``general_offer``.
* ``rank_offer`` — ``agent_selection: rank``: the groups in tiers of equal rank, best first
  (ContactCenters' routers with ordered type-to-group lists); within the first tier with a
  free agent allowed to take the contact now, the one idle longest; with none free, as
  ``general_offer``.
"""

from __future__ import annotations

import numpy as np

VOICE, CHAT, EMAIL = 0, 1, 2
CHANNELS = {"voice": VOICE, "chat": CHAT, "email": EMAIL}


class Choice:
    """One skill of a group as the selection sees it."""

    __slots__ = ("queue", "k", "channel", "delay", "reserve_other", "boost", "factor", "serves")

    def __init__(self, queue, k: int, channel: int, delay: float, reserve_other: int, boost: float, factor: float):
        self.queue, self.k, self.channel = queue, k, channel
        self.delay = delay  # s the contact must have waited before this group may take it
        self.reserve_other = reserve_other  # idle colleagues needed to take it (reserves kept for others)
        self.boost = boost  # s of head start of its type in a shared discipline
        self.factor = factor  # handle-time factor of the group for it
        # Taking it is just Dispatch.serve (no factor to apply, no chats on the group): set
        # when the group is built; the selectors then call serve() without start().
        self.serves = False


def is_voice_group(plan, gp) -> bool:
    """Are all of the group's skills calls (or emails), with no reserve and no chats?"""
    return (not gp.voice_with_chat and not any(gp.reserve)
            and all(plan.contact_types[k].channel != "chat" for k in gp.skill_indices))


def is_plain_group(plan, gp) -> bool:
    """Does the foundation's rule (``first_waiting``) select exactly as ``by_level`` would?"""
    if plan.routing == "longest_idle_agent" and len(gp.skill_indices) > 1:
        return False
    if len(set(gp.levels)) != len(gp.levels) or gp.voice_with_chat:
        return False
    if any(plan.contact_types[k].channel != "voice" for k in gp.skill_indices):
        return False
    return not (any(f != 1.0 for f in gp.factor) or any(gp.reserve) or any(gp.delay))


# --- contact selection -----------------------------------------------------------------------


def first_waiting(run, agent, g, now: float) -> None:
    """The foundation's rule, flat: the first live contact of the first non-empty queue."""
    deadline = run.deadline
    for qi, q in enumerate(g.queues):
        while q:
            c = q.popleft()
            if deadline[c] > now:
                run.serve(c, g.queue_types[qi], g, agent, now)
                return
            # else: its patience ran out before an agent came; abandoned at its deadline
            if run.sink is not None:
                run.abandoned(c)


def voice_levels(run, agent, g, now: float) -> None:
    """``by_level`` for a group without chats or reserves: the first level with a call it may
    take gives the one with the earliest queue key, else (in opening hours) an email the
    same way; one call or email takes the whole agent."""
    if levels_pick(run, agent, g.choices, now) or not g.emails or not run.email_open(g, now):
        return
    levels_pick(run, agent, g.emails, now)


def levels_pick(run, agent, levels, now: float) -> bool:
    """Start the contact of the first level that has one the agent may take (voice_levels)."""
    entry = run.entry
    for level in levels:
        best, best_key, best_choice = None, 0.0, None
        for choice in level:
            q = choice.queue
            if not q:
                continue
            c = run.head(q, now)
            if c is None or now < entry[c] + choice.delay:
                continue
            key = entry[c] - choice.boost
            if best is None or key < best_key:
                best, best_key, best_choice = c, key, choice
        if best_choice is not None:
            best_choice.queue.popleft()
            if best_choice.serves:  # start() inlined: a call or an email, nothing to scale
                run.serve(best, best_choice.k, agent.group, agent, now)
                agent.channel = best_choice.channel
            else:
                run.start(best, best_choice, agent, now)
            return True
    return False


def by_level(run, agent, g, now: float) -> None:
    """Take what the group's levels give the agent, as long as it has room; then email."""
    while True:
        picked = pick(run, agent, g, now, g.choices)
        if picked is None and g.emails and run.email_open(g, now):
            picked = pick(run, agent, g, now, g.emails)
        if picked is None:
            return
        c, choice = picked
        choice.queue.popleft()
        run.start(c, choice, agent, now)
        if agent.contact >= 0 and (not g.blended or agent.channel != VOICE):
            return  # a call or an email takes the whole agent


def pick(run, agent, g, now: float, levels) -> tuple | None:
    """The (contact, choice) the agent takes from *levels*, or None."""
    entry = run.entry
    idle = len(g.idle)
    solo = agent.contact
    chats = agent.chats
    can_voice = solo < 0 and (not chats or g.blended)
    can_chat = solo < 0 or (g.blended and agent.channel == VOICE)
    n_chats = len(chats)
    cap = agent.room
    concurrency = run.concurrency
    for level in levels:
        best, best_key, best_choice = None, 0.0, None
        for choice in level:
            ch = choice.channel
            if ch == VOICE:
                if not can_voice:
                    continue
            elif ch == CHAT:
                if not can_chat or n_chats >= cap or n_chats >= concurrency[choice.k]:
                    continue
            elif solo >= 0 or chats:
                continue
            if choice.reserve_other > idle or not choice.queue:
                continue
            c = run.head(choice.queue, now)
            if c is None or now < entry[c] + choice.delay:  # (the overflow timer's own sum: exact at it)
                continue
            key = entry[c] - choice.boost
            if best is None or key < best_key:
                best, best_key, best_choice = c, key, choice
        if best is not None:
            return best, best_choice
    return None


def weighted_wait(run, agent, g, now: float) -> None:
    """ContactCenters' longest-weighted-waiting-time router, as a freed agent's choice."""
    scored_pick(run, agent, g, now, False)


def longest_queue(run, agent, g, now: float) -> None:
    """ContactCenters' longest-queue-first router, as a freed agent's choice."""
    scored_pick(run, agent, g, now, True)


def scored_pick(run, agent, g, now: float, by_queue: bool) -> None:
    """Take the best-scored contact the agent may take (``by_level``'s channel rules, delays and
    reserves), as long as it has room; then email by level."""
    items = run.scored[g.index]
    while True:
        picked = best_scored(run, agent, g, now, items, by_queue)
        if picked is None and g.emails and run.email_open(g, now):
            picked = pick(run, agent, g, now, g.emails)
        if picked is None:
            return
        c, choice = picked
        choice.queue.popleft()
        run.start(c, choice, agent, now)
        if agent.contact >= 0 and (not g.blended or agent.channel != VOICE):
            return  # a call takes the whole agent


def best_scored(run, agent, g, now: float, items, by_queue: bool) -> tuple | None:
    """The (head contact, choice) of the skill with the best score: its live queue length
    (by_queue), else its head's (wait + boost) x weight; ties go to the earlier skill."""
    entry, deadline = run.entry, run.deadline
    idle = len(g.idle)
    solo, chats = agent.contact, agent.chats
    can_voice = solo < 0 and (not chats or g.blended)
    can_chat = solo < 0 or (g.blended and agent.channel == VOICE)
    n_chats, cap, concurrency = len(chats), agent.room, run.concurrency
    best, best_choice, best_score = None, None, 0.0
    for choice, weight in items:
        if choice.channel == VOICE:
            if not can_voice:
                continue
        elif not can_chat or n_chats >= cap or n_chats >= concurrency[choice.k]:
            continue
        if choice.reserve_other > idle or not choice.queue:
            continue
        c = run.head(choice.queue, now)
        if c is None or now < entry[c] + choice.delay:
            continue
        if by_queue:
            score = float(sum(1 for x in choice.queue if deadline[x] > now))
        else:
            score = (now - entry[c] + choice.boost) * weight
        if best is None or score > best_score:
            best, best_choice, best_score = c, choice, score
    return None if best is None else (best, best_choice)


# --- agent selection -------------------------------------------------------------------------


class Uniforms:
    """Uniforms on [0, 1) from one generator, drawn in blocks (one numpy call per BLOCK
    numbers: a numpy scalar per call costs about twenty times more than a list item)."""

    __slots__ = ("rng", "block", "pos")
    BLOCK = 1024

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.block: list[float] = []
        self.pos = 0

    def next(self) -> float:
        if self.pos == len(self.block):
            self.block = self.rng.random(self.BLOCK).tolist()
            self.pos = 0
        u = self.block[self.pos]
        self.pos += 1
        return u


def longest_idle(run, c: int, k: int, now: float, schedule: bool = True) -> bool:
    """Give contact c to the free agent idle longest among its groups, if any."""
    best = None
    for g in run.groups_of[k]:
        if g.idle:
            a = g.idle[0]
            if best is None or a.idle_since < best.idle_since:
                best = a
    if best is None:
        return False
    g = best.group
    g.idle.popleft()
    run.serve(c, k, g, best, now)
    return True


def voice_offer(run, c: int, k: int, now: float, schedule: bool = True) -> bool:
    """``general_offer`` for a call no blended group takes: the free agent idle longest among
    the groups allowed to take it now (delays, reserves); else its overflow timers."""
    entry = run.entry[c]
    best, best_choice = None, None
    for g, choice in run.offer_to[k]:
        if now < entry + choice.delay:
            continue
        idle = g.idle
        if idle and len(idle) > choice.reserve_other:
            a = idle[0]
            if best is None or a.idle_since < best.idle_since:
                best, best_choice = a, choice
    if best is None:
        if schedule and run.has_delay[k]:
            run.schedule_overflow(c, k, now)
        return False
    g = best.group
    g.idle.popleft()
    if best_choice.serves:  # type: ignore[union-attr]  # start() inlined: a call, nothing to scale
        run.serve(c, k, g, best, now)
        best.channel = best_choice.channel  # type: ignore[union-attr]  # (set with best)
    else:
        run.start(c, best_choice, best, now)
    return True


def general_offer(run, c: int, k: int, now: float, schedule: bool = True) -> bool:
    """Give contact c to a free agent allowed to take it now; schedule its overflow if none
    (unless *schedule* is false: a waiting contact offered again when a delay ran out)."""
    ch = run.channel[k]
    entry = run.entry[c]  # a group with delay d may take it from entry + d on, the time its timer fires
    best, best_choice = None, None
    offer_to = run.offer_to[k]
    for g, choice in offer_to:
        if now < entry + choice.delay:
            continue
        if ch == EMAIL and not run.email_open(g, now):
            continue
        if g.idle and len(g.idle) > choice.reserve_other:
            a = g.idle[0]
            if best is None or a.idle_since < best.idle_since:
                best, best_choice = a, choice
    if best is not None:
        best.group.idle.popleft()
    elif ch == CHAT:
        fewest = None
        concurrency = run.concurrency[k]
        for g, choice in offer_to:
            if now < entry + choice.delay or len(g.idle) < choice.reserve_other:
                continue
            for a in g.chat_open:
                if a.todo or a.draining:
                    continue
                n = len(a.chats)
                if n < concurrency and n < a.room and (fewest is None or n < fewest):
                    best, best_choice, fewest = a, choice, n
                    if n == 1:
                        break
    elif ch == VOICE:
        for g, choice in offer_to:
            if g.call_open and now >= entry + choice.delay and len(g.idle) >= choice.reserve_other:
                for a in g.call_open:
                    if not (a.todo or a.draining):
                        best, best_choice = a, choice
                        break
                if best is not None:
                    break
    if best is None:
        if schedule and run.has_delay[k]:
            run.schedule_overflow(c, k, now)
        return False
    run.start(c, best_choice, best, now)
    return True


def random_offer(run, c: int, k: int, now: float, schedule: bool = True) -> bool:
    """Give contact c to a free agent drawn uniformly among all free agents of the groups
    allowed to take it now (delays, reserves, emails in opening hours); with none free, as
    ``general_offer`` (a chat to a chatting agent, a call to a blended one, overflow timers)."""
    offer_to = run.offer_to[k]
    total = 0
    if run.offer_open[k]:
        # Every group of the type may take it now (no delay, reserve or email hours): count
        # their free agents only, with no list of the allowed (the per-call path).
        for g, _ in offer_to:
            total += len(g.idle)
        allowed = offer_to
    else:
        ch = run.channel[k]
        entry = run.entry[c]
        allowed = []
        for g, choice in offer_to:
            if now < entry + choice.delay:
                continue
            if ch == EMAIL and not run.email_open(g, now):
                continue
            n = len(g.idle)
            if n and n > choice.reserve_other:
                allowed.append((g, choice))
                total += n
    if not total:
        return no_agent_free(run, c, k, now, schedule)
    # Uniforms.next inlined. u < 1, but u * total may round up to total: the last agent then.
    draws = run.agent_draws[k]
    if draws.pos == len(draws.block):
        draws.block = draws.rng.random(draws.BLOCK).tolist()
        draws.pos = 0
    i = int(draws.block[draws.pos] * total)
    draws.pos += 1
    if i >= total:
        i = total - 1
    for g, choice in allowed:  # noqa: B007  (the group the i-th free agent belongs to, and its choice)
        idle = g.idle
        n = len(idle)
        if i < n:
            break
        i -= n
    agent = idle[i]
    del idle[i]  # the others keep their order (longest idle first)
    if choice.serves:  # start() inlined: a call or an email, nothing to scale
        run.serve(c, k, g, agent, now)
        agent.channel = choice.channel
    else:
        run.start(c, choice, agent, now)
    return True


def no_agent_free(run, c: int, k: int, now: float, schedule: bool) -> bool:
    """No free agent may take contact c (random_offer, rank_offer): as ``general_offer``
    then — which, for a type no chat or blended group could take beside its work, only
    schedules the overflow timers (so the groups are not looked at a second time)."""
    if run.offer_fallback[k]:
        return general_offer(run, c, k, now, schedule)
    if schedule and run.has_delay[k]:
        run.schedule_overflow(c, k, now)
    return False


def rank_offer(run, c: int, k: int, now: float, schedule: bool = True) -> bool:
    """Give contact c to the longest-idle free agent of the best-ranked tier of groups that has
    one allowed to take it now (delays, reserves, emails in opening hours); with none free in
    any tier, as ``general_offer`` (a chat to a chatting agent, a call to a blended one,
    overflow timers)."""
    ch = run.channel[k]
    entry = run.entry[c]
    for tier in run.rank_tiers[k]:
        best, best_choice = None, None
        for g, choice in tier:
            if now < entry + choice.delay:
                continue
            if ch == EMAIL and not run.email_open(g, now):
                continue
            idle = g.idle
            if idle and len(idle) > choice.reserve_other:
                a = idle[0]
                if best is None or a.idle_since < best.idle_since:
                    best, best_choice = a, choice
        if best is not None:
            best.group.idle.popleft()
            run.start(c, best_choice, best, now)
            return True
    return no_agent_free(run, c, k, now, schedule)
