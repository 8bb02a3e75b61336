"""Amazon Connect ``GetCurrentMetricData`` JSON (the API's response, as saved by the AWS CLI or an SDK).

```json
{"MetricResults": [
   {"Dimensions": {"Queue": {"Id": "...", "Arn": "..."}, "Channel": "VOICE"},
    "Collections": [{"Metric": {"Name": "CONTACTS_IN_QUEUE", "Unit": "COUNT"}, "Value": 12.0}, ...]},
   {"Dimensions": {"RoutingProfile": {"Id": "...", "Arn": "..."}}, "Collections": [...]}],
 "DataSnapshotTime": "2026-12-07T11:40:00+00:00"}
```

| metric | snapshot |
|---|---|
| CONTACTS_IN_QUEUE | callers waiting (their waits by the fill rule) |
| OLDEST_CONTACT_AGE | the oldest wait: seconds when the result is grouped (it has Dimensions), |
|  | **milliseconds when it is not**, though its Unit says SECONDS (as the API reference states) |
| AGENTS_AVAILABLE | idle agents |
| AGENTS_ON_CONTACT (or AGENTS_ON_CALL) | agents on a contact |
| AGENTS_AFTER_CONTACT_WORK | agents in after-contact work |
| AGENTS_ONLINE | all agents online; those in none of the three states above are away |
| SLOTS_ACTIVE | contacts in hand (chats open, for a chat contact type) |

A result is placed by its queue's (or routing profile's) Name, Id or Arn: by
name when one is a contact type or agent group of the scenario, else by
``--map``. When the export has routing-profile results, the agents are taken
from them and the queues' agent counts are left aside (an agent is counted in
every queue of its routing profile). Other metrics and fields are not read.
The time is DataSnapshotTime's clock time as written (give ``--time`` when it
is UTC and the scenario's clock is local).
"""

from __future__ import annotations

from pathlib import Path

from ..snapshot import SnapshotError
from .base import Feed, FeedRow, JsonDoc, Reader, parse_timestamp

AGENT_METRICS = ("AGENTS_AVAILABLE", "AGENTS_ON_CONTACT", "AGENTS_ON_CALL", "AGENTS_AFTER_CONTACT_WORK",
                 "AGENTS_ONLINE", "AGENTS_NON_PRODUCTIVE", "AGENTS_ERROR")
COUNT_METRICS = ("CONTACTS_IN_QUEUE", "SLOTS_ACTIVE", *AGENT_METRICS)


def read_connect(path: str | Path) -> Feed:
    doc = JsonDoc(path)
    rd = Reader(doc)
    if not isinstance(doc.data, dict):
        rd.fail((), "expected the GetCurrentMetricData response: an object with 'MetricResults'")
        raise SnapshotError(rd.problems)
    results = rd.get(doc.data, (), "MetricResults", list, "a list of metric results")
    rows: list[FeedRow] = []
    profiles = False
    for i, result in enumerate(results or []):
        at = ("MetricResults", i)
        if not isinstance(result, dict):
            rd.fail(at, "expected a metric result (an object with Dimensions and Collections)")
            continue
        dims = rd.get(result, at, "Dimensions", dict, "an object (the result's queue, channel, ...)",
                      required=False) or {}
        names: tuple[str, ...] = ()
        is_profile = False
        for key in ("Queue", "RoutingProfile"):
            ref = dims.get(key)
            if ref is None:
                continue
            if not isinstance(ref, dict):
                rd.fail((*at, "Dimensions", key), "expected an object with Id and Arn")
                continue
            names = tuple(str(ref[k]) for k in ("Name", "Id", "Arn") if isinstance(ref.get(k), str))
            if not names:
                rd.fail((*at, "Dimensions", key), "expected the queue's Id, Arn or Name")
            is_profile = key == "RoutingProfile"
        grouped = bool(dims)
        values: dict[str, float] = {}
        for j, item in enumerate(rd.get(result, at, "Collections", list, "a list of metrics") or []):
            where = (*at, "Collections", j)
            metric = rd.get(item, where, "Metric", dict, "an object with the metric's Name")
            name = rd.get(metric, (*where, "Metric"), "Name", str, "the metric's name") if metric else None
            if name is None or not isinstance(item, dict):
                continue
            value = item.get("Value")
            if value is None:  # "the calculation cannot be performed": nothing there
                values[name] = 0.0
                continue
            if name in COUNT_METRICS:
                n = rd.count(value, (*where, "Value"), name)
                if n is not None:
                    values[name] = n
            elif name == "OLDEST_CONTACT_AGE":
                s = rd.seconds(value, (*where, "Value"), name, scale=1.0 if grouped else 0.001)
                if s is not None:
                    values[name] = s
        line, column = doc.where(at)
        row = FeedRow(names, line, column, f"MetricResults[{i}]")
        row.has_queue = not is_profile and ("CONTACTS_IN_QUEUE" in values)
        row.waiting = int(values.get("CONTACTS_IN_QUEUE", 0))
        row.oldest_s = values.get("OLDEST_CONTACT_AGE")
        row.has_agents = any(m in values for m in AGENT_METRICS)
        row.idle = int(values.get("AGENTS_AVAILABLE", 0))
        row.busy = int(values.get("AGENTS_ON_CONTACT", values.get("AGENTS_ON_CALL", 0)))
        row.acw = int(values.get("AGENTS_AFTER_CONTACT_WORK", 0))
        if "SLOTS_ACTIVE" in values:
            row.open_contacts = int(values["SLOTS_ACTIVE"])
        if "AGENTS_ONLINE" in values:
            row.away = int(values["AGENTS_ONLINE"]) - row.idle - row.busy - row.acw
            if row.away < 0:
                rd.fail(at, "AGENTS_ONLINE is smaller than AGENTS_AVAILABLE + AGENTS_ON_CONTACT + "
                            "AGENTS_AFTER_CONTACT_WORK; expected every agent in a state to be online")
        else:
            row.away = int(values.get("AGENTS_NON_PRODUCTIVE", 0) + values.get("AGENTS_ERROR", 0))
        profiles = profiles or is_profile
        row.has_queue = row.has_queue or (not is_profile and "OLDEST_CONTACT_AGE" in values)
        rows.append(row)
    time_s = None
    if "DataSnapshotTime" in doc.data:
        time_s = parse_timestamp(doc.data["DataSnapshotTime"])
        if time_s is None:
            rd.fail(("DataSnapshotTime",), "expected an ISO 8601 timestamp (2026-12-07T11:40:00Z)")
    if rd.problems:
        raise SnapshotError(rd.problems)
    notes = []
    if profiles:
        for row in rows:
            if row.has_queue and row.has_agents:
                row.has_agents = False
        notes.append("agents from the routing-profile results (the queues' agent counts left aside)")
    if any(not r.names for r in rows):
        notes.append("OLDEST_CONTACT_AGE of an ungrouped result read as milliseconds (as Connect sends it)")
    return Feed(doc.source, rows, time_s, notes)
