"""Read only the named columns of a CSV file, row by row, with spreadsheet row numbers.

Data minimisation: the header is matched against the columns ccsim needs, and
only those cells are ever handed on; every other cell is dropped as soon as
the csv module has split the line. Names of the columns left unread are
reported (a name is not personal data; its values may be).

Accepts what spreadsheets export: UTF-8 with or without a byte-order mark,
comma or semicolon separated, header names in any case with surrounding spaces.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from .errors import CalibrationInputError, CsvProblem


class CsvColumns:
    """A CSV file opened for its needed columns: ``rows()`` yields (row number, {name: text})."""

    def __init__(self, path: str | Path, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        self.path = Path(path)
        self.source = str(path)
        try:
            self.text = self.path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CalibrationInputError([CsvProblem(self.source, None, None,
                                                    f"cannot read: {exc.strerror or exc}")]) from None
        except UnicodeDecodeError:
            raise CalibrationInputError([CsvProblem(self.source, None, None,
                                                    "not UTF-8 text; export the file as CSV UTF-8")]) from None
        lines = self.text.splitlines()
        if not lines or not lines[0].strip():
            raise CalibrationInputError([CsvProblem(self.source, 1, None,
                                                    "the file is empty; expected a header row")])
        first = lines[0]
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=self.delimiter))
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

        A row too short to hold a needed column is reported to *problems* and skipped.
        """
        reader = csv.reader(self.text.splitlines(keepends=True), delimiter=self.delimiter)
        next(reader)
        wanted = list(self.index.items())
        last = max(self.index.values())
        for cells in reader:
            row = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) <= last:
                problems.add(row, None, f"the row has {len(cells)} fields, the header has {self.header_width}")
                continue
            yield row, {name: cells[i].strip() for name, i in wanted}


class Row:
    """One data row's needed cells, parsed cell by cell with every problem reported."""

    __slots__ = ("number", "cells", "ok", "_table", "_problems")

    def __init__(self, table: CsvColumns, problems, number: int, cells: dict[str, str]):
        self.number, self.cells, self.ok = number, cells, True
        self._table, self._problems = table, problems

    def __getitem__(self, name: str) -> str:
        return self.cells[name]

    def get(self, name: str, parse):
        """*parse* of the cell; on a ValueError the problem is reported, the row marked bad, None returned."""
        try:
            return parse(self.cells[name])
        except ValueError as exc:
            self.problem(name, str(exc))
            return None

    def problem(self, name: str | None, message: str) -> None:
        """Report a problem of this row (at column *name*, or the whole row) and mark it bad."""
        self._problems.add(self.number, None if name is None else self._table.column(name), message)
        self.ok = False


def parsed_rows(table: CsvColumns, problems) -> Iterator[Row]:
    """``table.rows`` as ``Row`` objects."""
    for number, cells in table.rows(problems):
        yield Row(table, problems, number, cells)
