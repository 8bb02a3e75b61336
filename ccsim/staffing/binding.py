"""What holds each interval's staffing up: its binding constraint.

The search ends with a check that simulates every single-agent removal from the staffing found,
each on its own, on the search's days (``search.Search.check``). When none of them meets every
target, each removal breaks at least one: that target is the binding constraint of the group and
interval — a service level, an ASA, an abandonment rate or an occupancy cap. Queues carry over
from one interval to the next, so a removal may break only a *later* interval: that interval's
staffing is then held up for the later one's targets, above what it needs on its own (the queue
smooths the staffing), and the output says so rather than leaving the numbers unexplained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .targets import Targets, Verdicts

# How a table names a target's KPI.
KPI_WORDS = {"service_level": "SL", "asa": "ASA", "abandon_rate": "abandon", "occupancy": "occupancy"}
_SLACK = 1e-12  # as the judge: a KPI exactly at its target meets it


@dataclass(frozen=True)
class Broken:
    """A target a staffing misses: in *interval* (of the daily pattern), of contact type or agent
    group *name*, on *kpi* (service_level, asa, abandon_rate, occupancy)."""

    interval: int
    name: str
    kpi: str


def broken_targets(verdicts: Verdicts, targets: Targets) -> tuple[Broken, ...]:
    """Every target *verdicts* (one staffing judged by ``targets.judge``) show missed."""
    out = []
    for j in np.flatnonzero(~verdicts.ok):
        for name in sorted(verdicts.failing_types[j]):
            t = targets.contact_types[name]
            found = False
            for kpi, limit in (("service_level", t.service_level), ("abandon_rate", t.max_abandon),
                               ("asa", t.max_asa_s)):
                if limit is None or (name, kpi) not in verdicts.observed:
                    continue
                x = float(verdicts.observed[(name, kpi)][j])
                if (x < limit - _SLACK) if kpi == "service_level" else (x > limit + _SLACK):
                    out.append(Broken(int(j), name, kpi))
                    found = True
            if not found:  # missed on a share of days (--confidence) with the quantile on the right side
                out.append(Broken(int(j), name, "service_level"))
        for name in sorted(verdicts.failing_groups[j]):
            out.append(Broken(int(j), name, "occupancy"))
    return tuple(out)


@dataclass(frozen=True)
class Binding:
    """What one agent fewer in group *group*, interval *interval* breaks (``broken``)."""

    group: int
    interval: int
    broken: tuple[Broken, ...]

    @property
    def own(self) -> tuple[Broken, ...]:
        """The targets broken in the interval itself."""
        return tuple(b for b in self.broken if b.interval == self.interval)

    @property
    def held_for(self) -> list[int]:
        """The later intervals whose targets hold this one up, when it breaks none of its own."""
        if self.own:
            return []
        return sorted({b.interval for b in self.broken})

    def label(self, clock: list[str], with_names: bool) -> str:
        """'SL', 'SL, abandon', 'support ASA', or 'for 10:00 (SL)' when held for a later interval."""
        def words(items) -> str:
            seen: list[str] = []
            for b in items:
                word = (f"{b.name} " if with_names else "") + KPI_WORDS.get(b.kpi, b.kpi)
                if word not in seen:
                    seen.append(word)
            return ", ".join(seen)

        if self.own:
            return words(self.own)
        later = self.held_for
        if not later:
            return "-"
        first = [b for b in self.broken if b.interval == later[0]]
        more = f" +{len(later) - 1}" if len(later) > 1 else ""
        return f"for {clock[later[0]]}{more} ({words(first)})"


def bindings(binding: dict[tuple[int, int], tuple[Broken, ...]], groups: int, n: int) -> list[list[Binding | None]]:
    """Groups x intervals: the ``Binding`` of each (None where the check tried no removal: no agent
    there, the warm-up, or a search stopped before its last check)."""
    return [[Binding(g, j, binding[(g, j)]) if (g, j) in binding else None for j in range(n)] for g in range(groups)]


def held_intervals(table: list[list[Binding | None]]) -> list[Binding]:
    """The (group, interval) staffing held up by a later interval's targets (queue carry-over)."""
    return [b for row in table for b in row if b is not None and b.held_for]
