"""A change written in the ``--set`` syntax (what a variant records of how it was made)."""

from __future__ import annotations

import yaml


def format_override(path: str, value: object) -> str:
    """('a.b', [1, 2]) -> 'a.b=[1, 2]' in the ``--set`` syntax (value as flow YAML)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9).strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    text = text.removesuffix("...").strip()
    return f"{path}={text}"
