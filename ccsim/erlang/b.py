"""Erlang B: blocking probability of M/M/c/c (no waiting room)."""

from __future__ import annotations

from .checks import _agents, _number


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of M/M/c/c with ``agents`` servers and ``load`` Erlangs.

    Uses the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), which
    never overflows (fine for thousands of agents).
    """
    c, a = _agents(agents), _number("load", load, "Erlangs")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b
