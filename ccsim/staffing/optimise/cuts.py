"""Sample-average cuts for the service constraints, from simulations on common random numbers.

A constraint is one (contact type or group, KPI, interval of the daily
pattern) with its limit, written as f(x) >= b: for KPIs where lower is better
(abandonment, ASA, occupancy) f is the negated KPI. Its value at a staffing is
the one ``targets.judge`` compares with the target: the mean over the sample,
or with a chance target the (1 - confidence) quantile of days, so that "f >= b"
is "met on that share of days".

The cut at staffing x̂ is f(x) >= f(x̂) + sum_i d_i (x_i - x̂_i), with d_i the
forward difference of f for one more agent in (group, interval) i. Only the
interval itself and the one before it are differenced (a queue carries over
into the next interval; further effects are small): one variant per group and
residue of the interval index modulo 3 adds an agent to every third interval,
so 3 variants per group give every difference needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..evaluate import Evaluation, Evaluator
from ..targets import Targets, Verdicts

SPACING = 3


@dataclass(frozen=True)
class Constraint:
    name: str  # contact type or agent group
    kpi: str  # service_level, abandon_rate, asa, occupancy
    interval: int
    limit: float  # the target, in the KPI's own sense
    high_is_good: bool

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.name, self.kpi, self.interval)


def constraints_of(targets: Targets, n: int) -> list[Constraint]:
    out = []
    for name, t in targets.contact_types.items():
        checks = [("service_level", t.service_level, True)]
        if t.max_abandon is not None:
            checks.append(("abandon_rate", t.max_abandon, False))
        if t.max_asa_s is not None:
            checks.append(("asa", t.max_asa_s, False))
        for kpi, limit, high in checks:
            out += [Constraint(name, kpi, j, limit, high) for j in range(n)]
    for name, cap in targets.max_occupancy.items():
        if cap is not None:
            out += [Constraint(name, "occupancy", j, cap, False) for j in range(n)]
    return out


def value(verdicts: Verdicts, c: Constraint) -> float:
    """f(x) in the >= sense; NaN when nothing is counted (the constraint holds)."""
    v = float(verdicts.observed[(c.name, c.kpi)][c.interval])
    return v if c.high_is_good else -v


def margin(verdicts: Verdicts, c: Constraint) -> float:
    """f(x) - b: how far the constraint is from binding (negative: missed); inf when nothing counted."""
    v = value(verdicts, c)
    b = c.limit if c.high_is_good else -c.limit
    return float("inf") if np.isnan(v) else v - b


@dataclass
class Cut:
    constraint: Constraint
    coef: dict[tuple[int, int], float]  # (group, interval) -> d_i
    rhs: float  # sum_i d_i x_i >= rhs


def perturbations(staffing: np.ndarray, ceiling: np.ndarray) -> list[tuple[int, int, np.ndarray]]:
    """(group, residue, staffing + 1 agent in every interval j of that residue)."""
    out = []
    for g in range(staffing.shape[0]):
        for phase in range(SPACING):
            v = staffing.copy()
            cols = np.arange(phase, staffing.shape[1], SPACING)
            v[g, cols] = np.minimum(v[g, cols] + 1, ceiling[g, cols])
            out.append((g, phase, v))
    return out


def build_cuts(evaluator: Evaluator, base: Evaluation, constraints: list[Constraint], ceiling: np.ndarray,
               relevant: dict[str, list[int]]) -> list[Cut]:
    """Cuts of every constraint counted at *base*; *relevant* maps a name to the groups that affect it."""
    x = base.staffing
    variants = perturbations(x, ceiling)
    evaluated = evaluator.evaluate_many([v for _, _, v in variants])
    by = {(g, phase): e for (g, phase, _), e in zip(variants, evaluated, strict=True)}
    cuts = []
    for c in constraints:
        f0 = value(base.verdicts, c)
        if np.isnan(f0):
            continue
        coef = {}
        for g in relevant[c.name]:
            for j in (c.interval, c.interval - 1):
                if j < 0:
                    continue
                f1 = value(by[(g, j % SPACING)].verdicts, c)
                # More agents never hurt a constraint in expectation; a negative difference on the
                # sample is noise, and a NaN (nothing counted any more) is no information.
                d = 0.0 if np.isnan(f1) else max(0.0, f1 - f0)
                if d > 0:
                    coef[(g, j)] = d
        b = c.limit if c.high_is_good else -c.limit
        if not coef:
            if f0 >= b - 1e-12:
                continue  # met, and flat: no information to add
            # Missed and flat on the sample: ask for at least one more agent where it is answered.
            coef = {(g, c.interval): 1.0 for g in relevant[c.name]}
            rhs = float(sum(x[g, c.interval] for g in relevant[c.name]) + 1)
        else:
            rhs = b - f0 + sum(d * x[g, j] for (g, j), d in coef.items())
        cuts.append(Cut(c, coef, rhs))
    return cuts
