"""Compare scenario variants on common random numbers, with paired confidence intervals.

Both variants run replication r on the same random streams (same seed, and
streams keyed by the names of contact types), so each caller arrives at the
same time with the same handle time and patience in both. The difference of a
KPI is estimated from the per-replication differences B − A: the day-to-day
noise both variants share cancels, and the paired interval is much narrower
than comparing two independent estimates.

Only variants of one centre can be compared this way: the same contact types
(the same callers). Variants whose contact types differ are refused
(``IncomparableVariants``); agent groups may differ (adding a group is a
variant), and only the groups present in both are differenced.
"""

from __future__ import annotations

import math

import numpy as np

from ..scenario import Scenario
from ..units import format_time
from .estimates import Estimate, Estimates, html_table
from .runner import Progress, run_tasks
from .simulate import plan_for
from .stats import t_quantile


class IncomparableVariants(ValueError):
    """Two scenarios that are not variants of one centre: their contact types differ."""


def check_comparable(a: Scenario, b: Scenario, labels: tuple[str, str] = ("A", "B")) -> None:
    """Raise ``IncomparableVariants`` unless *a* and *b* have the same contact types.

    Common random numbers pair the callers of each contact type by its name; a type
    present in only one variant has no partner, and a total over different types is
    not a difference of one centre.
    """
    names_a, names_b = list(a.contact_types), list(b.contact_types)
    if set(names_a) == set(names_b):
        return
    only_a = [n for n in names_a if n not in names_b]
    only_b = [n for n in names_b if n not in names_a]
    parts = []
    if only_a:
        parts.append(f"only in {labels[0]}: {', '.join(only_a)}")
    if only_b:
        parts.append(f"only in {labels[1]}: {', '.join(only_b)}")
    raise IncomparableVariants(
        f"cannot compare {a.name!r} with {b.name!r}: their contact types differ ({'; '.join(parts)}). "
        "A comparison pairs the same callers in both variants: compare two variants of one centre, "
        "e.g. ccsim compare A.yaml --set agent_groups.NAME.staffing=N"
    )


