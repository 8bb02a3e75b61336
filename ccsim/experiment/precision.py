"""Run replications in batches until the named confidence intervals are tight enough.

``--precision service_level=0.01`` asks for a 95 % CI half-width of at most
0.01 (absolute); ``asa=5%`` for at most 5 % of the mean (relative). A bare KPI
name applies to every contact type (or agent group) that has it;
``sales.asa=5%`` to one. Replication r always uses the same streams, so the
final estimates equal a plain run with the same number of replications.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..scenario import Scenario
from .estimates import Estimates
from .runner import Progress, run_tasks
from .simulate import plan_for


@dataclass(frozen=True)
class PrecisionTarget:
    kpi: str
    half_width: float
    relative: bool = False
    name: str | None = None  # a contact type or agent group; None = all that have the KPI

    def label(self) -> str:
        width = f"{100 * self.half_width:g}%" if self.relative else f"{self.half_width:g}"
        return f"{self.name + '.' if self.name else ''}{self.kpi}={width}"


def parse_precision(text: str) -> PrecisionTarget:
    """'service_level=0.01' (absolute) or 'sales.asa=5%' (relative to the mean)."""
    if "=" not in text:
        raise ValueError(f"expected KPI=HALF_WIDTH such as service_level=0.01 or asa=5%, got {text!r}")
    key, value = (part.strip() for part in text.split("=", 1))
    name, _, kpi = key.rpartition(".")
    relative = value.endswith("%")
    try:
        width = float(value[:-1]) / 100.0 if relative else float(value)
    except ValueError:
        raise ValueError(f"expected a number or a percentage after '=', got {value!r}") from None
    if not width > 0 or not math.isfinite(width):
        raise ValueError(f"the half-width must be positive, got {value!r}")
    return PrecisionTarget(kpi=kpi, half_width=width, relative=relative, name=name or None)


def _matching(est: Estimates, target: PrecisionTarget):
    found = []
    for section in (est.contact_types, est.agent_groups):
        for name, kpis in section.items():
            if target.kpi in kpis and (target.name is None or target.name == name):
                found.append((name, kpis[target.kpi]))
    if target.kpi in est.total and target.name in (None, "total") and len(est.contact_types) > 1:
        found.append(("total", est.total[target.kpi]))
    return found


def check_targets(est: Estimates, targets: list[PrecisionTarget]) -> tuple[list[dict], float]:
    """Each target's state, and the factor by which replications must grow (1 = met)."""
    report, growth = [], 1.0
    for target in targets:
        matches = _matching(est, target)
        if not matches:
            raise ValueError(f"no contact type or agent group has a KPI {target.kpi!r}"
                             + (f" named {target.name!r}" if target.name else ""))
        for name, e in matches:
            if math.isnan(e.mean):
                continue  # nothing to measure (e.g. no contacts): no precision to reach
            allowed = target.half_width * (abs(e.mean) if target.relative else 1.0)
            hw = e.half_width
            met = hw <= allowed if math.isfinite(hw) else False
            if not met:
                growth = max(growth, (hw / allowed) ** 2 if allowed > 0 and math.isfinite(hw) else 2.0)
            report.append({"target": target.label(), "name": name, "kpi": target.kpi,
                           "allowed_half_width": allowed, "half_width": hw if math.isfinite(hw) else None,
                           "met": bool(met)})
    return report, growth


def simulate_to_precision(
    scenario: Scenario,
    targets: list[PrecisionTarget],
    max_replications: int = 1000,
    seed: int | None = None,
    workers: int | None = 1,
    executor=None,
    progress: Progress | None = None,
    initial: int | None = None,
) -> Estimates:
    """Add replications in batches until every target CI is tight enough, or the cap.

    The returned estimates carry ``.precision``: the targets, the half-widths
    reached, whether all were met, and how many replications it took.
    """
    if max_replications < 2:
        raise ValueError(f"max_replications must be at least 2, got {max_replications}")
    plan = plan_for(scenario, seed)
    n = min(max_replications, max(initial or scenario.replications, 5))
    outputs = run_tasks([(plan, r) for r in range(n)], workers=workers, executor=executor, progress=progress)
    batches = 1
    while True:
        est = Estimates(scenario, plan, plan.seed, [res for res, _ in outputs])
        report, growth = check_targets(est, targets)
        met = all(item["met"] for item in report)
        if met or n >= max_replications:
            break
        # The half-width shrinks like 1/sqrt(n): aim for the n that meets the target, plus 10 %.
        wanted = min(max_replications, max(n + 2, math.ceil(n * growth * 1.1)))
        outputs += run_tasks([(plan, r) for r in range(n, wanted)], workers=workers,
                             executor=executor, progress=progress)
        n = wanted
        batches += 1
    est.precision = {"targets": report, "met": met, "replications_needed": n, "batches": batches,
                     "max_replications": max_replications}
    return est
