"""A staffing result on the terminal: per interval, the plans compared, how the search
went; and a roster's shifts, coverage and simulated KPIs (``ccsim staff``, ``ccsim shifts``).

The numbers come from ``staffing_export``'s rows, so the tables, the CSV and the JSON
show the same values.
"""

from __future__ import annotations

from ..staffing.binding import held_intervals
from ..staffing.roster import roster_yaml_block
from ..staffing.staff import StaffingResult, agent_hours
from .columns import TERMINAL, fit_lines, render_columns, resolve_width
from .labels import fmt_ci
from .staffing_export import binding_labels, binding_table, clock_starts, interval_ci, rows


def _pct(mean, low, high) -> str:
    return fmt_ci("service_level", mean, None if low is None else (low, high))


def _secs(mean, low, high) -> str:
    return fmt_ci("asa", mean, None if low is None else (low, high))


def _table(headers: list[str], body: list[list[str]], right: set[int], width: int | None = None,
           key: int = 1) -> list[str]:
    return render_columns(headers, body, right, width=width, key=key)


def _verdict_word(v) -> str:
    return {"met": "met", "borderline": "borderline", "missed": "MISSED", None: "-"}[v]


def _per_variant(result: StaffingResult) -> str:
    text = f"{result.replications} per variant"
    if result.days_per_variant != result.replications:
        text += f", {result.days_per_variant} after the check asked for more"
    return text


def render(result: StaffingResult, width: int | None | str = TERMINAL) -> str:
    """Terminal tables: per interval, the plans compared, how the search went.

    width: the terminal's columns (tables stack, prose wraps); ``"terminal"`` (default): the
    width of the terminal stdout is on, None (no limit) when it is piped."""
    width = resolve_width(width)  # type: ignore[arg-type]
    plan = result.plan
    s = result.search
    lines = [f"Staffing for {result.scenario.name}"]
    lines.append("targets: " + "; ".join(f"{n} {t.describe()}" for n, t in result.targets.contact_types.items())
                 + "".join(f"; {g} occupancy ≤ {100 * c:g} %" for g, c in result.targets.max_occupancy.items()
                           if c is not None)
                 + ("; in expectation" if result.targets.confidence is None
                    else f"; on {100 * result.targets.confidence:g} % of days"))
    lines.append(f"search: started from {result.start_method.replace('_', ' ')}; {s.evaluations} variants, "
                 f"{s.simulated_days:,} simulated days ({_per_variant(result)}, seed {result.seed}), "
                 f"{s.seconds:.1f} s; "
                 + ("no single agent can be removed from any interval" if s.minimal
                    else "stopped before every removal was checked"))
    lines.append(f"achieved KPIs: {result.check_replications} replications on fresh random numbers "
                 f"(seed {result.check_seed}), mean ± 95 % CI half-width")
    lines.append("")
    all_rows = rows(result)
    one = len(plan.contact_types) == 1 and len(plan.agent_groups) == 1
    type_rows = [r for r in all_rows if r["kind"] == "contact_type"]
    group_rows = [r for r in all_rows if r["kind"] == "agent_group"]
    days = plan.days > 1
    has_abandon = any(r["abandon_rate"] for r in type_rows if r["abandon_rate"] is not None)
    if one:
        headers = (["day"] if days else []) + ["start", "forecast", "offered", "Erlang C", "Erlang A", "sqrt (beta)",
                                                "simulation", "scheduled", "service level", "verdict", "ASA"]
        headers += ["abandon"] if has_abandon else []
        headers += ["occupancy", "binding"]
        body = []
        for tr, gr in zip(type_rows, group_rows, strict=True):
            row = ([str(tr["day"])] if days else []) + [
                tr["start"], f"{tr['forecast']:.1f}", "-" if tr["offered"] is None else f"{tr['offered']:.1f}",
                str(tr["erlang_c"]), str(tr["erlang_a"]),
                f"{tr['square_root']} ({tr['beta']:.2f})", str(gr["required"]), str(gr["scheduled"]),
                _pct(tr["service_level"], tr["service_level_ci_low"], tr["service_level_ci_high"]),
                _verdict_word(tr["verdict"]),
                _secs(tr["asa"], tr["asa_ci_low"], tr["asa_ci_high"])]
            if has_abandon:
                row.append(_pct(tr["abandon_rate"], tr["abandon_rate_ci_low"], tr["abandon_rate_ci_high"]))
            row.append(_pct(gr["occupancy"], gr["occupancy_ci_low"], gr["occupancy_ci_high"]))
            row.append(gr["binding"] or "-")
            body.append(row)
        first = 1 if days else 0
        lines += _table(headers, body, right=set(range(first + 1, len(headers) - 1)) - {first + 9}, width=width,
                        key=first + 1)
    else:
        headers = (["day"] if days else []) + ["start", "contact type", "forecast", "offered", "Erlang C",
                                                "Erlang A", "sqrt", "service level", "verdict", "ASA", "abandon"]
        body = [([str(r["day"])] if days else []) + [
            r["start"], r["name"], f"{r['forecast']:.1f}", f"{r['offered']:.1f}" if r["offered"] is not None else "-",
            str(r["erlang_c"]), str(r["erlang_a"]), str(r["square_root"]),
            _pct(r["service_level"], r["service_level_ci_low"], r["service_level_ci_high"]),
            _verdict_word(r["verdict"]), _secs(r["asa"], r["asa_ci_low"], r["asa_ci_high"]),
            _pct(r["abandon_rate"], r["abandon_rate_ci_low"], r["abandon_rate_ci_high"])] for r in type_rows]
        first = 1 if days else 0
        lines += _table(headers, body, right=set(range(first + 2, len(headers))) - {first + 8}, width=width,
                        key=first + 2)
        lines.append("")
        headers = (["day"] if days else []) + ["start", "agent group", "Erlang C", "Erlang A", "simulation",
                                                "scheduled", "occupancy", "binding"]
        body = [([str(r["day"])] if days else []) + [
            r["start"], r["name"], str(r["erlang_c"]), str(r["erlang_a"]), str(r["required"]), str(r["scheduled"]),
            _pct(r["occupancy"], r["occupancy_ci_low"], r["occupancy_ci_high"]), r["binding"] or "-"]
            for r in group_rows]
        lines += _table(headers, body, right=set(range(first + 2, len(headers) - 1)), width=width, key=first + 2)
    lines += binding_notes(result)
    lines.append("")
    lines += render_plans(result, width)
    return "\n".join(fit_lines(lines, width)) + "\n"


