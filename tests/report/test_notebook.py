"""examples/quickstart.ipynb runs from top to bottom (so it never rots) and shows its figures."""

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


def test_quickstart_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # Run a copy beside a copy of the scenarios, so nothing is written into the repository.
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    (tmp_path / "examples").mkdir()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path / "examples")}})
    client.execute()
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    images = [out for out in outputs if out.output_type == "display_data" and "image/png" in out.get("data", {})]
    assert len(images) == 7  # service level, waits, queue, occupancy, comparison, two sweep curves
    text = "".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    assert "service level" in text and "paired 95 % CI" in text and "5 agents:" in text
    assert (tmp_path / "examples" / "helpdesk_report.html").stat().st_size > 10_000
