"""``ccsim staff --method optimise``: the cutting-plane optimiser, with the search, two step and Erlang A beside it."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import click

OUT_NAMES = ("staffing.json", "staffing.csv")


def _printer(quiet: bool):
    if quiet:
        return None

    def show(step):
        what = {"start": "start (Erlang A)", "cut": f"integer programme, {step.cuts} cuts",
                "polish": "single agents not needed removed",
                "repair": "fresh check missed: its days join", "raise": "one agent more where they miss",
                "verify": "verified on fresh days"}[step.phase]
        click.echo(f"  {step.phase:<6} {what:<34} cost {step.cost:>10,.2f}/day, {step.failing} missing "
                   f"({step.evaluations} staffings, {step.simulated_days:,} simulated days)", err=True)

    return show


def _note(quiet: bool):
    return None if quiet else (lambda text: click.echo(text, err=True))


def run_optimise(sc, options, *, search_printer, one_step, replications, seed, check_replications, check_seed,
                 max_agents, compare, as_json, workers, client, quiet, csv_path=None, out_dir=None,
                 scenario_out=None, report_path=None, progress=None):
    from ..report.export import rows_csv
    from ..report.staffing_optimise import optimise_doc, optimise_rows, optimised_yaml, render_optimise
    from ..staffing.optimise import optimise
    from ..staffing.optimise.compare import chance_premium, compare_plans, expected_value_options, optimiser_plan

    note = _note(quiet)
    if note:
        note("optimiser: cutting planes on common random numbers")
    kwargs = dict(shifts=one_step, replications=replications, seed=seed, check_replications=check_replications,
                  check_seed=check_seed, max_agents=max_agents, workers=workers, executor=client)
    result = optimise(sc, options, on_step=_printer(quiet), **kwargs)
    premium = None
    if options.targets.confidence is not None:
        if note:
            note(f"expected-value staffing (targets in expectation, for the cost of {100 * result.confidence:g} % "
                 "of days)")
        expected = optimise(sc, expected_value_options(options), on_step=_printer(quiet),
                            **{**kwargs, "replications": None})
        premium = chance_premium(result, expected)
    if compare:
        plans = compare_plans(sc, options, result, one_step=one_step, replications=replications, seed=seed,
                              check_replications=check_replications, check_seed=check_seed, max_agents=max_agents,
                              workers=workers, executor=client, on_plan=note, search_step=search_printer,
                              progress=progress)
    else:
        plans = [optimiser_plan(result)]
    doc = optimise_doc(result, plans, premium)
    doc["scenario"] = sc.name
    files: dict[Path, str] = {}
    csv_text = rows_csv(optimise_rows(result, plans))
    if csv_path:
        files[Path(csv_path)] = csv_text
    if scenario_out:
        files[Path(scenario_out)] = optimised_yaml(sc, result)
    if report_path:
        from ..report.staffing_optimise_report import optimise_report

        files[Path(report_path)] = optimise_report(result, plans, premium, sc.name).to_html()
    written = _write_all(files, out_dir, {"staffing.json": json.dumps(doc, indent=2, allow_nan=False),
                                          "staffing.csv": csv_text})
    if as_json:
        click.echo(json.dumps(doc, indent=2, allow_nan=False))
    else:
        click.echo(render_optimise(result, plans, premium), nl=False)
    if written:
        click.echo("wrote " + ", ".join(str(p) for p in written), err=True)


def _write_all(files: dict[Path, str], out_dir, out_files: dict[str, str]) -> list:
    """Every file written as a whole: --out's folder through ``OutputDir`` (its files staged, then swapped
    in), the others staged beside their targets; nothing is put in place unless everything was staged."""
    from ..report.files import OutputDir, stage_bytes

    staged: list[tuple[Path, Path]] = []
    written: list = []
    output = None
    try:
        with contextlib.ExitStack() as stack:
            if out_dir:
                inside = {p.name for p in files if _same_folder(p.parent, Path(out_dir))}
                output = stack.enter_context(OutputDir(out_dir, set(out_files) | inside))
                for name, text in out_files.items():
                    (output.staging / name).write_text(text, encoding="utf-8")
                for path in list(files):
                    if path.name in inside:
                        (output.staging / path.name).write_text(files.pop(path), encoding="utf-8")
            for path, text in files.items():
                staged.append((stage_bytes(path, text.encode("utf-8")), path))
            if output is not None:
                written += output.commit()
            for tmp, path in staged:
                os.replace(tmp, path)
                written.append(path)
            staged = []
    except OSError as exc:
        where = exc.filename or out_dir
        if output is not None and exc.filename:
            where = output.final(exc.filename)
        click.echo(f"error: cannot write {where}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return written


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
