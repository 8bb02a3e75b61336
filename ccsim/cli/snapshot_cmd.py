"""``ccsim snapshot`` (a snapshot from a real-time export), ``ccsim reforecast``, and the
``--from KIND EXPORT`` options that ``whatif`` shares."""

from __future__ import annotations

import sys

import click

from ..scenario import ScenarioError
from .common import fail_input, load_scenario

KINDS = ("connect", "genesys", "avaya")
MAP_HELP = ("Map the export's queues: NAME=TYPE, NAME=TYPE/GROUP, NAME=GROUP, NAME=TYPE/- (callers only) or "
            "NAME=- (left out), or a YAML file of NAME: TARGET (repeatable; default: by name).")


def _clock_option(value, what: str):
    from ..units import parse_clock

    try:
        return parse_clock(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=what) from None


def _date_option(value):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"expected a date such as 2026-12-02, got {value!r}", param_hint="--date") from None


def import_options(func):
    """--from KIND EXPORT, --map, --time, --day/--date: a snapshot from a real-time export."""
    func = click.option("--date", "import_date", metavar="YYYY-MM-DD",
                        help="With --from, for a multi-day scenario whose horizon.first_day is a date: the date the "
                             "export was taken on.")(func)
    func = click.option("--day", "import_day", type=click.IntRange(min=1), metavar="N",
                        help="With --from, for a multi-day scenario: the day of its horizon the export was taken "
                             "on (1 = the first).")(func)
    func = click.option("--time", "import_time", metavar="HH:MM",
                        help="With --from: the snapshot's clock time (default: the export's own, where it has one)."
                        )(func)
    func = click.option("--map", "import_maps", multiple=True, metavar="NAME=TARGET|FILE", help=MAP_HELP)(func)
    func = click.option("--from", "import_from", nargs=2, type=(click.Choice(KINDS), click.Path(dir_okay=False)),
                        metavar="KIND EXPORT",
                        help="Take the snapshot from a real-time export: connect (GetCurrentMetricData JSON), "
                             "genesys (queue observations JSON) or avaya (CMS split/skill CSV); see "
                             "docs/realtime.md.")(func)
    return func


def imported(sc, import_from, import_maps=(), import_time=None, import_day=None, import_date=None):
    """The ``SnapshotImport`` of ``--from KIND EXPORT``; problems are printed and exit 2.
    The notes of the fill rules go to stderr."""
    from ..realtime.importers import import_snapshot, parse_mapping

    kind, path = import_from
    at = _clock_option(import_time, "--time") if import_time is not None else None
    if import_day is not None and import_date is not None:
        raise click.UsageError("give either --day or --date, not both")
    date = _date_option(import_date) if import_date is not None else None
    try:
        result = import_snapshot(kind, path, sc, parse_mapping(import_maps), at, import_day, date)
    except ScenarioError as error:
        fail_input(error, what="export")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    return result


