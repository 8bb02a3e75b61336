"""``ccsim staff`` and ``ccsim shifts``: staffing that meets the targets, and the shifts that cover it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from ..scenario import ScenarioError
from ..units import parse_duration
from .common import SET_HELP, ProgressBar, execution_options, executor_from_options, interrupted, load_scenario


def _share(name: str, allow_one: bool = True):
    def callback(ctx, param, value):
        if value is None:
            return None
        text = str(value).strip()
        try:
            x = float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
        except ValueError:
            raise click.BadParameter(f"expected a share such as 0.8 or 80%, got {value!r}") from None
        if not (0.0 <= x <= 1.0) or (not allow_one and x >= 1.0):
            raise click.BadParameter(f"expected a share in [0, 1{']' if allow_one else ')'}, got {value!r}")
        return x

    return callback


def _duration(ctx, param, value):
    if value is None:
        return None
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if seconds < 0:
        raise click.BadParameter(f"must not be negative, got {value!r}")
    return seconds


def _costs(ctx, param, values):
    out = {}
    for text in values:
        key, sep, number = text.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(number)
            if out[key.strip()] < 0:
                raise ValueError
        except ValueError:
            raise click.BadParameter(f"expected KEY=AMOUNT such as agent_hour=22, got {text!r}") from None
    return out


def _fail_file(error: ScenarioError, what: str) -> None:
    count = len(error.problems)
    click.echo(f"error: {what} has {count} problem{'s' if count != 1 else ''}:", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(2)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def target_options(func):
    """Options shared by ``staff`` and ``shifts``: side file, targets, shrinkage, cost."""
    options = [
        click.option("--settings", "settings_path", type=click.Path(dir_okay=False),
                     help="YAML side file: targets per contact type, max_occupancy, confidence, shrinkage, "
                          "cost, shift_patterns (see docs/staffing.md). Options below win over it."),
        click.option("--service-level", callback=_share("service level"), metavar="SHARE",
                     help="Service-level target of every contact type, e.g. 0.8 or 80% (default: the scenario's)."),
        click.option("--threshold", callback=_duration, metavar="DURATION",
                     help="Service-level threshold, e.g. 20s (default: the scenario's)."),
        click.option("--max-abandon", callback=_share("abandonment"), metavar="SHARE",
                     help="Most abandonment allowed per interval, e.g. 0.05."),
        click.option("--max-asa", callback=_duration, metavar="DURATION", help="Largest ASA allowed, e.g. 30s."),
        click.option("--max-occupancy", callback=_share("occupancy"), metavar="SHARE",
                     help="Largest occupancy of every agent group (burn-out guard), e.g. 0.9."),
        click.option("--confidence", callback=_share("confidence"), metavar="SHARE",
                     help="Meet the targets on this share of days (forecast error included) instead of in "
                          "expectation, e.g. 0.9."),
        click.option("--shrinkage", callback=_share("shrinkage", allow_one=False), metavar="SHARE",
                     help="Share of paid time not available for contacts (absence, training...), e.g. 0.3: "
                          "required agents / (1 - shrinkage) = scheduled positions."),
        click.option("--cost", "costs", multiple=True, callback=_costs, metavar="KEY=AMOUNT",
                     help="agent_hour, abandoned_contact, blocked_contact, waiting_hour (repeatable)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _options(sc, settings_path, service_level, threshold, max_abandon, max_asa, max_occupancy, confidence,
             shrinkage, costs):
    from ..staffing.settings import read_settings, resolve_options

    spec = located = None
    if settings_path:
        try:
            spec, located = read_settings(settings_path)
        except ScenarioError as error:
            _fail_file(error, settings_path)
    if confidence is not None and confidence <= 0:
        raise click.BadParameter("expected a share above 0", param_hint="--confidence")
    if max_occupancy is not None and max_occupancy <= 0:
        raise click.BadParameter("expected a share above 0", param_hint="--max-occupancy")
    try:
        return resolve_options(sc, spec, located, service_level=service_level, threshold_s=threshold,
                               max_abandon=max_abandon, max_asa_s=max_asa, max_occupancy=max_occupancy,
                               confidence=confidence, shrinkage=shrinkage, cost=costs)
    except ScenarioError as error:
        _fail_file(error, settings_path or "the settings")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--cost") from None


def _patterns(options, lengths, starts, interval_s):
    """Shift patterns: the side file's, with --lengths / --starts on top (defaults otherwise)."""
    from ..staffing.roster import default_patterns
    from ..staffing.settings import StartsSpec

    spec = options.patterns or default_patterns(interval_s)
    changes = {}
    if lengths:
        try:
            changes["lengths"] = [parse_duration(v) for v in lengths.split(",")]
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--lengths") from None
        if any(v <= 0 for v in changes["lengths"]):
            raise click.BadParameter("lengths must be positive", param_hint="--lengths")
    if starts:
        span, _, every = starts.partition("/")
        low, _, high = span.partition("..")
        try:
            changes["starts"] = StartsSpec.model_validate(
                {"from": low.strip(), "to": (high or low).strip(), "every": every.strip() if every else interval_s})
        except ValidationError as exc:
            reasons = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
            raise click.BadParameter(f"expected FROM..TO/EVERY such as 07:00..13:00/30min: {reasons}",
                                     param_hint="--starts") from None
    return spec.model_copy(update=changes) if changes else spec  # each change is validated above


