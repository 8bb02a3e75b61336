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

from ..units import format_duration, format_threshold, format_time, parse_duration, parse_rate


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


_TARGET_NAMES = {"sl": "service_level", "service_level": "service_level", "asa": "asa",
                 "abandon": "abandon_rate", "abandon_rate": "abandon_rate", "abandonment": "abandon_rate",
                 "occupancy": "occupancy"}
TARGET_HELP = ("a service level 80%/20s (or sl=80%/20s; 80% alone takes --threshold), asa=20s, "
               "abandon=5% (Erlang A, needs --patience) or occupancy=85% (at most)")


def _share(text: str, what: str) -> float:
    """'80%' or '0.8' as 0.8."""
    t = text.strip()
    try:
        value = float(t[:-1]) / 100.0 if t.endswith("%") else float(t)
    except ValueError:
        raise ValueError(f"{what}: expected a share such as 80% or 0.8, got {text!r}") from None
    if not 0.0 < value <= 1.0 or not math.isfinite(value):
        raise ValueError(f"{what}: expected a share above 0 % and at most 100 % (80% or 0.8), got {text!r}")
    return value


def parse_target(text: str, threshold: float | None):
    """One --target as a ``StaffingTarget``; a service level without a threshold takes *threshold*."""
    from ..erlang import StaffingTarget

    name, sep, value = text.partition("=")
    if not sep:
        name, value = "service_level", text
    kpi = _TARGET_NAMES.get(name.strip().lower())
    if kpi is None:
        raise ValueError(f"unknown target {name.strip()!r} in {text!r} (known: sl, asa, abandon, occupancy)")
    if kpi == "service_level":
        share, slash, limit = value.partition("/")
        if slash:
            threshold = parse_duration(limit.strip())
        elif threshold is None:
            threshold = 20.0
        return StaffingTarget(kpi, _share(share, f"target {text!r}"), threshold)
    if kpi == "asa":
        return StaffingTarget(kpi, parse_duration(value.strip()))
    return StaffingTarget(kpi, _share(value, f"target {text!r}"))


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
    if kind == "seconds":  # in the unit a person reads it in: '7.8 s', '2.0 min', '1.6 h'
        return format_time(value) if math.isfinite(value) else "inf" if value > 0 else "-"
    if not math.isfinite(value):
        return "-"
    return f"{value:.5f}" if kind == "rate" else f"{value:.4f}"


def _table(columns, rows: list[dict], width: int | None = None) -> list[str]:
    """The table's lines; *width* a terminal's columns (stacked to fit, as ``ccsim run``), None: one line a row."""
    headers = ["agents"] + [c.kpi for c in columns]
    body = [[str(r["agents"])] + [_cell(r[c.key], c.kind) for c in columns] for r in rows]
    if width is not None:
        from ..report.columns import render_columns

        return render_columns(headers, body, set(range(len(headers))), width=width)
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers)]
    return ["  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)) for line in [headers, *body]]


def _target_cell(target, value: float) -> str:
    kind = "seconds" if target.kpi == "asa" else "rate" if target.kpi == "abandon_rate" else "share"
    return _cell(value, kind)


def _target_text(target) -> str:
    """'service_level >= 0.8000 (20s)', 'asa <= 20 s', 'abandon_rate <= 0.05000'."""
    value = format_threshold(target.value) if target.kpi == "asa" else _target_cell(target, target.value)
    text = f"{target.kpi} {target.op} {value}"
    return text + (f" ({format_duration(target.threshold)})" if target.kpi == "service_level" else "")


def solve(rate: float, aht: float, targets, patience: float | None) -> dict:
    """The agents needed for every target together, and for each on its own, with each
    target's KPI at that number of agents and at one fewer."""
    from .. import erlang as e

    needed = e.agents_needed(rate, aht, targets, patience)
    rows = []
    for t in targets:
        rows.append({
            "kpi": t.kpi, "op": t.op, "target": t.value, "threshold_s": t.threshold,
            "agents": e.agents_needed(rate, aht, [t], patience),
            "at_agents": e.target_value(rate, aht, needed, t, patience),
            "at_one_fewer": e.target_value(rate, aht, needed - 1, t, patience) if needed > 0 else None,
        })
    return {"model": "erlang_a" if patience else "erlang_c", "agents": needed, "targets": rows}


def _solution_lines(solution: dict, targets, patience: float | None) -> list[str]:
    n = solution["agents"]
    model = (f"Erlang A, M/M/c+M: exponential patience, mean {format_duration(patience)}" if patience
             else "Erlang C, M/M/c: nobody abandons")
    lines = [f"Agents needed ({model}): {n}"]
    headers = ["target", "agents", f"with {n}"] + ([f"with {n - 1}"] if n > 0 else [])
    body = []
    for t, row in zip(targets, solution["targets"], strict=True):
        line = [_target_text(t), str(row["agents"]), _target_cell(t, row["at_agents"])]
        if n > 0:
            line.append(_target_cell(t, row["at_one_fewer"]))
        body.append(line)
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers)]
    for line in [headers, *body]:
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


