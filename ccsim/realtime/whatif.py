"""What-if from now: simulate the rest of the day from a snapshot, with actions side by side.

A snapshot of a multi-day scenario (``snapshot.day``) runs from its time to the horizon's
end; staffing actions hold on the snapshot's day, other changes to the end (``actions``).

Every variant (the baseline "as is" and each action) runs replication r on the
same random streams, so arrivals, handle times and patience are the same in all
of them and differences are estimated from paired replications (``ccsim.compare``).

Actions use the ``--set`` syntax, applied from a clock time:

* ``agent_groups.advisors.staffing+=2@12:00`` (``=``, ``+=``, ``-=``): the group's
  headcount from the first interval boundary at or after 12:00 (no ``@``: from now;
  agents added now are idle at once);
* ``callbacks=on``: every contact type offers callbacks from now — its own
  ``callback`` block if the scenario has one, otherwise the default virtual hold
  ``DEFAULT_CALLBACK``;
* any other ``PATH=VALUE`` (no ``@``): a scenario change for the rest of the day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

import numpy as np

from ..engine.run import run_draws
from ..experiment.compare import Comparison
from ..experiment.estimates import Estimates
from ..experiment.stats import mean_ci
from ..metrics import compute_results
from ..plan import build_plan
from ..scenario import Problem, ScenarioError
from ..scenario.loader import from_dict
from ..units import format_clock, format_time
from .actions import DEFAULT_CALLBACK, Action, apply_actions, parse_action
from .snapshot import Snapshot, remaining_intervals
from .state import day_staffing, fix_records, initial_state, residual_data, snapshot_draws

__all__ = ["DEFAULT_CALLBACK", "Action", "WhatIf", "apply_actions", "parse_action", "render_whatif",
           "residual_scenario", "run_from_snapshot", "whatif"]

KPIS = ("offered", "service_level", "abandon_rate", "asa")


class WhatIf:
    """Results of a what-if: ``variants`` (label -> Estimates), paired ``comparisons``
    against the baseline, the snapshot time and the intervals reported."""

    def __init__(self, snapshot: Snapshot, variants: dict[str, Estimates]):
        self.snapshot = snapshot
        self.variants = variants
        labels = list(variants)
        base = variants[labels[0]]
        self.comparisons = {label: Comparison(*_common(base, est), labels=(labels[0], label))
                            for label, est in list(variants.items())[1:]}

    def reported(self) -> list[tuple[int, str, int | None]]:
        """(index in the residual run's intervals, 'HH:MM', day of the scenario's horizon or None)
        of each interval reported: from the snapshot's on (a multi-day snapshot: to the horizon's
        end, the later days' whole)."""
        est = next(iter(self.variants.values()))
        starts = est.interval_starts()
        if self.snapshot.day is None:
            return [(i, start, None) for i, start in enumerate(starts)]
        first = int((self.snapshot.time - est.plan.clock_start) // est.plan.interval_s)
        days = est.interval_days()
        return [(i, starts[i], self.snapshot.day + days[i] - 1) for i in range(first, len(starts))]

    def interval_table(self) -> list[dict]:
        """Per variant, contact type and interval: offered, SL, abandonment, ASA (mean, CI);
        a multi-day snapshot's rows also name the ``day`` (of the scenario's horizon)."""
        rows = []
        reported = self.reported()
        for label, est in self.variants.items():
            for name in est.scenario.contact_types:
                stack = {k: np.array([r.intervals[name][k] for r in est.replication_results]) for k in KPIS}
                for i, start, day in reported:
                    row: dict[str, object] = {"variant": label, "contact_type": name, "interval": start}
                    if day is not None:
                        row["day"] = day
                    for k in KPIS:
                        mean, ci = mean_ci(stack[k][:, i])
                        row[k] = _num(mean)
                        row[k + "_ci95"] = None if ci is None else [_num(v) for v in ci]
                    rows.append(row)
        return rows

    def day_table(self) -> list[dict]:
        """A multi-day snapshot's rest of its day and each later day, per variant and contact
        type: offered, service level (answered in time / counted) and abandonment (abandoned /
        offered) over the day's intervals reported, mean and CI over replications; [] for a
        one-day snapshot."""
        if self.snapshot.day is None:
            return []
        reported = self.reported()
        days = sorted({d for _, _, d in reported if d is not None})
        rows = []
        for label, est in self.variants.items():
            for name in est.scenario.contact_types:
                for day in days:
                    cut = [i for i, _, d in reported if d == day]
                    sums = {k: np.array([[r.intervals[name][k][i] for i in cut] for r in est.replication_results],
                                        dtype=float).sum(axis=1)
                            for k in ("offered", "abandoned", "answered_within_threshold", "sl_counted")}
                    with np.errstate(divide="ignore", invalid="ignore"):
                        kpis = {"offered": sums["offered"],
                                "service_level": sums["answered_within_threshold"] / sums["sl_counted"],
                                "abandon_rate": sums["abandoned"] / sums["offered"]}
                    row: dict[str, object] = {"variant": label, "contact_type": name, "day": day,
                                              "from": next(start for _, start, d in reported if d == day)}
                    for k, values in kpis.items():
                        values = values[np.isfinite(values)]
                        mean, ci = mean_ci(values) if values.size else (math.nan, None)
                        row[k] = _num(mean)
                        row[k + "_ci95"] = None if ci is None else [_num(v) for v in ci]
                    rows.append(row)
        return rows

    def to_dict(self) -> dict:
        first = next(iter(self.variants.values()))
        day = {} if self.snapshot.day is None else {"snapshot_day": self.snapshot.day, "days": self.day_table()}
        return {
            "snapshot_time": format_clock(self.snapshot.time), **day,
            "seed": first.seed, "replications": first.replications,
            "variants": list(self.variants),
            "intervals": self.interval_table(),
            "totals": {label: {name: {k: est.contact_types[name][k].to_dict() for k in KPIS}
                               for name in est.contact_types} for label, est in self.variants.items()},
            "differences": {label: c.to_dict()["differences"] for label, c in self.comparisons.items()},
        }


class _Shared:
    """Estimates seen with only the agent-group KPIs its counterpart has too (an action that
    changes a group's skills changes its per-skill KPIs); everything else as the original."""

    def __init__(self, est: Estimates, other: Estimates):
        self._est = est
        self.agent_groups = {g: {k: v for k, v in kpis.items() if k in other.agent_groups.get(g, kpis)}
                             for g, kpis in est.agent_groups.items()}

    def __getattr__(self, name):
        return getattr(self._est, name)


def _common(a: Estimates, b: Estimates) -> tuple[Estimates, Estimates]:
    # _Shared stands in for Estimates everywhere a comparison reads one.
    return cast(Estimates, _Shared(a, b)), cast(Estimates, _Shared(b, a))


def _num(v):
    return None if v is None or not math.isfinite(v) else float(v)


def run_from_snapshot(scenario, snapshot: Snapshot, replication: int, data=None, extra_now=None,
                      sink=None, plan=None):
    """One replication from the snapshot: (plan, Records, InitialState)."""
    if plan is None:
        plan = build_plan(from_dict(data or residual_data(scenario, snapshot), source="<residual>"),
                          seed=scenario.seed)
    start_s = snapshot.time - plan.clock_start
    state, rows = initial_state(plan, snapshot, start_s, replication, extra_now)
    draws = snapshot_draws(plan, replication, start_s, rows)
    rec = run_draws(plan, draws, replication, initial=state, sink=sink)
    fix_records(rec, state)
    return plan, rec, state


def residual_scenario(scenario, snapshot: Snapshot, actions=(), seed: int | None = None):
    """(residual Scenario with *actions* applied, agents to add now per group)."""
    data = residual_data(scenario, snapshot)
    start_s = snapshot.time
    today = None
    if snapshot.day is not None:  # staffing actions change the snapshot's day only
        h = scenario.horizon
        today = day_staffing([(name, g.staffing_at) for name, g in scenario.agent_groups.items() if g.shifts is None],
                             snapshot, remaining_intervals(snapshot, scenario)[0], h.n_intervals)
    data, extra_now = apply_actions(data, list(actions), scenario, start_s, today)
    if seed is not None:
        data["seed"] = int(seed)
    try:
        residual = from_dict(data, source="<what-if>")
    except ScenarioError as error:
        raise ScenarioError([Problem("--action", None, None, p.path, p.message) for p in error.problems]) from None
    return residual, extra_now


def whatif(scenario, snapshot: Snapshot, actions: dict[str, list[str]] | Sequence[str] = (),
           replications: int | None = None, seed: int | None = None, progress=None) -> WhatIf:
    """Simulate the rest of the day from *snapshot* (a multi-day scenario's: to the horizon's
    end): the baseline and each action.

    actions: a list of action strings (each its own variant) or a dict
        label -> list of action strings (several actions in one variant).
    replications: simulated continuations (default: the scenario's).
    seed: root seed (default: the scenario's); every variant uses the same streams.
    """
    if not isinstance(actions, dict):
        actions = {a: [a] for a in actions}
    n = scenario.replications if replications is None else int(replications)
    if n < 1:
        raise ValueError(f"replications must be at least 1, got {n}")
    variants: dict[str, list[Action]] = {"as is": []} | {label: [parse_action(a) for a in texts]
                                                        for label, texts in actions.items()}
    total, done = n * len(variants), 0
    out = {}
    for label, acts in variants.items():
        residual, extra_now = residual_scenario(scenario, snapshot, acts, seed)
        plan = build_plan(residual)
        results = []
        for r in range(n):
            _, rec, _ = run_from_snapshot(scenario, snapshot, r, extra_now=extra_now, plan=plan)
            results.append(compute_results(plan, rec))
            done += 1
            if progress:
                progress(done, total)
        out[label] = Estimates(residual, plan, plan.seed, results)
    return WhatIf(snapshot, out)


def render_whatif(result: WhatIf, intervals: int = 4, width: int | None = None) -> str:
    """A plain-text table of the next *intervals* intervals per variant and contact type.

    width: the terminal's columns — the tables are stacked and the lines wrapped to fit
        (``ccsim.report.columns``); None (the default): one line per row, whatever its length.
    """
    from ..report.columns import fit_lines, render_columns

    day = "" if result.snapshot.day is None else f" on day {result.snapshot.day}"
    lines = [f"What if, from {format_clock(result.snapshot.time)}{day} "
             f"({next(iter(result.variants.values())).replications} replications, common random numbers)"]
    rows = result.interval_table()
    names = list(next(iter(result.variants.values())).scenario.contact_types)
    reported = result.reported()[:intervals]
    starts = [start if d is None or d == result.snapshot.day else f"d{d} {start}" for _, start, d in reported]
    for name in names:
        lines.append("")
        lines.append(f"{name}: service level (95 % CI) / abandonment / ASA")
        body = []
        for label in result.variants:
            mine = [r for r in rows if r["variant"] == label and r["contact_type"] == name]
            body.append([label] + [_cell(row) for row in mine[:len(reported)]])
        lines += ["  " + line for line in render_columns(["variant", *starts], body, set(range(1, len(starts) + 1)),
                                                          width=None if width is None else max(20, width - 2))]
    if result.snapshot.day is not None:
        lines.append("")
        lines.append("per day: service level (95 % CI) / abandonment")
        body = []
        for row in result.day_table():
            sl, ci, ab = row["service_level"], row["service_level_ci95"], row["abandon_rate"]
            half = "" if ci is None else f"±{(ci[1] - ci[0]) / 2 * 100:.0f}"
            cell = "-" if sl is None else f"{sl * 100:.0f}{half} % {0 if ab is None else ab * 100:.0f} %"
            body.append([row["variant"], row["contact_type"], f"day {row['day']} from {row['from']}", cell])
        lines += ["  " + line for line in render_columns(["variant", "contact type", "day", "SL / abandoned"], body,
                                                          {3}, width=None if width is None else max(20, width - 2))]
    for label, comp in result.comparisons.items():
        lines.append("")
        lines.append(f"{label} vs as is (rest of the {'horizon' if result.snapshot.day else 'day'}, paired):")
        for row in comp.rows():
            if row["section"] == "contact_types" and row["kpi"] in ("service_level", "abandon_rate"):
                ci = row["paired_ci95"]
                ci_text = "" if ci is None else f" [{ci[0]:+.3f}, {ci[1]:+.3f}]"
                lines.append(f"  {row['name']:<10} {row['kpi']:<14} {row['a']:.3f} -> {row['b']:.3f} "
                             f"({row['difference']:+.3f}{ci_text})")
    return "\n".join(fit_lines(lines, width))


def _cell(row: dict) -> str:
    sl, ci, ab, asa = row["service_level"], row["service_level_ci95"], row["abandon_rate"], row["asa"]
    if sl is None:
        return "-"
    half = "" if ci is None else f"±{(ci[1] - ci[0]) / 2 * 100:.0f}"
    return f"{sl * 100:.0f}{half} % {0 if ab is None else ab * 100:.0f} % {format_time(asa)}"
