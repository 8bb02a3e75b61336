"""Load a scenario: YAML text -> located data -> overrides -> validated ``Scenario``.

Every problem a user can cause comes back as one ``ScenarioError`` listing all
problems of the file, each with file:line:column, field path, bad value and
what was expected.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import Problem, ScenarioError, did_you_mean, format_path
from .limits import LocatedValueError
from .overrides import apply_overrides
from .positions import Located, parse_yaml, read_source
from .references import reference_issues
from .schema import Scenario, use_loader


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario file, applying ``--set``-style *overrides*."""
    path = Path(path)
    text = read_source(path)
    return loads(text, source=str(path), overrides=overrides)


def loads(text: str, source: str = "<string>", overrides=()) -> Scenario:
    """Validate scenario YAML given as a string."""
    located, problems = parse_yaml(text, source)
    if problems:
        raise ScenarioError(problems)
    return validate_located(located, overrides)


def from_dict(data: dict, source: str = "<dict>", overrides=()) -> Scenario:
    """Validate a scenario given as plain Python data (as YAML would load it)."""
    return validate_located(Located(data=data, source=source), overrides)


def validate_located(located: Located, overrides=()) -> Scenario:
    problems: list[Problem] = []
    if overrides:
        located, problems = apply_overrides(located, list(overrides))
    data = located.data
    if not isinstance(data, dict):
        raise ScenarioError([Problem(located.source, None, None, "(scenario)", "expected a mapping of fields")])
    if _looks_like_snapshot(data):
        raise ScenarioError([Problem(*located.where(("time",)), "time",
                                     "this file is a snapshot of the centre (a 'time' and no 'horizon'), not a "
                                     "scenario; give it with --snapshot beside its scenario: ccsim whatif "
                                     "SCENARIO --snapshot FILE, or ccsim live SCENARIO --snapshot FILE")])
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problem_from_pydantic(error, located) for error in exc.errors())
    for path, message in reference_issues(data):
        problems.append(Problem(*located.where(path), format_path(path), message))
    if problems:
        raise ScenarioError(problems)
    scenario._raw = data
    scenario._source = located.source
    scenario._located = located
    return scenario


# Fields of a snapshot (``ccsim.realtime.snapshot``) that a scenario never has.
_SNAPSHOT_ONLY = {"time", "day", "date", "reforecast"}


def _looks_like_snapshot(data: dict) -> bool:
    return "time" in data and "horizon" not in data and set(data) <= _SNAPSHOT_ONLY | {"contact_types", "agent_groups"}


# --- pydantic errors in the user's words ------------------------------------------------------


def _data_path(data, loc: tuple) -> tuple:
    """Keep the parts of pydantic's *loc* that name real keys/indices of *data*."""
    path, node = [], data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and part == node.get("dist"):
            continue  # a distribution's tag (pydantic names the union member), not a key
        elif isinstance(node, dict) and isinstance(part, str) and i == len(loc) - 1:
            path.append(part)  # a missing or unknown final key
            node = None
    return tuple(path)


def _unwrap(tp):
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        return members[0] if len(members) == 1 else members
    return tp


def _allowed_fields(loc: tuple, root=None) -> list[str] | None:
    """Field names allowed in the model at *loc* (the parent of an unknown key)."""
    tp = Scenario if root is None else root
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, list):  # a tagged union: the tag names the member
            tp = next((m for m in tp if _tag(m) == part), None)
            if tp is None:
                return None
            continue
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(part) or next(
                (i for i in tp.model_fields.values() if i.alias == part), None)
            if info is None:
                return None
            tp = info.annotation
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        elif typing.get_origin(tp) in (list, tuple):
            tp = typing.get_args(tp)[0]
        else:
            return None
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [info.alias or name for name, info in tp.model_fields.items()]
    return None


def _tag(model) -> str | None:
    if isinstance(model, type) and issubclass(model, BaseModel) and "dist" in model.model_fields:
        args = typing.get_args(model.model_fields["dist"].annotation)
        return args[0] if args else None
    return None


def problem_from_pydantic(error: dict, located: Located, root=None, quote: bool = True) -> Problem:
    """One pydantic error in the user's words, located in the file (root: the model validated).

    quote: show the bad value; False for data exported from live systems (snapshots),
    whose values are never quoted back (the field path and what was expected are).
    """
    problem = _problem_from_pydantic(error, located, root)
    if quote:
        return problem
    return Problem(problem.source, problem.line, problem.column, problem.path, _unquoted(problem.message))


def _unquoted(message: str) -> str:
    """*message* without the bad value it quotes (", got X" or " (got X)", as every check writes it)."""
    for mark in (", got ", " (got ", " got "):
        at = message.find(mark)
        if at >= 0:
            return message[:at] + " (the value is not shown)"
    return message


def _problem_from_pydantic(error: dict, located: Located, root=None) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    path = _data_path(located.data, loc)
    value = error.get("input")
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, LocatedValueError):  # a model's check that names its field
        path = _data_path(located.data, loc + cause.path)
        return Problem(*located.where(path), format_path(path), str(cause))
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc[:-1], root)
        message = f"unknown field {loc[-1]!r}"
        if allowed:
            message += f" (expected one of: {', '.join(allowed)}{_guess(loc[-1], allowed)})"
        return Problem(*located.where(path, key=True), format_path(path), message)
    if kind == "missing":
        return Problem(*located.where(path[:-1]), format_path(path), "missing required field")
    if kind == "union_tag_invalid":
        expected = error.get("ctx", {}).get("expected_tags", "")
        tag = error.get("ctx", {}).get("tag")
        message = f"unknown distribution {tag!r} (expected one of: {expected}"
        message += _guess(tag, [t.strip().strip("'") for t in str(expected).split(",")]) + ")"
        return Problem(*located.where(path + ("dist",)), format_path(path + ("dist",)), message)
    if kind == "union_tag_not_found":
        message = "missing 'dist' naming the distribution (e.g. dist: exponential)"
        return Problem(*located.where(path), format_path(path), message)
    if message.startswith("Input should be"):
        message = "expected " + message[len("Input should be "):]
        message += f", got {value!r}"
        if kind == "literal_error":  # one of some words: 'vioce' -> did you mean 'voice'?
            choices = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
            guess = did_you_mean(value, choices)
            message += f" (did you mean {guess!r}?)" if guess is not None else ""
    elif "got" not in message and not isinstance(value, dict):
        message += f" (got {_short(value)})"
    return Problem(*located.where(path), format_path(path), message)


def _guess(name, known) -> str:
    """'; did you mean 'patience'?' when a known name is close to *name*, else ''."""
    guess = did_you_mean(name, known)
    return f"; did you mean {guess!r}?" if guess is not None else ""


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


use_loader(from_dict)  # Scenario.with_changes validates variants through from_dict
