"""A comparison pairs the same callers in two variants of one centre: unrelated scenarios are refused."""

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import ccsim
from ccsim.cli import main
from ccsim.experiment.compare import IncomparableVariants, compare

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "scenarios" / "retail_bank.yaml"
HELPDESK = ROOT / "scenarios" / "it_helpdesk.yaml"


def test_the_library_refuses_variants_whose_contact_types_differ_before_running():
    ran = []
    with pytest.raises(IncomparableVariants) as info:
        compare(ccsim.load(BANK), ccsim.load(HELPDESK), replications=2, progress=lambda *a: ran.append(a))
    message = str(info.value)
    assert "contact types differ" in message
    assert "only in A: sales, support" in message and "only in B: incidents" in message
    assert isinstance(info.value, ValueError)
    assert not ran  # nothing simulated


def test_the_command_refuses_unrelated_scenarios_with_exit_code_2():
    result = CliRunner().invoke(main, ["compare", str(BANK), str(HELPDESK), "-r", "2", "-w", "1", "-q"])
    assert result.exit_code == 2, result.output
    assert "paired" not in result.stdout and "common random numbers" not in result.stdout
    assert "only in retail_bank: sales, support" in result.stderr
    assert "only in it_helpdesk: incidents" in result.stderr
    assert "Traceback" not in result.output


def test_a_type_added_in_b_is_refused_but_an_added_group_is_compared_and_named(tmp_path):
    sc = ccsim.load(HELPDESK)
    raw = yaml.safe_load(HELPDESK.read_text())
    plus_type = dict(raw, contact_types={**raw["contact_types"], "extra": raw["contact_types"]["incidents"]})
    group = next(iter(raw["agent_groups"].values()))
    plus_type["agent_groups"] = {**raw["agent_groups"], "extra_desk": dict(group, skills=["extra"])}
    with pytest.raises(IncomparableVariants, match="only in B: extra"):
        compare(sc, ccsim.from_dict(plus_type), replications=2)
    plus_group = dict(raw, agent_groups={**raw["agent_groups"], "backup": dict(group, staffing=1)})
    comp = compare(sc, ccsim.from_dict(plus_group), replications=2, workers=1)
    assert comp.groups_only == {"a": [], "b": ["backup"]}
    assert {r["name"] for r in comp.rows() if r["section"] == "agent_groups"} == set(raw["agent_groups"])
    from ccsim.report.experiments import render_comparison
    assert "Agent groups only in B (not compared): backup" in render_comparison(comp)
