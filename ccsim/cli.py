"""The ``ccsim`` command: thin on purpose — parse, call the library, print, exit code.

Exit codes: 0 success, 1 a run or output failure, 2 bad input (scenario or options).
"""

from __future__ import annotations

import json
import math
import os
import sys

import click

from . import __version__
from .scenario import ScenarioError, load
from .units import format_duration, parse_duration, parse_rate

SET_HELP = "Override a field by dotted path, e.g. agent_groups.sellers.staffing=30 (repeatable)."


def _fail_input(error: ScenarioError) -> None:
    count = len(error.problems)
    click.echo(f"error: the scenario has {count} problem{'s' if count != 1 else ''}:", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(2)


def _load(path: str, overrides: tuple[str, ...]):
    try:
        return load(path, overrides=overrides)
    except ScenarioError as error:
        _fail_input(error)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ccsim")
def main() -> None:
    """ccsim — contact-centre queue simulator.

    Simulate a scenario (YAML) and report service level, waiting times,
    abandonment and occupancy per contact type, agent group and interval, with
    95 % confidence intervals over replications.
    """


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--replications", "-r", type=click.IntRange(min=1), help="Simulated days (default: the scenario's).")
@click.option("--seed", "-s", type=click.IntRange(min=0), help="Root random seed (default: the scenario's).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout instead of tables.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write results.json, intervals.csv, groups.csv here.")
@click.option("--records", is_flag=True, help="With --out, also write contacts.csv (one row per contact).")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes for replications; results do not depend on it.")
def run(scenario, replications, seed, overrides, as_json, out_dir, records, workers):
    """Simulate SCENARIO and print its KPIs."""
    from .experiment import simulate
    from .report.export import to_json, write_outputs
    from .report.table import render_tables

    if records and not out_dir:
        raise click.UsageError("--records needs --out DIR")
    sc = _load(scenario, overrides)
    try:
        est = simulate(sc, replications=replications, seed=seed, workers=workers, keep_records=records)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing written", err=True)
        sys.exit(130)
    if out_dir:
        try:
            written = write_outputs(est, out_dir, est.records)
        except OSError as exc:
            click.echo(f"error: cannot write to {out_dir}: {exc.strerror or exc}", err=True)
            sys.exit(1)
    if as_json:
        click.echo(to_json(est))
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(render_tables(est, colour=colour))
    if out_dir:
        click.echo("wrote " + ", ".join(str(p) for p in written), err=True)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
def validate(scenario, overrides):
    """Check SCENARIO and report every problem at once (exit code 2 if any)."""
    sc = _load(scenario, overrides)
    click.echo(
        f"{scenario}: valid — '{sc.name}', {len(sc.contact_types)} contact type(s), "
        f"{len(sc.agent_groups)} agent group(s), {sc.n_intervals} intervals of "
        f"{format_duration(sc.horizon.interval)}"
    )


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


@main.command()
@click.option("--rate", required=True, callback=_convert(parse_rate, "rate"), help="Arrival rate, e.g. 200/h.")
@click.option("--aht", required=True, callback=_convert(parse_duration, "duration"), help="Mean handle time, e.g. 3min.")
@click.option("--agents", required=True, callback=_agents_range, help="Agents, or a range such as 10..20.")
@click.option("--threshold", default="20s", show_default=True, callback=_convert(parse_duration, "duration"),
              help="Service-level threshold.")
@click.option("--patience", callback=_convert(parse_duration, "duration"),
              help="Mean (exponential) patience: adds Erlang A columns.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def erlang(rate, aht, agents, threshold, patience, as_json):
    """Erlang B, C (and A with --patience) for a stationary interval."""
    from . import erlang as e

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
            row.update({
                "erlang_a_prob_wait": a.prob_wait, "erlang_a_abandon_rate": a.abandon_rate,
                "erlang_a_service_level": a.service_level, "erlang_a_asa": a.asa,
                "erlang_a_occupancy": a.occupancy,
            })
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
        cells = [f"{r['agents']:>11d}", f"{r['erlang_b_blocking']:>11.4f}", f"{r['erlang_c_prob_wait']:>11.4f}",
                 f"{r['erlang_c_service_level']:>11.4f}", f"{r['erlang_c_asa']:>10.2f}s",
                 f"{r['occupancy']:>11.4f}"]
        if patience:
            cells += [f"{r['erlang_a_prob_wait']:>11.4f}", f"{r['erlang_a_abandon_rate']:>11.5f}",
                      f"{r['erlang_a_service_level']:>11.4f}", f"{r['erlang_a_asa']:>10.2f}s",
                      f"{r['erlang_a_occupancy']:>11.4f}"]
        click.echo("  ".join(cells))


if __name__ == "__main__":  # pragma: no cover
    main()
