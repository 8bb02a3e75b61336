"""Terminal tables fit the terminal: stacked in blocks of columns at 80 columns, coloured only
on a terminal; piped output stays plain, one line per row (what scripts and the docs read)."""

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ccsim
from ccsim.report.columns import render_columns, terminal_width
from ccsim.report.experiments import render_comparison
from ccsim.report.table import render_tables

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "scenarios" / "retail_bank.yaml"
CCSIM = Path(sys.executable).with_name("ccsim")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def bank():
    return ccsim.simulate(ccsim.load(BANK), replications=3, workers=1)


def visible(text: str) -> list[str]:
    return ANSI.sub("", text).splitlines()


def in_terminal(args, columns=80) -> tuple[int, str]:
    """Run a command with its stdout on a pseudo-terminal *columns* wide."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "50", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=subprocess.DEVNULL, env=env, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=300)
    os.close(master)
    return proc.returncode, out.decode().replace("\r\n", "\n")


def test_the_bank_at_80_columns_is_stacked_and_every_line_fits(bank):
    text = render_tables(bank, width=80)
    lines = visible(text)
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    # Every block of the contact-type table names its rows, and every KPI is still there.
    assert sum(1 for line in lines if line.startswith("contact type")) >= 2
    for header in ("offered", "service level", "target", "SL P10–P90 days", "ASA", "P90 wait", "abandon",
                   "max queue"):
        assert header in text, header
    for name in ("sales", "support", "total"):
        assert sum(1 for line in lines if line.startswith(name + " ")) >= 2


def test_piped_output_is_plain_one_line_per_row_and_stable(bank):
    text = render_tables(bank, width=None)
    assert not ANSI.search(text)
    lines = text.splitlines()
    assert sum(1 for line in lines if line.startswith("contact type")) == 1
    row = next(line for line in lines if line.startswith("sales "))
    assert "80 % in 20 s" in row and "max queue" not in row and len(row.split("  ")) > 8
    assert render_tables(bank, width=None) == text  # same input, same bytes
    assert terminal_width() is None  # pytest captures stdout: not a terminal


def test_columns_stack_with_their_row_names():
    headers = ["name", *(f"column {i}" for i in range(12))]
    rows = [["alpha", *(f"{i * 1000:,}" for i in range(12))], ["beta", *("–" for _ in range(12))]]
    lines = render_columns(headers, rows, right=set(range(1, 13)), width=40)
    assert max(len(line) for line in lines) <= 40
    blocks = [line for line in lines if line.startswith("name")]
    assert len(blocks) >= 3
    assert sum(line.startswith("alpha") for line in lines) == len(blocks)
    assert render_columns(headers, rows, right=set(range(1, 13)), width=None)[0].count("column") == 12


def test_colour_only_when_asked(bank):
    assert "\x1b[" in render_tables(bank, colour=True, width=None)
    assert "\x1b[" not in render_tables(bank, colour=False, width=80)


def test_ccsim_run_on_an_80_column_terminal_fits_and_is_coloured():
    rc, out = in_terminal([str(CCSIM), "run", str(BANK), "-r", "2", "-w", "1", "-q"])
    assert rc == 0, out
    lines = visible(out)
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    assert "\x1b[" in out  # met / missed in colour on a terminal
    assert any(line.startswith("advisors") for line in lines)


def test_ccsim_run_piped_is_plain_whatever_columns_says():
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    out = subprocess.run([str(CCSIM), "run", str(BANK), "-r", "2", "-w", "1", "-q"], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0
    assert "\x1b[" not in out.stdout
    assert max(len(line) for line in out.stdout.splitlines()) > 80  # one line per row, not wrapped
    assert sum(1 for line in out.stdout.splitlines() if line.startswith("contact type")) == 1


def test_comparison_fits_80_columns(bank):
    sc = bank.scenario
    comp = ccsim.compare(sc, sc, replications=2, workers=1)
    lines = visible(render_comparison(comp, width=80))
    assert max(len(line) for line in lines) <= 80
    assert sum(1 for line in lines if line.startswith("sales     service level")) == 2  # both blocks name rows
