"""Located scenario errors: file:line:column, field path, bad value, what was expected."""

from __future__ import annotations

from dataclasses import dataclass


def format_path(path: tuple) -> str:
    """('agent_groups', 'sellers', 'skills', 0) -> 'agent_groups.sellers.skills[0]'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(scenario)"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a scenario, with where it is."""

    source: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.path}: {self.message}"


#: Problems listed in a message; past this many, the rest are counted (a wrong file can give thousands).
MAX_LISTED = 50


class ScenarioError(ValueError):
    """A scenario that cannot be used; carries every problem found at once.

    ``problems`` holds them all; the message lists the first ``MAX_LISTED`` (by
    position in the file) and says how many more there are.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.source, p.line or 0, p.column or 0, p.path))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """The problems as text lines, at most ``MAX_LISTED``, then a count of those not listed."""
        lines = [str(p) for p in self.problems[:MAX_LISTED]]
        more = len(self.problems) - MAX_LISTED
        if more > 0:
            lines.append(f"... and {more:,} more problem{'s' if more != 1 else ''}")
        return lines
