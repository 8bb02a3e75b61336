"""``ccsim compare`` and ``ccsim sweep``: variants on common random numbers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..scenario import ScenarioError
from .common import (
    SET_HELP,
    colour_enabled,
    execution_options,
    executor_from_options,
    fail_input,
    interrupted,
    load_scenario,
    progress_for,
)


@click.command()
@click.argument("scenario_a", type=click.Path(dir_okay=False))
@click.argument("scenario_b", type=click.Path(dir_okay=False), required=False)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="Change variant B (B = A with these changes when only one file is given). " + SET_HELP,
)
@click.option("--replications", "-r", type=click.IntRange(min=2), help="Paired replications (default: A's).")
@click.option("--seed", "-s", type=click.IntRange(min=0), help="Root seed shared by both (default: A's).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), help="Write comparison.json and comparison.csv here."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Write a self-contained HTML report (differences, overlaid curves) to this file.",
)
@execution_options
def compare(
    scenario_a,
    scenario_b,
    overrides,
    replications,
    seed,
    as_json,
    out_dir,
    report_path,
    workers,
    executor,
    scheduler,
    quiet,
):
    """Compare B with A on the same random streams (paired confidence intervals).

    \b
    ccsim compare A.yaml B.yaml
    ccsim compare A.yaml --set agent_groups.sellers.staffing=26
    """
    from ..experiment.compare import IncomparableVariants, check_comparable
    from ..experiment.compare import compare as run_compare
    from ..report.experiments import render_comparison
    from ..report.export import atomic_write_text, rows_csv
    from ..report.html import write_report

    if scenario_b is None and not overrides:
        raise click.UsageError("give a second scenario or --set changes for variant B")
    a = load_scenario(scenario_a)
    if scenario_b is None:
        try:
            b = a.with_changes(list(overrides))
        except ScenarioError as error:
            fail_input(error)
        labels = ("A", "B")
    else:
        b = load_scenario(scenario_b, overrides)
        labels = (Path(scenario_a).stem, Path(scenario_b).stem)
        if labels[0] == labels[1]:
            labels = ("A", "B")
    try:
        check_comparable(a, b, labels)
    except IncomparableVariants as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    try:
        with executor_from_options(executor, scheduler) as client:
            comp = run_compare(
                a,
                b,
                replications=replications,
                seed=seed,
                workers=workers,
                executor=client,
                progress=progress_for("replications", quiet),
                labels=labels,
            )
    except KeyboardInterrupt:
        interrupted()
    if scenario_b is None:
        comp.b_note = " with " + ", ".join(overrides)
    doc = comp.to_dict()
    try:
        if out_dir:
            atomic_write_text(Path(out_dir) / "comparison.json", json.dumps(doc, indent=2, allow_nan=False))
            atomic_write_text(Path(out_dir) / "comparison.csv", rows_csv(doc["differences"]))
        if report_path:
            write_report(comp, report_path)
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or out_dir}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(doc, indent=2, allow_nan=False))
    else:
        click.echo(render_comparison(comp, colour=colour_enabled()))


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--set",
    "axes",
    multiple=True,
    required=True,
    metavar="PATH=VALUES",
    help="An axis: a..b, a..b:step or [x, y] (several make a grid), e.g. agent_groups.sellers.staffing=20..40.",
)
@click.option(
    "--replications", "-r", type=click.IntRange(min=1), help="Replications per point (default: the scenario's)."
)
@click.option("--seed", "-s", type=click.IntRange(min=0), help="Root seed shared by every point.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False), help="Write every KPI with its CI per point to this CSV."
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write sweep.json and sweep.csv here.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Write a self-contained HTML report (trade-off curves) to this file.",
)
@execution_options
def sweep(
    scenario, axes, replications, seed, as_json, csv_path, out_dir, report_path, workers, executor, scheduler, quiet
):
    """Simulate SCENARIO over a grid of values (staffing trade-off curves)."""
    from ..experiment.sweep import parse_axis
    from ..experiment.sweep import sweep as run_sweep
    from ..report.experiments import render_sweep
    from ..report.export import atomic_write_text, rows_csv
    from ..report.html import write_report

    parsed = {}
    for text in axes:
        try:
            path, values = parse_axis(text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--set") from None
        parsed[path] = values
    sc = load_scenario(scenario)
    try:
        with executor_from_options(executor, scheduler) as client:
            result = run_sweep(
                sc,
                parsed,
                replications=replications,
                seed=seed,
                workers=workers,
                executor=client,
                progress=progress_for("sweep points", quiet),
            )
    except ScenarioError as error:
        fail_input(error)
    except KeyboardInterrupt:
        interrupted()
    csv_text = rows_csv(result.rows())
    try:
        if csv_path:
            atomic_write_text(csv_path, csv_text)
        if out_dir:
            atomic_write_text(Path(out_dir) / "sweep.json", json.dumps(result.to_dict(), indent=2, allow_nan=False))
            atomic_write_text(Path(out_dir) / "sweep.csv", csv_text)
        if report_path:
            write_report(result, report_path)
    except OSError as exc:
        click.echo(f"error: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
    else:
        click.echo(render_sweep(result, colour=colour_enabled()))
