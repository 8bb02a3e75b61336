"""Random numbers for contacts created during a run (retrials, repeat contacts).

Their count depends on what happens in the run, so they cannot be drawn up front
with the day's arrivals. Each contact type gets its own streams (distinct keys
from the up-front draws), read in blocks: one row of numbers per new contact.
"""

from __future__ import annotations

import numpy as np

from ..streams import stream
from .arrivals import N_DECISIONS

BLOCK = 256


class LaterDraws:
    """Buffered per-type draws for contacts created during the run."""

    __slots__ = ("ct", "seed", "replication", "rows", "pos", "_streams")

    def __init__(self, ct, seed: int, replication: int):
        self.ct = ct
        self.seed = seed
        self.replication = replication
        self.rows: list[tuple] = []
        self.pos = 0
        self._streams: dict[str, np.random.Generator] | None = None  # created on first use

    def next(self) -> tuple:
        """(handle, acw, patience, decisions, ivr, retrial_delay, repeat_delay, callback_handle, noise)."""
        if self.pos == len(self.rows):
            self._refill()
        row = self.rows[self.pos]
        self.pos += 1
        return row

    def _refill(self) -> None:
        ct, j = self.ct, self.ct.journey
        if self._streams is None:
            self._streams = {
                key: stream(self.seed, self.replication, f"later/{key}/{ct.name}")
                for key in ("handle_time", "after_call_work", "patience", "journey", "ivr_time",
                            "retrial_delay", "repeat_delay", "callback_handle", "rating")
            }
        s = self._streams
        assert s is not None
        n = BLOCK

        def maybe(sampler, key):
            return sampler.draw(s[key], n) if sampler is not None else np.zeros(n)

        handle = ct.handle.draw(s["handle_time"], n)
        acw = maybe(ct.after_call_work, "after_call_work")
        patience = ct.patience.draw(s["patience"], n)
        decisions = s["journey"].random((n, N_DECISIONS))
        ivr = maybe(j.ivr_time if j else None, "ivr_time")
        retrial = maybe(j.retrial_delay if j else None, "retrial_delay")
        repeat = maybe(j.repeat_delay if j else None, "repeat_delay")
        callback = maybe(j.callback_handle if j else None, "callback_handle")
        noise = s["rating"].standard_normal(n)
        self.rows = list(zip(handle.tolist(), acw.tolist(), patience.tolist(), decisions.tolist(),
                             ivr.tolist(), retrial.tolist(), repeat.tolist(), callback.tolist(),
                             noise.tolist(), strict=True))
        self.pos = 0
