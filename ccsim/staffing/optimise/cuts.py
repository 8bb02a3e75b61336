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

A day-level constraint (``interval`` None: the KPI over the whole horizon) is
differenced by the same variants; the difference of the variant adding agents
to every interval of a residue is shared among those intervals by their weight
in the day's KPI (contacts counted in the service level, offered for
abandonment, answered for the ASA).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..evaluate import Evaluation, Evaluator
from ..targets import Targets

SPACING = 3


@dataclass(frozen=True)
class Constraint:
    name: str  # contact type or agent group
    kpi: str  # service_level, abandon_rate, asa, occupancy
    interval: int | None  # of the daily pattern; None: the whole horizon (a day-level target)
    limit: float  # the target, in the KPI's own sense
    high_is_good: bool

    @property
    def key(self) -> tuple[str, str, int | None]:
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
        out += [Constraint(name, kpi, None, limit, kpi == "service_level") for kpi, limit in t.day_checks()]
    for name, cap in targets.max_occupancy.items():
        if cap is not None:
            out += [Constraint(name, "occupancy", j, cap, False) for j in range(n)]
    return out


WEIGHT = {"service_level": "sl_counted", "abandon_rate": "offered", "asa": "answered"}


def day_value(results, c: Constraint, confidence: float | None) -> float:
    """A day-level KPI on the sample: the mean over days, or the (1 - confidence) quantile on the bad side."""
    values = np.array([r.contact_types[c.name][c.kpi] for r in results], dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan")
    if confidence is None:
        return float(values.mean())
    return float(np.quantile(values, 1.0 - confidence if c.high_is_good else confidence))


def value(e: Evaluation, c: Constraint, confidence: float | None = None) -> float:
    """f(x) in the >= sense; NaN when nothing is counted (the constraint holds)."""
    if c.interval is None:
        v = day_value(e.results, c, confidence)
    else:
        v = float(e.verdicts.observed[(c.name, c.kpi)][c.interval])
    return v if c.high_is_good else -v


def margin(e: Evaluation, c: Constraint, confidence: float | None = None) -> float:
    """f(x) - b: how far the constraint is from binding (negative: missed); inf when nothing counted."""
    v = value(e, c, confidence)
    b = c.limit if c.high_is_good else -c.limit
    return float("inf") if np.isnan(v) else v - b


def day_weights(e: Evaluation, c: Constraint) -> np.ndarray:
    """Per interval of the daily pattern, its share of what the day-level KPI counts (mean over the sample)."""
    n = e.plan.n_intervals
    counts = e.interval_mean("intervals", c.name, WEIGHT[c.kpi]).reshape(-1, n).sum(axis=0)
    counts = np.nan_to_num(counts)
    total = counts.sum()
    return counts / total if total > 0 else np.full(n, 1.0 / n)


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
               relevant: dict[str, list[int]], confidence: float | None = None,
               base_sub: Evaluation | None = None) -> list[Cut]:
    """Cuts of every constraint counted at *base*; *relevant* maps a name to the groups that affect it.

    The variants run on *evaluator*'s days; *base_sub*: *base* on those same days when they are a
    part of *base*'s sample (the differences are taken there, the cut's value at *base* on all)."""
    x = base.staffing
    n = x.shape[1]
    variants = perturbations(x, ceiling)
    evaluated = evaluator.evaluate_many([v for _, _, v in variants])
    by = {(g, phase): e for (g, phase, _), e in zip(variants, evaluated, strict=True)}
    ref = base_sub if base_sub is not None else base
    cuts = []
    for c in constraints:
        f0 = value(base, c, confidence)
        if np.isnan(f0):
            continue
        f0_ref = value(ref, c, confidence)
        if np.isnan(f0_ref):
            f0_ref = f0
        coef = {}
        if c.interval is None:  # the day: each residue's difference shared among its intervals by weight
            w = day_weights(base, c)
            for g in relevant[c.name]:
                for phase in range(SPACING):
                    f1 = value(by[(g, phase)], c, confidence)
                    d = 0.0 if np.isnan(f1) else max(0.0, f1 - f0_ref)
                    residue = list(range(phase, n, SPACING))
                    share = float(w[residue].sum())
                    if d <= 0 or share <= 0:
                        continue
                    for k in residue:
                        if w[k] > 0:
                            coef[(g, k)] = d * float(w[k]) / share
        else:
            for g in relevant[c.name]:
                for j in (c.interval, c.interval - 1):
                    if j < 0:
                        continue
                    f1 = value(by[(g, j % SPACING)], c, confidence)
                    # More agents never hurt a constraint in expectation; a negative difference on the
                    # sample is noise, and a NaN (nothing counted any more) is no information.
                    d = 0.0 if np.isnan(f1) else max(0.0, f1 - f0_ref)
                    if d > 0:
                        coef[(g, j)] = d
        b = c.limit if c.high_is_good else -c.limit
        if not coef:
            if f0 >= b - 1e-12:
                continue  # met, and flat: no information to add
            # Missed and flat on the sample: ask for at least one more agent where it is answered.
            where = list(range(n)) if c.interval is None else [c.interval]
            coef = {(g, k): 1.0 for g in relevant[c.name] for k in where}
            rhs = float(sum(x[g, k] for g in relevant[c.name] for k in where) + 1)
        else:
            rhs = b - f0 + sum(d * x[g, j] for (g, j), d in coef.items())
        cuts.append(Cut(c, coef, rhs))
    return cuts