def binding_notes(result: StaffingResult) -> list[str]:
    """What the binding column means, and every interval the queue holds up for a later one."""
    s = result.search
    if not s.binding:
        return ["binding: not known — the search stopped before it had checked every single removal"]
    lines = [f"binding: the target one agent fewer misses, each removal simulated on its own on the search's "
             f"{result.days_per_variant} days ('for 10:00 (SL)': it misses only a later interval's)"]
    held = held_intervals(binding_table(result))
    if held:
        starts = result.interval_starts()
        several = len(result.groups) > 1
        labels = binding_labels(result)
        items = [f"{result.groups[b.group] + ' ' if several else ''}{starts[b.interval]} "
                 f"{labels[b.group][b.interval]}" for b in held]
        lines.append(f"smoothed by the queue: {len(held)} interval{'s' if len(held) != 1 else ''} "
                     f"keep{'s' if len(held) == 1 else ''} agents for a later interval's targets, more than "
                     f"{'it needs' if len(held) == 1 else 'they need'} alone (callers waiting at the end of an "
                     f"interval are answered in the next): " + "; ".join(items))
    return lines


def render_plans(result: StaffingResult, width: int | None = None) -> list[str]:
    """The plans compared: agent-hours, intervals meeting targets, day KPIs, cost."""
    plan = result.plan
    has_cost = any(v.cost is not None for v in result.validations)
    headers = ["plan", "agent-hours/day", "intervals meeting targets"]
    types = list(result.targets.contact_types)
    patient = {ct.name for ct in plan.contact_types if ct.patience.mean == float("inf")}
    for name in types:
        headers += [f"{name}: SL"] + ([] if name in patient else [f"{name}: abandon"])
    if any(result.options.shrinkage.values()):
        headers.append("paid hours/day")
    if has_cost:
        headers.append("cost/day")
    body = []
    for v in result.validations:
        est = v.estimates
        row = [v.label, f"{agent_hours(v.staffing, plan):.1f}", f"{v.intervals_met}/{v.n_intervals}"]
        for name in types:
            sl, ab = est.contact_types[name]["service_level"], est.contact_types[name]["abandon_rate"]
            row.append(_pct(sl.mean, *(sl.ci95 or (None, None))))
            if name not in patient:
                row.append(_pct(ab.mean, *(ab.ci95 or (None, None))))
        if any(result.options.shrinkage.values()):
            row.append(f"{sum(v.paid_hours.values()) / plan.days:.1f}")
        if has_cost:
            total = v.cost["total"]
            row.append(f"{total.mean / plan.days:,.0f}" + (f" ±{total.half_width / plan.days:,.0f}"
                                                           if total.ci95 is not None else ""))
        body.append(row)
    lines = _table(headers, body, right=set(range(1, len(headers))), width=width)
    found = result.validations[0]
    for v in result.validations[1:]:
        diff = agent_hours(v.staffing, plan) - agent_hours(found.staffing, plan)
        if v.intervals_met < v.n_intervals:
            verdict = f"misses the targets in {v.n_intervals - v.intervals_met} of {v.n_intervals} intervals"
        else:
            verdict = "meets the targets"
        if diff > 0:
            lines.append(f"{v.label} over-staffs by {diff:.1f} agent-hours a day "
                         f"({100 * diff / max(agent_hours(found.staffing, plan), 1e-9):.0f} %) and {verdict}.")
        elif diff < 0:
            lines.append(f"{v.label} under-staffs by {-diff:.1f} agent-hours a day "
                         f"({100 * -diff / max(agent_hours(found.staffing, plan), 1e-9):.0f} %) and {verdict}.")
        else:
            lines.append(f"{v.label} has the same agent-hours and {verdict}.")
    lines.append("Intervals meeting targets: the 95 % CI of every targeted KPI reaches its target "
                 "(on a fresh seed)." if result.targets.confidence is None else
                 "Intervals meeting targets: every KPI meets its target on the stated share of days (fresh seed).")
    return lines


