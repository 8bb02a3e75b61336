"""A small rostered centre: one team on three shifts with breaks (its workforce tests,
and the snapshots of centres that work shifts, build on it)."""

import ccsim

SHIFTS = [
    {"start": "08:00", "end": "13:00", "headcount": 3, "breaks": [{"start": "10:00", "length": "15min"}]},
    {"start": "10:00", "end": "17:00", "headcount": 4,
     "breaks": [{"window": ["12:00", "14:00"], "length": "30min"}]},
    {"start": "12:30", "end": "17:00", "headcount": 2},
]


def scenario(rate="0/h", shifts=SHIFTS, **group):
    return ccsim.from_dict({
        "name": "roster", "horizon": {"start": "08:00", "end": "17:00", "interval": "30min"},
        "seed": 4, "replications": 5,
        "contact_types": {"calls": {"arrivals": {"rate": rate},
                                    "handle_time": {"dist": "exponential", "mean": "4min"},
                                    "patience": {"dist": "exponential", "mean": "3min"}}},
        "agent_groups": {"team": {"skills": ["calls"], "shifts": shifts, **group}},
    })
