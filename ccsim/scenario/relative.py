"""Relative changes: ``--set PATH+=VALUE``, ``PATH-=VALUE`` and ``PATH*=FACTOR``.

A relative change applies to the value the scenario gives, in its own unit, and
the result is validated like the file. What each kind of field takes:

* a number, count, share, duration, rate or clock time: ``+=`` / ``-=`` a value
  written as for the field itself (``+=30s``, ``+=10/h``, ``+=5%``; a clock time
  moves by a duration), ``*=`` a factor (``1.1`` or ``110%``; not for clock times);
* ``staffing`` (one headcount or one per interval): every interval's headcount,
  never below 0, rounded to whole agents after ``*=``; likewise a shift's
  ``headcount``. A group working shifts has no ``staffing``: change its shifts;
* a list or a ``{skill: value}`` mapping of numbers: every item;
* ``arrivals`` (``*=`` only): every rate, volume, per-interval count and
  overnight volume (the profile's weights are relative and stay);
* a distribution (``*=`` only): every duration of it (mean, value, low, mode,
  high, observed values); its shape (cv, k, shape) stays.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Callable

from pydantic import BaseModel

from ..units import format_clock_exact, parse_clock
from .errors import did_you_mean, format_path
from .fields import Unit, parse_duration, parse_rate, parse_share

OPERATORS = ("+=", "-=", "*=")
HEADCOUNT_FIELDS = ("headcount",)  # counts of agents: never below 0 after a change
_ARRIVAL_VOLUMES = ("rate", "per_interval", "volume", "overnight")


def change(op: str, data, path: tuple, amount) -> object:
    """The new value at *path* of scenario *data* after ``PATH op amount`` (ValueError if it cannot be)."""
    from .schema import Scenario  # the schema imports overrides, which call this

    where = format_path(path)
    field_type, default = _field_type(Scenario, data, path)  # an unknown field is named first
    node = data
    for part in path[:-1]:
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None
        if node is None:
            break
    if isinstance(node, dict) and path[-1] not in node and isinstance(default, int | float | str):
        return _apply(op, default, amount, field_type, where, path[-1])  # the default, where the block is given
    if node is None or not _has(node, path[-1]):
        group = data.get("agent_groups", {}).get(path[1]) if len(path) == 3 and path[0] == "agent_groups" \
            and isinstance(data.get("agent_groups"), dict) else None
        if path[-1] == "staffing" and isinstance(group, dict) and isinstance(group.get("shifts"), list):
            raise ValueError(f"{path[1]!r} works shifts: it has no staffing to change by {op!r}; change a "
                             f"shift's headcount (agent_groups.{path[1]}.shifts[0].headcount{op}N)")
        raise ValueError(f"not in the scenario, so there is nothing to change by {op!r}; give the value "
                         f"with '=' ({where}=VALUE)")
    return _apply(op, node[path[-1]], amount, field_type, where, path[-1])


def _annotation(info):
    """A model field's type with its metadata (pydantic keeps ``Annotated`` extras apart)."""
    if info.metadata:
        return typing.Annotated[(info.annotation, *info.metadata)]  # type: ignore[valid-type]
    return info.annotation


def _has(node, part) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


# --- the schema's type at a path -------------------------------------------------------------


def _split(tp) -> tuple[object, list]:
    """(type without Annotated, its metadata), a ``X | None`` read as X."""
    meta: list = []
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp, meta = args[0], meta + list(args[1:])
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(members) == 1:
            inner, more = _split(members[0])
            return inner, meta + more
    return tp, meta


def _models(tp) -> list[type[BaseModel]] | None:
    """The members of a tagged union of models (a distribution), else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = [_split(a)[0] for a in typing.get_args(tp) if a is not type(None)]
        if members and all(isinstance(m, type) and issubclass(m, BaseModel) for m in members):
            return typing.cast("list[type[BaseModel]]", members)
    return None


def _member(tp, node):
    """The union member a mapping's ``dist`` names (or the type itself)."""
    members = _models(tp)
    if members is None:
        return tp
    tag = node.get("dist") if isinstance(node, dict) else None
    for model in members:
        literal = model.model_fields.get("dist")
        if literal is not None and tag in typing.get_args(literal.annotation):
            return model
    return tp


