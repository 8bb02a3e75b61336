"""``ccsim compare`` and ``ccsim sweep``: variants on common random numbers."""

from __future__ import annotations

import contextlib
import json
import os
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


def _same_folder(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        return a.absolute().resolve() == b.absolute().resolve()
    return False


def write_outputs(out_dir: str | None, tables: dict[str, str], report_path: str | None = None, report=None,
                  files: dict[str, str] | None = None) -> list[Path]:
    """Write an experiment's files as ``ccsim run --out`` does: all of them, or none.

    tables: file name -> text, written into *out_dir* as a whole (``OutputDir``: a staging
    folder swapped in for the old one); report: the ``Report`` written to *report_path*;
    files: further path -> text (``sweep --csv``). The report and those files go into the
    staging folder too when they are in *out_dir*, else each is staged beside its path. Only
    when every file is complete does any of them replace an old one, so a failure or an
    interrupt at any moment leaves the previous output exactly as it was. Returns the final
    paths; raises OSError (its filename the final path) or KeyboardInterrupt.
    """
    from ..report.export import OutputDir, stage_bytes

    others: dict[str, object] = dict(files or {})  # path -> text, or the report (rendered once its turn comes)
    if report_path:
        others[report_path] = report
    inside = {p: v for p, v in others.items() if out_dir and _same_folder(Path(p).parent, Path(out_dir))}
    beside = {p: v for p, v in others.items() if p not in inside}
    names = set(tables) | {Path(p).name for p in inside}
    staged: list[tuple[Path, str]] = []  # (staged file, final path): put in place after the folder
    output = None
    written: list[Path] = []

    def text_of(value) -> str:
        return value if isinstance(value, str) else value.to_html()

    try:
        with contextlib.ExitStack() as stack:
            output = stack.enter_context(OutputDir(out_dir, names)) if out_dir else None
            if output is not None:
                contents = {**tables, **{Path(p).name: text_of(v) for p, v in inside.items()}}
                for name, text in contents.items():
                    with open(output.staging / name, "w", encoding="utf-8", newline="") as handle:
                        handle.write(text)
            for path, value in beside.items():
                staged.append((stage_bytes(path, text_of(value).encode("utf-8")), path))
            if output is not None:
                written = output.commit()
            while staged:
                tmp, path = staged[0]
                os.replace(tmp, path)
                staged.pop(0)
                written.append(Path(path))
    except OSError as exc:
        if output is not None and exc.filename:
            exc.filename = str(output.final(exc.filename))
        raise
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return written


def _write_or_exit(out_dir, tables, report_path, report, files=None) -> list[Path]:
    """``write_outputs``, with a failure as one line (exit 1) and Ctrl-C as exit 130."""
    try:
        return write_outputs(out_dir, tables, report_path, report, files)
    except KeyboardInterrupt:
        interrupted()
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or out_dir or report_path}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    return []


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
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write comparison.json and comparison.csv here (both or, if the comparison fails, neither: the folder "
    "is replaced as a whole).",
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
    from ..report.export import rows_csv
    from ..report.html import build_report

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
    tables = {"comparison.json": json.dumps(doc, indent=2, allow_nan=False),
              "comparison.csv": rows_csv(doc["differences"])}
    written = _write_or_exit(out_dir, tables, report_path, build_report(comp) if report_path else None)
    if as_json:
        click.echo(json.dumps(doc, indent=2, allow_nan=False))
    else:
        click.echo(render_comparison(comp, colour=colour_enabled()))
    if written:
        click.echo("wrote " + ", ".join(str(p) for p in written), err=True)


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
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write sweep.json and sweep.csv here (both or, if the sweep fails, neither: the folder is replaced as a "
    "whole).",
)
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
    from ..report.export import rows_csv
    from ..report.html import build_report

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
    tables = {"sweep.json": json.dumps(result.to_dict(), indent=2, allow_nan=False), "sweep.csv": csv_text}
    written = _write_or_exit(out_dir, tables, report_path, build_report(result) if report_path else None,
                             {csv_path: csv_text} if csv_path else None)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
    else:
        click.echo(render_sweep(result, colour=colour_enabled()))
    if written:
        click.echo("wrote " + ", ".join(str(p) for p in written), err=True)