def _write(path, text: str, written: list) -> None:
    from ..report.export import atomic_write_text

    try:
        atomic_write_text(path, text)
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or path}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    written.append(str(path))


def _progress_printer(quiet: bool):
    """Progress inside every long step: a line when a step that is not a search iteration starts
    (the checks on fresh days, the comparisons, the shifts), and on a terminal a bar while its
    days are simulated."""
    if quiet:
        return None
    bars: dict[str, list] = {}  # what -> [bar, replications done]: a new batch of variants starts a new bar

    def show(what: str, done: int, total: int) -> None:
        if done == 0:
            click.echo(f"  {what}" + (f": {total:,} simulated days" if total else ""), err=True)
            return
        if what not in bars or done < bars[what][1]:
            bars[what] = [ProgressBar(f"  {what}", enabled=sys.stderr.isatty()), 0]
        bars[what][1] = done
        bars[what][0](done, total)

    return show


def _step_printer(quiet: bool):
    if quiet:
        return None

    def show(step):
        what = {"start": "start", "raise": f"+{step.changed} agents", "trim": f"-{step.changed} agents",
                "check": "checked every single removal" if step.changed == 0 else f"-{step.changed} agents",
                "refine": "fresh check missed: more days"}[step.phase]
        click.echo(f"  {step.phase:<5} {what:<28} {step.agents:>6} agent-intervals, {step.failing} intervals "
                   f"missing targets ({step.evaluations} variants, {step.simulated_days:,} simulated days)", err=True)

    return show


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@target_options
@click.option("--start", type=click.Choice(["erlang_a", "erlang_c", "square_root", "scenario"]), default="erlang_a",
              show_default=True, help="Where the simulation search starts.")
@click.option("--replications", "-r", type=click.IntRange(min=2),
              help="Simulated days per variant in the search (default 40; 100 with --confidence).")
@click.option("--seed", "-s", type=click.IntRange(min=0), help="Seed of the search (default: the scenario's).")
@click.option("--check-replications", type=click.IntRange(min=2), default=100, show_default=True,
              help="Replications of the check of the staffing found, on fresh random numbers.")
@click.option("--check-seed", type=click.IntRange(min=0), help="Seed of that check (default: the search's + 1).")
@click.option("--max-agents", type=click.IntRange(min=1),
              help="Most agents of a group in one interval (default: 4 x the analytic peak + 50).")
@click.option("--no-compare", is_flag=True, help="Do not simulate the Erlang C and Erlang A staffing for comparison.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document instead of tables.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False),
              help="Write the per-interval table (contact types and agent groups) to this CSV.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write staffing.json and staffing.csv here.")
@click.option("--write-scenario", "scenario_out", type=click.Path(dir_okay=False),
              help="Write the scenario with the staffing found, ready to run.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write a self-contained HTML report (required against scheduled, per-interval table).")
@click.option("--shifts", "with_shifts", is_flag=True,
              help="Also cover the requirement with shifts (patterns from --settings) and simulate the roster.")
@click.option("--lengths", metavar="DURATIONS", help="With --shifts: allowed shift lengths, e.g. 8h,6h,4h.")
@click.option("--starts", metavar="FROM..TO/EVERY", help="With --shifts: allowed start times, e.g. 07:00..13:00/30min.")
@click.option("--write-roster", "roster_out", type=click.Path(dir_okay=False),
              help="With --shifts: write the scenario with the roster (shifts: instead of staffing).")
@click.option("--method", type=click.Choice(["search", "optimise"]), default="search", show_default=True,
              help="search: Erlang columns and the simulation search; optimise: least-cost integer programme "
                   "with simulation cuts (see docs/staffing.md).")
