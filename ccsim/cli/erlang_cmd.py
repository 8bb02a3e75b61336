"""``ccsim erlang``: the analytic calculator (Erlang B, C and A) on the command line.

Every column is headed by the KPI name whose definition it uses (``ccsim/metrics/
catalogue.py``, docs/kpis.md), and the command says each definition below the
tables (``definitions`` in the JSON). Beside ours, answered within the threshold /
(answered + abandoned), Erlang A also gives the service level over the answered
only and the one of Erlang X calculators, on the virtual waiting time.
"""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import dataclass

import click

from ..units import format_duration, parse_duration, parse_rate


def _convert(parse, what):
    def callback(ctx, param, value):
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


def _agents_range(ctx, param, value: str) -> list[int]:
    try:
        if ".." in value:
            low, high = (int(v) for v in value.split("..", 1))
        else:
            low = high = int(value)
    except ValueError:
        raise click.BadParameter(f"expected a number of agents or a range like 10..20, got {value!r}") from None
    if low < 0 or high < low or high - low > 10_000:
        raise click.BadParameter(f"expected 0 <= low <= high, got {value!r}")
    return list(range(low, high + 1))


@dataclass(frozen=True)
class Column:
    """One column: its JSON key, the KPI name heading it, how it is written, what it means."""

    key: str
    kpi: str  # the catalogue's name (service_level_virtual: the Erlang X calculators' one)
    kind: str  # share, seconds or rate (a share written with 5 decimals)
    definition: str


_WIDTH = 100  # the definitions' lines, wrapped

# The definitions, once per KPI name; {t} is the threshold.
DEFINITIONS = {
    "blocked_rate": "blocked / offered in M/M/c/c (Erlang B: lines = agents, no queue)",
    "p_wait": "P(wait > 0): callers who found every agent busy",
    "abandon_rate": "abandoned / offered",
    "service_level": "answered within {t} / (answered + abandoned): ccsim's service level",
    "service_level_answered": "answered within {t} / answered (abandoned callers out of the base)",
    "service_level_virtual": "P(virtual wait <= {t}), the wait of a caller who never hangs up: the service "
                             "level of Erlang X calculators (not a KPI of ccsim run)",
    "asa": "mean wait of the answered",
    "mean_wait": "mean wait of answered and abandoned (an abandoned caller waited its patience)",
    "occupancy": "busy agents / agents",
}
# What each model makes of the definitions it does not show.
NOTES = {
    "C": "Erlang C: nobody abandons, so its service_level is also the one over the answered, over all "
         "offered and on the virtual wait, and its asa is its mean_wait",
    "A": "Erlang A: nobody is blocked and no abandon is short, so its service_level is also the one over "
         "all offered (service_level_offered)",
}


def _column(key: str, kpi: str, kind: str = "share", note: str = "") -> Column:
    return Column(key, kpi, kind, DEFINITIONS[kpi] + (f"; {note}" if note else ""))


ERLANG_C = (
    _column("erlang_b_blocking", "blocked_rate"),
    _column("erlang_c_prob_wait", "p_wait"),
    _column("erlang_c_service_level", "service_level", note="M/M/c: also over answered, over all offered and "
            "on the virtual wait (nobody abandons)"),
    _column("erlang_c_asa", "asa", "seconds", note="M/M/c: also the mean_wait (nobody abandons)"),
    _column("occupancy", "occupancy"),
)
ERLANG_A = (
    _column("erlang_a_prob_wait", "p_wait"),
    _column("erlang_a_abandon_rate", "abandon_rate", "rate"),
    _column("erlang_a_service_level", "service_level", note="M/M/c+M: also over all offered (nobody is "
            "blocked, no abandon is short)"),
    _column("erlang_a_service_level_answered", "service_level_answered"),
    _column("erlang_a_service_level_virtual", "service_level_virtual"),
    _column("erlang_a_asa", "asa", "seconds"),
    _column("erlang_a_mean_wait", "mean_wait", "seconds"),
    _column("erlang_a_occupancy", "occupancy"),
)


