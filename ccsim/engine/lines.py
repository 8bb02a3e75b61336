"""Trunk lines (a mixin of ``Run``): a contact holds a line of its type's pool from arrival
until it leaves the queue or its talk ends, and the type's ``line_hold`` after (a line
released with a delay); a caller finding every line taken is blocked.
A pool is a type's own limit (``lines: 15``) or shared by several types (``lines: trunks``).

Releases are lazy: each hold pushes (release time, contact) on the pool's heap, and a
line is given back when a newer arrival looks; a contact whose release moved (answered,
its talk stretched by chats) leaves stale entries that are skipped.
"""

from __future__ import annotations

from heapq import heappop, heappush

from .state import RunState


class Lines(RunState):
    """Line holds and releases (state set up by ``Run``)."""

    __slots__ = ()

    def hold_line(self, k: int, c: int, until: float) -> None:
        """Contact c holds its line until *until*, and the type's line_hold after (replacing an
        earlier release time)."""
        if self.line_release[c] < 0.0:
            return  # given back already: a contact takes one line, once (a chat re-projected later)
        until += self.line_hold[k]
        self.line_release[c] = until
        heappush(self.line_heaps[self.line_pool[k]], (until, c))

    def line_free(self, k: int, now: float) -> bool:
        """Is a line of type k's pool free for a new contact? Lines whose holders have left
        are given back only when the count of holders (which still includes them) reaches
        the limit, or their heap grows long: below it, a line is free whoever has left."""
        p = self.line_pool[k]
        h = self.line_heaps[p]
        in_system = self.in_system
        if in_system[p] < self.lines[k] and len(h) <= self.line_heap_cap[p]:
            return True
        line_release = self.line_release
        while h and h[0][0] <= now:
            until, c = heappop(h)
            if line_release[c] == until:  # the contact's current release, not a stale one
                in_system[p] -= 1
                line_release[c] = -1.0  # released: a second entry at the same time is stale too
        return in_system[p] < self.lines[k]

    def take_line(self, k: int) -> None:
        """A contact of type k takes a line of its pool (its release time is set by hold_line)."""
        self.in_system[self.line_pool[k]] += 1
