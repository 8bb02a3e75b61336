"""Transfers and conferences in the scenario language (per contact type).

After an agent's talk, the caller may be transferred to another contact type's queue:
``cold`` (the first agent hands the caller over and is free at once, for its wrap-up) or
``warm`` (the first agent stays on the line until the second agent answers, then both are
in conference for the ``conference`` time before the first leaves). The rules of a type
are tried in order; each applies with its probability; the first that applies is made.
A warm transfer whose second agent is not reached (the caller's patience in the new
queue, or ``wait_limit``) ends as ``if_not_reached`` says: ``back`` (the first agent takes
the caller back and goes on to the rules after this one), ``abandon`` (the caller hangs up)
or ``voicemail`` (the caller leaves a message, counted apart).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import ScenarioModel
from .distributions import DistributionSpec
from .errors import unknown_name
from .fields import Duration, Probability

MAX_TRANSFER_RULES = 20
MAX_LEGS = 20  # legs of one issue at most: a loop of transfers stops there (the last leg ends as served)

NotReached = Literal["back", "abandon", "voicemail"]


class TransferSpec(ScenarioModel):
    """One transfer rule of a contact type: to which type, how often, and how."""

    to: str = Field(min_length=1)
    probability: Probability
    mode: Literal["cold", "warm"] = "cold"
    # Only after service by these groups (default: by any group serving the type).
    groups: list[str] | None = Field(default=None, min_length=1)
    # The first agent initiating the transfer (dialling, announcing): busy, caller on the line.
    delay: DistributionSpec | None = None
    # Warm transfers: both agents with the caller once the second answers (default: none).
    conference: DistributionSpec | None = None
    # Warm transfers: the longest the first agent waits for the second (default: the caller's patience).
    wait_limit: Duration | None = None
    if_not_reached: NotReached = "abandon"

    @model_validator(mode="after")
    def _cold_or_warm(self):
        if self.mode == "cold":
            for field in ("conference", "wait_limit"):
                if getattr(self, field) is not None:
                    raise ValueError(f"'{field}' applies to warm transfers (mode: warm), not to cold ones")
            if self.if_not_reached == "back":
                raise ValueError("'if_not_reached: back' needs a warm transfer (mode: warm): a cold transfer "
                                 "has freed its first agent; use abandon or voicemail")
        return self


TransferList = list[TransferSpec]


def transfer_issues(types: dict, groups: object) -> list[tuple[tuple, str]]:
    """(path, message) for every transfer rule naming an unknown contact type or group, a
    group that does not serve the type, or a transfer of (or to) a chat, an email or an
    outbound type."""
    issues: list[tuple[tuple, str]] = []
    type_names = list(types)
    group_specs = groups if isinstance(groups, dict) else {}

    def serves(group: str, kind: str) -> bool:
        skills = group_specs.get(group, {}).get("skills") if isinstance(group_specs.get(group), dict) else None
        return isinstance(skills, dict | list) and kind in skills

    for name, spec in types.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("transfers"), list):
            continue
        rules = spec["transfers"]
        base = ("contact_types", name, "transfers")
        if len(rules) > MAX_TRANSFER_RULES:
            issues.append((base, f"expected at most {MAX_TRANSFER_RULES} transfer rules, got {len(rules)}"))
        if spec.get("channel", "voice") != "voice":
            issues.append((base, f"transfers apply to calls (channel: voice), not to {spec.get('channel')}"))
        elif spec.get("direction", "inbound") == "outbound":
            issues.append((base, "transfers apply to inbound calls; an outbound call is connected by its "
                                 "dialer (direction: outbound)"))
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict):
                continue
            target = rule.get("to")
            if isinstance(target, str) and target not in type_names:
                issues.append((base + (i, "to"), unknown_name("contact type", target, type_names)))
            elif isinstance(target, str):
                other = types.get(target)
                channel = other.get("channel", "voice") if isinstance(other, dict) else "voice"
                if channel != "voice":
                    issues.append((base + (i, "to"), f"a call is transferred to a call type (channel: voice); "
                                                     f"{target!r} is a {channel} type"))
                elif isinstance(other, dict) and other.get("direction", "inbound") == "outbound":
                    issues.append((base + (i, "to"), f"a call is transferred to an inbound type; {target!r} is "
                                                     "dialled (direction: outbound)"))
            named = rule.get("groups")
            for j, group in enumerate(named if isinstance(named, list) else ()):
                if not isinstance(group, str):
                    continue
                if group not in group_specs:
                    issues.append((base + (i, "groups", j), unknown_name("agent group", group, list(group_specs))))
                elif not serves(group, name):
                    issues.append((base + (i, "groups", j), f"group {group!r} does not serve {name!r} "
                                                            f"(not in its skills)"))
    return issues
