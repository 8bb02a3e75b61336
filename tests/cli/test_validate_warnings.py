"""``ccsim validate`` warns of plausible mistakes, located like errors, and exits 0."""

from click.testing import CliRunner

from ccsim.cli import main

SCENARIO = """\
name: Warned
horizon: {start: "08:00", end: "10:00", interval: 30min}
contact_types:
  sales:
    arrivals: {rate: 12/h}
    handle_time: {dist: lognormal, mean: 5, cv: 1}
agent_groups:
  team: {skills: [sales], staffing: 2}
"""


def test_warnings_are_printed_located_and_the_exit_code_stays_0(tmp_path):
    path = tmp_path / "warned.yaml"
    path.write_text(SCENARIO)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: valid — 'Warned'" in result.stdout and "; 2 warnings" in result.stdout
    assert f"{path}:4:3: warning: contact_types.sales: no patience" in result.stderr
    assert (f"{path}:6:42: warning: contact_types.sales.handle_time.mean: 5 is 5 seconds (a bare number is "
            "seconds); if minutes were meant, write '5min'") in result.stderr
    # with minutes: one agent's work against two agents, no warning but the patience
    result = CliRunner().invoke(main, ["validate", str(path), "--set", "contact_types.sales.handle_time.mean=5min"])
    assert result.exit_code == 0 and "; 1 warning" in result.stdout
    result = CliRunner().invoke(main, ["validate", str(path), "--set", "contact_types.sales.handle_time.mean=5min",
                                       "--set", "contact_types.sales.arrivals.rate=1000/h"])
    assert result.exit_code == 0 and "the offered load of 'sales' is above the agents of 'team'" in result.stderr


def test_a_run_is_not_stopped_by_a_warning(tmp_path):
    path = tmp_path / "warned.yaml"
    path.write_text(SCENARIO)
    result = CliRunner().invoke(main, ["run", str(path), "-r", "1", "-q", "--json"])
    assert result.exit_code == 0
