"""The ``ccsim`` command: thin on purpose — parse, call the library, print, exit code.

Exit codes: 0 success, 1 a run or output failure, 2 bad input (scenario or
options), 3 a ``--precision`` target not reached within ``--max-replications``
(results printed and written all the same), 130 interrupted (Ctrl-C or SIGTERM;
nothing written).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

import click

from .._version import __version__
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

PRECISION_NOT_REACHED = 3  # exit code: the results are there, short of the precision asked


def _raise_interrupt(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough: let the clean-up finish
    raise KeyboardInterrupt


def _terminate_as_interrupt(ctx: click.Context) -> None:
    """SIGTERM (kill, a job scheduler's cancel, systemd) stops a command as Ctrl-C does.

    The workers are stopped, nothing half-written is left and ``run`` exits with
    130. The previous handler is put back when the command ends (the CLI may run
    inside another program, a test runner for one).
    """
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def _redeliver_interrupts(ctx: click.Context) -> None:
    """A Ctrl-C that lands while Python runs clean-up code (a weak reference's or a finaliser's
    callback) would be printed there as "Exception ignored ... KeyboardInterrupt" with a
    traceback, and lost. It is delivered again instead, so that it lands in the command's own
    code: the command stops as for any Ctrl-C (exit 130, nothing written). The previous hook is
    put back when the command ends."""
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            # From another thread, a moment later: raised here it would land in this hook again.
            again = threading.Timer(0.005, os.kill, (os.getpid(), signal.SIGINT))
            again.daemon = True
            again.start()
            return
        previous(unraisable)

    sys.unraisablehook = hook
    ctx.call_on_close(lambda: setattr(sys, "unraisablehook", previous))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ccsim")
@click.pass_context
def main(ctx: click.Context) -> None:
    """ccsim — contact-centre queue simulator.

    Simulate a scenario (YAML) and report service level, waiting times,
    abandonment and occupancy per contact type, agent group and interval, with
    95 % confidence intervals over replications.
    """
    _terminate_as_interrupt(ctx)
    _redeliver_interrupts(ctx)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--replications", "-r", type=click.IntRange(min=1), help="Simulated days (default: the scenario's).")
@click.option("--seed", "-s", type=click.IntRange(min=0), help="Root random seed (default: the scenario's).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@click.option("--precision", "precision", multiple=True, metavar="KPI=WIDTH",
              help="Add replications until the KPI's 95 % CI half-width is at most WIDTH "
                   "(e.g. service_level=0.01, asa=5%; repeatable; exit code 3 if not reached).")
@click.option("--max-replications", type=click.IntRange(min=2), default=1000, show_default=True,
              help="Cap for --precision.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout instead of tables.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]),
              help="What to print: tables (default), the JSON document (= --json), or the intervals CSV.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Write results.json, intervals.csv, groups.csv here (all of them or, if the run fails, "
                   "none: the folder is replaced as a whole).")
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
        OUTPUT_NAMES,
        ContactsWriter,
        OutputDir,
        intervals_csv,
        parquet_available,
        stage_bytes,
        to_json,
        write_tables,
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
    # Every file of the run is written into a staging folder (and the report, when it goes
    # elsewhere, into a hidden file beside it) and put in place only when all are complete:
    # a failure, Ctrl-C, SIGTERM or a kill at any moment leaves the previous output as it was.
    report_in_out = bool(report_path and out_dir and _same_folder(Path(report_path).parent, Path(out_dir)))
    names = OUTPUT_NAMES | ({Path(report_path).name} if report_in_out else set())
    output = None
    staged_report = None
    written: list = []
    try:
        with contextlib.ExitStack() as stack:
            output = stack.enter_context(OutputDir(out_dir, names)) if out_dir else None
            contacts = None
            if records and output is not None:
                # Records go to disk replication by replication, never all in memory.
                contacts = ContactsWriter(output.staging, parquet=bool(parquet or parquet_available()))
                stack.callback(contacts.abort)
            try:
                with executor_from_options(executor, scheduler) as client:
                    if targets:
                        est = simulate_to_precision(sc, targets, max_replications=max_replications, seed=seed,
                                                    workers=workers, executor=client, progress=progress,
                                                    initial=replications)
                    else:
                        # Per-contact records only for --records: a report's waiting-time curves read
                        # the histograms every replication keeps.
                        est = simulate(sc, replications=replications, seed=seed, workers=workers,
                                       executor=client, progress=progress, on_records=contacts)
            except ValueError as exc:  # only the precision targets' own errors are --precision errors
                fail_run(exc, precision=bool(targets))
            report_html = build_report(est).to_html() if report_path else None
            if output is not None:
                if contacts is not None:
                    contacts.close()
                write_tables(est, output.staging, parquet=parquet or None)
                if report_in_out:
                    with open(output.staging / Path(report_path).name, "w", encoding="utf-8") as handle:
                        handle.write(report_html)
            if report_path and not report_in_out:
                staged_report = stage_bytes(report_path, report_html.encode("utf-8"))
            if output is not None:
                written = output.commit()
            if staged_report is not None:
                os.replace(staged_report, report_path)
                staged_report = None
                written.append(report_path)
    except KeyboardInterrupt:
        interrupted()
    except OSError as exc:
        where = exc.filename or out_dir or report_path
        if output is not None and exc.filename:
            where = output.final(exc.filename)
        click.echo(f"error: cannot write {where}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    finally:
        if staged_report is not None:
            with contextlib.suppress(OSError):
                os.unlink(staged_report)
    if output_format == "json":
        click.echo(to_json(est))
    elif output_format == "csv":
        click.echo(intervals_csv(est), nl=False)
    else:
        click.echo(render_tables(est, colour=colour_enabled()))
    if written:
        click.echo("wrote " + ", ".join(str(p) for p in written), err=True)
    if targets and not est.precision["met"]:
        click.echo(f"precision not reached within {max_replications} replications (exit code 3)", err=True)
        sys.exit(PRECISION_NOT_REACHED)


def _same_folder(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        return a.absolute().resolve() == b.absolute().resolve()
    return False


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
def validate(scenarios, overrides):
    """Check each SCENARIO and report all its problems at once (exit code 2 if any file has one)."""
    from .common import validate_files

    sys.exit(validate_files(scenarios, overrides))


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

from .snapshot_cmd import add_commands  # noqa: E402

add_commands(main)

from .serve_cmd import serve  # noqa: E402

main.add_command(serve)