@click.option("--one-step", is_flag=True, help="With --method optimise: shifts are the variables (one step).")
@execution_options
def staff(scenario, overrides, settings_path, service_level, threshold, max_abandon, max_asa, max_occupancy,
          confidence, shrinkage, costs, start, replications, seed, check_replications, check_seed, max_agents,
          no_compare, as_json, csv_path, out_dir, scenario_out, report_path, with_shifts, lengths, starts,
          roster_out, method, one_step, workers, executor, scheduler, quiet):
    """Find how many agents each interval needs to meet the targets.

    Step 1: Erlang C, Erlang A and square-root staffing per interval. Step 2: the
    simulator adjusts that interval by interval on common random numbers until every
    interval meets its targets and no single agent can be removed. The staffing found
    is then simulated again on fresh random numbers.

    \b
    ccsim staff scenarios/staffing_abandonment.yaml --max-abandon 0.05 --shrinkage 0.3
    ccsim staff SCENARIO --settings staffing.yaml --csv staffing.csv --report staffing.html
    ccsim staff SCENARIO --shifts --lengths 8h,6h --write-roster roster.yaml
    """
    from ..report.export import rows_csv
    from ..report.staffing_export import rows, scenario_yaml, staffing_yaml, to_dict
    from ..report.staffing_table import render, render_roster
    from ..staffing import InfeasibleTargets
    from ..staffing import staff as run_staff

    if (lengths or starts or roster_out) and not with_shifts:
        raise click.UsageError("--lengths, --starts and --write-roster go with --shifts")
    sc = load_scenario(scenario, overrides)
    options = _options(sc, settings_path, service_level, threshold, max_abandon, max_asa, max_occupancy,
                       confidence, shrinkage, costs)
    if method == "optimise":
        from .staff_optimise import run_optimise

        if with_shifts or roster_out:
            raise click.UsageError("--shifts and --write-roster go with --method search (use --one-step for shifts)")
        try:
            with executor_from_options(executor, scheduler) as client:
                run_optimise(sc, options, search_printer=_step_printer(quiet), one_step=one_step,
                             replications=replications, seed=seed,
                             check_replications=max(check_replications, 200), check_seed=check_seed,
                             max_agents=max_agents, compare=not no_compare, as_json=as_json, workers=workers,
                             client=client, quiet=quiet, csv_path=csv_path, out_dir=out_dir,
                             scenario_out=scenario_out, report_path=report_path,
                             progress=_progress_printer(quiet))
        except InfeasibleTargets as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            interrupted()
        return
    if one_step:
        raise click.UsageError("--one-step goes with --method optimise")
    patterns = _patterns(options, lengths, starts, sc.horizon.interval) if with_shifts else None
    roster = roster_check = None
    rounds = []
    try:
        with executor_from_options(executor, scheduler) as client:
            result = run_staff(sc, options, replications=replications, seed=seed,
                               check_replications=check_replications, check_seed=check_seed, start=start,
                               compare=not no_compare, max_agents=max_agents, workers=workers, executor=client,
                               on_step=_step_printer(quiet), progress=_progress_printer(quiet))
            if with_shifts:
                rounds = _roster(sc, result, options, patterns, check_replications, result.check_seed, workers,
                                 client, _progress_printer(quiet))
                roster, roster_check = rounds[-1].roster, rounds[-1].check
    except InfeasibleTargets as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        interrupted()
    written: list[str] = []
    doc = to_dict(result, roster)
    if roster_check is not None:
        from ..report.staffing_export import plan_summary

        doc["roster_check"] = plan_summary(result.plan, roster_check)
        doc["roster_rounds"] = [{"added": r.added, "paid_hours_per_day": sum(g.paid_hours for g in r.roster.groups),
                                 "intervals_meeting_targets": r.check.intervals_met} for r in rounds]
    csv_text = rows_csv(rows(result))
    try:
        report_html = None
        if report_path:
            from ..report.staffing_report import staffing_report

            report_html = staffing_report(result, roster, roster_check).to_html()
    except KeyboardInterrupt:
        interrupted()
    if csv_path:
        _write(csv_path, csv_text, written)
    if out_dir:
        _write(Path(out_dir) / "staffing.json", json.dumps(doc, indent=2, allow_nan=False), written)
        _write(Path(out_dir) / "staffing.csv", csv_text, written)
    if scenario_out:
        _write(scenario_out, staffing_yaml(result), written)
    if roster_out and roster is not None:
        variant = sc.with_changes(roster.changes(sc))
        _write(roster_out, scenario_yaml(variant, f"{sc.name}: roster by `ccsim staff --shifts`."), written)
    if report_html is not None:
        _write(report_path, report_html, written)
    if as_json:
        click.echo(json.dumps(doc, indent=2, allow_nan=False))
    else:
        click.echo(render(result), nl=False)
        if roster is not None:
            click.echo("\nShifts covering the requirement:")
            click.echo(render_roster(roster, roster_check, result.plan, result.targets, rounds), nl=False)
    if written:
        click.echo("wrote " + ", ".join(written), err=True)


