"""Shift scheduling: cover the required agents per interval with allowed shifts at minimum paid hours.

A *pattern* is a shift start, a length and a placement of each of its breaks
(a break's start lies in its window, on a grid of ``break_step``). Let x_p be
the number of agents working pattern p and a_jp the share of interval j that
one such agent is on shift and not on a break. The roster solves the integer
programme

    minimise    sum_p cost_p x_p            (paid hours, times the hourly cost if given)
    subject to  sum_p a_jp x_p >= r_j       for every interval j
                x_p >= 0, integer

where r_j is the requirement (agents present the simulation needs) divided by
(1 - shrinkage). It is solved by HiGHS through ``scipy.optimize.milp``: an
exact branch-and-cut solver, well kept and shipped in scipy's wheels, so
ccsim does not carry an integer-programming solver of its own (a rounding
heuristic would over-staff, and a hand-written branch-and-bound would be slow
and need its own tests). The solver's proven gap is reported.

Breaks are placed at fixed clock times, which is what the scenario language's
``breaks: [{start: ...}]`` says, so the roster simulates exactly as planned
(an agent goes on break when the contact in hand ends).
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass

import numpy as np

from ..units import format_clock, format_duration
from .settings import PatternBreakSpec, PatternSpec, StartsSpec
from .targets import InfeasibleTargets
from .yaml_text import dump_yaml

DEFAULT_LENGTHS = (8 * 3600.0, 6 * 3600.0, 4 * 3600.0)
DEFAULT_BREAKS = (
    PatternBreakSpec(length=1800.0, window=(3 * 3600.0, 5 * 3600.0), min_shift=6 * 3600.0),
    PatternBreakSpec(length=900.0, window=(3600.0, 2 * 3600.0), min_shift=4 * 3600.0),
)


@dataclass(frozen=True)
class Pattern:
    """One allowed shift with its breaks placed; times are clock seconds since midnight."""

    start_s: float
    length_s: float
    breaks: tuple[tuple[float, float, bool], ...]  # (start, length, paid)

    @property
    def end_s(self) -> float:
        return self.start_s + self.length_s

    @property
    def paid_hours(self) -> float:
        unpaid = sum(length for _, length, paid in self.breaks if not paid)
        return (self.length_s - unpaid) / 3600.0

    def to_shift(self, headcount: int) -> dict:
        """The scenario language's form: {start, end, headcount, breaks: [{start, length}]}."""
        shift = {"start": _clock(self.start_s), "end": _clock(self.end_s), "headcount": int(headcount)}
        if self.breaks:
            shift["breaks"] = [{"start": _clock(s), "length": format_duration(length)}
                               for s, length, _ in sorted(self.breaks)]
        return shift


def _clock(seconds: float) -> str:
    return format_clock(seconds) if abs(seconds / 60 - round(seconds / 60)) < 1e-9 else \
        f"{int(seconds) // 3600:02d}:{int(seconds) % 3600 // 60:02d}:{int(seconds) % 60:02d}"


def default_patterns(interval_s: float) -> PatternSpec:
    """Shifts of 8, 6 and 4 h starting at any interval start, a 30-min break 3-5 h into shifts
    of 6 h or more and a 15-min break 1-2 h into shifts of 4 h or more."""
    return PatternSpec(lengths=list(DEFAULT_LENGTHS), breaks=list(DEFAULT_BREAKS), break_step=900.0)


def _starts(spec: PatternSpec, h_start: float, h_end: float, interval_s: float) -> list[float]:
    if spec.starts is None:
        return list(np.arange(h_start, h_end, interval_s))
    if isinstance(spec.starts, StartsSpec):
        count = int(math.floor((spec.starts.to - spec.starts.from_) / spec.starts.every + 1e-9)) + 1
        return [spec.starts.from_ + i * spec.starts.every for i in range(count)]
    return sorted(set(spec.starts))


