"""Every output shown in README.md and docs/*.md is what its command prints today.

The blocks are marked ``<!-- output: ccsim ... -->`` (see docs/render.py); a
failing block is brought up to date with ``python docs/render.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("docs_render", ROOT / "docs" / "render.py")
render = importlib.util.module_from_spec(_spec)
sys.modules["docs_render"] = render  # dataclasses look their module up
_spec.loader.exec_module(render)

# The planning commands search or fit: seconds each, not a fraction of one.
SLOW_COMMANDS = ("ccsim staff", "ccsim shifts", "ccsim calibrate")


def _param(block):
    slow = any(c in block.spec for c in SLOW_COMMANDS)
    return pytest.param(block, id=f"{block.where}", marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("block", [_param(b) for b in render.all_blocks()])
def test_shown_output_is_what_the_command_prints(block):
    expected = render.render(block.spec, block.where)
    assert block.shown == expected, (
        f"{block.where}: the block shown for `{block.spec}` is stale; run `python docs/render.py`")


def test_every_page_is_scanned_and_markers_are_found():
    pages = {b.page.name for b in render.all_blocks()}
    assert "README.md" in pages
