"""Step 2: adjust staffing interval by interval with the simulator until it is just enough.

All variants run on the same replications (common random numbers, see
``evaluate``), so "meets the targets" is a deterministic property of a
staffing and the search can promise something exact about it:

1. **Raise.** Simulate the start (the analytic answer). In every interval that
   misses a target, add agents — as many as the interval's analytic curve,
   calibrated on what the simulation observed, says close the gap (at least
   one) — to the group that owns the failing contact type (``multiskill``).
   Repeat until every interval meets every target.
2. **Trim.** Try removing one agent from many intervals at once: one variant
   per group and per residue of the interval index modulo 3, so removals in
   the same variant are 1.5 h apart on 30-minute intervals and hardly
   interact. A removal whose neighbourhood (the interval before it to the
   next removal) still meets the targets is kept; all kept removals are then
   simulated together, and where that breaks an interval the nearest removal
   at or before it is put back, until the day meets its targets again.
   Repeat until no removal survives.
3. **Check.** Simulate every single-agent removal from the final staffing
   on its own (groups x intervals variants). If one still meets every target,
   take it (several together when they do not interact) and check again.
   A caller of ``run`` may look at the trimmed staffing first (``before_check``,
   ``staff`` checks it on fresh days) and stop the search there, unchecked.

Trim and check variants are screened (``screen``): each is simulated on the
first days of the sample and compared, day by day, with the staffing it comes
from; one whose fate is already certain there (a clear miss) is not simulated
on the rest. Every other variant is judged on the whole sample, as without.

Queues carry over between intervals (a caller who arrives at 09:29 is served by
the 09:30 agents), which is why removals are judged on the whole day and the
search iterates until nothing changes. When it ends, every interval meets its
targets and no single agent can be removed from any interval without breaking
one — on the simulated days of the search (validate with a fresh seed).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..plan import Plan
from ..units import format_clock
from .analytic import TypeAnalytic, agents_to_close_gap
from .binding import Broken, broken_targets
from .evaluate import Evaluation, Evaluator
from .multiskill import group_to_raise
from .targets import InfeasibleTargets, Targets

SPACING = 3  # intervals between removals tried in the same variant
MAX_RAISE_ROUNDS = 60
MAX_CHECK_ROUNDS = 25


@dataclass
class SearchStep:
    """One iteration of the search, for progress lines and the report."""

    phase: str  # start, raise, trim, check
    agents: int  # agent-intervals of the accepted staffing (sum over groups and intervals)
    failing: int  # intervals of the accepted staffing that miss a target
    changed: int  # agents added (raise) or removed (trim, check) in this step
    evaluations: int  # distinct variants simulated so far
    simulated_days: int  # replications simulated so far

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class SearchResult:
    """The staffing found (groups x intervals of the daily pattern) and how it was found."""

    staffing: np.ndarray
    start: np.ndarray
    start_evaluation: Evaluation
    final: Evaluation
    steps: list[SearchStep] = field(default_factory=list)
    evaluations: int = 0
    simulated_days: int = 0
    seconds: float = 0.0
    minimal: bool = False  # True when the last check found no removable agent
    # (group, interval) -> what one agent fewer there breaks, from the last check (``binding``)
    binding: dict[tuple[int, int], tuple[Broken, ...]] = field(default_factory=dict)
    checked: bool = True  # False when the search stopped before its check (``run``'s before_check)


def frozen_intervals(plan: Plan) -> np.ndarray:
    """Intervals wholly inside the warm-up: no KPI is measured there, so their staffing stays as started."""
    ends = (np.arange(plan.n_intervals) + 1) * plan.interval_s
    return ends <= plan.warmup_s + 1e-9


def _holds(ok: np.ndarray, j: int) -> bool:
    """A removal in interval *j* keeps its neighbourhood (the interval before it to the next removal) met."""
    return bool(ok[max(0, j - 1):j + SPACING].all())


def default_ceiling(start: np.ndarray) -> np.ndarray:
    """Most agents the search may put in a (group, interval) before calling the targets unreachable."""
    peak = start.max(axis=1, keepdims=True) if start.size else np.zeros((0, 1))
    return np.broadcast_to(4 * peak + 50, start.shape).astype(int)


class Search:
    """The search of one scenario (see the module docstring)."""

    def __init__(self, evaluator: Evaluator, plan: Plan, targets: Targets, analytic: dict[str, TypeAnalytic],
                 ceiling: np.ndarray, on_step: Callable[[SearchStep], None] | None = None):
        self.ev = evaluator
        self.plan = plan
        self.targets = targets
        self.analytic = analytic
        self.ceiling = ceiling
        self.on_step = on_step
        self.steps: list[SearchStep] = []
        self.frozen = frozen_intervals(plan)
        self.n = plan.n_intervals
        self.groups = [g.name for g in plan.agent_groups]
        self.type_index = {ct.name: ct.index for ct in plan.contact_types}
        self.binding: dict[tuple[int, int], tuple[Broken, ...]] = {}

    # ------------------------------------------------------------ bookkeeping

    def _step(self, phase: str, e: Evaluation, changed: int) -> None:
        step = SearchStep(phase, int(e.staffing.sum()), e.verdicts.n_failing(), int(changed),
                          self.ev.evaluations, self.ev.simulated_days)
        self.steps.append(step)
        if self.on_step is not None:
            self.on_step(step)

    def _clock(self, j: int) -> str:
        return format_clock(self.plan.clock_start + j * self.plan.interval_s)

    # ------------------------------------------------------------ raise

    def _gap(self, e: Evaluation, name: str, j: int, current: int) -> int:
        """Agents to add for contact type *name* in interval *j* (calibrated analytic estimate)."""
        t = self.targets.contact_types[name]
        a = self.analytic[name]
        v = e.verdicts
        step = 1
        for kpi, limit in (("service_level", t.service_level), ("abandon_rate", t.max_abandon),
                           ("asa", t.max_asa_s)):
            if limit is None or (name, kpi) not in v.observed:
                continue
            observed = v.observed[(name, kpi)][j]
            bad = observed < limit if kpi == "service_level" else observed > limit
            if not bad:
                continue
            day = int(v.worst_day[(name, kpi)][j])
            offered = e.interval_mean("intervals", name, "offered")[day * self.n + j]
            rate = (offered / self.plan.interval_s) if np.isfinite(offered) else a.rate[j]
            gap = agents_to_close_gap(kpi, observed, limit, rate, a.aht_s, a.patience_s, t.threshold_s,
                                      current * a.slots)  # in chat places for chats
            step = max(step, -(-gap // a.slots))
        return step

    def _describe_failure(self, e: Evaluation, g: int, j: int) -> str:
        v = e.verdicts
        parts = []
        for name in sorted(v.failing_types[j]):
            t = self.targets.contact_types[name]
            sl = v.observed.get((name, "service_level"))
            parts.append(f"{name} service level {100 * sl[j]:.1f} % (target {t.describe()})"
                         if sl is not None and np.isfinite(sl[j]) else f"{name} misses {t.describe()}")
        for name in sorted(v.failing_groups[j]):
            occ = v.observed[(name, "occupancy")][j]
            parts.append(f"{name} occupancy {100 * occ:.1f} % (at most {100 * self.targets.max_occupancy[name]:g} %)")
        return "; ".join(parts)

    def raise_until_met(self, staffing: np.ndarray) -> Evaluation:
        e = self.ev.evaluate(staffing)
        self._step("start", e, 0)
        rounds = 0
        while not e.verdicts.all_ok:
            rounds += 1
            s = e.staffing
            add = np.zeros_like(s)
            for j in np.flatnonzero(~e.verdicts.ok):
                for name in e.verdicts.failing_types[j]:
                    g = group_to_raise(self.plan, self.type_index[name])
                    add[g, j] = max(add[g, j], self._gap(e, name, j, int(s[g, j])))
                for name in e.verdicts.failing_groups[j]:
                    g = self.groups.index(name)
                    occ = e.verdicts.observed[(name, "occupancy")][j]
                    cap = self.targets.max_occupancy[name]
                    need = math.ceil(s[g, j] * occ / cap - 1e-9) if np.isfinite(occ) else s[g, j] + 1
                    add[g, j] = max(add[g, j], int(need - s[g, j]), 1)
            new = s + add
            over = (new > self.ceiling) & (add > 0)
            if over.any() or rounds > MAX_RAISE_ROUNDS:
                g, j = (np.argwhere(over)[0] if over.any() else np.argwhere(add > 0)[0])
                raise InfeasibleTargets(
                    f"no staffing found that meets the targets: in the {self._clock(int(j))} interval, "
                    f"{self._describe_failure(e, int(g), int(j))} with {int(s[g, j])} agents in "
                    f"{self.groups[g]} (the search stops at {int(self.ceiling[g, j])}); the targets look "
                    "unreachable — relax them, or allow more agents with max_agents / --max-agents")
            e = self.ev.evaluate(np.minimum(new, self.ceiling))
            self._step("raise", e, int(add.sum()))
        return e

    # ------------------------------------------------------------ remove

    def _combine(self, e: Evaluation, removals: list[tuple[int, int]], refuted: set | None,
                 fallback: bool) -> tuple[Evaluation, int]:
        """Apply *removals* together; put back the nearest one before each broken interval until
        the day meets its targets. With *fallback*, keep at least the first removal (it is known to
        meet the targets on its own). Returns the evaluation and the number of agents removed."""
        s = e.staffing.copy()
        kept = list(removals)
        for g, j in kept:
            s[g, j] -= 1
        trial = self.ev.evaluate(s)
        while not trial.verdicts.all_ok and kept:
            put_back = set()
            for f in np.flatnonzero(~trial.verdicts.ok):
                before = [r for r in kept if r[1] <= f + 1]
                put_back.add(max(before, key=lambda r: r[1]) if before else min(kept, key=lambda r: r[1]))
            for g, j in put_back:
                s[g, j] += 1
                kept.remove((g, j))
                if refuted is not None:
                    refuted.add((g, j))
            trial = self.ev.evaluate(s)
        if not kept and fallback and removals:
            g, j = removals[0]
            s = e.staffing.copy()
            s[g, j] -= 1
            trial, kept = self.ev.evaluate(s), [removals[0]]
        return trial, len(kept)

    def _candidates(self, s: np.ndarray, refuted: set) -> list[tuple[int, int]]:
        return [(g, j) for g in range(s.shape[0]) for j in range(self.n)
                if s[g, j] > 0 and not self.frozen[j] and (g, j) not in refuted]

    def trim(self, e: Evaluation) -> Evaluation:
        refuted: set[tuple[int, int]] = set()
        while True:
            candidates = self._candidates(e.staffing, refuted)
            if not candidates:
                return e
            variants = []
            for g in range(e.staffing.shape[0]):
                for phase in range(SPACING):
                    js = [j for gg, j in candidates if gg == g and j % SPACING == phase]
                    if js:
                        v = e.staffing.copy()
                        v[g, js] -= 1
                        variants.append((g, js, v))
            def refuted_all(i: int, verdicts, variants=variants) -> bool:  # every removal's neighbourhood misses
                return not any(_holds(verdicts.ok, j) for j in variants[i][1])

            evaluated = self.ev.evaluate_screened(e, [v for _, _, v in variants], refuted_all)
            accepted = []
            for (g, js, _), trial in zip(variants, evaluated, strict=True):
                ok = trial.verdicts.ok
                for j in js:
                    if _holds(ok, j):
                        accepted.append((g, j))
                    else:
                        refuted.add((g, j))
            if not accepted:
                return e
            e, removed = self._combine(e, accepted, refuted, fallback=False)
            self._step("trim", e, removed)

    def check(self, e: Evaluation) -> tuple[Evaluation, bool]:
        """Try every single-agent removal on its own; True when none meets the targets."""
        for _ in range(MAX_CHECK_ROUNDS):
            candidates = self._candidates(e.staffing, set())
            variants = []
            for g, j in candidates:
                v = e.staffing.copy()
                v[g, j] -= 1
                variants.append(v)
            evaluated = self.ev.evaluate_screened(e, variants, lambda _i, verdicts: not verdicts.all_ok)
            removable = [c for c, trial in zip(candidates, evaluated, strict=True) if trial.verdicts.all_ok]
            if not removable:
                # Each removal breaks something: what it breaks is the interval's binding constraint.
                self.binding = {c: broken_targets(trial.verdicts, self.targets)
                                for c, trial in zip(candidates, evaluated, strict=True)}
                self._step("check", e, 0)
                return e, True
            e, removed = self._combine(e, removable, None, fallback=True)
            self._step("check", e, removed)
        return e, False

    def run(self, start: np.ndarray, before_check: Callable[[Evaluation], bool] | None = None) -> SearchResult:
        """Raise, trim and check from *start*. before_check: called with the trimmed staffing's
        evaluation; when it returns False the search stops there, unchecked (``checked``)."""
        started = time.perf_counter()
        first = self.ev.evaluate(start)
        e = self.raise_until_met(start)
        e = self.trim(e)
        checked = before_check is None or before_check(e)
        minimal = False
        if checked:
            e, minimal = self.check(e)
        return SearchResult(e.staffing.copy(), start.copy(), first, e, self.steps, self.ev.evaluations,
                            self.ev.simulated_days, time.perf_counter() - started, minimal, self.binding,
                            checked)
