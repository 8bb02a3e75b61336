"""``ccsim erlang`` writes its times (ASA, mean wait) in the unit a person reads them in
(``ccsim.units.format_time``): seconds below two minutes, minutes below an hour, then hours."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ccsim import erlang as e
from ccsim.cli import main
from ccsim.units import format_time


def erlang(*args) -> str:
    result = CliRunner().invoke(main, ["erlang", *args])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.output


def row_cells(text: str, agents: int) -> list[str]:
    """The cells of the first table row for *agents*, split on two spaces or more."""
    import re

    line = next(line for line in text.splitlines() if line.split()[:1] == [str(agents)])
    return re.split(r"\s{2,}", line.strip())


# Email-like work (ASA in hours), a slow back office (minutes) and a call centre (seconds).
@pytest.mark.parametrize("rate,aht,agents,unit", [("4/h", "1h", 5, "min"), ("19.6/h", "15min", 5, "h"),
                                                  ("200/h", "3min", 13, "s")])
def test_erlang_c_asa_is_in_the_unit_people_think_in(rate, aht, agents, unit):
    text = erlang("--rate", rate, "--aht", aht, "--agents", str(agents))
    doc = json.loads(erlang("--rate", rate, "--aht", aht, "--agents", str(agents), "--json"))
    asa_s = doc["rows"][0]["erlang_c_asa"]
    header = row_cells(next(line for line in text.splitlines() if line.startswith("agents")), "agents")
    cells = row_cells(text, agents)
    shown = cells[header.index("asa")]
    assert shown == format_time(asa_s) and shown.endswith(" " + unit), (shown, asa_s)
    # The JSON keeps seconds, the formula's value.
    rate_s = {"4/h": 4 / 3600, "19.6/h": 19.6 / 3600, "200/h": 200 / 3600}[rate]
    aht_s = {"1h": 3600.0, "15min": 900.0, "3min": 180.0}[aht]
    assert asa_s == pytest.approx(e.erlang_c_asa(rate_s, aht_s, agents), rel=1e-12)


def test_erlang_a_asa_and_mean_wait_are_formatted_alike():
    text = erlang("--rate", "24/h", "--aht", "15min", "--agents", "5", "--patience", "8h")
    doc = json.loads(erlang("--rate", "24/h", "--aht", "15min", "--agents", "5", "--patience", "8h", "--json"))
    row = doc["rows"][0]
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Erlang A"))
    header = row_cells(lines[start + 1], "agents")
    cells = row_cells("\n".join(lines[start + 2:]), 5)
    assert cells[header.index("asa")] == format_time(row["erlang_a_asa"])
    assert cells[header.index("mean_wait")] == format_time(row["erlang_a_mean_wait"])
    exact = e.erlang_a(24 / 3600, 900.0, 5, 8 * 3600.0, 20.0)
    assert row["erlang_a_asa"] == exact.asa and exact.asa > 3600  # hours, not thousands of seconds
    assert cells[header.index("asa")].endswith(" h")


def test_an_asa_target_is_written_as_set_and_its_values_in_their_unit():
    text = erlang("--rate", "4/h", "--aht", "1h", "--target", "asa=30min")
    line = next(line for line in text.splitlines() if line.strip().startswith("asa <="))
    assert line.split()[:4] == ["asa", "<=", "30", "min"]
    n = e.agents_needed(4 / 3600, 3600.0, [e.StaffingTarget("asa", 1800.0)])
    assert line.split()[4] == str(n)
    at_n = e.erlang_c_asa(4 / 3600, 3600.0, n)
    assert format_time(at_n) in line
