"""Located scenario errors: file:line:column, field path, bad value, what was expected."""

from __future__ import annotations

import difflib
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


def did_you_mean(name: object, known) -> str | None:
    """The known name closest to a misspelt *name* ('univrsal' -> 'universal'), if one is close."""
    if not isinstance(name, str):
        return None
    known = [k for k in known if isinstance(k, str)]
    by_lower = {k.lower(): k for k in known}
    word = name.lower()
    for close in difflib.get_close_matches(word, list(by_lower), n=3, cutoff=0.75):
        # a slip of the keyboard keeps the first letter; another first letter needs a closer word
        if close[:1] == word[:1] or difflib.SequenceMatcher(None, word, close).ratio() >= 0.85:
            return by_lower[close]
    return None


def unknown_name(what: str, name: object, known) -> str:
    """"unknown agent group 'univrsal' (known: desk, universal; did you mean 'universal'?)"."""
    known = list(known)
    guess = did_you_mean(name, known)
    hint = f"; did you mean {guess!r}?" if guess is not None else ""
    return f"unknown {what} {name!r} (known: {', '.join(map(str, known)) or 'none'}{hint})"


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


@dataclass(frozen=True, order=True)
class ScenarioWarning(Problem):
    """A plausible mistake in a valid scenario (it runs as written), located like a problem."""

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: warning: {self.path}: {self.message}"


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
