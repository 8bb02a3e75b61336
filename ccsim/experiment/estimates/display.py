"""How notebooks show estimates (``repr`` and ``_repr_html_``): times by the units' rule
(``ccsim.units.format_time``), shares in %, each with its 95 % half-width."""

from __future__ import annotations

import math

from ...units import format_target, format_time
from .estimate import Estimate
from .view import EstimatesView


def share_text(e: Estimate) -> str:
    if not math.isfinite(e.mean):
        return "–"
    return f"{100 * e.mean:.1f} %" + ("" if e.ci95 is None else f" ± {100 * e.half_width:.1f}")


def time_text(e: Estimate) -> str:
    return format_time(e.mean, None if e.ci95 is None else e.half_width)


def count_text(e: Estimate) -> str:
    return "–" if not math.isfinite(e.mean) else f"{e.mean:,.1f}"


def html_table(caption: str, head: list[str], rows: list[list[str]]) -> str:
    """A small HTML table for Jupyter: a caption line, header cells, text cells (escaped)."""
    import html

    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<p><b>{html.escape(caption)}</b></p><table><thead><tr>"
            + "".join(f"<th>{html.escape(h)}</th>" for h in head) + f"</tr></thead><tbody>{body}</tbody></table>")


def estimates_text(est: EstimatesView) -> str:
    head = (f"<Estimates of {est.scenario.name!r}: {est.replications} replication"
            f"{'s' if est.replications != 1 else ''}, seed {est.seed} (mean ± 95 % CI half-width)")
    lines = [head]
    targets = est.targets()
    for name, k in est.contact_types.items():
        t = targets[name]
        lines.append(f"  {name}: service level {share_text(k['service_level'])} "
                     f"({t['verdict']}: target {format_target(t['service_level'], t['threshold_s'])}), "
                     f"ASA {time_text(k['asa'])}, abandonment {share_text(k['abandon_rate'])}")
    for name, g in est.agent_groups.items():
        lines.append(f"  {name}: occupancy {share_text(g['occupancy'])}, "
                     f"{count_text(g['agents_present'])} agents present")
    return "\n".join(lines) + ">"


def estimates_html(est: EstimatesView) -> str:
    """A compact KPI table for Jupyter."""
    targets = est.targets()
    head = ["", "offered", "service level", "target", "ASA", "abandonment", "occupancy"]
    rows = []
    for name, k in est.contact_types.items():
        t = targets[name]
        rows.append([name, count_text(k["offered"]), share_text(k["service_level"]),
                     f"{format_target(t['service_level'], t['threshold_s'])} ({t['verdict']})",
                     time_text(k["asa"]), share_text(k["abandon_rate"]), ""])
    for name, g in est.agent_groups.items():
        rows.append([f"group {name}", "", "", "", "", "", share_text(g["occupancy"])])
    return html_table(f"{est.scenario.name} — {est.replications} replications, seed {est.seed} "
                      "(mean ± 95 % CI half-width)", head, rows)
