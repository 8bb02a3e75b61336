"""Genesys Cloud queue observations JSON (the response of ``POST /api/v2/analytics/queues/observations/query``).

```json
{"results": [
   {"group": {"queueId": "...", "mediaType": "voice"},
    "data": [{"metric": "oWaiting", "stats": {"count": 12}},
             {"metric": "oOnQueueUsers", "qualifier": "IDLE", "stats": {"count": 2}},
             {"metric": "oLongestWaiting", "stats": {"calculatedMetricValue": 361000},
              "observations": [...]}, ...]}]}
```

| metric | snapshot |
|---|---|
| oWaiting | callers waiting (their waits by the fill rule) |
| oLongestWaiting | the oldest wait: ``stats.calculatedMetricValue`` (or ``stats.max``), milliseconds |
| oInteracting | contacts in hand (chats open, for a chat contact type) |
| oOnQueueUsers, qualifier IDLE | idle agents |
| oOnQueueUsers, qualifier INTERACTING | agents on a contact (Genesys counts wrap-up as interacting) |
| oOnQueueUsers, qualifier COMMUNICATING or NOT_RESPONDING | agents away (a non-queue call, a missed alert) |

A result is placed by its ``group.queueId`` (or ``group.queueName``, where an
export adds it) through ``--map``, or by name. An agent on several queues is in
each queue's oOnQueueUsers: map the other queues as TYPE/- so that each agent
is counted once. ``observations`` (they name conversations, participants and
callers' numbers), oOffQueueUsers, oUserPresences and every other field are not
read. The response carries no time: give ``--time``.
"""

from __future__ import annotations

from pathlib import Path

from ..snapshot import SnapshotError
from .base import Feed, FeedRow, JsonDoc, Reader

STATUSES = {"IDLE": "idle", "INTERACTING": "busy", "COMMUNICATING": "away", "NOT_RESPONDING": "away"}


def read_genesys(path: str | Path) -> Feed:
    doc = JsonDoc(path)
    rd = Reader(doc)
    if not isinstance(doc.data, dict):
        rd.fail((), "expected the observations query response: an object with 'results'")
        raise SnapshotError(rd.problems)
    rows: list[FeedRow] = []
    for i, result in enumerate(rd.get(doc.data, (), "results", list, "a list of query results") or []):
        at = ("results", i)
        group = rd.get(result, at, "group", dict, "an object with the queueId")
        if group is None:
            continue
        names = tuple(str(group[k]) for k in ("queueName", "queueId") if isinstance(group.get(k), str))
        if not names:
            rd.fail((*at, "group"), "expected the queue's queueId")
        line, column = doc.where(at)
        row = FeedRow(names, line, column, f"results[{i}]")
        for j, item in enumerate(rd.get(result, at, "data", list, "a list of observations") or []):
            where = (*at, "data", j)
            metric = rd.get(item, where, "metric", str, "the metric's name")
            stats = rd.get(item, where, "stats", dict, "an object of statistics") if metric else None
            if metric is None or stats is None:
                continue
            if metric == "oLongestWaiting":
                key = "calculatedMetricValue" if "calculatedMetricValue" in stats else "max"
                if key in stats and stats[key] is not None:
                    row.oldest_s = rd.seconds(stats[key], (*where, "stats", key), "oLongestWaiting in ms",
                                              scale=0.001)
                row.has_queue = True
                continue
            if metric not in ("oWaiting", "oInteracting", "oOnQueueUsers"):
                continue
            n = rd.count(stats.get("count", 0), (*where, "stats", "count"), f"{metric}'s count")
            if n is None:
                continue
            if metric == "oWaiting":
                row.waiting += n
                row.has_queue = True
            elif metric == "oInteracting":
                row.open_contacts = (row.open_contacts or 0) + n
            else:
                qualifier = item.get("qualifier")
                state = STATUSES.get(qualifier) if isinstance(qualifier, str) else None
                if state is None:
                    rd.fail((*where, "qualifier"), f"expected a routing status ({', '.join(STATUSES)})")
                    continue
                setattr(row, state, getattr(row, state) + n)
                row.has_agents = True
        rows.append(row)
    if rd.problems:
        raise SnapshotError(rd.problems)
    return Feed(doc.source, rows, None, [])
