"""Scenarios the staffing tests share."""

from __future__ import annotations

import ccsim


def small_line():
    """One call type over six hours, 20 to 60 calls per half hour; eight agents to start from."""
    return ccsim.from_dict({
        "name": "small line", "seed": 3, "horizon": {"start": "08:00", "end": "14:00", "interval": "30min"},
        "contact_types": {"calls": {
            "arrivals": {"per_interval": [20, 30, 45, 60, 60, 55, 50, 50, 45, 40, 30, 20]},
            "handle_time": {"dist": "exponential", "mean": "4min"},
            "patience": {"dist": "exponential", "mean": "2min"}}},
        "agent_groups": {"team": {"skills": ["calls"], "staffing": 8}},
    })
