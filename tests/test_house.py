"""The shape of the house: data flows one way, so no module imports one that imports it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT.parent / "shared" / "tools" / "import_cycles.py"


@pytest.mark.skipif(not TOOL.exists(), reason="the shared tools are not beside this checkout")
def test_no_import_circles():
    result = subprocess.run([sys.executable, str(TOOL), "ccsim"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("0 import circle(s)"), result.stdout


def test_the_version_is_written_once():
    import ccsim
    from ccsim._version import __version__

    assert ccsim.__version__ == __version__
    assert '__version__ = "' not in (ROOT / "ccsim" / "__init__.py").read_text()
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text()
