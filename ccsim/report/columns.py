"""Tables for the terminal, laid out by rich: aligned columns that fit the terminal's width.

On a terminal (``width`` its number of columns) a table too wide for it is stacked: its
columns are split into blocks, one under the other, each led by the row names; only a
column too wide for the terminal on its own wraps (between words). When the output is piped or written to a
file (``width=None``) every row stays on one line, in plain text, whatever its length, so
that scripts, ``grep`` and the docs see the same lines every time.

Colour codes in cells (``GREEN`` … ``RESET``) take no width; they are kept only with
``colour=True`` (the CLI asks for it on a terminal without ``NO_COLOR``).
"""

from __future__ import annotations

import io
import re
import shutil
import sys
from typing import Literal

GREEN, RED, YELLOW, RESET = "\033[32m", "\033[31m", "\033[33m", "\033[0m"
_ANSI = re.compile(r"\033\[[0-9;]*m")
GAP = 2  # spaces between columns (one of padding, one of divider)
TERMINAL: Literal["terminal"] = "terminal"


def terminal_width() -> int | None:
    """Columns of the terminal standard output is on (``COLUMNS`` wins); None when stdout is
    piped or redirected, so that such output never depends on a window's size."""
    try:
        if not sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):  # no stdout, or a closed one
        return None
    return max(20, shutil.get_terminal_size((80, 24)).columns)


def resolve_width(width: int | None | Literal["terminal"]) -> int | None:
    """*width* as a number of columns: ``"terminal"`` asks ``terminal_width()``."""
    return terminal_width() if width == TERMINAL else width  # type: ignore[return-value]


def fit_lines(lines: list[str], width: int | None) -> list[str]:
    """Lines of prose longer than *width* wrapped between words, continuation lines indented
    under their first; a table's lines already fit. None: lines as they are."""
    if width is None:
        return lines
    import textwrap

    out: list[str] = []
    for line in lines:
        for part in line.split("\n"):
            if len(_visible(part)) <= width:
                out.append(part)
                continue
            indent = part[: len(part) - len(part.lstrip())]
            out += textwrap.wrap(part, width, initial_indent="", subsequent_indent=indent + "  ",
                                 break_long_words=False, break_on_hyphens=False) or [part]
    return out


def render_columns(headers: list[str], rows: list[list[str]], right: set[int],
                   width: int | None | Literal["terminal"] = TERMINAL, colour: bool = False,
                   key: int = 1) -> list[str]:
    """A table as lines: header, a rule, the rows; columns in *right* right-aligned.

    width: the columns available — ``"terminal"`` (the default) asks ``terminal_width()``;
        None: no limit (one line per row). A table wider than *width* is stacked in blocks
        of columns, each led by the first *key* columns (the row names).
    colour: keep the colour codes of cells and show headers in bold; plain text otherwise.
    """
    limit = resolve_width(width)
    cells = [[str(c) for c in row] for row in rows]
    if not colour:
        cells = [[_visible(c) for c in row] for row in cells]
    if limit is None:
        return _render(headers, cells, right, None, colour, list(range(len(headers))))
    blocks = _blocks(headers, cells, limit, key)
    out: list[str] = []
    for i, block in enumerate(blocks):
        if i:
            out.append("")
        out += _render(headers, cells, right, limit, colour, block)
    return out


def _needed(headers: list[str], cells: list[list[str]], i: int) -> int:
    """The width of column *i* on one line: its header or its widest cell."""
    return max([len(headers[i])] + [len(_visible(row[i])) for row in cells])


def _blocks(headers: list[str], cells: list[list[str]], limit: int, key: int) -> list[list[int]]:
    """Columns split into blocks that fit *limit*, each starting with the key columns."""
    n = len(headers)
    key = min(key, n)
    need = [_needed(headers, cells, i) + GAP for i in range(n)]
    lead = list(range(key))
    base = sum(need[i] for i in lead)
    blocks: list[list[int]] = []
    current: list[int] = []
    used = base
    for i in range(key, n):
        if current and used + need[i] - GAP > limit:
            blocks.append(lead + current)
            current, used = [], base
        current.append(i)
        used += need[i]
    if current or not blocks:
        blocks.append(lead + current)
    return blocks


def _render(headers: list[str], cells: list[list[str]], right: set[int], limit: int | None, colour: bool,
            columns: list[int]) -> list[str]:
    from rich.box import Box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # No frame and no lines but a dashed rule under the header: what a planner pastes into an e-mail.
    plain = Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)
    table = Table(box=plain, show_edge=False, pad_edge=False, padding=(0, GAP - 1, 0, 0), collapse_padding=False,
                  header_style="bold" if colour else "", highlight=False)
    for i in columns:
        table.add_column(headers[i], justify="right" if i in right else "left")
    for row in cells:
        table.add_row(*(Text.from_ansi(row[i]) if colour else Text(row[i]) for i in columns))
    buffer = io.StringIO()
    console = Console(file=buffer, width=limit or 100_000, force_terminal=colour, no_color=not colour,
                      color_system="standard" if colour else None, highlight=False, emoji=False, markup=False,
                      legacy_windows=False, soft_wrap=False)
    console.print(table)
    lines = [line.rstrip() for line in buffer.getvalue().rstrip("\n").split("\n")]
    # rich rules the padding too; end each column's dashes with its text, as the columns read.
    rule = next((j for j, line in enumerate(lines) if line and set(_visible(line)) <= {"-", " "}), None)
    if rule is not None:
        lines[rule] = re.sub(r"-(?= )", " ", _visible(lines[rule]))
    return lines


def _visible(cell: str) -> str:
    return _ANSI.sub("", cell)
