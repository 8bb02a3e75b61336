"""Shared pieces of the command line: options, loading with exit code 2, progress, executors."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import NoReturn

import click

from ..scenario import ScenarioError, load

SET_HELP = "Override a field by dotted path, e.g. agent_groups.sellers.staffing=30 (repeatable)."


def fail_input(error: ScenarioError, what: str = "scenario") -> NoReturn:
    """Print the problems of a scenario (or of *what*: a snapshot, ...) and exit with code 2.

    A file with thousands of problems lists the first ``MAX_LISTED`` and counts the rest.
    """
    print_problems(error, what)
    sys.exit(2)


def print_problems(error: ScenarioError, what: str = "scenario") -> None:
    """The problems of *what* on stderr: a count, then at most ``MAX_LISTED`` located lines."""
    count = len(error.problems)
    click.echo(f"error: the {what} has {count:,} problem{'s' if count != 1 else ''}:", err=True)
    for line in error.lines():
        click.echo(f"  {line}", err=True)


def validate_files(paths, overrides=()) -> int:
    """``ccsim validate``: check each file, print what was found; the exit code (2 if any failed).

    Warnings (plausible mistakes, ``Scenario.warnings``) go to stderr, located like
    errors (``file:line:column: warning: field: ...``), and leave the exit code at 0.

    Each file is checked on its own (with the same ``--set`` changes), so one bad file
    does not hide the problems of the next.
    """
    from ..units import format_duration

    status = 0
    for path in paths:
        try:
            sc = load(path, overrides=tuple(overrides))
        except ScenarioError as error:
            print_problems(error, "scenario" if len(paths) == 1 else f"scenario {path}")
            status = 2
            continue
        warnings = sc.warnings()
        count = f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
        click.echo(
            f"{path}: valid — '{sc.name}', {len(sc.contact_types)} contact type(s), "
            f"{len(sc.agent_groups)} agent group(s), {sc.n_intervals} intervals of "
            f"{format_duration(sc.horizon.interval)}{count}"
        )
        for warning in warnings:  # plausible mistakes: said, never an error
            click.echo(str(warning), err=True)
    return status


def raised_in(exc: BaseException, module: str) -> bool:
    """Whether *exc* was raised by code of *module* (its innermost frame is there)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_globals.get("__name__") == module


def fail_run(exc: ValueError, precision: bool = False) -> None:
    """A ValueError out of a run, blamed on its cause.

    Only the precision targets' own checks are ``--precision`` errors; a scenario
    problem is the scenario's (exit 2); anything else is a failed run (exit 1),
    never a bad option.
    """
    if isinstance(exc, ScenarioError):
        fail_input(exc)
    if precision and raised_in(exc, "ccsim.experiment.precision"):
        raise click.BadParameter(str(exc), param_hint="--precision") from None
    click.echo(f"error: the run failed: {exc}", err=True)
    sys.exit(1)


def load_scenario(path: str, overrides=()):
    try:
        return load(path, overrides=tuple(overrides))
    except ScenarioError as error:
        fail_input(error)


def colour_enabled() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


class ProgressBar:
    """A progress bar on stderr, shown only for work longer than a second on a terminal."""

    def __init__(self, label: str, enabled: bool):
        self.label = label
        self.enabled = enabled
        self.start = time.monotonic()
        self.last_draw = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < 1.0 and done < total:
            return
        if done < total and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "." * (width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{total} {now - self.start:5.1f}s")
        self.drawn = True
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def progress_for(label: str, quiet: bool) -> ProgressBar:
    return ProgressBar(label, enabled=not quiet and sys.stderr.isatty())


def execution_options(func):
    """--workers, --executor, --scheduler, --quiet."""
    func = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")(func)
    func = click.option("--scheduler", metavar="ADDRESS",
                        help="dask.distributed scheduler address (with --executor dask).")(func)
    func = click.option("--executor", type=click.Choice(["processes", "dask"]), default="processes",
                        show_default=True, help="Where replications run.")(func)
    func = click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
                        help="Worker processes (default: the machine's cores). Results do not depend on it.")(func)
    return func


@contextlib.contextmanager
def executor_from_options(executor: str, scheduler: str | None):
    """Yield a dask Client for ``--executor dask`` (None otherwise); closed afterwards."""
    if executor != "dask":
        if scheduler:
            raise click.UsageError("--scheduler goes with --executor dask")
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise click.UsageError("--executor dask needs dask.distributed: pip install 'ccsim[distributed]'") from None
    if not scheduler:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    try:
        client = Client(scheduler, timeout=30)
    except OSError as exc:
        click.echo(f"error: cannot reach the dask scheduler at {scheduler}: {exc}", err=True)
        sys.exit(1)
    try:
        yield client
    finally:
        client.close()


def interrupted() -> None:
    click.echo("\ninterrupted: stopped the workers; nothing written", err=True)
    sys.exit(130)
