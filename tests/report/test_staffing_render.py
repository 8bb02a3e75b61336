"""Staffing and calibration results are rendered by the report layer: ``staffing/`` and
``calibrate/`` compute, ``report/`` writes tables, text, JSON, YAML, HTML and figures."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
from pathlib import Path

import pytest

import ccsim

ROOT = Path(__file__).resolve().parents[2]
SMALL = {
    "name": "small line", "seed": 3,
    "horizon": {"start": "08:00", "end": "10:00", "interval": "30min"},
    "contact_types": {"calls": {
        "arrivals": {"per_interval": [20, 35, 50, 40]},
        "handle_time": {"dist": "exponential", "mean": "4min"},
        "patience": {"dist": "exponential", "mean": "2min"},
    }},
    "agent_groups": {"team": {"skills": ["calls"], "staffing": 6}},
}


def imported_modules(path: Path, package: str) -> set[str]:
    """Absolute names of the ccsim modules one file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.add(".".join(base + ([node.module] if node.module else [])))
            else:
                names.add(node.module or "")
    return names


@pytest.mark.parametrize("package", ["staffing", "calibrate"])
def test_staffing_and_calibrate_import_nothing_from_the_report_layer(package):
    for path in sorted((ROOT / "ccsim" / package).glob("*.py")):
        found = {m for m in imported_modules(path, f"ccsim.{package}") if m.startswith("ccsim.report")}
        assert not found, f"{path.relative_to(ROOT)} imports {sorted(found)}"


@pytest.mark.parametrize("gone", ["ccsim.staffing.output", "ccsim.calibrate.report", "ccsim.calibrate.figures"])
def test_the_renderers_left_the_computing_packages(gone):
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(gone)


@pytest.fixture(scope="module")
def staffing_result():
    from ccsim.staffing import resolve_options, staff

    sc = ccsim.scenario_from_dict(SMALL)
    return staff(sc, resolve_options(sc, max_abandon=0.1), replications=6, check_replications=4, workers=1)


def test_staffing_table_json_and_rows_show_the_same_numbers(staffing_result):
    from ccsim.report.staffing_export import rows, staffing_yaml, to_dict, to_json
    from ccsim.report.staffing_table import render, render_plans

    result = staffing_result
    text = render(result)
    assert text.startswith("Staffing for small line\n")
    doc = json.loads(to_json(result))
    assert doc == json.loads(json.dumps(to_dict(result)))
    assert doc["intervals"] == json.loads(json.dumps(rows(result), allow_nan=False))
    group_rows = [r for r in rows(result) if r["kind"] == "agent_group"]
    assert [r["required"] for r in group_rows] == result.required[0].tolist()
    # The per-interval table, below its header and rule (the note under it, 'binding: ...', left out).
    table = [line for line in text.split("\n\n")[1].splitlines()[2:] if not line.startswith("binding:")]
    assert [line.split()[0] for line in table] == result.interval_starts()
    assert [int(line.split()[7]) for line in table] == result.required[0].tolist()  # simulation (sqrt (beta): 2 words)
    assert "\n".join(render_plans(result)) in text
    # The scenario written is the scenario with the staffing found: it loads and runs.
    from ccsim.scenario import loads

    found = loads(staffing_yaml(result))
    assert found.name == "small line"


def test_staffing_html_report_reads_the_same_rows(staffing_result):
    from ccsim.report.staffing_report import staffing_report

    html = staffing_report(staffing_result).to_html()
    assert "Required against scheduled" in html and "<img" in html  # figures inlined as images


def test_calibration_renders_from_the_report_layer():
    from ccsim.calibrate import calibrate, read_history
    from ccsim.report.calibration import render_text, to_dict, to_json
    from ccsim.report.calibration_figures import figures_svg

    history = ROOT / "examples" / "history" / "history.csv"
    cal = calibrate(read_history(history), dt.date(2026, 12, 7))
    doc = to_dict(cal)
    assert json.loads(to_json(cal)) == json.loads(json.dumps(doc))
    text = render_text(cal)
    for tc in cal.types:
        assert tc.name in text
    svgs = figures_svg(cal)
    assert sorted(svgs) == sorted(f"calibration_{tc.name}.svg" for tc in cal.types)
    assert all(svg.lstrip().startswith(b"<?xml") or b"<svg" in svg[:400] for svg in svgs.values())
