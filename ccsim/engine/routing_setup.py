"""Routing set-up (a mixin of ``Run``): the queues, the groups as the selection sees them, and
the contact and agent selection chosen per group and per type when the run is built
(``selectors``): the foundation's rule where it selects exactly as the general one would (the
hot path), else the general one, random, by rank, by weighted wait or by queue length."""

from __future__ import annotations

from collections import deque
from typing import Any

from ..plan import Plan
from ..plan.streams import stream
from .agents import GroupState
from .chats import MAX_CHATS
from .selectors import (
    CHANNELS,
    EMAIL,
    Choice,
    Uniforms,
    by_level,
    first_waiting,
    general_offer,
    is_plain_group,
    is_voice_group,
    longest_idle,
    longest_queue,
    random_offer,
    rank_offer,
    voice_levels,
    voice_offer,
    weighted_wait,
)
from .state import RunState


class RoutingSetup(RunState):
    """Builds the run's queues, groups and selectors (state declared in ``RunState``)."""

    __slots__ = ()

    def set_up_routing(self, plan: Plan, replication: int) -> None:
        types = plan.contact_types
        n_types = len(types)
        run: Any = self  # writes the run's slots (declared in RunState, made by Run)
        # Queues, groups, and each group's skills as the selection sees them.
        run.queues = [deque() for _ in range(n_types)]
        run.groups = [GroupState(g.index, [run.queues[k] for k in g.skill_indices], list(g.skill_indices))
                       for g in plan.agent_groups]
        run.groups_of = [[run.groups[i] for i in ct.group_indices] for ct in types]
        run.channel = [CHANNELS[ct.channel] for ct in types]
        run.concurrency = [ct.concurrency for ct in types]
        # Multipliers by chats open on the agent, up to the most any chat type allows (an agent
        # may hold chats of several types: each progresses by its own type's list, last value on).
        run.slowdown = [list(ct.slowdown) + [ct.slowdown[-1]] * (MAX_CHATS - len(ct.slowdown)) for ct in types]
        run.any_chat = any(ct.channel == "chat" for ct in types)
        run.offer_to = [[] for _ in types]
        run.choice_of = []
        run.has_delay = [False] * n_types
        delays: list[set] = [set() for _ in types]
        longest_idle_policy = plan.routing == "longest_idle_agent"
        for gp, g in zip(plan.agent_groups, run.groups, strict=True):
            total_reserve = sum(gp.reserve)
            levels: dict[int, list] = {}
            email_levels: dict[int, list] = {}
            mine = {}
            for j, k in enumerate(gp.skill_indices):
                choice = Choice(run.queues[k], k, run.channel[k], gp.delay[j], total_reserve - gp.reserve[j],
                                types[k].priority_boost, gp.factor[j])
                level = 1 if longest_idle_policy else gp.levels[j]
                (email_levels if choice.channel == EMAIL else levels).setdefault(level, []).append(choice)
                run.offer_to[k].append((g, choice))
                mine[k] = choice
                if choice.delay > 0:
                    run.has_delay[k] = True
                    delays[k].add(choice.delay)
            run.choice_of.append(mine)
            g.choices = [levels[v] for v in sorted(levels)]
            g.emails = [email_levels[v] for v in sorted(email_levels)]
            chats = [run.concurrency[k] for k in gp.skill_indices if run.channel[k] == CHANNELS["chat"]]
            g.max_chats = max(chats) if chats else 0
            g.blended = gp.voice_with_chat
            for choice in mine.values():
                choice.serves = choice.factor == 1.0 and not g.max_chats
            g.plain = is_plain_group(plan, gp)
        run.delays = [sorted(d) for d in delays]
        # Contact selection per group, agent selection per type: the foundation's rule where
        # it selects exactly as the general one would (the hot path), else the general one.
        run.select = [first_waiting if g.plain else voice_levels if is_voice_group(plan, gp) else by_level
                       for g, gp in zip(run.groups, plan.agent_groups, strict=True)]
        # contact_selection: longest weighted wait or longest queue — a scored selector over the
        # group's calls and chats (levels ignored; emails after them by level), never the hot path.
        run.scored = [None] * len(run.groups)
        for gp, g in zip(plan.agent_groups, run.groups, strict=True):
            if gp.contact_selection != "routing":
                weight = dict(zip(gp.skill_indices, gp.wait_weights, strict=True))
                run.scored[g.index] = [(choice, weight[k]) for k, choice in run.choice_of[g.index].items()
                                        if choice.channel != EMAIL]
                run.select[g.index] = weighted_wait if gp.contact_selection == "longest_weighted_wait" \
                    else longest_queue
                g.plain = False
        run.plain_offer = [
            run.channel[k] == CHANNELS["voice"] and all(
                choice.delay == 0 and choice.reserve_other == 0 and choice.factor == 1.0 and not g.blended
                for g, choice in run.offer_to[k])
            for k in range(n_types)]
        voice_only = [run.channel[k] == CHANNELS["voice"] and not any(g.blended for g, _ in run.offer_to[k])
                      for k in range(n_types)]
        run.offer_of = [longest_idle if plain else voice_offer if voice else general_offer
                         for plain, voice in zip(run.plain_offer, voice_only, strict=True)]
        # agent_selection: random — its own selector and its own stream of uniforms, and never
        # the inlined longest-idle hot path (plain_offer off: fast_arrival below follows it).
        run.agent_draws = [None] * n_types
        for k, ct in enumerate(types):
            if ct.agent_selection == "random":
                run.agent_draws[k] = Uniforms(stream(plan.seed, replication, f"agent_selection/{ct.name}"))
                run.offer_of[k] = random_offer
                run.plain_offer[k] = False
        # What random_offer and rank_offer need per type: may every group take the contact as
        # soon as it arrives (no delay, no reserve, not an email: only free agents count), and
        # could general_offer place it when no agent is free (a chat beside others, a call on a
        # blended agent's chats) — else that finds nothing and only overflow timers are left.
        run.offer_open = [run.channel[k] != CHANNELS["email"] and all(
            choice.delay == 0 and choice.reserve_other == 0 for _, choice in run.offer_to[k])
            for k in range(n_types)]
        run.offer_fallback = [run.channel[k] == CHANNELS["chat"]
                              or (run.channel[k] == CHANNELS["voice"] and not voice_only[k])
                              for k in range(n_types)]
        # agent_selection: rank — the type's groups in tiers of equal rank, best first.
        run.rank_tiers = [None] * n_types
        for k, ct in enumerate(types):
            if ct.agent_selection == "rank":
                rank_of = dict(zip(ct.group_indices, ct.group_rank, strict=True))
                tiers: dict[int, list] = {}
                for g, choice in run.offer_to[k]:
                    tiers.setdefault(rank_of[g.index], []).append((g, choice))
                run.rank_tiers[k] = [tiers[r] for r in sorted(tiers)]
                run.offer_of[k] = rank_offer
                run.plain_offer[k] = False
