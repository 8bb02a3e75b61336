"""docs/render.py: blocks that show an error message (`` 2>&1``), commands that write
files (``{tmp}``), and the pages whose every shown output is generated."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("docs_render_features", ROOT / "docs" / "render.py")
render = importlib.util.module_from_spec(_spec)
sys.modules["docs_render_features"] = render  # dataclasses look their module up
_spec.loader.exec_module(render)

# Pages on which every fenced block that is not code to type (sh, python, yaml, csv) is generated.
GENERATED_PAGES = ("kpis.md", "calibration.md", "journeys.md")
CODE = re.compile(r"^```+(sh|bash|python|yaml|csv|text-in)\b")


@pytest.mark.parametrize("name", GENERATED_PAGES)
def test_every_shown_output_of_the_page_has_a_marker(name):
    page = ROOT / "docs" / name
    lines = page.read_text(encoding="utf-8").splitlines()
    marked = {b.first - 1 for b in render.blocks(page)}  # index of each marked block's opening fence
    inside, unmarked = False, []
    for i, line in enumerate(lines):
        if not line.startswith("```"):
            continue
        if inside:
            inside = False
            continue
        inside = True
        if i not in marked and not CODE.match(line):
            unmarked.append(f"{name}:{i + 1}: {line}")
    assert not unmarked, "shown outputs without an output marker:\n" + "\n".join(unmarked)


def test_an_error_block_shows_stderr_and_accepts_exit_2():
    text = render.render("ccsim calibrate examples/history/broken_history.csv --for 2026-12-07 "
                         "--out {tmp}/s.yaml 2>&1")
    assert text.startswith("error: the input has 4 problems:")
    assert "{tmp}" not in text and not list(ROOT.glob("{tmp}*"))  # a temporary directory, not a name
    with pytest.raises(RuntimeError, match="exited with 2"):
        render.run_command("ccsim calibrate examples/history/broken_history.csv --for 2026-12-07 --out {tmp}/s.yaml")

