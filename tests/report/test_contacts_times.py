"""Every row of contacts.csv agrees with itself: an answered contact waited answer - entry."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccsim.cli import main

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BUNDLED = sorted(p.name for p in SCENARIOS.glob("*.yaml") if not p.name.startswith("snapshot_"))  # not snapshots


@pytest.mark.parametrize("name", BUNDLED)
def test_an_answered_contact_waited_from_its_queue_entry_to_its_answer(name, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(SCENARIOS / name), "-r", "1", "-q", "--out", str(out), "--records"])
    assert result.exit_code == 0, result.output
    with open(out / "contacts.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    answered = [r for r in rows if r["outcome"] == "answered"]
    assert answered
    for row in answered:
        arrival, entry, answer, wait = (float(row[k]) for k in ("arrival_s", "entry_s", "answer_s", "wait_s"))
        assert math.isclose(answer - entry, wait, abs_tol=2e-3), row  # three decimals in the file
        assert answer >= entry - 1e-3
        if row["channel"] != "email":
            assert entry >= arrival - 1e-3  # a call or chat joins its queue at or after arriving


def test_overnight_email_enters_before_the_opening_it_counts_in(tmp_path):
    out = tmp_path / "out"
    CliRunner().invoke(main, ["run", str(SCENARIOS / "omnichannel.yaml"), "-r", "1", "-q", "--out", str(out),
                              "--records"])
    with open(out / "contacts.csv", encoding="utf-8") as handle:
        overnight = [r for r in csv.DictReader(handle) if r["channel"] == "email" and float(r["entry_s"]) < 0]
    assert overnight, "omnichannel.yaml has email received overnight"
    assert all(float(r["arrival_s"]) == 0.0 for r in overnight)
