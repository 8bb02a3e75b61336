"""``ccsim serve``: the wallboard in the browser (needs the serve extra)."""

from __future__ import annotations

import ipaddress
import socket
import sys

import click

from .common import load_scenario
from .realtime_cmd import _snapshot
from .snapshot_cmd import import_options, snapshot_from_options

SPEED_CHOICES = ("1", "10", "60", "600")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--snapshot", "snapshot_path", type=click.Path(dir_okay=False),
              help="The centre now (default: an empty centre at the horizon start), or --from KIND EXPORT.")
@import_options
@click.option("--speed", type=click.Choice(SPEED_CHOICES), default="60", show_default=True,
              help="Simulated seconds per wall second at start (changeable on the page).")
@click.option("--threshold", "threshold_texts", multiple=True, metavar="KPI=AMBER,RED",
              help="Wallboard colours: queue, longest_wait (s), asa (s), abandon_rate, service_level, staffed "
                   "(see docs/realtime.md; repeatable).")
@click.option("--seed", "-s", type=click.IntRange(min=0), help="Root random seed (default: the scenario's).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=0, help="Port (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback only, unless "
              "--allow-remote).")
@click.option("--allow-remote", is_flag=True, help="Allow a --host that is not loopback (no authentication!).")
def serve(scenario, snapshot_path, import_from, import_maps, import_time, import_day, import_date, speed,
          threshold_texts, seed, port, host, allow_remote):
    """Serve a wallboard of SCENARIO's live run, with what-if, at http://127.0.0.1:PORT (Ctrl-C stops, exit 130)."""
    if not _loopback(host) and not allow_remote:
        click.echo(f"error: --host {host} is not a loopback address; the wallboard has no authentication, so it "
                   "binds 127.0.0.1 unless --allow-remote is given", err=True)
        sys.exit(2)
    try:
        import starlette  # noqa: F401
        import uvicorn
    except ImportError:
        click.echo("error: ccsim serve needs starlette and uvicorn: install ccsim[serve] "
                   "(pip install 'ccsim[serve]')", err=True)
        sys.exit(2)
    from ..realtime.serve import build
    from ..realtime.serve.board import parse_threshold
    from ..realtime.snapshot import first_open_day, snapshot_from_dict
    from ..units import format_clock_exact

    levels = {}
    for text in threshold_texts:
        try:
            name, th = parse_threshold(text)
        except ValueError as exc:
            click.echo(f"error: --threshold: {exc}", err=True)
            sys.exit(2)
        levels[name] = th
    sc = load_scenario(scenario)
    if snapshot_path is None and import_from is None:
        empty = {"time": format_clock_exact(sc.horizon.start)}
        if sc.horizon.days > 1:  # an empty centre on the horizon's first open day
            empty["day"] = first_open_day(sc.horizon)
        snap = snapshot_from_dict(empty, scenario=sc)
    else:
        snap = snapshot_from_options(sc, snapshot_path, import_from, import_maps, import_time, _snapshot, import_day,
                                     import_date)
    app, feed, jobs = build(sc, snap, speed=float(speed), seed=seed, levels=levels)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    except OSError as exc:
        jobs.close()
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    bound = sock.getsockname()[1]
    if allow_remote and not _loopback(host):
        click.echo(f"warning: serving on {host}, reachable from other machines, without authentication", err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"ccsim serve: http://{shown}:{bound}/ (Ctrl-C stops)", err=False)
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2, lifespan="on"))
    interrupted = False
    try:
        server.run(sockets=[sock])
        interrupted = server.should_exit
    except KeyboardInterrupt:
        interrupted = True
    finally:
        feed.stop()
        jobs.close()
        sock.close()
    if interrupted:
        click.echo("interrupted", err=True)
        sys.exit(130)