def _periods_item(tp):
    """The type of one interval's distribution, where *tp* is a distribution that may be a
    list with one per interval (``dist: periods``); else None."""
    for model in _models(tp) or ():
        literal = model.model_fields.get("dist")
        if literal is not None and "periods" in typing.get_args(literal.annotation):
            return typing.get_args(_split(_annotation(model.model_fields["periods"]))[0])[0]
    return None


def _field_type(root, data, path: tuple) -> tuple[object, object]:
    """The schema's type at *path*, and the field's default (None if it has none)."""
    tp, node, default = root, data, None
    for i, part in enumerate(path):
        base, _ = _split(tp)
        if isinstance(node, list) and _periods_item(base) is not None:  # one distribution per interval
            base = typing.List[_periods_item(base)]  # type: ignore[misc]  # noqa: UP006
        base = _member(base, node)
        if isinstance(base, type) and issubclass(base, BaseModel):
            fields = {info.alias or name: info for name, info in base.model_fields.items()}
            if part not in fields:
                guess = did_you_mean(part, fields)
                hint = f"; did you mean {guess!r}?" if guess else ""
                raise ValueError(f"unknown field {part!r} in {format_path(path[:i])} "
                                 f"(expected one of: {', '.join(fields)}{hint})")
            tp = _annotation(fields[part])
            default = fields[part].get_default(call_default_factory=False)
        elif typing.get_origin(base) is dict:
            tp, default = typing.get_args(base)[1], None
        elif typing.get_origin(base) in (list, tuple):
            tp, default = typing.get_args(base)[0], None
        else:
            return None, None
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None
    return tp, default


# --- applying the change ---------------------------------------------------------------------


def _kind(tp) -> str:
    base, meta = _split(tp)
    for mark in meta:
        if isinstance(mark, Unit):
            return str(mark)
    if _models(base) is not None:
        return "distribution"
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "arrivals" if base.__name__ == "ArrivalsSpec" else "block"
    if typing.get_origin(base) in (list, tuple):
        return "list"
    if typing.get_origin(base) is dict:
        return "map"
    if base is int:
        return "int"
    if base is float:
        return "number"
    return "other"


def _describe(value) -> str:
    if isinstance(value, bool):
        return f"true or false ({str(value).lower()})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _apply(op: str, current, amount, tp, where: str, key) -> object:
    kind = "other" if tp is None else _kind(tp)
    if kind in ("list", "map"):
        item_tp = typing.get_args(_split(tp)[0])[-1 if kind == "map" else 0]
        if _kind(item_tp) in ("other", "block"):
            raise ValueError(f"{op!r} changes numbers, and {where} is {_describe(current)} of "
                             f"{'names' if _kind(item_tp) == 'other' else 'mappings'}")
        if kind == "list" and isinstance(current, list):
            return [_apply(op, v, amount, item_tp, f"{where}[{i}]", i) for i, v in enumerate(current)]
        if kind == "map" and isinstance(current, dict):
            return {k: _apply(op, v, amount, item_tp, f"{where}.{k}", k) for k, v in current.items()}
    if kind == "staffing":
        if isinstance(current, list):
            return [_count(op, v, amount, f"{where}[{i}]") for i, v in enumerate(current)]
        return _count(op, current, amount, where)
    if kind in ("arrivals", "distribution"):
        if op != "*=":
            example = ("arrivals.rate, arrivals.volume or arrivals.per_interval" if kind == "arrivals"
                       else f"{where}.mean+=30s")
            raise ValueError(f"{where} is a{'n arrivals block' if kind == 'arrivals' else ' distribution'}: "
                             f"it takes '*=' (a factor, e.g. *=1.1); to add or take away, change one of its "
                             f"fields ({example})")
        item_tp = _periods_item(_split(tp)[0]) if kind == "distribution" else None
        if isinstance(current, list) and item_tp is not None:  # one distribution per interval: each
            return [_apply(op, v, amount, item_tp, f"{where}[{i}]", i) for i, v in enumerate(current)]
        if not isinstance(current, dict):
            raise ValueError(f"{where} is {_describe(current)} in the scenario, not a mapping")
        model = _member(_split(tp)[0], current)
        fields = model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else {}
        out = dict(current)
        for name, value in current.items():
            info = fields.get(name)
            if info is None:
                continue
            field_tp = _annotation(info)
            if kind == "arrivals" and name in _ARRIVAL_VOLUMES or \
                    kind == "distribution" and _kind(field_tp) in ("duration", "list") and name != "dist":
                out[name] = _apply(op, value, amount, field_tp, f"{where}.{name}", name)
        return out
    if kind in ("block", "other") or isinstance(current, bool | dict | list) or current is None:
        raise ValueError(f"{op!r} changes numbers, and {where} is {_describe(current)}")
    if kind == "int" and key in HEADCOUNT_FIELDS:
        return _count(op, current, amount, where)
    return _scalar(op, current, amount, kind, where)