@click.command()
@click.option("--rate", required=True, callback=_convert(parse_rate, "rate"), help="Arrival rate, e.g. 200/h.")
@click.option(
    "--aht", required=True, callback=_convert(parse_duration, "duration"), help="Mean handle time, e.g. 3min."
)
@click.option("--agents", callback=lambda ctx, p, v: None if v is None else _agents_range(ctx, p, v),
              help="Agents, or a range such as 10..20 (default with --target: the answer ± 2).")
@click.option(
    "--threshold",
    callback=_convert(parse_duration, "duration"),
    help="Service-level threshold.  [default: 20s, or the --target's]",
)
@click.option(
    "--patience",
    callback=_convert(parse_duration, "duration"),
    help="Mean (exponential) patience: adds the Erlang A table (M/M/c+M), and targets are solved in Erlang A.",
)
@click.option("--target", "target_texts", multiple=True, metavar="TARGET",
              help=f"Solve for the agents needed: {TARGET_HELP}. Repeat for several; all must be met.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def erlang(rate, aht, agents, threshold, patience, target_texts, as_json):
    """Erlang B, C (and A with --patience) for a stationary interval.

    Columns are headed by the KPI names of docs/kpis.md; the definition of each
    is printed below the tables. With --patience, the service level is given by
    three definitions: ours (over answered + abandoned), over the answered only,
    and on the virtual waiting time (Erlang X calculators).

    With --target (e.g. 80%/20s, asa=20s, abandon=5%), prints the agents needed:
    the smallest number meeting every target, one fewer missing one at least
    (Erlang C, or Erlang A with --patience; the service level is ours).
    """
    if rate <= 0 or aht <= 0:
        raise click.BadParameter("rate and aht must be positive")
    targets = []
    for text in target_texts:
        try:
            targets.append(parse_target(text, threshold))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--target'") from None
    if agents is None and not targets:
        raise click.UsageError("give --agents (a number or a range such as 10..20) or --target (e.g. 80%/20s)")
    if threshold is None:
        threshold = next((t.threshold for t in targets if t.kpi == "service_level"), 20.0)
    solution = None
    if targets:
        try:
            solution = solve(rate, aht, targets, patience)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--target'") from None
        if agents is None:
            n = solution["agents"]
            agents = list(range(max(0, n - 2), n + 3))
    load_erl = rate * aht
    rows = rows_of(rate, aht, agents, threshold, patience)
    if as_json:
        columns = ERLANG_C + (ERLANG_A if patience else ())
        clean = [{k: (v if isinstance(v, int) or math.isfinite(v) else None) for k, v in r.items()} for r in rows]
        t = format_duration(threshold)
        definitions = {c.key: {"kpi": c.kpi, "definition": c.definition.format(t=t)} for c in columns}
        doc = {"offered_load_erlangs": load_erl, "threshold_s": threshold, "patience_s": patience,
               "definitions": definitions, "rows": clean}
        if solution is not None:
            doc["target"] = _finite_or_none(solution)
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo(f"offered load {load_erl:.3f} Erlangs, service level threshold {format_duration(threshold)}")
    click.echo("")
    if solution is not None:
        for line in _solution_lines(solution, targets, patience):
            click.echo(line)
        click.echo("")
    click.echo("Erlang B and C (M/M/c: nobody abandons)")
    from ..report.columns import terminal_width

    screen = terminal_width()
    lines = _table(ERLANG_C, rows, screen)
    if patience:
        lines += ["", f"Erlang A (M/M/c+M: exponential patience, mean {format_duration(patience)})"]
        lines += _table(ERLANG_A, rows, screen)
    for line in lines:
        click.echo(line)
    click.echo("")
    shown = [c.kpi for c in ERLANG_C + (ERLANG_A if patience else ())]
    kpis = [k for k in DEFINITIONS if k in shown]
    width = max(len(k) for k in kpis)
    t = format_duration(threshold)
    click.echo("Definitions (the KPI names of ccsim run, docs/kpis.md):")
    hang = " " * (width + 4)
    wrap = _WIDTH if screen is None else max(width + 20, min(_WIDTH, screen))
    for kpi in kpis:
        click.echo(textwrap.fill(DEFINITIONS[kpi].format(t=t), wrap, initial_indent=f"  {kpi.ljust(width)}  ",
                                 subsequent_indent=hang))
    for model in ("C", "A") if patience else ("C",):
        click.echo(textwrap.fill(NOTES[model] + ".", wrap, initial_indent="  ", subsequent_indent="    "))


def _finite_or_none(value):
    """JSON has no infinity: non-finite floats as null, through dicts and lists."""
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite_or_none(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
