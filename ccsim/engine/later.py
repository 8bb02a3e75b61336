"""Random numbers for contacts created during a run (retrials, repeat contacts).

Their count depends on what happens in the run, so they cannot be drawn up front
with the day's arrivals. Each contact type gets its own streams (distinct keys
from the up-front draws), read in blocks: one row of numbers per new contact.
"""

from __future__ import annotations

import numpy as np

from ..plan.streams import stream
from .arrivals import N_DECISIONS

BLOCK = 256


class LaterDraws:
    """Buffered per-type draws for contacts created during the run."""

    __slots__ = ("ct", "seed", "replication", "rows", "pos", "_streams", "periodic")

    def __init__(self, ct, seed: int, replication: int):
        self.ct = ct
        self.seed = seed
        self.replication = replication
        self.rows: list[tuple] = []
        self.pos = 0
        self._streams: dict[str, np.random.Generator] | None = None  # created on first use
        # Columns drawn per interval (a distribution per interval): each row holds one value per
        # interval there, and next(t) keeps the one of t's interval.
        j = ct.journey
        samplers = (ct.handle, ct.after_call_work, ct.patience, None, None, None, None,
                    j.callback_handle if j else None)
        self.periodic = [(col, x) for col, x in enumerate(samplers) if getattr(x, "periodic", False)]

    def next(self, t: float = 0.0) -> tuple:
        """(handle, acw, patience, decisions, ivr, retrial_delay, repeat_delay, callback_handle, noise)
        of a contact arriving at t (s)."""
        if self.pos == len(self.rows):
            self._refill()
        row = self.rows[self.pos]
        self.pos += 1
        if self.periodic:
            picked = list(row)
            for col, x in self.periodic:
                picked[col] = row[col][x.period(t)]
            return tuple(picked)
        return row

    def _refill(self) -> None:
        ct, j = self.ct, self.ct.journey
        if self._streams is None:
            self._streams = {}
        s = self._streams
        n = BLOCK

        def rng(key: str) -> np.random.Generator:
            # Built on first use (about 30 µs each): a day with a few retrials needs two or three.
            g = s.get(key)
            if g is None:
                g = s[key] = stream(self.seed, self.replication, f"later/{key}/{ct.name}")
            return g

        def maybe(sampler, key):
            if sampler is None:
                return np.zeros(n)
            g = rng(key) if sampler.uses_rng else None
            if getattr(sampler, "periodic", False):  # one column per interval, in interval order
                return np.stack([x.draw(g, n) for x in sampler.samplers], axis=1)
            return sampler.draw(g, n)

        handle = maybe(ct.handle, "handle_time")
        acw = maybe(ct.after_call_work, "after_call_work")
        patience = maybe(ct.patience, "patience")
        if ct.voicemail_s < np.inf:  # a caller still waiting at the voicemail limit leaves then
            patience = np.minimum(patience, ct.voicemail_s)
        decisions = rng("journey").random((n, N_DECISIONS))
        ivr = maybe(j.ivr_time if j else None, "ivr_time")
        retrial = maybe(j.retrial_delay if j else None, "retrial_delay")
        repeat = maybe(j.repeat_delay if j else None, "repeat_delay")
        callback = maybe(j.callback_handle if j else None, "callback_handle")
        noise = rng("rating").standard_normal(n)
        self.rows = list(zip(handle.tolist(), acw.tolist(), patience.tolist(), decisions.tolist(),
                             ivr.tolist(), retrial.tolist(), repeat.tolist(), callback.tolist(),
                             noise.tolist(), strict=True))
        self.pos = 0
