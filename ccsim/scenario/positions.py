"""YAML -> plain Python data, remembering where every key and value stood.

Read with libyaml (PyYAML's C parser) where it is installed, else PyYAML's own
parser, event by event: the data is built here, not by PyYAML's composer, so
that no input can make reading unbounded. Only plain YAML is read (mappings,
sequences, strings, numbers, booleans, null, timestamps): language-specific
tags (``!!python/object``) are refused. Duplicate keys, which YAML silently lets
the last one win, are reported as errors. The bounds, each a located error
(docs/output.md, "Input bounds"):

- a file of at most ``MAX_SOURCE_BYTES``;
- at most ``MAX_NODES`` values once anchors and aliases are expanded (a "YAML
  bomb" of aliases nested in aliases is refused before it is expanded);
- nesting at most ``MAX_DEPTH`` mappings and lists deep;
- a scalar of at most ``MAX_SCALAR_CHARS`` characters, an integer of at most
  ``MAX_INTEGER_DIGITS`` digits;
- no control characters (NUL and others YAML does not allow).
"""

from __future__ import annotations

import pathlib
import re
from array import array
from dataclasses import dataclass, field

import yaml

from .errors import Problem, ScenarioError, format_path

try:  # libyaml: some 20x faster than the pure-Python parser on large files
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DataPath = tuple
Position = tuple[str, int | None, int | None]

MAX_SOURCE_BYTES = 128 * 1024 * 1024
MAX_NODES = 10_000_000
MAX_DEPTH = 50
MAX_SCALAR_CHARS = 1_000_000
MAX_INTEGER_DIGITS = 100

_MAP, _SEQ, _OMAP = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap"
_STR, _INT, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:merge"
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")  # PyYAML's decimal int, without '_'
_PLAIN_FLOAT = re.compile(r"[-+]?[0-9][0-9]*\.[0-9]*(?:[eE][-+][0-9]+)?\Z")  # and its float
_SCALAR_TAGS = {
    _STR, _INT, "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary",
}


