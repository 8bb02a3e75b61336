"""The KPI catalogue covers every KPI the results carry, and every entry is complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ccsim
from ccsim.metrics import catalogue
from ccsim.report.labels import info

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if not p.name.startswith("snapshot_"))
ROW_KEYS = {"start", "day", "contact_type", "agent_group", "spread"}
# Where a KPI appears in the JSON, and the level its entry must name.
SECTION_LEVEL = {"contact_types": "contact_type", "agent_groups": "agent_group", "total": "total",
                 "intervals": "interval", "agent_group_intervals": "interval"}


def kpis_in_document(doc: dict) -> dict[str, set[str]]:
    """Every KPI name of a run's JSON document, with the sections it appears in."""
    found: dict[str, set[str]] = {}

    def add(name, section):
        found.setdefault(name, set()).add(section)

    for section in ("contact_types", "agent_groups"):
        for kpis in doc[section].values():
            for name in kpis:
                add(name, section)
    for name in doc["total"]:
        add(name, "total")
    for section in ("intervals", "agent_group_intervals"):
        for row in doc[section]:
            for name in set(row) - ROW_KEYS:
                add(name, section)
            for name in row.get("spread", {}):
                add(name, section)
    return found


@pytest.mark.parametrize("per_agent", [False, True], ids=["", "per_agent"])
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_kpi_of_every_bundled_scenario_has_a_catalogue_entry(path, per_agent):
    sc = ccsim.load(path, overrides=["statistics.per_agent=true"] if per_agent else [])
    doc = ccsim.simulate(sc, replications=2, seed=7).to_dict()
    types = list(sc.contact_types)
    missing, wrong_level = [], []
    for name, sections in sorted(kpis_in_document(doc).items()):
        entry = catalogue.find(name, contact_types=types)
        if entry is None:
            missing.append(name)
            continue
        wrong_level += [f"{name} in {s}" for s in sections if SECTION_LEVEL[s] not in entry.levels]
    assert not missing, f"KPIs without a catalogue entry: {missing}"
    assert not wrong_level, f"KPIs reported at a level their entry does not name: {wrong_level}"


def test_every_entry_has_a_label_unit_direction_levels_and_definition():
    for name in catalogue.names():
        entry = catalogue.CATALOGUE[name]
        assert entry.name == name and entry.label, name
        assert entry.unit in catalogue.UNITS, (name, entry.unit)
        assert entry.direction in catalogue.DIRECTIONS, (name, entry.direction)
        assert entry.levels and set(entry.levels) <= set(catalogue.LEVELS), (name, entry.levels)
        assert len(entry.definition) > 10 and entry.when and entry.topic, name


def test_handled_by_type_resolves_for_the_scenarios_types_only():
    entry = catalogue.find("handled_sales", contact_types=["sales", "support"])
    assert entry is not None and entry.label == "handled sales" and "type sales" in entry.definition
    assert catalogue.find("handled_chat", contact_types=["sales"]) is None
    assert catalogue.find("no_such_kpi") is None


def test_labels_and_units_on_screen_come_from_the_catalogue():
    for name in catalogue.names():
        entry = catalogue.CATALOGUE[name]
        shown = info(name)
        assert (shown.label, shown.kind, shown.better) == (entry.label, entry.kind, entry.better)
    assert info("service_level").kind == "share" and info("asa").kind == "seconds"
    assert info("busy_hours").kind == "agent_hours" and info("abandon_rate").better == -1


def test_every_catalogue_kpi_is_defined_in_the_docs():
    docs = "".join((ROOT / "docs" / page).read_text() for page in ("kpis.md", "journeys.md", "staffing.md"))
    named = set(re.findall(r"`([a-z0-9_<>]+)`", docs))
    undocumented = [n for n in catalogue.names() + (catalogue.HANDLED_BY_TYPE.name,) if n not in named]
    assert not undocumented, f"catalogue KPIs missing from docs/kpis.md, journeys.md, staffing.md: {undocumented}"