def enumerate_patterns(spec: PatternSpec, h_start: float, h_end: float, interval_s: float) -> list[Pattern]:
    """Every (start, length, break placement) inside the horizon [h_start, h_end] (clock seconds)."""
    out = []
    for start in _starts(spec, h_start, h_end, interval_s):
        for length in sorted(set(spec.lengths), reverse=True):
            if start < h_start - 1e-9 or start + length > h_end + 1e-9:
                continue
            placements = []
            for b in spec.breaks:
                if length < b.min_shift - 1e-9:
                    continue
                count = int(math.floor((b.window[1] - b.window[0]) / spec.break_step + 1e-9)) + 1
                offsets = [b.window[0] + i * spec.break_step for i in range(count)]
                offsets = [o for o in offsets if o + b.length <= length + 1e-9]
                if not offsets:
                    break
                placements.append([(start + o, b.length, b.paid) for o in offsets])
            else:
                for combo in itertools.product(*placements):
                    spans = sorted((s, s + length_b) for s, length_b, _ in combo)
                    if all(spans[i][1] <= spans[i + 1][0] + 1e-9 for i in range(len(spans) - 1)):
                        out.append(Pattern(start, length, tuple(combo)))
    return out


def coverage(patterns: list[Pattern], h_start: float, n: int, interval_s: float) -> np.ndarray:
    """a[j, p]: share of interval j that an agent on pattern p is on shift and not on a break."""
    a = np.zeros((n, len(patterns)))
    lows = h_start + np.arange(n) * interval_s
    highs = lows + interval_s

    def overlap(s, e):
        return np.clip(np.minimum(highs, e) - np.maximum(lows, s), 0.0, None)

    for p, pat in enumerate(patterns):
        on = overlap(pat.start_s, pat.end_s)
        for s, length, _ in pat.breaks:
            on -= overlap(s, s + length)
        a[:, p] = on / interval_s
    return a


@dataclass
class GroupRoster:
    """The shifts of one agent group and how they cover its requirement."""

    group: str
    requirement: np.ndarray  # positions to cover per interval (fractional)
    shifts: list[tuple[Pattern, int]]
    covered: np.ndarray  # agents on shift and not on a break, per interval (time-average)
    paid_hours: float  # per day
    status: str  # optimal / time limit (best found)
    gap: float  # proven relative gap of the objective (0 = optimal)
    patterns_considered: int
    seconds: float

    def block(self) -> list[dict]:
        """The ``shifts:`` list for the scenario."""
        return [pattern.to_shift(count) for pattern, count in self.shifts]

    def headcount(self) -> int:
        return sum(count for _, count in self.shifts)

    def available(self, shrinkage: float) -> list[tuple[Pattern, int]]:
        """The shifts with the agents available for contacts when *shrinkage* of the scheduled
        positions is not (absence, training, meetings): (1 - shrinkage) of the group's
        headcount, spread over its shifts in start order so that every shift keeps its share
        to within one agent and every prefix of the roster its share to within half an agent."""
        keep = 1.0 - shrinkage
        out, done, share = [], 0, 0.0
        for pattern, count in self.shifts:
            share += count * keep
            upto = math.floor(share + 0.5 + 1e-9)
            out.append((pattern, upto - done))
            done = upto
        return out

    def to_dict(self) -> dict:
        return {
            "group": self.group, "shifts": self.block(), "headcount": self.headcount(),
            "requirement": [round(float(v), 4) for v in self.requirement],
            "covered": [round(float(v), 4) for v in self.covered], "paid_hours_per_day": self.paid_hours,
            "status": self.status, "gap": self.gap, "patterns_considered": self.patterns_considered,
            "seconds": round(self.seconds, 3),
        }


