"""Random streams: one per source, derived from the root seed by a stable key.

Each source (arrivals of a contact type, its handle times, patience, ...) has
its own ``numpy.random.Generator`` built from ``SeedSequence(seed,
spawn_key=(crc32(key), replication))``. The key is a CRC of the source's name,
never Python's salted ``hash()``, so streams are the same in every process and
every run. Changing staffing, or adding a contact type, leaves every other
source's numbers untouched: that is what makes variants comparable (common
random numbers) and results independent of how replications are spread over
worker processes.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    """A stable 32-bit key for a random source's name."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator of source *name* in replication *replication* of root *seed*."""
    sequence = np.random.SeedSequence(seed, spawn_key=(stream_key(name), replication))
    return np.random.Generator(np.random.PCG64(sequence))
