"""``--set PATH=VALUE`` overrides: any field by dotted path, validated like the file.

``PATH+=VALUE``, ``PATH-=VALUE`` and ``PATH*=FACTOR`` change the scenario's value
relatively (``relative.py`` says what each kind of field takes).
"""

from __future__ import annotations

import copy
import re

import yaml

from .errors import Problem, unknown_name
from .positions import Located
from .relative import OPERATORS, change

_SEGMENT_RE = re.compile(r"^([^.\[\]]+)((?:\[\d+\])*)$")


def parse_path(text: str) -> tuple:
    """'agent_groups.sellers.staffing[3]' -> ('agent_groups', 'sellers', 'staffing', 3)."""
    parts: list = []
    for segment in text.split("."):
        match = _SEGMENT_RE.match(segment.strip())
        if not match:
            raise ValueError(f"malformed field path {text!r}; expected e.g. agent_groups.sellers.staffing")
        name, indices = match.groups()
        parts.append(int(name) if name.isdigit() else name)
        parts.extend(int(i) for i in re.findall(r"\[(\d+)\]", indices))
    return tuple(parts)


def split_override(text: str) -> tuple[tuple, object]:
    """'a.b=30' -> (('a', 'b'), 30); the value is read as YAML (safely)."""
    path, op, value = split_change(text)
    if op != "=":
        raise ValueError(f"expected PATH=VALUE, got {text!r}")
    return path, value


def split_change(text: str) -> tuple[tuple, str, object]:
    """'a.b+=30s' -> (('a', 'b'), '+=', '30s'): the operator is =, +=, -= or *=; the value is YAML."""
    if "=" not in text:
        raise ValueError(f"expected PATH=VALUE (or PATH+=, PATH-=, PATH*=), got {text!r}")
    path_text, value_text = text.split("=", 1)
    path_text, op = path_text.strip(), "="
    if path_text[-1:] in ("+", "-", "*"):
        path_text, op = path_text[:-1].rstrip(), path_text[-1] + "="
    path = parse_path(path_text)
    try:
        value = yaml.safe_load(value_text) if value_text.strip() else ""
    except yaml.YAMLError as exc:
        raise ValueError(f"value {value_text!r} is not valid YAML: {exc}") from None
    return path, op, value


def _holds(data, path: tuple) -> bool:
    """Is there a value at *path* in the data?"""
    node = data
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    return True


def apply_overrides(located: Located, overrides: list[str]) -> tuple[Located, list[Problem]]:
    """Return a copy of *located* with each override applied, and any problems."""
    data = copy.deepcopy(located.data)
    result = Located(data=data, source=located.source, values=dict(located.values), keys=dict(located.keys),
                     items=dict(located.items))
    problems: list[Problem] = []
    for text in overrides:
        label = f"--set {text}"
        try:
            path, op, value = split_change(text)
            if op in OPERATORS and isinstance(path[-1], str) and _holds(data, (*path[:-1], path[-1] + op[0])):
                path, op = (*path[:-1], path[-1] + op[0]), "="  # a name ending in '-' (or '+', '*'), set with '='
            _check_names(data, path, op)
            if op in OPERATORS:
                value = change(op, data, path, value)
            _assign(data, path)(value)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            field = text.split("=", 1)[0].rstrip("+-*").strip()
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            problems.append(Problem(label, None, None, field, str(message)))
            continue
        for known in [p for p in result.items if p[: len(path)] == path]:
            del result.items[known]  # lists at or under the path: their positions are the option's
        for table in (result.values, result.keys):
            for known in [p for p in table if p[: len(path)] == path]:
                del table[known]
            table[path] = (label, None, None)
            for cut in range(1, len(path)):
                table.setdefault(path[:cut], (label, None, None))
    return result, problems


_NAMED = {"contact_types": "contact type", "agent_groups": "agent group"}


def _check_names(data, path: tuple, op: str) -> None:
    """A change inside a contact type or group the scenario does not have names it (a new one
    may be given whole: ``agent_groups.NEW={skills: [...], staffing: 3}``)."""
    if len(path) < 2 or path[0] not in _NAMED or not isinstance(data, dict):
        return
    named = data.get(path[0])
    if not isinstance(named, dict) or path[1] in named or (len(path) == 2 and op == "="):
        return
    raise ValueError(unknown_name(_NAMED[path[0]], path[1], named))


def _assign(data, path: tuple):
    """Return a setter for *path* in *data*, creating missing mappings on the way."""
    node = data
    for i, part in enumerate(path[:-1]):
        if isinstance(node, dict):
            if part not in node or node[part] is None:
                node[part] = {}
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int):
            if part >= len(node):
                raise IndexError(f"index {part} is past the end of a list of {len(node)}")
            node = node[part]
        else:
            raise ValueError(f"cannot descend into {'.'.join(map(str, path[: i + 1]))}: not a mapping")
    last = path[-1]

    def setter(value):
        if isinstance(node, list):
            if not isinstance(last, int) or last >= len(node):
                raise IndexError(f"index {last} is past the end of a list of {len(node)}")
        elif not isinstance(node, dict):
            raise ValueError("cannot set a field inside a plain value")
        node[last] = value

    return setter