def rows_of(rate: float, aht: float, agents: list[int], threshold: float, patience: float | None) -> list[dict]:
    """One row per number of agents: {column key: value}, the keys of ``ERLANG_C`` (and ``ERLANG_A``)."""
    from .. import erlang as e

    load_erl = rate * aht
    rows = []
    for c in agents:
        cm = e.erlang_c_metrics(rate, aht, c, threshold)
        row: dict = {
            "agents": c,
            "erlang_b_blocking": e.erlang_b(c, load_erl),
            "erlang_c_prob_wait": cm.prob_wait,
            "erlang_c_service_level": cm.service_level,
            "erlang_c_asa": cm.asa,
            "occupancy": cm.occupancy,
        }
        if patience:
            a = e.erlang_a(rate, aht, c, patience, threshold)
            row.update({
                "erlang_a_prob_wait": a.prob_wait,
                "erlang_a_abandon_rate": a.abandon_rate,
                "erlang_a_service_level": a.service_level,
                "erlang_a_service_level_answered": a.service_level_answered,
                "erlang_a_service_level_virtual": a.service_level_virtual,
                "erlang_a_asa": a.asa,
                "erlang_a_mean_wait": a.mean_wait_all,
                "erlang_a_occupancy": a.occupancy,
            })
        rows.append(row)
    return rows


def _cell(value: float, kind: str) -> str:
    if kind == "seconds":
        return f"{value:.2f}s" if math.isfinite(value) else "inf" if value > 0 else "-"
    if not math.isfinite(value):
        return "-"
    return f"{value:.5f}" if kind == "rate" else f"{value:.4f}"


def _table(columns, rows: list[dict]) -> list[str]:
    headers = ["agents"] + [c.kpi for c in columns]
    body = [[str(r["agents"])] + [_cell(r[c.key], c.kind) for c in columns] for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers)]
    return ["  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)) for line in [headers, *body]]


@click.command()
@click.option("--rate", required=True, callback=_convert(parse_rate, "rate"), help="Arrival rate, e.g. 200/h.")
@click.option(
    "--aht", required=True, callback=_convert(parse_duration, "duration"), help="Mean handle time, e.g. 3min."
)
@click.option("--agents", required=True, callback=_agents_range, help="Agents, or a range such as 10..20.")
@click.option(
    "--threshold",
    default="20s",
    show_default=True,
    callback=_convert(parse_duration, "duration"),
    help="Service-level threshold.",
)
@click.option(
    "--patience",
    callback=_convert(parse_duration, "duration"),
    help="Mean (exponential) patience: adds the Erlang A table (M/M/c+M).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def erlang(rate, aht, agents, threshold, patience, as_json):
    """Erlang B, C (and A with --patience) for a stationary interval.

    Columns are headed by the KPI names of docs/kpis.md; the definition of each
    is printed below the tables. With --patience, the service level is given by
    three definitions: ours (over answered + abandoned), over the answered only,
    and on the virtual waiting time (Erlang X calculators).
    """
    if rate <= 0 or aht <= 0:
        raise click.BadParameter("rate and aht must be positive")
    load_erl = rate * aht
    rows = rows_of(rate, aht, agents, threshold, patience)
    if as_json:
        columns = ERLANG_C + (ERLANG_A if patience else ())
        clean = [{k: (v if isinstance(v, int) or math.isfinite(v) else None) for k, v in r.items()} for r in rows]
        t = format_duration(threshold)
        definitions = {c.key: {"kpi": c.kpi, "definition": c.definition.format(t=t)} for c in columns}
        doc = {"offered_load_erlangs": load_erl, "threshold_s": threshold, "patience_s": patience,
               "definitions": definitions, "rows": clean}
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo(f"offered load {load_erl:.3f} Erlangs, service level threshold {format_duration(threshold)}")
    click.echo("")
    click.echo("Erlang B and C (M/M/c: nobody abandons)")
    lines = _table(ERLANG_C, rows)
    if patience:
        lines += ["", f"Erlang A (M/M/c+M: exponential patience, mean {format_duration(patience)})"]
        lines += _table(ERLANG_A, rows)
    for line in lines:
        click.echo(line)
    click.echo("")
    shown = [c.kpi for c in ERLANG_C + (ERLANG_A if patience else ())]
    kpis = [k for k in DEFINITIONS if k in shown]
    width = max(len(k) for k in kpis)
    t = format_duration(threshold)
    click.echo("Definitions (the KPI names of ccsim run, docs/kpis.md):")
    hang = " " * (width + 4)
    for kpi in kpis:
        click.echo(textwrap.fill(DEFINITIONS[kpi].format(t=t), _WIDTH, initial_indent=f"  {kpi.ljust(width)}  ",
                                 subsequent_indent=hang))
    for model in ("C", "A") if patience else ("C",):
        click.echo(textwrap.fill(NOTES[model] + ".", _WIDTH, initial_indent="  ", subsequent_indent="    "))
