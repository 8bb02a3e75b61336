"""Random streams: distinct sources never share one; the same source is the same everywhere."""

from __future__ import annotations

import zlib

import numpy as np

import ccsim
from ccsim.engine.arrivals import draw_contacts
from ccsim.experiment import plan_for
from ccsim.plan.streams import stream, stream_key


def two_types(a: str, b: str) -> ccsim.Scenario:
    kind = {"arrivals": {"rate": "120/h"}, "handle_time": {"dist": "exponential", "mean": "4min"},
            "patience": {"dist": "exponential", "mean": "2min"}}
    return ccsim.from_dict({
        "name": "streams", "horizon": {"start": "08:00", "end": "10:00", "interval": "1h"},
        "contact_types": {a: kind, b: kind},
        "agent_groups": {"agents": {"skills": [a, b], "staffing": 10}},
    })


def test_names_whose_checksums_collide_get_different_streams():
    assert zlib.crc32(b"plumless") == zlib.crc32(b"buckeroo")  # what a 32-bit key would confuse
    assert stream_key("plumless") != stream_key("buckeroo")
    plan = plan_for(two_types("plumless", "buckeroo"))
    for r in range(3):
        d = draw_contacts(plan, r)
        first, second = (d.ctype == 0), (d.ctype == 1)
        assert not np.array_equal(d.arrival[first][:20], d.arrival[second][:20])
        assert not np.array_equal(d.handle[first][:20], d.handle[second][:20])
        assert not np.array_equal(d.patience[first][:20], d.patience[second][:20])


def test_a_source_is_the_same_in_every_scenario_and_replications_differ():
    a = stream(3, 1, "arrivals/sales").random(5)
    assert np.array_equal(a, stream(3, 1, "arrivals/sales").random(5))
    assert not np.array_equal(a, stream(3, 2, "arrivals/sales").random(5))
    assert not np.array_equal(a, stream(4, 1, "arrivals/sales").random(5))


def test_common_random_numbers_between_variants():
    """Adding a type or an agent leaves the other types' callers exactly as they were."""
    base = two_types("sales", "support")
    more = base.with_changes({"agent_groups.agents.staffing": 12})
    d0, d1 = draw_contacts(plan_for(base), 2), draw_contacts(plan_for(more), 2)
    np.testing.assert_array_equal(d0.arrival, d1.arrival)
    np.testing.assert_array_equal(d0.handle, d1.handle)