@dataclass
class Located:
    """Plain data plus the source position (line, column; 1-based) of each path.

    ``values`` and ``keys`` hold the positions of mapping values and keys by path;
    ``items`` holds those of a list's items compactly, by the list's path
    (line, column, line, column, ...), so a list of millions of numbers costs
    8 bytes an item rather than a dictionary entry.
    """

    data: object
    source: str
    values: dict[DataPath, Position] = field(default_factory=dict)
    keys: dict[DataPath, Position] = field(default_factory=dict)
    items: dict[DataPath, array] = field(default_factory=dict)

    def where(self, path: DataPath, *, key: bool = False) -> Position:
        """The position of *path*, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            prefix = tuple(path[:cut])
            if key and prefix in self.keys:
                return self.keys[prefix]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
            if cut and isinstance(prefix[-1], int) and prefix[:-1] in self.items:
                marks, i = self.items[prefix[:-1]], prefix[-1]
                if 0 <= 2 * i + 1 < len(marks):
                    return (self.source, marks[2 * i], marks[2 * i + 1])
        return (self.source, None, None)


def read_source(path, error=None) -> str:
    """The text of an input file; a located error (exit 2 in the CLI) if it cannot be read.

    error: the exception class to raise with the problem (default ``ScenarioError``).
    """
    error = error or ScenarioError
    path = pathlib.Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise error([Problem(str(path), None, None, "(file)",
                                 f"the file has {size:,} bytes; at most {MAX_SOURCE_BYTES:,} are read "
                                 "(is it the right file?)")])
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error([Problem(str(path), None, None, "(file)", f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise error([Problem(str(path), None, None, "(file)", "not UTF-8 text")]) from None


class _Refused(Exception):
    """Reading stops: the file is beyond a bound (with where and why)."""

    def __init__(self, mark, message: str):
        super().__init__(message)
        self.mark, self.message = mark, message


def _line_col(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def parse_yaml(text: str, source: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML text; return located data or the problems found."""
    if len(text) > MAX_SOURCE_BYTES:
        return None, [Problem(source, None, None, "(yaml)",
                              f"the text has {len(text):,} characters; at most {MAX_SOURCE_BYTES:,} are read")]
    nul = text.find("\x00")
    if nul >= 0:  # refused by both parsers; found here to say where, and what it is
        return None, [Problem(source, *_line_col(text, nul), "(yaml)",
                              "a NUL character (\\0) is not allowed in YAML; is this a text file?")]
    loader = _Loader(text)
    located = Located(data=None, source=source)
    problems: list[Problem] = []
    try:
        located.data = _Builder(loader, located, problems).document()
    except _Refused as exc:
        line, col = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark else (None, None)
        return None, [Problem(source, line, col, "(yaml)", exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return None, [Problem(source, line, col, "(yaml)", f"malformed YAML: {message}")]
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position) if 0 <= exc.position <= len(text) else (None, None)
        return None, [Problem(source, line, col, "(yaml)",
                              f"character #x{exc.character:04x} is not allowed in YAML")]
    except yaml.YAMLError as exc:
        return None, [Problem(source, None, None, "(yaml)", f"malformed YAML: {exc}")]
    finally:
        loader.dispose()
    if problems:
        return None, problems
    if located.data is _EMPTY:
        return None, [Problem(source, 1, 1, "(scenario)", "the file is empty; expected a mapping")]
    if not isinstance(located.data, dict):
        return None, [Problem(source, 1, 1, "(scenario)",
                              f"expected a mapping of fields, got {_kind(located.data)}")]
    return located, []


_EMPTY = object()


def _kind(value) -> str:
    """What a value is, in words, without quoting it (it may be a snapshot's data)."""
    if value is None:
        return "nothing (null)"
    kinds = {list: "a list", str: "text", bool: "true or false", int: "a number", float: "a number"}
    return kinds.get(type(value), f"a {type(value).__name__}")


class _Builder:
    """Plain data from the parser's events, with positions, counting every value.

    ``budget`` is what is left of ``MAX_NODES``; an alias spends the size of what it
    repeats, so nested aliases are refused before anything is expanded.
    """

    def __init__(self, loader, located: Located, problems: list[Problem]):
        self.loader, self.located, self.problems = loader, located, problems
        self.source = located.source
        self.budget = MAX_NODES
        self.anchors: dict[str, tuple[object, int, int]] = {}  # name -> (value, size, depth)

    def document(self):
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return _EMPTY
        loader.get_event()  # document start
        self.located.values[()] = self._here(loader.peek_event().start_mark)
        value, _, _ = self.node((), 0)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise _Refused(event.start_mark, "expected a single document, found another ('---')")
        return value

    def spend(self, n: int, mark) -> None:
        self.budget -= n
        if self.budget < 0:
            raise _Refused(mark, f"more than {MAX_NODES:,} values (once anchors and aliases are "
                                 "expanded); aliases repeated inside aliases?")

    def node(self, path: DataPath, depth: int, event=None) -> tuple[object, int, int]:
        """(value, values counted, depth below) of the next node (or of *event*, already read)."""
        if event is None:
            event = self.loader.get_event()
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise _Refused(mark, f"unknown alias *{event.anchor}")
            value, size, below = self.anchors[event.anchor]
            self.spend(size, mark)
            if depth + below > MAX_DEPTH:
                raise _Refused(mark, f"nested more than {MAX_DEPTH} levels deep")
            return value, size, below
        if isinstance(event, yaml.ScalarEvent):
            self.budget -= 1
            if self.budget < 0:
                self.spend(0, mark)
            value, size, below = self.scalar(event), 1, 0
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            if depth >= MAX_DEPTH:
                raise _Refused(mark, f"nested more than {MAX_DEPTH} levels deep")
            tag = event.tag
            mapping = isinstance(event, yaml.MappingStartEvent)
            if tag not in (None, "!", _MAP if mapping else _SEQ) and not (tag == _OMAP and not mapping):
                raise _Refused(mark, f"malformed YAML: unsupported YAML tag {tag!r} (only plain YAML is read)")
            self.spend(1, mark)
            if mapping:
                value, size, below = self.mapping(path, depth)
            else:
                value, size, below = self.sequence(path, depth)
        else:  # pragma: no cover - the parser only yields nodes here
            raise _Refused(mark, f"unexpected {type(event).__name__}")
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, size, below)
        return value, size, below

    def scalar(self, event):
        value, tag = event.value, event.tag
        if tag is None and not event.style and event.implicit[0] and len(value) < 30:
            # Speed: plain decimal numbers, as PyYAML's resolver reads them, without its
            # regular-expression pass (a list of millions of observed durations).
            if _PLAIN_INT.match(value):
                return int(value)
            if _PLAIN_FLOAT.match(value):
                return float(value)
        if len(value) > MAX_SCALAR_CHARS:
            raise _Refused(event.start_mark, f"a value of {len(value):,} characters; at most "
                                             f"{MAX_SCALAR_CHARS:,} are read")
        if tag in (None, "!"):
            tag = _STR if tag == "!" else self.loader.resolve(yaml.ScalarNode, value, event.implicit)
        if tag == _STR:
            return value
        if tag not in _SCALAR_TAGS and tag != _MERGE:
            raise _Refused(event.start_mark, f"malformed YAML: unsupported YAML tag {tag!r} (only plain YAML is read)")
        if tag == _INT:
            digits = sum(ch.isdigit() for ch in value)
            if digits > MAX_INTEGER_DIGITS:
                raise _Refused(event.start_mark, f"an integer of {digits:,} digits; at most "
                                                 f"{MAX_INTEGER_DIGITS} are read")
        if tag == _MERGE:
            return _MergeKey
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.yaml_constructors[tag](self.loader, node)
        except ValueError:  # a date-like scalar that is no date (2026-13-01): the field says what it expects
            return value

    def _here(self, mark) -> Position:
        return (self.source, mark.line + 1, mark.column + 1)

    def sequence(self, path: DataPath, depth: int):
        loader, out, marks = self.loader, [], array("i")
        size, below = 1, 0
        end = yaml.SequenceEndEvent
        while True:
            event = loader.get_event()  # one call an item: lists can hold millions
            if isinstance(event, end):
                break
            mark = event.start_mark
            marks.append(mark.line + 1)
            marks.append(mark.column + 1)
            value, n, d = self.node(path + (len(out),), depth + 1, event)
            out.append(value)
            size += n
            if d >= below:
                below = d + 1
        if marks:
            self.located.items[path] = marks
        return out, size, below

    def mapping(self, path: DataPath, depth: int):
        loader, located = self.loader, self.located
        result: dict = {}
        merged: list[tuple[dict, Position]] = []
        size, below = 1, 0
        while not loader.check_event(yaml.MappingEndEvent):
            key_mark = loader.peek_event().start_mark
            where = self._here(key_mark)
            key, n, _ = self.node(path + ("<key>",), depth + 1)
            size += n
            value_mark = loader.peek_event().start_mark
            if key is _MergeKey:
                value, n, d = self.node(path + ("<<",), depth + 1)
                size, below = size + n, max(below, d)
                sources = value if isinstance(value, list) else [value]
                if not all(isinstance(s, dict) for s in sources):
                    self.problems.append(Problem(*where, format_path(path),
                                                 "'<<' merges mappings only (e.g. <<: *defaults)"))
                merged += [(s, self._here(value_mark)) for s in sources if isinstance(s, dict)]
                continue
            if not isinstance(key, str | int | float | bool) or key is None:
                self.problems.append(Problem(*where, format_path(path), f"keys must be plain names, got {_kind(key)}"))
                self.node(path + ("<value>",), depth + 1)
                continue
            if isinstance(key, bool):  # YAML 1.1 reads a bare `on`/`yes` key as true
                key = str(key).lower()
            key = key if isinstance(key, str) else str(key)
            if key in result:
                self.problems.append(Problem(*where, format_path(path + (key,)), f"duplicate key {key!r}"))
                self.node(path + ("<value>",), depth + 1)
                continue
            located.keys[path + (key,)] = where
            located.values[path + (key,)] = self._here(value_mark)
            value, n, d = self.node(path + (key,), depth + 1)
            result[key] = value
            size, below = size + n, max(below, d + 1)
        loader.get_event()
        for source_map, position in merged:  # explicit keys win, then earlier merges
            for key, value in source_map.items():
                if key not in result:
                    result[key] = value
                    located.keys.setdefault(path + (key,), position)
                    located.values.setdefault(path + (key,), position)
        return result, size, below


class _MergeKeyType:
    """YAML's merge key ``<<`` (``<<: *defaults``)."""


_MergeKey = _MergeKeyType()
