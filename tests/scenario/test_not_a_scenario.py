"""A file of another kind given where a scenario is expected is named for what it is."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from ccsim import load
from ccsim.cli import main
from ccsim.scenario import ScenarioError

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize("snapshot", ["snapshot_example.yaml", "snapshot_omnichannel.yaml"])
def test_a_snapshot_given_as_the_scenario_is_said_to_be_one_with_the_command_to_use(snapshot, tmp_path):
    path = SCENARIOS / snapshot
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert len(info.value.problems) == 1  # one problem, not every field a scenario lacks
    text = str(info.value)
    assert f"{snapshot}:" in text and "time: this file is a snapshot" in text and "--snapshot" in text
    result = CliRunner().invoke(main, ["run", str(path), "-r", "1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "is a snapshot" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
