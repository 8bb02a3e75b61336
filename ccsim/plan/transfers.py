"""Transfer rules of a contact type in the plan (plain frozen objects for the engine)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .sampling import Sampler, sampler_for

# What happens when the second agent of a transfer is not reached (``if_not_reached``).
BACK, ABANDON, VOICEMAIL = 0, 1, 2
NOT_REACHED = {"back": BACK, "abandon": ABANDON, "voicemail": VOICEMAIL}


@dataclass(frozen=True, slots=True, eq=False, kw_only=True)
class TransferRule:
    """One rule: after the talk, with probability ``p``, the caller goes to type ``to``."""

    to: int  # contact type index of the new leg
    p: float
    warm: bool  # the first agent stays until the second answers, then both confer
    groups: frozenset[int] | None  # only after service by these groups (None: any)
    delay: Sampler | None  # initiation: the first agent busy, the caller on the line (s)
    conference: Sampler | None  # warm: both agents with the caller (s); None: no conference
    wait_limit: float  # warm: the first agent waits at most this long (s; inf: the caller's patience)
    not_reached: int  # BACK, ABANDON or VOICEMAIL


def transfer_rules(spec, names: list[str], group_names: list[str]) -> tuple[TransferRule, ...]:
    """The rules of contact type *spec* (``ContactTypeSpec``), in the order they are tried."""
    rules = []
    for r in spec.transfers or ():
        rules.append(TransferRule(
            to=names.index(r.to), p=r.probability, warm=r.mode == "warm",
            groups=None if r.groups is None else frozenset(group_names.index(g) for g in r.groups),
            delay=sampler_for(r.delay) if r.delay is not None else None,
            conference=sampler_for(r.conference) if r.conference is not None else None,
            wait_limit=math.inf if r.wait_limit is None else r.wait_limit,
            not_reached=NOT_REACHED[r.if_not_reached],
        ))
    return tuple(rules)
