"""``ccsim staff --method optimise``: the cutting-plane optimiser, with the search and Erlang A beside it."""

from __future__ import annotations

import json

import click


def _printer(quiet: bool):
    if quiet:
        return None

    def show(step):
        what = {"start": "start (Erlang A)", "cut": f"integer programme, {step.cuts} cuts",
                "polish": "single agents not needed removed",
                "repair": "fresh check missed: more days", "verify": "verified on fresh days"}[step.phase]
        click.echo(f"  {step.phase:<6} {what:<34} cost {step.cost:>10,.2f}/day, {step.failing} missing "
                   f"({step.evaluations} staffings, {step.simulated_days:,} simulated days)", err=True)

    return show


def run_optimise(sc, options, *, search_printer, one_step, replications, seed, check_replications, check_seed,
                 max_agents, compare, as_json, workers, client, quiet):
    from ..report.staffing_optimise import comparison_row, render_optimise
    from ..staffing import staff as run_staff
    from ..staffing.analytic import analytic_staffing
    from ..staffing.multiskill import allocate
    from ..staffing.optimise import optimise
    from ..staffing.staff import validate_staffing

    if not quiet:
        click.echo("optimiser: cutting planes on common random numbers", err=True)
    result = optimise(sc, options, shifts=one_step, replications=replications, seed=seed,
                      check_replications=check_replications, check_seed=check_seed, max_agents=max_agents,
                      workers=workers, executor=client, on_step=_printer(quiet))
    interval_s = sc.horizon.interval
    rows = [comparison_row("optimiser", result.staffing, result.hourly, interval_s, result.validation)]
    if compare:
        if not quiet:
            click.echo("simulation search (for comparison)", err=True)
        search = run_staff(sc, options, replications=replications, seed=seed,
                           check_replications=check_replications, check_seed=check_seed, compare=False,
                           max_agents=max_agents, workers=workers, executor=client, on_step=search_printer)
        rows.append(comparison_row("simulation search", search.required, result.hourly, interval_s,
                                   search.validation))
        plan = search.plan
        caps = {ct.name: None for ct in plan.contact_types}
        erlang = allocate(plan, {n: a.method("erlang_a") for n, a in analytic_staffing(plan, options.targets,
                                                                                        caps).items()})
        if not quiet:
            click.echo("Erlang A (for comparison)", err=True)
        check = validate_staffing(sc, erlang, options, "Erlang A", check_replications, search.check_seed, workers,
                                  client)
        rows.append(comparison_row("Erlang A", erlang, result.hourly, interval_s, check))
    if as_json:
        doc = result.to_dict()
        doc["compared"] = rows
        click.echo(json.dumps(doc, indent=2, allow_nan=False))
    else:
        click.echo(render_optimise(result, rows), nl=False)
