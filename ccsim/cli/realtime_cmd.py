"""``ccsim whatif`` and ``ccsim live``, and ``--events`` for ``ccsim run``."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys

import click

from ..scenario import ScenarioError
from .common import SET_HELP, fail_input, interrupted, load_scenario, progress_for
from .snapshot_cmd import import_options, snapshot_from_options


def _snapshot(path, sc):
    from ..realtime import load_snapshot

    try:
        return load_snapshot(path, sc)
    except ScenarioError as error:
        fail_input(error, what="snapshot")  # every problem at once, the first MAX_LISTED listed


@contextlib.contextmanager
def _event_stream(target):
    """'-' = stdout; a file is written as events happen (streamed, so not atomic).

    A write that fails (a full disk) ends the command with a one-line error and
    exit code 1, and the incomplete file is removed; Ctrl-C (or SIGTERM) keeps
    what was streamed so far, as a live stream should.
    """
    if target is None:
        yield None
        return
    try:
        if target == "-":
            yield sys.stdout
            sys.stdout.flush()
            return
        handle = open(target, "w", encoding="utf-8")  # noqa: SIM115
        regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)  # not a device or a pipe
        try:
            with handle:
                yield handle
        except OSError:
            if regular:
                with contextlib.suppress(OSError):
                    os.unlink(target)
            raise
    except OSError as exc:
        click.echo(f"error: cannot write {'the events to stdout' if target == '-' else target}: "
                   f"{exc.strerror or exc}", err=True)
        sys.exit(1)


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--snapshot", "snapshot_path", type=click.Path(dir_okay=False),
              help="The centre now (YAML or JSON; see docs/realtime.md), or --from KIND EXPORT.")
@import_options
@click.option("--action", "actions", multiple=True, metavar="ACTION",
              help="A what-if variant, e.g. agent_groups.advisors.staffing+=2@12:00 or callbacks=on "
                   "(repeatable: each is compared with 'as is' on common random numbers).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help=SET_HELP + " Relative: PATH+=N, PATH-=N, PATH*=F (as for ccsim run); applies to every variant.")
@click.option("--replications", "-r", type=click.IntRange(min=1), help="Continuations (default: the scenario's).")
@click.option("--seed", "-s", type=click.IntRange(min=0), help="Root random seed (default: the scenario's).")
@click.option("--intervals", type=click.IntRange(min=1), default=4, show_default=True,
              help="Coming intervals shown in the table.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document instead of tables.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Also write the JSON document here.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def whatif(scenario, snapshot_path, import_from, import_maps, import_time, import_day, import_date, actions,
           overrides, replications, seed, intervals, as_json, out_path, quiet):
    """Simulate SCENARIO from a snapshot to the end of the day (of a multi-day scenario: from the
    snapshot's day to the horizon's end), with what-if actions."""
    from ..realtime import parse_action, render_whatif
    from ..realtime import whatif as run_whatif
    from ..report.export import atomic_write_text

    sc = load_scenario(scenario, overrides)  # --set, relative too: ccsim.scenario.relative.change
    snap = snapshot_from_options(sc, snapshot_path, import_from, import_maps, import_time, _snapshot, import_day,
                                 import_date)
    for text in actions:
        try:
            parse_action(text)
        except ValueError as exc:
            click.echo(f"error: --action: {exc}", err=True)
            sys.exit(2)
    try:
        result = run_whatif(sc, snap, list(actions), replications=replications, seed=seed,
                            progress=progress_for("replications", quiet))
    except ScenarioError as error:
        fail_input(error)
    except ValueError as exc:
        click.echo(f"error: --action: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        interrupted()
    document = json.dumps(result.to_dict(), indent=2)
    if out_path:
        try:
            atomic_write_text(out_path, document + "\n")
        except OSError as exc:
            click.echo(f"error: cannot write {out_path}: {exc.strerror or exc}", err=True)
            sys.exit(1)
    from ..report.columns import terminal_width

    click.echo(document if as_json else render_whatif(result, intervals, width=terminal_width()))


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--snapshot", "snapshot_path", type=click.Path(dir_okay=False), help="Start from this snapshot.")
@click.option("--speed", type=click.FloatRange(min=0.001), default=60.0, show_default=True,
              help="Simulated seconds per wall second (60 = a simulated minute per second).")
@click.option("--seed", "-s", type=click.IntRange(min=0), help="Root random seed (default: the scenario's).")
@click.option("--replication", type=click.IntRange(min=0), default=0, show_default=True,
              help="Which replication's random streams to use.")
@click.option("--events", "events_target", metavar="FILE|-", help="Stream every event as JSON lines.")
@click.option("--duration", type=click.FloatRange(min=0.0), help="Stop after this many wall seconds.")
@click.option("--no-dashboard", is_flag=True, help="No dashboard (e.g. with --events -).")
def live(scenario, snapshot_path, speed, seed, replication, events_target, duration, no_dashboard):
    """Run SCENARIO against the wall clock with a live dashboard (Ctrl-C stops, exit code 130)."""
    try:
        stopped_by = _live(scenario, snapshot_path, speed, seed, replication, events_target, duration, no_dashboard)
    except KeyboardInterrupt:  # before the run started or while its summary was printed
        stopped_by = "interrupt"
    if stopped_by == "interrupt":
        click.echo("interrupted", err=True)
        sys.exit(130)


def _live(scenario, snapshot_path, speed, seed, replication, events_target, duration, no_dashboard):
    """The live run and its summary; returns why it stopped (see ``Pacer.stopped_by``)."""
    import shutil

    from ..engine.arrivals import draw_contacts
    from ..experiment import plan_for
    from ..realtime.live import EventWriter, run_live, short_time
    from ..realtime.state import initial_state, snapshot_draws
    from ..realtime.whatif import residual_scenario

    sc = load_scenario(scenario)
    initial = None
    if snapshot_path:
        snap = _snapshot(snapshot_path, sc)
        residual, extra = residual_scenario(sc, snap, seed=seed)
        plan = plan_for(residual, seed if seed is not None else sc.seed)
        start_s = snap.time - plan.clock_start
        initial, rows = initial_state(plan, snap, start_s, replication, extra)
        draws = snapshot_draws(plan, replication, start_s, rows)
    else:
        plan = plan_for(sc, seed)
        draws = draw_contacts(plan, replication)
    size = shutil.get_terminal_size((80, 24))
    width, height = min(size.columns, 120), max(10, size.lines - 1)
    tty = sys.stdout.isatty() and not no_dashboard and events_target != "-"

    def draw(lines):
        if tty:
            sys.stdout.write("\x1b[H\x1b[2J" + "\n".join(lines) + "\n")
            sys.stdout.flush()

    with _event_stream(events_target) as stream:
        writer = EventWriter(stream, plan) if stream is not None else None
        state, records, pacer = run_live(plan, draws, replication, speed=speed, initial=initial,
                                         draw=draw if tty else None, events=writer, stop_after_s=duration,
                                         width=width, height=height)
    out = sys.stderr if events_target == "-" else sys.stdout
    from ..units import format_clock_exact

    print(f"stopped at {format_clock_exact(plan.clock_start + pacer.sim_now)}"
          f"{'' if records is None else ' (end of day)' if plan.days == 1 else ' (end of the horizon)'}", file=out)
    for ct in plan.contact_types:
        k = ct.index
        sl = state.service_level(k)
        print(f"  {ct.name}: offered {state.offered[k]}, answered {state.answered[k]}, "
              f"abandoned {state.abandoned[k]}, ASA {short_time(state.asa(k))}, service level "
              f"{'-' if sl != sl else f'{sl * 100:.1f}%'} (target {ct.sl_target * 100:.0f}%)", file=out)
    out.flush()
    return pacer.stopped_by


def add_events_option(run_command: click.Command) -> None:
    """Give ``ccsim run`` an ``--events FILE|-`` option (one replication: ``-r 1``)."""
    run_command.params.append(click.Option(
        ["--events", "events_target"], metavar="FILE|-",
        help="With -r 1: also stream the replication's events as JSON lines (see docs/realtime.md)."))
    original = run_command.callback

    def callback(*args, events_target=None, **kwargs):
        if events_target is not None:
            if kwargs.get("replications") != 1:
                raise click.UsageError("--events needs -r 1 (one replication)")
            from ..engine.arrivals import draw_contacts
            from ..engine.run import run_draws
            from ..experiment import plan_for
            from ..realtime.live import EventWriter

            sc = load_scenario(kwargs["scenario"], kwargs.get("overrides") or ())
            plan = plan_for(sc, kwargs.get("seed"))
            draws = draw_contacts(plan, 0)
            try:
                with _event_stream(events_target) as stream:
                    writer = EventWriter(stream, plan)
                    run_draws(plan, draws, 0, sink=writer)
            except KeyboardInterrupt:
                interrupted()
            if events_target == "-":
                return None
        return original(*args, **kwargs)

    run_command.callback = callback
