"""ccsim against ContactCenters' Telethon example (doc/examples/Telethon.java, Telethon.res):
the outcomes the scenario now expresses exactly — messages left by callers still waiting at
2 min (``voicemail: {after: 2min}``), abandons before that, calls disconnected at 10:00
(``at_closing: disconnect``) — each compared apart with the .res (tests/test_contactcenters_
models.py compares the other KPIs and abandoned + messages). Definitions: abandoned = callers
whose patience ran out before 2 min; messages = callers still waiting at 2 min; disconnected =
callers still waiting at 10:00; per week (five mornings), 1,000 weeks in the .res.
"""

from __future__ import annotations

import pytest

from tests.test_contactcenters_models import Published, check, mean_se, simulate, v

TELETHON_OUTCOMES = {
    "abandoned": Published.ci(31.820, 31.172, 32.468),
    "messages": Published.ci(4.960, 4.776, 5.144),
    "disconnected": Published.ci(0.280, 0.235, 0.325),
}


@pytest.fixture(scope="module")
def telethon():
    return simulate("telethon", 1000)


@pytest.mark.parametrize("kpi", sorted(TELETHON_OUTCOMES))
def test_telethon_outcomes_agree_with_published(telethon, kpi):
    check(f"Telethon {kpi}", mean_se(v(telethon.contact_types["donors"], kpi)), TELETHON_OUTCOMES[kpi])


def test_a_message_is_left_at_the_limit_and_is_neither_answered_nor_abandoned(telethon):
    donors = telethon.contact_types["donors"]
    parts = sum(v(donors, k) for k in ("answered", "abandoned", "messages", "blocked", "disconnected",
                                       "waiting_at_end"))
    assert (parts == v(donors, "offered")).all()
    assert v(donors, "messages").min() >= 0 and v(donors, "messages").mean() > 1
