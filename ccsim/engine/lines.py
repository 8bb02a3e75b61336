"""Trunk lines (a mixin of ``Run``): a contact holds a line of its type from arrival until
it leaves the queue or its talk ends; a caller finding every line taken is blocked.

Releases are lazy: each hold pushes (release time, contact) on the type's heap, and a
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
        """Contact c holds its line until *until* (replacing an earlier release time)."""
        if self.line_release[c] < 0.0:
            return  # given back already: a contact takes one line, once (a chat re-projected later)
        self.line_release[c] = until
        heappush(self.line_heaps[k], (until, c))

    def line_free(self, k: int, now: float) -> bool:
        """Is a line free for a new contact? Lines whose holders have left are given back
        only when the count of holders (which still includes them) reaches the limit, or
        their heap grows long: below it, a line is free whoever has left."""
        h = self.line_heaps[k]
        if self.in_system[k] < self.lines[k] and len(h) <= self.line_heap_cap[k]:
            return True
        line_release = self.line_release
        while h and h[0][0] <= now:
            until, c = heappop(h)
            if line_release[c] == until:  # the contact's current release, not a stale one
                self.in_system[k] -= 1
                line_release[c] = -1.0  # released: a second entry at the same time is stale too
        return self.in_system[k] < self.lines[k]
