"""``ccsim whatif --set``: absolute and relative changes of the scenario, as for ``ccsim run``."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ccsim.cli import main

BANK, SNAP = "scenarios/retail_bank.yaml", "scenarios/snapshot_example.yaml"


def _whatif(*extra):
    r = CliRunner().invoke(main, ["whatif", BANK, "--snapshot", SNAP, "-r", "4", "-q", "--json", *extra])
    return r


def _asa(result, ctype="sales"):
    doc = json.loads(result.output)
    return doc["totals"]["as is"][ctype]["asa"]["mean"]


def test_relative_set_changes_the_day_like_run():
    base, plus = _whatif(), _whatif("--set", "agent_groups.sellers.staffing+=4")
    assert base.exit_code == 0 and plus.exit_code == 0, plus.output
    assert _asa(plus) < _asa(base)  # four more sellers all afternoon, same random streams
    times = _whatif("--set", "contact_types.sales.handle_time.mean*=1.3")
    assert times.exit_code == 0, times.output
    assert _asa(times) > _asa(base)


def test_bad_relative_set_is_a_located_error():
    r = _whatif("--set", "agent_groups.sellers.staffing+=lots")
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert "agent_groups.sellers.staffing" in r.output and "lots" in r.output
