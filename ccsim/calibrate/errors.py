"""Located problems of a history or call-detail CSV: file, row, column, bad value, what was expected.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
data row is row 2. All problems of a file are collected and raised together.
Messages quote only values of the columns ccsim reads, never of other columns
(call-detail exports carry personal data that must not reach a log).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Problems listed in full; past this many, the rest are counted (a wrong file gives thousands).
MAX_LISTED = 30


@dataclass(frozen=True)
class CsvProblem:
    """One thing wrong in a CSV file, with where it is."""

    source: str
    row: int | None  # 1 = the header
    column: str | None  # the column's name as the file spells it
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f": row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'" if self.row is not None else f": column '{self.column}'"
        return f"{where}: {self.message}"


class CalibrationInputError(ValueError):
    """Input that cannot be calibrated from; carries every problem found."""

    def __init__(self, problems: list[CsvProblem], more: int = 0):
        self.problems = list(problems)
        self.more = more  # problems found but not listed
        lines = [str(p) for p in self.problems]
        if more:
            lines.append(f"... and {more} more problem{'s' if more != 1 else ''}")
        super().__init__("\n".join(lines))

    def lines(self) -> list[str]:
        """The problems as text lines, ending with a count of those not listed."""
        return str(self).split("\n")


class ProblemList:
    """Collects problems while a file is read; ``raise_if_any`` raises them together."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[CsvProblem] = []
        self.count = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(CsvProblem(self.source, row, column, message))

    def __bool__(self) -> bool:
        return self.count > 0

    def raise_if_any(self) -> None:
        if self.count:
            raise CalibrationInputError(self.problems, more=self.count - len(self.problems))
