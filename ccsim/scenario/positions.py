"""YAML -> plain Python data, remembering where every key and value stood.

Loaded with PyYAML's SafeLoader only (no arbitrary objects). Duplicate keys,
which YAML silently lets the last one win, are reported as errors.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

import yaml

from .errors import Problem, ScenarioError, format_path

DataPath = tuple
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap"}


@dataclass
class Located:
    """Plain data plus the source position (line, column; 1-based) of each path."""

    data: object
    source: str
    values: dict[DataPath, tuple[str, int | None, int | None]] = field(default_factory=dict)
    keys: dict[DataPath, tuple[str, int | None, int | None]] = field(default_factory=dict)

    def where(self, path: DataPath, *, key: bool = False) -> tuple[str, int | None, int | None]:
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
        return (self.source, None, None)


def read_source(path, error=None) -> str:
    """The text of an input file; a located error (exit 2 in the CLI) if it cannot be read.

    error: the exception class to raise with the problem (default ``ScenarioError``).
    """
    error = error or ScenarioError
    path = pathlib.Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error([Problem(str(path), None, None, "(file)", f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise error([Problem(str(path), None, None, "(file)", "not UTF-8 text")]) from None


def parse_yaml(text: str, source: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML text; return located data or the problems found."""
    loader = yaml.SafeLoader(text)
    located = Located(data=None, source=source)
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(source, 1, 1, "(scenario)", "the file is empty; expected a mapping")]
        located.data = _walk(loader, node, (), located, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return None, [Problem(source, line, col, "(yaml)", f"malformed YAML: {message}")]
    except yaml.YAMLError as exc:
        return None, [Problem(source, None, None, "(yaml)", f"malformed YAML: {exc}")]
    finally:
        loader.dispose()
    if problems:
        return None, problems
    if not isinstance(located.data, dict):
        return None, [
            Problem(source, 1, 1, "(scenario)", f"expected a mapping of fields, got {located.data!r}")
        ]
    return located, []


def _walk(loader, node, path, located: Located, problems: list[Problem]):
    located.values[path] = (located.source, node.start_mark.line + 1, node.start_mark.column + 1)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
        # Safe loading: language-specific tags (e.g. !!python/object) are refused.
        raise yaml.constructor.ConstructorError(
            None, None, f"unsupported YAML tag {node.tag!r} (only plain YAML is read)", node.start_mark
        )
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            where = (located.source, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key, str | int | float | bool) or key is None:
                problems.append(Problem(*where, format_path(path), f"keys must be plain names, got {key!r}"))
                continue
            if isinstance(key, bool):  # YAML 1.1 reads a bare `on`/`yes` key as true
                key = str(key).lower()
            key = key if isinstance(key, str) else str(key)
            if key in result:
                problems.append(Problem(*where, format_path(path + (key,)), f"duplicate key {key!r}"))
                continue
            located.keys[path + (key,)] = where
            result[key] = _walk(loader, value_node, path + (key,), located, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(loader, item, path + (i,), located, problems) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
