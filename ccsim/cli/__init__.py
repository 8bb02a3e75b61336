"""The ``ccsim`` command: thin on purpose — parse, call the library, print, exit code.

Exit codes: 0 success, 1 a run or output failure, 2 bad input (scenario or
options), 130 interrupted (Ctrl-C; nothing written).
"""

from __future__ import annotations

import sys

import click

from .._version import __version__
from ..units import format_duration
from .common import (
    SET_HELP,
    colour_enabled,
    execution_options,
    executor_from_options,
    fail_run,
    interrupted,
    load_scenario,
    progress_for,
)
from .erlang_cmd import erlang
from .experiments import compare, sweep


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
@click.option("--precision", "precision", multiple=True, metavar="KPI=WIDTH",
              help="Add replications until the KPI's 95 % CI half-width is at most WIDTH "
                   "(e.g. service_level=0.01, asa=5%%; repeatable).")
@click.option("--max-replications", type=click.IntRange(min=2), default=1000, show_default=True,
              help="Cap for --precision.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout instead of tables.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]),
              help="What to print: tables (default), the JSON document (= --json), or the intervals CSV.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Write results.json, intervals.csv, groups.csv here.")
@click.option("--records", is_flag=True, help="With --out, also write contacts.csv (one row per contact).")
@click.option("--parquet", is_flag=True,
              help="Require Parquet files with --out (written anyway whenever pyarrow is installed): "
                   "intervals.parquet, groups.parquet (and contacts.parquet with --records); "
                   "needs pyarrow.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write a self-contained HTML report (figures included) to this file.")
@click.option("--per-agent", is_flag=True,
              help="Also report occupancy and contacts per hour per agent, and their spread "
                   "(same as --set statistics.per_agent=true).")
@execution_options
def run(scenario, replications, seed, overrides, precision, max_replications, as_json, output_format, out_dir,
        records, parquet, report_path, per_agent, workers, executor, scheduler, quiet):
    """Simulate SCENARIO and print its KPIs."""
    from ..experiment import simulate
    from ..experiment.precision import parse_precision, simulate_to_precision
    from ..report.export import (
        atomic_write_text,
        intervals_csv,
        parquet_available,
        to_json,
        write_outputs,
    )
    from ..report.html import build_report
    from ..report.table import render_tables

    if (records or parquet) and not out_dir:
        raise click.UsageError(f"--{'records' if records else 'parquet'} needs --out DIR")
    if parquet and not parquet_available():
        raise click.UsageError("--parquet needs pyarrow: pip install 'ccsim[parquet]'")
    if records and precision:
        raise click.UsageError("--records cannot be combined with --precision")
    if as_json and output_format not in (None, "json"):
        raise click.UsageError(f"--json means --format json; it cannot go with --format {output_format}")
    output_format = "json" if as_json else (output_format or "table")
    try:
        targets = [parse_precision(p) for p in precision]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--precision") from None
    if per_agent:
        overrides = (*overrides, "statistics.per_agent=true")
    sc = load_scenario(scenario, overrides)
    progress = progress_for("replications", quiet)
    try:
        with executor_from_options(executor, scheduler) as client:
            if targets:
                est = simulate_to_precision(sc, targets, max_replications=max_replications, seed=seed,
                                            workers=workers, executor=client, progress=progress,
                                            initial=replications)
            else:
                # Per-contact records only for --records: a report's waiting-time curves read the
                # histograms every replication keeps.
                est = simulate(sc, replications=replications, seed=seed, workers=workers, executor=client,
                               keep_records=records, progress=progress)
    except KeyboardInterrupt:
        interrupted()
    except ValueError as exc:  # only the precision targets' own errors are --precision errors
        fail_run(exc, precision=bool(targets))
    written = []
    try:
        report_html = build_report(est).to_html() if report_path else None  # before any file is written
        if out_dir:
            written = write_outputs(est, out_dir, est.records if records else None, parquet=parquet or None)
        if report_path:
            atomic_write_text(report_path, report_html)
            written.append(report_path)
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or out_dir or report_path}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        interrupted()
    if output_format == "json":
        click.echo(to_json(est))
    elif output_format == "csv":
        click.echo(intervals_csv(est), nl=False)
    else:
        click.echo(render_tables(est, colour=colour_enabled()))
    if written:
        click.echo("wrote " + ", ".join(str(p) for p in written), err=True)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
def validate(scenario, overrides):
    """Check SCENARIO and report every problem at once (exit code 2 if any)."""
    sc = load_scenario(scenario, overrides)
    click.echo(
        f"{scenario}: valid — '{sc.name}', {len(sc.contact_types)} contact type(s), "
        f"{len(sc.agent_groups)} agent group(s), {sc.n_intervals} intervals of "
        f"{format_duration(sc.horizon.interval)}"
    )


main.add_command(erlang)
main.add_command(compare)
main.add_command(sweep)

__all__ = ["main"]

from .calibrate_cmd import calibrate  # noqa: E402

main.add_command(calibrate)

from .staff_cmd import shifts, staff  # noqa: E402

main.add_command(staff)
main.add_command(shifts)

from .realtime_cmd import add_events_option, live, whatif  # noqa: E402

main.add_command(whatif)
main.add_command(live)
add_events_option(run)
