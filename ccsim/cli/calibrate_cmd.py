"""``ccsim calibrate``: from ACD history (and call detail) to a scenario and a calibration report."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..units import parse_duration


def _date(ctx, param, value):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _duration(ctx, param, value):
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _fail(lines: list[str], what: str) -> None:
    count = len(lines)
    click.echo(f"error: {what}:" if count > 1 else f"error: {lines[0]}", err=True)
    if count > 1:
        for line in lines:
            click.echo(f"  {line}", err=True)
    sys.exit(2)


@click.command()
@click.argument("history", type=click.Path(dir_okay=False))
@click.option(
    "--details",
    type=click.Path(dir_okay=False),
    help="Call-detail CSV (one row per contact): handle-time, after-call-work and patience fits.",
)
@click.option(
    "--for",
    "target",
    required=True,
    callback=_date,
    metavar="YYYY-MM-DD",
    help="The date to forecast and write a scenario for (after the history's last date).",
)
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="Write the calibrated scenario (YAML) here."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Also write the calibration report here (JSON if the name ends in .json, text otherwise).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout instead of text.")
@click.option(
    "--figures",
    "figures_dir",
    type=click.Path(file_okay=False),
    help="Also write one SVG figure per contact type here (volumes and backtest, profile, patience).",
)
@click.option(
    "--backtest-weeks",
    type=click.IntRange(min=1, max=52),
    default=3,
    show_default=True,
    help="Last weeks of the history forecast out of sample to measure the forecast error.",
)
@click.option(
    "--profile-weeks",
    type=click.IntRange(min=1, max=52),
    default=8,
    show_default=True,
    help="Same-weekday days pooled for the intraday profile.",
)
@click.option(
    "--sl-target",
    type=click.FloatRange(min=0.0, max=1.0, min_open=True, max_open=True),
    default=0.8,
    show_default=True,
    help="Service-level target written and staffed for.",
)
@click.option(
    "--threshold", default="20s", show_default=True, callback=_duration, help="Service-level threshold, e.g. 20s."
)
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True, help="The scenario's seed.")
@click.option(
    "--replications", type=click.IntRange(min=1), default=30, show_default=True, help="The scenario's replications."
)
@click.option("--name", help="The scenario's name (default: 'Calibrated for DATE').")
def calibrate(
    history,
    details,
    target,
    out,
    report_path,
    as_json,
    figures_dir,
    backtest_weeks,
    profile_weeks,
    sl_target,
    threshold,
    seed,
    replications,
    name,
):
    """Forecast the contacts of a date from HISTORY (interval CSV) and write a calibrated scenario.

    The scenario's volume, intraday profile and forecast error come from the
    history; handle time, after-call work and patience from --details (or from
    the interval averages); staffing from Erlang A/C for the forecast. See
    docs/calibration.md for the CSV columns and the methods.
    """
    from ..calibrate import CalibrationInputError, ForecastError, read_details, read_history
    from ..calibrate import calibrate as run_calibration
    from ..report.calibration import render_text, to_json
    from ..report.export import atomic_write_files

    problems: list[str] = []
    count = 0
    hist = det = None
    try:
        hist = read_history(history)
    except CalibrationInputError as exc:
        problems += exc.lines()
        count += len(exc.problems) + exc.more
    if details:
        try:
            det = read_details(details)
        except CalibrationInputError as exc:
            problems += exc.lines()
            count += len(exc.problems) + exc.more
    if problems:
        _fail(problems, f"the input has {count} problem{'s' if count != 1 else ''}")
    try:
        cal = run_calibration(
            hist,
            target,
            det,
            backtest_weeks=backtest_weeks,
            profile_weeks=profile_weeks,
            sl_target=sl_target,
            threshold_s=threshold,
            seed=seed,
            replications=replications,
            name=name,
        )
    except ForecastError as exc:
        _fail([f"{history}: {exc}"], "cannot forecast")
    text_report = render_text(cal)
    json_report = to_json(cal)
    files = {Path(out): cal.scenario_text}
    if report_path:
        files[Path(report_path)] = json_report if report_path.lower().endswith(".json") else text_report
    if figures_dir:
        from ..report.calibration_figures import figures_svg

        for file_name, svg in figures_svg(cal).items():
            files[Path(figures_dir) / file_name] = svg.decode("utf-8")
    try:  # the scenario, the report and the figures as a whole: all new, or all as they were
        atomic_write_files({path: text.encode("utf-8") for path, text in files.items()})
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or out}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    from ..report.columns import terminal_width

    screen = terminal_width()  # the screen's copy wrapped to the terminal; files keep their lines
    click.echo(json_report if as_json else text_report if screen is None else render_text(cal, width=screen),
               nl=False)
    click.echo("wrote " + ", ".join(str(p) for p in files), err=True)
