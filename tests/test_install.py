"""The installed package is found from anywhere, even from the folder holding a clone named ccsim."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_from_the_parent_of_a_clone_named_ccsim(tmp_path):
    (tmp_path / "ccsim").symlink_to(ROOT, target_is_directory=True)  # a clone named ccsim, no __init__ at its top
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", "import ccsim; print(ccsim.simulate.__name__, ccsim.__file__)"],
                            cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    name, where = result.stdout.split()
    assert name == "simulate" and Path(where).resolve() == (ROOT / "ccsim" / "__init__.py").resolve()
