"""Read only the named columns of a CSV file, row by row, with spreadsheet row numbers.

Data minimisation: the header is matched against the columns ccsim needs, and
only those cells are ever handed on; every other cell is dropped as soon as
the csv module has split the line. Names of the columns left unread are
reported (a name is not personal data; its values may be). No message quotes a
cell that could not be read as what its column holds: a header swapped or
shifted, or an unbalanced quote, puts caller numbers or customer ids under a
column ccsim reads, so a bad cell is named by its row and column only.

Accepts what spreadsheets export: UTF-8 with or without a byte-order mark,
comma or semicolon separated, header names in any case with surrounding spaces.

Bounded: the file is read as a stream, a cell holds at most ``MAX_CELL_CHARS``
characters (an unbalanced quote would otherwise swallow the rest of the file
into one cell), and a file names at most ``MAX_CONTACT_TYPES`` contact types.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from .errors import CalibrationInputError, CsvProblem

MAX_CELL_CHARS = 131_072  # the csv module's own field limit, made explicit
MAX_CONTACT_TYPES = 200  # more distinct names: a shifted or swapped column, not queues
_HEADER_CHARS = 1_000_000


def _open(path: Path, source: str):
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CalibrationInputError([CsvProblem(source, None, None, f"cannot read: {exc.strerror or exc}")]) from None


class CsvColumns:
    """A CSV file opened for its needed columns: ``rows()`` yields (row number, {name: text})."""

    def __init__(self, path: str | Path, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        self.path = Path(path)
        self.source = str(path)
        if self.path.is_dir():
            raise CalibrationInputError([CsvProblem(self.source, None, None, "cannot read: it is a directory")])
        try:
            with _open(self.path, self.source) as handle:
                first = handle.readline(_HEADER_CHARS)
        except OSError as exc:
            raise CalibrationInputError([CsvProblem(self.source, None, None,
                                                    f"cannot read: {exc.strerror or exc}")]) from None
        except UnicodeDecodeError:
            raise CalibrationInputError([CsvProblem(self.source, None, None,
                                                    "not UTF-8 text; export the file as CSV UTF-8")]) from None
        if not first.strip():
            raise CalibrationInputError([CsvProblem(self.source, 1, None,
                                                    "the file is empty; expected a header row")])
        if not first.endswith(("\n", "\r")) and len(first) >= _HEADER_CHARS:
            raise CalibrationInputError([CsvProblem(self.source, 1, None,
                                                    f"the header row is longer than {_HEADER_CHARS:,} characters; "
                                                    "is this a CSV file?")])
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            header = next(csv.reader([first], delimiter=self.delimiter))
        except (csv.Error, StopIteration):
            raise CalibrationInputError([CsvProblem(self.source, 1, None,
                                                    "the header row cannot be read as CSV (an unbalanced quote?)")]) \
                from None
        names = [h.strip().lower() for h in header]
        self.header_width = len(names)
        self.index: dict[str, int] = {}
        self.spelled: dict[str, str] = {}
        problems = []
        for name in required + optional:
            positions = [i for i, h in enumerate(names) if h == name]
            if len(positions) > 1:
                problems.append(CsvProblem(self.source, 1, name, "the column appears more than once"))
            elif positions:
                self.index[name] = positions[0]
                self.spelled[name] = header[positions[0]].strip()
            elif name in required:
                problems.append(CsvProblem(
                    self.source, 1, None,
                    f"missing column '{name}' (the header must name: {', '.join(required)}"
                    + (f"; optional: {', '.join(optional)}" if optional else "") + ")"))
        if problems:
            raise CalibrationInputError(problems)
        used = set(self.index.values())
        #: Names of the columns present but never read (for the report).
        self.unread = [header[i].strip() for i in range(len(header)) if i not in used and header[i].strip()]

    def has(self, name: str) -> bool:
        return name in self.index

    def column(self, name: str) -> str:
        """The column's name as the file spells it (for messages)."""
        return self.spelled.get(name, name)

    def rows(self, problems) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, needed cells stripped) for each non-blank data row.

        A row too short to hold a needed column, or longer than the header with
        something in its extra cells (a delimiter inside an unquoted cell shifts
        every cell after it), is reported to *problems* and skipped. A cell over
        ``MAX_CELL_CHARS`` (an unbalanced quote) ends the reading with a problem.
        """
        wanted = list(self.index.items())
        last = max(self.index.values())
        width = self.header_width
        with _open(self.path, self.source) as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            start = 2  # the line on which the row being read starts (a quoted cell may span lines)
            try:
                next(reader)
                for cells in reader:
                    row, start = reader.line_num, reader.line_num + 1  # row: the line that ends it
                    if not cells or all(not c.strip() for c in cells):
                        continue
                    if len(cells) <= last:
                        problems.add(row, None, f"the row has {len(cells)} fields, the header has {width}")
                        continue
                    if len(cells) > width and any(c.strip() for c in cells[width:]):
                        problems.add(row, None, f"the row has {len(cells)} fields, the header has {width}: "
                                                "a delimiter inside an unquoted cell?")
                        continue
                    yield row, {name: cells[i].strip() for name, i in wanted}
            except csv.Error:
                problems.add(start, None,
                             f"a cell of more than {MAX_CELL_CHARS:,} characters from this row on, or a line the "
                             "csv reader cannot split: an unbalanced quote (\")? The rest of the file is not read")
            except UnicodeDecodeError:
                problems.add(reader.line_num + 1, None,
                             "not UTF-8 text from here on; export the file as CSV UTF-8")


class Row:
    """One data row's needed cells, parsed cell by cell with every problem reported."""

    __slots__ = ("number", "cells", "ok", "_table", "_problems")

    def __init__(self, table: CsvColumns, problems, number: int, cells: dict[str, str]):
        self.number, self.cells, self.ok = number, cells, True
        self._table, self._problems = table, problems

    def __getitem__(self, name: str) -> str:
        return self.cells[name]

    def get(self, name: str, parse):
        """*parse* of the cell; on a ValueError the problem is reported, the row marked bad, None returned.

        The parsers' messages say what was expected and never quote the cell.
        """
        try:
            return parse(self.cells[name])
        except ValueError as exc:
            self.problem(name, str(exc))
            return None

    def problem(self, name: str | None, message: str) -> None:
        """Report a problem of this row (at column *name*, or the whole row) and mark it bad."""
        self._problems.add(self.number, None if name is None else self._table.column(name), message)
        self.ok = False


class TypeNames:
    """The contact types a file names, at most ``MAX_CONTACT_TYPES`` (reported once, without names)."""

    def __init__(self):
        self.seen: set[str] = set()
        self.full = False

    def admit(self, row: Row, name: str | None, column: str = "contact_type") -> None:
        """Mark *row* bad if *name* is one type too many."""
        if name is None or name in self.seen:
            return
        if len(self.seen) < MAX_CONTACT_TYPES:
            self.seen.add(name)
            return
        if not self.full:
            row.problem(column, f"more than {MAX_CONTACT_TYPES} different contact types: is the header "
                                "shifted, or another column under this name? (the values are not shown)")
            self.full = True
        else:
            row.ok = False


def parsed_rows(table: CsvColumns, problems) -> Iterator[Row]:
    """``table.rows`` as ``Row`` objects."""
    for number, cells in table.rows(problems):
        yield Row(table, problems, number, cells)