def render_roster(roster, validation, plan, targets, rounds=(), width: int | None | str = TERMINAL) -> str:
    """The shifts block, coverage per interval, and the roster's simulated KPIs (*width* as ``render``)."""
    width = resolve_width(width)  # type: ignore[arg-type]
    lines = []
    if len(rounds) > 1:
        for i, r in enumerate(rounds, start=1):
            met = ("not simulated" if r.check is None
                   else f"meets targets in {r.check.intervals_met}/{r.check.n_intervals} intervals")
            extra = f" after adding {r.added} agent-intervals where it missed" if r.added else ""
            lines.append(f"roster {i}{extra}: {sum(g.paid_hours for g in r.roster.groups):.1f} paid hours a day, {met}")
        lines.append("")
    for r in roster.groups:
        gap = f", gap {100 * r.gap:.2g} %" if r.gap > 1e-6 else ""
        lines.append(f"{r.group}: {r.headcount()} agents on {len(r.shifts)} shifts, {r.paid_hours:.1f} paid hours a "
                     f"day for {float(r.requirement.sum()) * plan.interval_s / 3600:.1f} required agent-hours "
                     f"({r.status}{gap}; {r.patterns_considered:,} patterns, {r.seconds:.1f} s)")
    lines = fit_lines(lines, width)
    lines.append("")
    lines.append(roster_yaml_block(roster).rstrip())  # never wrapped: it is pasted into a scenario
    lines.append("")
    yaml_end = len(lines)
    starts = clock_starts(plan)
    headers = ["start", "group", "needed", "on shift"]
    types = list(targets.contact_types)
    if validation is not None:
        headers += [f"{n}: SL" for n in types] + ["verdict"]
    body = []
    est = validation.estimates if validation is not None else None
    for r in roster.groups:
        for j, start in enumerate(starts):
            row = [start, r.group, f"{r.requirement[j]:.1f}", f"{r.covered[j]:.1f}"]
            if est is not None:
                verdicts = []
                for name in types:
                    row.append(_pct(*interval_ci(est, "intervals", name, "service_level", j)))
                    verdicts.append(validation.verdicts[(name, "service_level")][j])
                worst = "missed" if "missed" in verdicts else "borderline" if "borderline" in verdicts else \
                    "met" if "met" in verdicts else None
                row.append(_verdict_word(worst))
            body.append(row)
    lines += _table(headers, body, right={2, 3} | set(range(4, 4 + len(types))), width=width, key=2)
    if validation is not None:
        lines.append("")
        lines.append(f"roster simulated: {validation.estimates.replications} replications (seed "
                     f"{validation.estimates.seed}); meets every target in {validation.intervals_met} of "
                     f"{validation.n_intervals} intervals")
        for name in types:
            sl = validation.estimates.contact_types[name]["service_level"]
            ab = validation.estimates.contact_types[name]["abandon_rate"]
            lines.append(f"  {name}: service level {_pct(sl.mean, *(sl.ci95 or (None, None)))}, abandonment "
                         f"{_pct(ab.mean, *(ab.ci95 or (None, None)))}")
        if validation.cost is not None:
            total = validation.cost["total"]
            lines.append(f"  cost per day {total.mean / plan.days:,.0f}")
    return "\n".join(lines[:yaml_end] + fit_lines(lines[yaml_end:], width)) + "\n"


__all__ = ["render", "render_plans", "render_roster"]