def _roster(sc, result, options, patterns, replications, seed, workers, client, progress=None):
    """Cover the requirement of *result* with shifts and simulate the roster (improving it if it misses)."""
    from ..staffing.closing import fit_roster

    required = {g: result.required[i] for i, g in enumerate(result.groups)}
    rounds = fit_roster(sc, required, options, patterns, replications=replications, seed=seed, workers=workers,
                        executor=client, progress=progress)
    return rounds


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--requirement", "requirement_path", required=True, type=click.Path(dir_okay=False),
              help="CSV of required agents per interval: the one `ccsim staff --csv` writes, or columns "
                   "start, required (and group).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@target_options
@click.option("--lengths", metavar="DURATIONS", help="Allowed shift lengths, e.g. 8h,6h,4h (default 8h, 6h, 4h).")
@click.option("--starts", metavar="FROM..TO/EVERY",
              help="Allowed start times, e.g. 07:00..13:00/30min (default: every interval start).")
@click.option("--replications", "-r", type=click.IntRange(min=2), default=100, show_default=True,
              help="Replications of the roster's simulation.")
@click.option("--seed", "-s", type=click.IntRange(min=0),
              help="Seed of the roster's simulation (default: the scenario's).")
@click.option("--no-simulate", is_flag=True, help="Only solve for the shifts; do not simulate the roster.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--write-scenario", "scenario_out", type=click.Path(dir_okay=False),
              help="Write the scenario with the roster (shifts: instead of staffing), ready to run.")
@execution_options
def shifts(scenario, requirement_path, overrides, settings_path, service_level, threshold, max_abandon, max_asa,
           max_occupancy, confidence, shrinkage, costs, lengths, starts, replications, seed, no_simulate, as_json,
           scenario_out, workers, executor, scheduler, quiet):
    """Cover a staffing requirement with shifts at minimum paid hours, then simulate the roster.

    \b
    ccsim staff SCENARIO --csv staffing.csv
    ccsim shifts SCENARIO --requirement staffing.csv --lengths 8h,6h --write-scenario roster.yaml
    """
    from ..experiment import plan_for
    from ..report.staffing_export import clock_starts, plan_summary, roster_rows, scenario_yaml
    from ..report.staffing_table import render_roster
    from ..staffing import InfeasibleTargets
    from ..staffing.closing import fit_roster
    from ..staffing.requirement import read_requirement

    sc = load_scenario(scenario, overrides)
    try:
        requirement = read_requirement(requirement_path, sc)
    except ScenarioError as error:
        _fail_file(error, requirement_path)
    options = _options(sc, settings_path, service_level, threshold, max_abandon, max_asa, max_occupancy,
                       confidence, shrinkage, costs)
    patterns = _patterns(options, lengths, starts, sc.horizon.interval)
    # --shrinkage or the side file's shrinkage win; otherwise the one the requirement file was made with.
    own_shrinkage = shrinkage is not None or options.shrinkage_given
    shares = {g: options.shrinkage[g] if own_shrinkage else requirement.shrinkage.get(g, 0.0)
              for g in requirement.required}
    try:
        with executor_from_options(executor, scheduler) as client:
            rounds = fit_roster(sc, requirement.required, options, patterns, shrinkage=shares,
                                replications=replications, seed=seed, simulate=not no_simulate,
                                workers=workers, executor=client, progress=_progress_printer(quiet))
    except InfeasibleTargets as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        interrupted()
    roster, check = rounds[-1].roster, rounds[-1].check
    written: list[str] = []
    if scenario_out:
        variant = sc.with_changes(roster.changes(sc))
        _write(scenario_out, scenario_yaml(variant, f"{sc.name}: roster by `ccsim shifts` from {requirement_path}."),
               written)
    plan = plan_for(sc)
    if as_json:
        doc = {"scenario": sc.name, "roster": roster.to_dict(),
               "intervals": roster_rows(roster, check, clock_starts(plan))}
        if check is not None:
            doc["check"] = plan_summary(plan, check)
        doc["rounds"] = [{"added": r.added, "paid_hours_per_day": sum(g.paid_hours for g in r.roster.groups),
                          "intervals_meeting_targets": None if r.check is None else r.check.intervals_met}
                         for r in rounds]
        click.echo(json.dumps(doc, indent=2, allow_nan=False))
    else:
        click.echo(render_roster(roster, check, plan, options.targets, rounds), nl=False)
    if written:
        click.echo("wrote " + ", ".join(written), err=True)
