"""The what-if screen fits the terminal's width, every value still shown."""

from __future__ import annotations

import re

import pytest

from ccsim.realtime import load_snapshot, render_whatif, whatif
from ccsim.scenario import load


@pytest.fixture(scope="module")
def result():
    sc = load("scenarios/retail_bank.yaml")
    snap = load_snapshot("scenarios/snapshot_example.yaml", sc)
    return whatif(sc, snap, ["agent_groups.sellers.overtime=1h"], replications=3)


@pytest.mark.parametrize("width", [60, 120])
def test_whatif_screen_fits_and_keeps_every_value(result, width):
    wide = render_whatif(result, 4, width=None)
    text = render_whatif(result, 4, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert max(len(line) for line in wide.splitlines()) > 60  # the plain layout would not fit at 60
    cell = re.compile(r"\d+(?:±\d+)? % \d+ % [\d.]+ (?:s|min|h)")
    assert sorted(cell.findall(text)) == sorted(cell.findall(wide))
    assert len(cell.findall(text)) == 2 * 2 * 4  # two variants, two contact types, four intervals
    for clock in ("11:30", "12:00", "12:30", "13:00"):
        assert clock in text
    assert " ".join(text.split()).count("+0.") + " ".join(text.split()).count("-0.") >= 4


@pytest.mark.parametrize("width", [60, 120])
def test_erlang_tables_fit_and_keep_every_value(width):
    from ccsim.cli.erlang_cmd import ERLANG_A, ERLANG_C, _table, rows_of

    rows = rows_of(200 / 3600, 180.0, list(range(8, 16)), 20.0, 120.0)
    for columns in (ERLANG_C, ERLANG_A):
        plain = _table(columns, rows)
        text = _table(columns, rows, width)
        assert max(len(line) for line in text) <= width
        values = sorted(v for line in plain[1:] for v in line.split())
        fitted = sorted(v for line in text for v in line.split() if v not in {c.kpi for c in columns}
                        and not set(v) <= {"-", "─", "│", "|"} and v != "agents")
        assert [v for v in fitted if v not in values] == []
        assert set(values) <= set(fitted)


@pytest.mark.parametrize("width", [60, 120])
def test_calibrate_screen_fits_and_keeps_every_word(width):
    import datetime as dt
    from pathlib import Path

    from ccsim.calibrate import calibrate, read_history
    from ccsim.report.calibration import render_text

    root = Path(__file__).resolve().parents[2]
    cal = calibrate(read_history(root / "examples" / "history" / "history.csv"), dt.date(2026, 12, 7))
    plain, text = render_text(cal), render_text(cal, width=width)
    assert max(len(line) for line in plain.splitlines()) > 60
    assert max(len(line) for line in text.splitlines()) <= width
    assert plain.split() == text.split()  # wrapped between words, nothing lost
