"""Build an outbound type's dialer plan from its scenario specification."""

from __future__ import annotations

import math

from ..scenario.outbound import DialerSpec, per_interval
from .model import AgentsMovePlan, OutboundPlan
from .sampling import sampler_for


def outbound_plan(dialer: DialerSpec, serving: list[int], group_names: list[str], horizon_start: float,
                  horizon_s: float, n_intervals: int, interval_s: float) -> OutboundPlan:
    """The dialer of an outbound type served by groups *serving* (indices)."""
    kappa, extra = dialer.ratio()
    watch = tuple(group_names.index(g) for g in dialer.watch) if dialer.watch else tuple(serving)
    start = 0.0 if dialer.start is None else max(0.0, dialer.start - horizon_start)
    end = horizon_s if dialer.end is None else min(horizon_s, dialer.end - horizon_start)

    def sampler(spec):
        return None if spec is None else sampler_for(spec, interval_s)  # one, or one per interval

    machine = dialer.answering_machine
    move = dialer.agents_move
    agents_move = None if move is None else AgentsMovePlan(
        lend=tuple(group_names.index(g) for g in move.lend), to=tuple(group_names.index(g) for g in move.to),
        window_s=move.window, every_s=move.every, above=move.to_outbound_above, below=move.to_inbound_below,
        keep_idle_inbound=move.keep_idle_inbound, max_idle_outbound=move.max_idle_outbound)
    return OutboundPlan(
        policy=dialer.policy, kappa=kappa, extra=extra, min_free=dialer.min_free, watch=watch,
        keep_free=dialer.keep_free, start_s=start, end_s=max(start, end),
        campaign_size=math.inf if dialer.campaign_size is None else float(dialer.campaign_size),
        reach=tuple(per_interval(dialer.reach, n_intervals)),
        wrong=tuple(per_interval(dialer.wrong_party.probability, n_intervals)),
        machine=tuple(per_interval(machine.probability, n_intervals)),
        wrong_handle=sampler_for(dialer.wrong_party.handle_time, interval_s),
        machine_handle=sampler(machine.handle_time), machine_wait=machine.wait,
        ring=sampler(dialer.ring_time), no_answer=sampler(dialer.no_answer_time),
        preview=sampler(dialer.preview_time),
        abandon_limit=dialer.pacing.abandon_limit if dialer.pacing is not None else None,
        grace_s=dialer.grace_s(), agents_move=agents_move,
    )
