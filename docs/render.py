"""Outputs shown in README.md and docs/*.md, produced by the commands themselves.

A fenced block that shows what a command prints is preceded by a marker::

    <!-- output: ccsim run scenarios/it_helpdesk.yaml -->
    ```
    ...exactly what the command prints...
    ```

Commands run from the repository root, whatever the current directory, and
in-process (``ccsim.cli:main`` through click's ``CliRunner``), with ``NO_COLOR``
set and ``COLUMNS=80``: stdout is not a terminal, so there is no colour and no
progress bar. Only stdout is shown; what a command writes to stderr (progress,
search steps, "wrote FILE") is not.

A block may show part of the output. After the command, ``|`` and one
selection (applied in Python, not by a shell):

- ``| lines A-B`` — lines A to B of the output (from 1, both included);
  ``| lines A-`` from A to the end;
- ``| grep REGEX`` — the lines that match the regular expression
  (``re.search``);
- ``| from REGEX`` — from the first line that matches to the end; ``| from
  REGEX to REGEX2`` — to the first later line that matches REGEX2 (included).

Several commands for one block are separated by `` && ``; their outputs are
joined in order. Trailing blank lines are dropped from what a block shows.

A command ending in `` 2>&1`` shows what it writes to stderr too, interleaved as
a terminal shows it, and may exit with 1 or 2 (a block showing an error
message); an exception still fails. ``{tmp}`` in a command is a fresh temporary
directory, for the files a command must write (``--out {tmp}/scenario.yaml``).

    python docs/render.py           # rewrite every marked block (files replaced atomically)
    python docs/render.py --check   # exit 1 and list the blocks that differ

The test ``tests/test_docs_outputs.py`` runs every marker and compares the block,
so a shown output cannot go stale without a failing test.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import re
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"^<!-- output: (?P<spec>.+?) -->\s*$")
FENCE = re.compile(r"^(?P<fence>```+|~~~+)")
ENV = {"NO_COLOR": "1", "COLUMNS": "80", "TERM": "dumb"}


@dataclass(frozen=True)
class Block:
    page: Path
    line: int             # 1-based line of the marker
    spec: str             # the marker's text: commands and an optional selection
    first: int            # 0-based index of the first line inside the fence
    end: int              # 0-based index of the closing fence
    shown: str            # the block's text as the page has it

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """Every marked block of a page; a marker not followed by a fenced block is an error."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found = []
    for i, text in enumerate(lines):
        m = MARKER.match(text)
        if not m:
            continue
        f = FENCE.match(lines[i + 1]) if i + 1 < len(lines) else None
        if not f:
            raise ValueError(f"{page.relative_to(ROOT)}:{i + 1}: an output marker must be followed by a fenced block")
        end = next((j for j in range(i + 2, len(lines)) if lines[j].startswith(f["fence"])), None)
        if end is None:
            raise ValueError(f"{page.relative_to(ROOT)}:{i + 2}: the fenced block is not closed")
        found.append(Block(page, i + 1, m["spec"].strip(), i + 2, end, "\n".join(lines[i + 2:end])))
    return found


def all_blocks() -> list[Block]:
    return [b for page in PAGES for b in blocks(page)]


def _select(text: str, selection: str, where: str) -> str:
    lines = text.splitlines()
    verb, _, arg = selection.strip().partition(" ")
    arg = arg.strip()
    if verb == "lines":
        low, _, high = arg.partition("-")
        return "\n".join(lines[int(low) - 1:int(high) if high else None])
    if verb == "grep":
        return "\n".join(line for line in lines if re.search(arg, line))
    if verb == "from":
        start_re, _, stop_re = arg.partition(" to ")
        start = next((i for i, line in enumerate(lines) if re.search(start_re, line)), None)
        if start is None:
            raise ValueError(f"{where}: no line matches {start_re!r}")
        stop = next((i for i in range(start + 1, len(lines)) if stop_re and re.search(stop_re, lines[i])), None)
        return "\n".join(lines[start:None if stop is None else stop + 1])
    raise ValueError(f"{where}: unknown selection {selection!r} (lines, grep, from)")


@contextlib.contextmanager
def _at_root():
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)


@functools.cache  # a command shown on several pages runs once
def run_command(command: str) -> str:
    """What one ``ccsim ...`` command prints on stdout, run in-process from the repository root."""
    from click.testing import CliRunner

    from ccsim.cli import main

    both = command.endswith(" 2>&1")
    args = shlex.split(command[: -len(" 2>&1")] if both else command)
    if not args or args[0] != "ccsim":
        raise ValueError(f"an output marker runs ccsim commands, got {command!r}")
    with _at_root(), tempfile.TemporaryDirectory(prefix="ccsim-docs-") as tmp:
        args = [a.replace("{tmp}", tmp) for a in args]
        result = CliRunner(env=ENV).invoke(main, args[1:], catch_exceptions=False)
    if result.exit_code not in ((0, 1, 2) if both else (0,)):
        raise RuntimeError(f"{command!r} exited with {result.exit_code}:\n{result.stderr}")
    return result.output if both else result.stdout


def render(spec: str, where: str = "") -> str:
    """The text a marked block should show."""
    commands, _, selection = spec.partition(" | ")
    text = "".join(run_command(c.strip()) for c in commands.split(" && "))
    if selection:
        text = _select(text, selection, where)
    return "\n".join(text.rstrip("\n").splitlines()).rstrip("\n")


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def update(page: Path, rendered: dict[int, str]) -> bool:
    """Replace the blocks of a page by their rendered text; True if the page changed."""
    original = page.read_text(encoding="utf-8")
    lines = original.splitlines()
    for b in sorted(blocks(page), key=lambda b: b.first, reverse=True):
        if b.line in rendered:
            lines[b.first:b.end] = rendered[b.line].split("\n") if rendered[b.line] else []
    text = "\n".join(lines) + ("\n" if original.endswith("\n") else "")
    if text != original:
        _write_atomically(page, text)
    return text != original


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="Change nothing; exit 1 if a block differs.")
    parser.add_argument("pages", nargs="*", type=Path, help="Only these pages (default: README.md and docs/*.md).")
    args = parser.parse_args(argv)
    pages = [p.resolve() for p in args.pages] or PAGES
    stale = []
    for page in pages:
        rendered = {}
        for b in blocks(page):
            rendered[b.line] = render(b.spec, b.where)
            if rendered[b.line] != b.shown:
                stale.append(b)
        if not args.check and update(page, rendered):
            print(f"updated {page.relative_to(ROOT)}")
    for b in stale:
        print(f"{'stale' if args.check else 'was stale'}: {b.where}: {b.spec}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
