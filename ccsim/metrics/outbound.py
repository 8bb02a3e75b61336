"""KPIs of outbound types (``direction: outbound``): what the dialer placed and what came of it.

Added to an outbound type's KPIs; calls are counted by the interval in which they were
dialled (after the warm-up), like every contact count. A *live* call is one a person
answered: the right party or a wrong party (answering machines are not live).

* dialled = calls placed; dialled = right_party + wrong_party + machines + no_answer
* reached = dialled calls someone (or a machine) answered: dialled - no_answer
* right_party, wrong_party, machines, no_answer: who answered them
* right_party_rate = right_party / dialled (the list's right-party connect rate)
* right_party_connects = right-party calls an agent talked to
* mismatches = live calls answered with no agent free (they waited, or hung up)
* outbound_abandon_rate = live calls not connected to an agent within the grace of the
  greeting (hung up, or connected later) / live calls: the regulators' abandoned-call rate
  (at most 3 % under the usual rule), with its ratio parts for the CIs
"""

from __future__ import annotations

import numpy as np

from ..engine.dialer import MACHINE, NO_ANSWER, RIGHT_PARTY, WRONG_PARTY
from ..engine.records import ANSWERED, Records
from ..plan import Plan
from .replication import Replication, div, safe_div

OUTBOUND_KPIS = ("dialled", "reached", "right_party", "wrong_party", "machines", "no_answer", "right_party_rate",
                 "right_party_connects", "mismatches", "outbound_abandon_rate")


def outbound_kpis(plan: Plan, rec: Records, k: int, ctx: Replication | None = None) -> tuple[dict, dict, dict]:
    """Day KPIs, per-interval KPIs and ratio parts of outbound type *k*."""
    ctx = ctx or Replication(plan, rec)
    n_int = ctx.grid.n_int
    assert rec.dial_result is not None, "outbound KPIs need the dial results"
    mine, interval = ctx.counted_rows(k)
    result = rec.dial_result[mine]
    answered = rec.outcome[mine] == ANSWERED
    wait = ctx.wait[mine]
    op = plan.contact_types[k].outbound
    assert op is not None, "outbound KPIs are for outbound types"
    grace = op.grace_s
    live = (result == RIGHT_PARTY) | (result == WRONG_PARTY)
    flags = {
        "dialled": np.ones(mine.size, dtype=bool),
        "right_party": result == RIGHT_PARTY,
        "wrong_party": result == WRONG_PARTY,
        "machines": result == MACHINE,
        "no_answer": result == NO_ANSWER,
        "reached": result != NO_ANSWER,
        "right_party_connects": answered & (result == RIGHT_PARTY),
        "mismatches": live & (~answered | (wait > 0)),
        "_live": live,
        "_late": live & (~answered | (wait > grace)),
    }
    table = np.zeros((len(flags), n_int))
    for i, flag in enumerate(flags.values()):
        table[i] = np.bincount(interval[flag], minlength=n_int)
    per = dict(zip(flags, table, strict=True))
    day = {name: float(v.sum()) for name, v in per.items()}
    counts = ("dialled", "reached", "right_party", "wrong_party", "machines", "no_answer")
    intervals = {name: per[name] for name in counts}
    intervals["right_party_rate"] = safe_div(per["right_party"], per["dialled"])
    intervals["right_party_connects"] = per["right_party_connects"]
    intervals["mismatches"] = per["mismatches"]
    intervals["outbound_abandon_rate"] = safe_div(per["_late"], per["_live"])
    out_day = {name: day[name] for name in counts}
    out_day["right_party_rate"] = div(day["right_party"], day["dialled"])
    out_day["right_party_connects"] = day["right_party_connects"]
    out_day["mismatches"] = day["mismatches"]
    out_day["outbound_abandon_rate"] = div(day["_late"], day["_live"])
    parts = {"right_party_rate": (day["right_party"], day["dialled"]),
             "outbound_abandon_rate": (day["_late"], day["_live"])}
    return out_day, intervals, parts


def idle_between_contacts(present_s: np.ndarray, busy_s: np.ndarray, started: np.ndarray) -> np.ndarray:
    """Agent idle time between contacts (s) per interval: time present and not busy per contact started."""
    idle = np.maximum(np.asarray(present_s, dtype=float) - np.asarray(busy_s, dtype=float), 0.0)
    return safe_div(idle, np.asarray(started, dtype=float))


def idle_between_contacts_day(present_s: float, busy_s: float, started: float) -> float:
    """The same over the day's statistics windows."""
    return div(max(present_s - busy_s, 0.0), started)
