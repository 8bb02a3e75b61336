"""The service level, defined once: which contacts it counts, which are in time.

Every surface that shows a service level uses these rules — the KPI of each
replication (``contacts``, ``channels``), the waiting-time curve of the report
(from the histograms below) and the live dashboard (``ccsim.realtime.live``):

* a contact counts when it arrived after the warm-up (``counted``);
* a call or chat answered from the queue is in the base, and in time when its
  wait from queue entry is at most the threshold (``in_time``); accepted
  callbacks left the inbound queue and are in neither count;
* an abandoned contact is in the base unless it hung up quicker than
  ``short_abandon`` (``short_abandon``); it is never in time;
* an email is in the base when replied (its handling ended: answer + handle
  time), in time when its reply time is at most the threshold; one still in the
  backlog counts once it is older than the threshold (``email_late``). Reply
  time and age run from arrival, in calendar time or, with
  ``service_level.opening_hours_only``, inside each day's horizon only
  (``email_elapsed``).

Waiting-time histograms: per replication and contact type, the number of
contacts in time for each of a fixed grid of thresholds t (``wait_edges``),
so that the report draws the share answered within t without any per-contact
record: ``answered_within(t) / sl_counted``, exactly the service level at the
scenario's threshold, which is one of the grid's points.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..plan import Plan
from .timeline import opening_time

# The grid of waits: FINE_STEPS steps of threshold / STEPS_PER_THRESHOLD up to
# FINE_STEPS / STEPS_PER_THRESHOLD thresholds, then steps growing by TAIL_RATIO up to
# TAIL_TOP_S, then infinity (its count is every contact answered).
STEPS_PER_THRESHOLD = 60
FINE_STEPS = 240
TAIL_RATIO = 1.05
TAIL_TOP_S = 1e7  # about 116 days
TAIL_BOTTOM_S = 1e-3  # below a threshold of 0.25 ms the tail starts here, not at 4 thresholds
NO_THRESHOLD_UNIT_S = 60.0  # the fine steps' scale when the threshold is 0


def counted(plan: Plan, arrival):
    """Whether contacts arriving at *arrival* count (after the warm-up); arrays or floats."""
    return arrival >= plan.warmup_s


def in_time(ct, wait):
    """Whether a wait (or an email's reply time) is within the contact type's threshold."""
    return wait <= ct.sl_threshold


def short_abandon(ct, wait):
    """Whether an abandoned contact that waited *wait* hung up too quickly to count."""
    return wait < ct.short_abandon


def finished(ct, answered: bool, wait: float) -> tuple[bool, bool]:
    """(in the base, in time) of a counted call or chat, answered from the queue
    (*answered*) or abandoned, after waiting *wait* from its queue entry."""
    if answered:
        return True, bool(in_time(ct, wait))
    return not bool(short_abandon(ct, wait)), False


def email_elapsed(plan: Plan, ct, arrival, until):
    """Time from *arrival* to *until* as the email service level counts it: calendar time,
    or with ``opening_hours_only`` only the time inside each day's horizon."""
    if ct.sl_opening_hours:
        return opening_time(plan, arrival, until)
    return until - arrival


def email_late(ct, age):
    """Whether an email still in the backlog at *age* is already past the threshold."""
    return age > ct.sl_threshold


@lru_cache(maxsize=64)
def _edges(threshold_s: float) -> np.ndarray:
    unit = threshold_s if threshold_s > 0 else NO_THRESHOLD_UNIT_S
    # unit * (j / STEPS) is the threshold itself at j = STEPS (j / STEPS = 1.0 exactly).
    fine = unit * (np.arange(FINE_STEPS + 1) / STEPS_PER_THRESHOLD)
    top = float(fine[-1])
    # The tail starts at TAIL_BOTTOM_S at the lowest: from a threshold of 1e-307 s it would
    # need some 15,000 steps, and TAIL_TOP_S / top overflows (OverflowError).
    base = max(top, TAIL_BOTTOM_S)
    steps = max(0, int(np.ceil(np.log(TAIL_TOP_S / base) / np.log(TAIL_RATIO)))) if base < TAIL_TOP_S else 0
    tail = base * TAIL_RATIO ** np.arange(1, steps + 1)
    edges = np.concatenate((fine, tail, [np.inf]))
    edges.flags.writeable = False
    return edges


def wait_edges(ct) -> np.ndarray:
    """The waits t (s) at which a contact type's histograms count the contacts in time:
    0, steps of threshold/60 up to 4 thresholds, then steps growing by 5 % up to about
    116 days, then infinity. The threshold is ``wait_edges(ct)[threshold_index(ct)]``."""
    return _edges(float(ct.sl_threshold))


def threshold_index(ct) -> int:
    """Position of the contact type's threshold in ``wait_edges(ct)``."""
    return STEPS_PER_THRESHOLD if ct.sl_threshold > 0 else 0


def within_counts(ordered: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """For each edge t, how many of the sorted waits *ordered* are at most t."""
    return np.searchsorted(ordered, edges, side="right")
