"""``ccsim erlang``: the analytic calculator (Erlang B, C and A) on the command line."""

from __future__ import annotations

import json
import math

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
    help="Mean (exponential) patience: adds Erlang A columns.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def erlang(rate, aht, agents, threshold, patience, as_json):
    """Erlang B, C (and A with --patience) for a stationary interval."""
    from .. import erlang as e

    if rate <= 0 or aht <= 0:
        raise click.BadParameter("rate and aht must be positive")
    load_erl = rate * aht
    rows = []
    for c in agents:
        row = {
            "agents": c,
            "erlang_b_blocking": e.erlang_b(c, load_erl),
            "erlang_c_prob_wait": e.erlang_c(c, load_erl),
            "erlang_c_service_level": e.erlang_c_service_level(rate, aht, c, threshold),
            "erlang_c_asa": e.erlang_c_asa(rate, aht, c),
            "occupancy": e.erlang_c_occupancy(rate, aht, c),
        }
        if patience:
            a = e.erlang_a(rate, aht, c, patience, threshold)
            row.update(
                {
                    "erlang_a_prob_wait": a.prob_wait,
                    "erlang_a_abandon_rate": a.abandon_rate,
                    "erlang_a_service_level": a.service_level,
                    "erlang_a_asa": a.asa,
                    "erlang_a_occupancy": a.occupancy,
                }
            )
        rows.append(row)
    if as_json:
        clean = [{k: (v if isinstance(v, int) or math.isfinite(v) else None) for k, v in r.items()} for r in rows]
        click.echo(json.dumps({"offered_load_erlangs": load_erl, "threshold_s": threshold, "rows": clean}, indent=2))
        return
    click.echo(f"offered load {load_erl:.3f} Erlangs, service level threshold {format_duration(threshold)}")
    header = ["agents", "B block", "C P(wait)", "C SL", "C ASA", "occupancy"]
    if patience:
        header += ["A P(wait)", "A abandon", "A SL", "A ASA", "A occupancy"]
    click.echo("  ".join(f"{h:>11}" for h in header))
    for r in rows:
        cells = [
            f"{r['agents']:>11d}",
            f"{r['erlang_b_blocking']:>11.4f}",
            f"{r['erlang_c_prob_wait']:>11.4f}",
            f"{r['erlang_c_service_level']:>11.4f}",
            f"{r['erlang_c_asa']:>10.2f}s",
            f"{r['occupancy']:>11.4f}",
        ]
        if patience:
            cells += [
                f"{r['erlang_a_prob_wait']:>11.4f}",
                f"{r['erlang_a_abandon_rate']:>11.5f}",
                f"{r['erlang_a_service_level']:>11.4f}",
                f"{r['erlang_a_asa']:>10.2f}s",
                f"{r['erlang_a_occupancy']:>11.4f}",
            ]
        click.echo("  ".join(cells))
