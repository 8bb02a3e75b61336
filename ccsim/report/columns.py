"""Plain-text tables for the terminal: aligned columns, colour codes that take no width."""

from __future__ import annotations

GREEN, RED, YELLOW, RESET = "\033[32m", "\033[31m", "\033[33m", "\033[0m"


def render_columns(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """A plain-text table: a header line, a rule, the rows; columns in *right* right-aligned
    (colour codes take no width)."""
    widths = [max(len(h), *(len(_visible(r[i])) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            pad = widths[i] - len(_visible(cell))
            out.append(" " * pad + cell if i in right else cell + " " * pad)
        return "  ".join(out).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _visible(cell: str) -> str:
    for code in (GREEN, RED, YELLOW, RESET):
        cell = cell.replace(code, "")
    return cell