def snapshot_from_options(sc, snapshot_path, import_from, import_maps, import_time, load, import_day=None,
                          import_date=None):
    """The snapshot of ``--snapshot FILE`` (read by *load*) or of ``--from KIND EXPORT``."""
    if (snapshot_path is None) == (import_from is None):
        raise click.UsageError("give either --snapshot FILE or --from KIND EXPORT")
    if snapshot_path is not None:
        if import_maps or import_time or import_day is not None or import_date is not None:
            raise click.UsageError("--map, --time, --day and --date go with --from (a snapshot file gives its "
                                   "own day: or date:)")
        return load(snapshot_path, sc)
    result = imported(sc, import_from, import_maps, import_time, import_day, import_date)
    try:
        return result.snapshot(sc)
    except ScenarioError as error:
        fail_input(error, what="export")


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@import_options
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="Write the snapshot here (atomically); default: print it.")
def snapshot(scenario, import_from, import_maps, import_time, import_day, import_date, out_path):
    """Write a snapshot of SCENARIO's centre from a real-time export (--from KIND EXPORT)."""
    from ..report.export import atomic_write_text

    if import_from is None:
        raise click.UsageError("--from KIND EXPORT is required (KIND: connect, genesys or avaya)")
    sc = load_scenario(scenario)
    text = imported(sc, import_from, import_maps, import_time, import_day, import_date).to_yaml()
    if not out_path:
        click.echo(text, nl=False)
        return
    try:
        atomic_write_text(out_path, text)
    except OSError as exc:
        click.echo(f"error: cannot write {out_path}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(f"wrote {out_path}", err=True)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False), required=False)
@click.option("--actuals", "actuals_path", type=click.Path(dir_okay=False),
              help="Contacts so far: CSV with interval_start, contact_type, offered (see docs/realtime.md).")
@click.option("--at", "at_time", metavar="HH:MM", help="The reforecast time: the intervals ended by then are the "
                                                       "actuals used.")
@click.option("--method", type=click.Choice(["ratio", "bayes"]), default="bayes", show_default=True,
              help="ratio: forecast x actual / forecast so far; bayes: Poisson-gamma with the scenario's "
                   "forecast_error as the prior.")
@click.option("--level", type=click.FloatRange(0.5, 0.999), default=0.95, show_default=True,
              help="Probability of the printed rest-of-day interval.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="Write the updated scenario here (validated, atomically).")
@click.option("--backtest", "history_path", type=click.Path(dir_okay=False), metavar="HISTORY",
              help="Instead: replay an interval history (the calibration's CSV) and print the rest-of-day "
                   "errors by hour of reforecast (no SCENARIO then).")
def reforecast(scenario, actuals_path, at_time, method, level, out_path, history_path):
    """Update the rest of SCENARIO's day from the contacts so far, with an interval."""
    if history_path:
        _backtest(history_path, level, (scenario, actuals_path, at_time, out_path))
        return
    if not scenario or not actuals_path or not at_time:
        raise click.UsageError("SCENARIO, --actuals FILE and --at HH:MM are required (or --backtest HISTORY)")
    from ..realtime.reforecast import read_actuals, render_reforecast, updated_data
    from ..realtime.reforecast import reforecast as run
    from ..report.export import atomic_write_text
    from ..scenario.loader import from_dict
    from ..staffing.yaml_text import dump_yaml

    at = _clock_option(at_time, "--at")
    sc = load_scenario(scenario)
    try:
        actuals = read_actuals(actuals_path, sc)
    except ScenarioError as error:
        fail_input(error, what="actuals file")
    try:
        result = run(sc, actuals, at, method=method, level=level)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--at") from None
    click.echo(render_reforecast(result))
    if not out_path:
        return
    data = updated_data(sc, result, actuals)
    try:
        from_dict(data, source="<reforecast>")
    except ScenarioError as error:  # pragma: no cover - the update keeps a valid scenario valid
        fail_input(error, what="updated scenario")
    head = (f"# {scenario} reforecast at {at_time} by `ccsim reforecast --method {method}` from {actuals_path}:\n"
            "# arrivals per_interval = the actuals so far, then the forecast scaled to the reforecast;\n"
            "# forecast_error = the uncertainty left in the day's level (docs/realtime.md, \"Intraday reforecast\").\n")
    try:
        atomic_write_text(out_path, head + dump_yaml(data))
    except OSError as exc:
        click.echo(f"error: cannot write {out_path}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(f"wrote {out_path}", err=True)


def _backtest(history_path, level, others):
    from ..calibrate.errors import CalibrationInputError
    from ..calibrate.history import read_history
    from ..realtime.reforecast import backtest, render_backtest

    if any(others):
        raise click.UsageError("--backtest HISTORY goes without SCENARIO, --actuals, --at and --out")
    try:
        history = read_history(history_path)
    except CalibrationInputError as error:
        click.echo(f"error: the history has {len(error.problems) + error.more:,} problem(s):", err=True)
        for line in error.lines():
            click.echo(f"  {line}", err=True)
        sys.exit(2)
    click.echo(render_backtest(backtest(history, level=level)))


def add_commands(main: click.Group) -> None:
    main.add_command(snapshot)
    main.add_command(reforecast)