def _factor(amount) -> float:
    if isinstance(amount, int | float) and not isinstance(amount, bool) and math.isfinite(amount):
        return float(amount)
    if isinstance(amount, str) and amount.strip().endswith("%"):
        try:
            return parse_share(amount, high=math.inf)
        except ValueError:
            pass
    raise ValueError(f"'*=' takes a factor: a number such as 1.1 or a percentage such as '110%', got {amount!r}")


def _number(amount, what: str = "a number") -> float:
    if isinstance(amount, int | float) and not isinstance(amount, bool) and math.isfinite(amount):
        return float(amount)
    raise ValueError(f"expected {what}, got {amount!r}")


def _current(parse, value, where: str) -> float:
    try:
        return parse(value)
    except ValueError:
        raise ValueError(f"{where} is {_describe(value)} in the scenario, which is not valid, so it cannot "
                         "be changed (see its own error)") from None


def _finite(result: float, where: str) -> float:
    if not math.isfinite(result):
        raise ValueError(f"the change makes {where} {result}, not a finite number")
    return result


def _combine(op: str, current: float, delta: float) -> float:
    return current + delta if op == "+=" else current - delta if op == "-=" else current * delta


def _scalar(op: str, current, amount, kind: str, where: str) -> object:
    if kind == "clock":
        if op == "*=":
            raise ValueError(f"{where} is a clock time: it moves by '+=' or '-=' a duration (e.g. +=30min), "
                             "it is not multiplied")
        clock = _combine(op, _current(parse_clock, current, where), parse_duration(amount))
        if not 0.0 <= clock <= 86400.0:
            raise ValueError(f"the change moves {where} to {clock / 3600:g} h, outside 00:00-24:00")
        return format_clock_exact(clock)
    parsers: dict[str, tuple[Callable[[object], float], Callable[[float], object] | None]] = {
        "duration": (parse_duration, lambda x: f"{x:.15g}s"),
        "rate": (parse_rate, lambda x: f"{x:.15g}/s"),
        "share": (lambda v: parse_share(v, high=math.inf), float),
    }
    parse, write = parsers.get(kind, (lambda v: _number(v, "a number"), None))
    if op == "*=":
        delta = _factor(amount)
    else:
        delta = parse_share(amount) if kind == "share" else parse(amount)
    result = _finite(_combine(op, _current(parse, current, where), delta), where)
    if write is not None:
        return write(result)
    if kind == "int":
        if op == "*=":
            return math.floor(result + 0.5)
        if result != int(result):
            raise ValueError(f"{where} is a whole number: '{op}' takes a whole number, got {amount!r}")
        return int(result)
    return result


def _count(op: str, current, amount, where: str) -> int:
    """A headcount after the change: whole agents (``*=`` rounds half up), never below 0."""
    now = _current(lambda v: _number(v, "a whole number of agents"), current, where)
    if op == "*=":
        result = _finite(now * _factor(amount), where)
        return max(0, math.floor(result + 0.5))
    delta = _number(amount, "a whole number of agents")
    if delta != int(delta):
        raise ValueError(f"'{op}' on agents takes a whole number of agents, got {amount!r}")
    return max(0, int(_combine(op, now, delta)))
