"""Random streams: one per source, derived from the root seed by a key no two sources share.

Each source (arrivals of a contact type, its handle times, patience, absenteeism of a
group, ...) has its own ``numpy.random.Generator`` built from ``SeedSequence(seed,
spawn_key=(*key(name), replication))``. The key is four 32-bit words of a BLAKE2b digest
of the source's name: stable in every process and every run (never Python's salted
``hash()``), and — unlike a 32-bit checksum, under which names such as ``plumless`` and
``buckeroo`` collide — no two names share a stream in practice (a collision needs about
2^64 names). Changing staffing, or adding a contact type, leaves every other source's
numbers untouched: that is what makes variants comparable (common random numbers) and
results independent of how replications are spread over worker processes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

KEY_WORDS = 4  # 128 bits of the digest


@lru_cache(maxsize=4096)
def stream_key(name: str) -> tuple[int, ...]:
    """The spawn key of a random source's name: four 32-bit words of its BLAKE2b digest."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=4 * KEY_WORDS).digest()
    return tuple(int.from_bytes(digest[4 * i:4 * i + 4], "little") for i in range(KEY_WORDS))


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator of source *name* in replication *replication* of root *seed*."""
    sequence = np.random.SeedSequence(seed, spawn_key=(*stream_key(name), replication))
    return np.random.Generator(np.random.PCG64(sequence))