def welch_ci(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> tuple[float, float] | None:
    """Unpaired (Welch) interval of mean(b) − mean(a), for reference."""
    a = a[~np.isnan(a)]
    b = b[~np.isnan(b)]
    if a.size < 2 or b.size < 2:
        return None
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = math.sqrt(va + vb)
    if se == 0:
        d = float(b.mean() - a.mean())
        return (d, d)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = t_quantile(confidence, max(1, int(df))) * se
    d = float(b.mean() - a.mean())
    return (d - half, d + half)


class Comparison:
    """Variant B against variant A.

    ``a`` and ``b`` are the ``Estimates``; ``difference[section][name][kpi]`` is an
    ``Estimate`` of B − A from paired replications, for ``section`` in
    ``contact_types``, ``agent_groups`` (names present in both) and ``total``.
    """

    def __init__(self, a: Estimates, b: Estimates, labels: tuple[str, str] = ("A", "B")):
        self.a, self.b, self.labels = a, b, labels
        self.b_note = ""  # e.g. " with agent_groups.desk.staffing=4" for --set variants
        self.difference: dict[str, dict[str, dict[str, Estimate]]] = {}
        for section in ("contact_types", "agent_groups"):
            ta, tb = getattr(a, section), getattr(b, section)
            self.difference[section] = {
                name: {kpi: Estimate(tb[name][kpi].values - ta[name][kpi].values) for kpi in ta[name]}
                for name in ta if name in tb
            }
        self.groups_only = {  # agent groups present in one variant only: not differenced
            "a": [g for g in a.agent_groups if g not in b.agent_groups],
            "b": [g for g in b.agent_groups if g not in a.agent_groups],
        }
        self.difference["total"] = {
            "total": {kpi: Estimate(b.total[kpi].values - a.total[kpi].values) for kpi in a.total}
        }

    def rows(self) -> list[dict]:
        """One row per (section, name, KPI): A, B, B − A with its paired and unpaired CI."""
        out = []
        for section, names in self.difference.items():
            for name, kpis in names.items():
                src_a = self.a.total if section == "total" else getattr(self.a, section)[name]
                src_b = self.b.total if section == "total" else getattr(self.b, section)[name]
                for kpi, diff in kpis.items():
                    out.append({
                        "section": section, "name": name, "kpi": kpi,
                        "a": src_a[kpi].mean, "b": src_b[kpi].mean,
                        "difference": diff.mean, "paired_ci95": diff.ci95,
                        "unpaired_ci95": welch_ci(src_a[kpi].values, src_b[kpi].values),
                        "significant": diff.ci95 is not None and not (diff.ci95[0] <= 0.0 <= diff.ci95[1]),
                    })
        return out

    def frame_rows(self) -> list[dict]:
        """``rows()`` with each interval in two columns (``paired_ci_low``, ``paired_ci_high``,
        ``unpaired_ci_low``, ``unpaired_ci_high``): what ``to_frame`` is made of."""
        out = []
        for row in self.rows():
            flat = {k: v for k, v in row.items() if k not in ("paired_ci95", "unpaired_ci95")}
            for key in ("paired", "unpaired"):
                ci = row[f"{key}_ci95"]
                flat[f"{key}_ci_low"] = None if ci is None else ci[0]
                flat[f"{key}_ci_high"] = None if ci is None else ci[1]
            out.append(flat)
        return out

    def to_frame(self):
        """The differences as a pandas DataFrame: one row per section, name and KPI with A, B,
        B − A and both 95 % intervals. Needs pandas (``pip install 'ccsim[pandas]'``); without it
        this raises ImportError, and ``frame_rows()`` gives the same rows as dicts."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("to_frame needs pandas: pip install 'ccsim[pandas]' "
                              "(or use .frame_rows(), the same rows as dicts)") from None
        return pd.DataFrame(self.frame_rows())

    _SHOWN = ("service_level", "asa", "abandon_rate", "occupancy")

    def _shown_rows(self) -> list[dict]:
        return [r for r in self.rows() if r["kpi"] in self._SHOWN]

    def __repr__(self) -> str:
        la, lb = self.labels
        lines = [f"<Comparison {lb} − {la}: {self.a.replications} paired replications on common random numbers, "
                 f"seed {self.a.seed}", f"  {la}: {self.a.scenario.name}",
                 f"  {lb}: {self.b.scenario.name}{self.b_note}"]
        for r in self._shown_rows():
            lines.append(f"  {r['name']} {r['kpi']}: {_value(r['kpi'], r['a'])} -> {_value(r['kpi'], r['b'])} "
                         f"({_difference(r['kpi'], r['difference'], r['paired_ci95'])}"
                         f"{', significant' if r['significant'] else ''})")
        return "\n".join(lines) + ">"

    def _repr_html_(self) -> str:
        la, lb = self.labels
        rows = [[r["name"], r["kpi"], _value(r["kpi"], r["a"]), _value(r["kpi"], r["b"]),
                 _difference(r["kpi"], r["difference"], r["paired_ci95"]), "yes" if r["significant"] else ""]
                for r in self._shown_rows()]
        return html_table(f"{lb} − {la}: {self.b.scenario.name}{self.b_note} against {self.a.scenario.name} — "
                          f"{self.a.replications} paired replications (difference ± paired 95 % CI half-width)",
                          ["", "KPI", la, lb, f"{lb} − {la}", "significant"], rows)

    def to_dict(self) -> dict:
        def num(v):
            return None if v is None or not math.isfinite(v) else float(v)

        rows = []
        for row in self.rows():
            row = dict(row)
            for key in ("a", "b", "difference"):
                row[key] = num(row[key])
            for key in ("paired_ci95", "unpaired_ci95"):
                row[key] = None if row[key] is None else [num(v) for v in row[key]]
            rows.append(row)
        return {
            "a": {"label": self.labels[0], "scenario": self.a.scenario.name},
            "b": {"label": self.labels[1], "scenario": self.b.scenario.name},
            "seed": self.a.seed, "replications": self.a.replications,
            "agent_groups_only_in": self.groups_only,
            "differences": rows,
        }


_TIMES = ("asa", "mean_wait", "wait_p90", "aht")


def _value(kpi: str, v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    if kpi in _TIMES:
        return format_time(v)
    return f"{100 * v:.1f} %" if kpi in ("service_level", "abandon_rate", "occupancy") else f"{v:,.1f}"


def _difference(kpi: str, d: float | None, ci) -> str:
    if d is None or not math.isfinite(d):
        return "–"
    half = None if ci is None else (ci[1] - ci[0]) / 2.0
    if kpi in _TIMES:
        return format_time(d, half, signed=True)
    if kpi in ("service_level", "abandon_rate", "occupancy"):
        return f"{100 * d:+.1f} pp" + ("" if half is None else f" ± {100 * half:.1f}")
    return f"{d:+,.1f}" + ("" if half is None else f" ± {half:.1f}")


def compare(
    a: Scenario,
    b: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    executor=None,
    progress: Progress | None = None,
    labels: tuple[str, str] = ("A", "B"),
) -> Comparison:
    """Run *a* and *b* on the same random streams and compare every KPI (B − A),
    per contact type, per agent group present in both, and in total.

    Raises ``IncomparableVariants`` (a ``ValueError``) before running anything when
    the contact types of *a* and *b* differ.
    """
    check_comparable(a, b, labels)
    n = a.replications if replications is None else int(replications)
    plan_a, plan_b = plan_for(a, seed), plan_for(b, seed if seed is not None else a.seed)
    tasks = [(plan_a, r) for r in range(n)] + [(plan_b, r) for r in range(n)]
    outputs = run_tasks(tasks, workers=workers, executor=executor, progress=progress)
    est_a = Estimates(a, plan_a, plan_a.seed, [res for res, _ in outputs[:n]])
    est_b = Estimates(b, plan_b, plan_b.seed, [res for res, _ in outputs[n:]])
    return Comparison(est_a, est_b, labels)