def schedule_group(group: str, requirement: np.ndarray, spec: PatternSpec, h_start: float, interval_s: float,
                   agent_hour: float = 0.0, starts_label=None) -> GroupRoster:
    """Solve the covering integer programme of one group (see the module docstring)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    started = time.perf_counter()
    requirement = np.asarray(requirement, dtype=float)
    n = requirement.size
    h_end = h_start + n * interval_s
    patterns = enumerate_patterns(spec, h_start, h_end, interval_s)
    a = coverage(patterns, h_start, n, interval_s)
    label = starts_label or (lambda j: format_clock(h_start + j * interval_s))
    if not patterns and requirement.any():
        raise InfeasibleTargets(f"{group}: no allowed shift fits in the horizon "
                                f"({format_clock(h_start)}-{format_clock(h_end)}); allow shorter shifts")
    uncovered = [j for j in range(n) if requirement[j] > 1e-9 and (not patterns or a[j].max() <= 0)]
    if uncovered:
        j = uncovered[0]
        raise InfeasibleTargets(
            f"{group}: no allowed shift covers the {label(j)} interval (it needs {requirement[j]:.1f} agents); "
            "allow other start times or lengths")
    if not requirement.any():
        return GroupRoster(group, requirement, [], np.zeros(n), 0.0, "optimal", 0.0, len(patterns),
                           time.perf_counter() - started)
    paid = np.array([p.paid_hours for p in patterns])
    # Paid hours (or money). No tie-breaking terms: with whole quarter-hours the objective takes
    # few distinct values, which lets the solver prove optimality quickly.
    cost = paid * (agent_hour if agent_hour > 0 else 1.0)
    upper = math.ceil(requirement.max() / max(1e-9, a.max(axis=0).min())) + 1
    res = milp(cost, integrality=np.ones(len(patterns)), bounds=Bounds(0, upper),
               constraints=LinearConstraint(a, lb=requirement - 1e-9, ub=np.inf),
               options={"time_limit": float(spec.time_limit), "mip_rel_gap": 1e-6})
    if res.x is None:
        raise InfeasibleTargets(f"{group}: the shift solver found no roster ({res.message})")
    x = np.rint(res.x).astype(int)
    shifts = sorted(((patterns[p], int(x[p])) for p in np.flatnonzero(x)),
                    key=lambda item: (item[0].start_s, item[0].length_s, item[0].breaks))
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    return GroupRoster(group, requirement, shifts, a @ x, float(paid @ x), "optimal" if res.status == 0 else
                       "time limit (best roster found)", gap, len(patterns), time.perf_counter() - started)


@dataclass
class Roster:
    """Shifts for every agent group of a scenario."""

    groups: list[GroupRoster]
    interval_s: float
    days: int

    def changes(self, scenario) -> dict:
        """``with_changes`` paths that put the roster in *scenario* (shifts instead of staffing)."""
        out = {}
        for r in self.groups:
            out[f"agent_groups.{r.group}.shifts"] = r.block()
            if scenario.agent_groups[r.group].staffing is not None:
                out[f"agent_groups.{r.group}.staffing"] = None
        return out

    def available_changes(self, scenario, shrinkage: dict[str, float]) -> dict:
        """``with_changes`` paths that put in *scenario* the agents of the roster available for
        contacts: each group's shifts less its *shrinkage* (see ``GroupRoster.available``).
        With no shrinkage, the same as ``changes``."""
        out = self.changes(scenario)
        for r in self.groups:
            share = shrinkage.get(r.group, 0.0)
            if share > 0.0:
                out[f"agent_groups.{r.group}.shifts"] = [p.to_shift(n) for p, n in r.available(share)]
        return out

    def available_coverage(self, shrinkage: dict[str, float], h_start: float) -> dict[str, np.ndarray]:
        """Per group, the available agents on shift and not on a break, per interval."""
        out = {}
        for r in self.groups:
            share = shrinkage.get(r.group, 0.0)
            if share <= 0.0:
                out[r.group] = r.covered
                continue
            shifts = r.available(share)
            if not shifts:
                out[r.group] = np.zeros(r.requirement.size)
                continue
            a = coverage([p for p, _ in shifts], h_start, r.requirement.size, self.interval_s)
            out[r.group] = a @ np.array([n for _, n in shifts], dtype=float)
        return out

    def paid_hours(self) -> dict[str, float]:
        """Paid hours per group over the horizon (all days)."""
        return {r.group: r.paid_hours * self.days for r in self.groups}

    def to_dict(self) -> dict:
        return {"groups": [r.to_dict() for r in self.groups]}


def schedule(requirements: dict[str, np.ndarray], spec: PatternSpec | None, h_start: float, interval_s: float,
             days: int = 1, agent_hour: dict[str, float] | None = None) -> Roster:
    """Rosters for every group: *requirements* maps group -> positions to cover per interval."""
    spec = spec or default_patterns(interval_s)
    groups = [schedule_group(g, r, spec, h_start, interval_s, (agent_hour or {}).get(g, 0.0))
              for g, r in requirements.items()]
    return Roster(groups, interval_s, days)


def roster_yaml_block(roster: Roster) -> str:
    """The roster as the ``agent_groups`` part of a scenario (to paste or read)."""
    return dump_yaml({"agent_groups": {r.group: {"shifts": r.block()} for r in roster.groups}})
