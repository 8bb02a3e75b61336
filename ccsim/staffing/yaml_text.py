"""YAML as planners read it: clock times quoted, shifts one per line (staffing and roster files)."""

from __future__ import annotations

import re

import yaml

_CLOCK = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


class _Dumper(yaml.SafeDumper):
    """Safe YAML with clock times always quoted ("08:00"), as the scenario docs write them."""


def _str(dumper, value: str):
    style = '"' if _CLOCK.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _FlowMap(dict):
    """A mapping written on one line: ``{start: "08:00", end: "16:30", headcount: 12}``."""


def _flow(dumper, value):
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_FlowMap, _flow)


def _shifts_on_one_line(data):
    """Each shift of a ``shifts:`` list (and each of its breaks) as a one-line mapping."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key == "shifts" and isinstance(value, list):
                out[key] = [_FlowMap({k: ([_FlowMap(b) for b in v] if k == "breaks" else v) for k, v in shift.items()})
                            if isinstance(shift, dict) else shift for shift in value]
            else:
                out[key] = _shifts_on_one_line(value)
        return out
    if isinstance(data, list):
        return [_shifts_on_one_line(v) for v in data]
    return data


def dump_yaml(data) -> str:
    return yaml.dump(_shifts_on_one_line(data), Dumper=_Dumper, sort_keys=False, default_flow_style=None,
                     width=140, allow_unicode=True)
