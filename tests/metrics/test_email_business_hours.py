"""The email service level in business hours with a calendar: nights, weekends and holidays
do not count, checked against hand computations."""

import numpy as np
import pytest

import ccsim
from ccsim.metrics.service_level import email_elapsed
from ccsim.metrics.timeline import opening_time
from ccsim.plan import DAY_S, build_plan

H = 3600.0


def mail(days=5, calendar=None, overnight=0, staffing=None, replications=3):
    horizon = {"start": "09:00", "end": "17:00", "interval": "1h", "days": days}
    if calendar is not None:
        horizon.update(calendar)
    return ccsim.from_dict({
        "name": "mail", "horizon": horizon, "seed": 7, "replications": replications,
        "contact_types": {"email": {
            "channel": "email", "arrivals": {"rate": "6/h", "overnight": overnight},
            "handle_time": {"dist": "exponential", "mean": "5min"},
            "service_level": {"target": 0.9, "threshold": "3h", "opening_hours_only": True}}},
        # Nobody after 15:00: the late emails wait for the next opening.
        "agent_groups": {"team": {"skills": ["email"], "staffing": staffing or [1] * 6 + [0, 0]}},
    })


WEEKEND = {"first_day": "friday", "opening_hours": {"saturday": "closed", "sunday": "closed"}}


def test_friday_1600_to_monday_1000_is_two_business_hours():
    plan = build_plan(mail(calendar=WEEKEND))
    friday_4pm = np.array([7 * H])  # 09:00 + 7 h
    monday_10am = np.array([3 * DAY_S + 1 * H])
    assert opening_time(plan, friday_4pm, monday_10am).tolist() == [2 * H]
    assert email_elapsed(plan, plan.contact_types[0], friday_4pm, monday_10am).tolist() == [2 * H]
    # Without the calendar the weekend's opening hours count: 1 + 8 + 8 + 1 h.
    plain = build_plan(mail())
    assert opening_time(plain, friday_4pm, monday_10am).tolist() == [18 * H]
    # A holiday on Monday: Friday 16:00 to Tuesday 10:00 is again 2 hours.
    holiday = build_plan(mail(calendar={**WEEKEND, "holidays": [4]}))
    assert opening_time(holiday, friday_4pm, np.array([4 * DAY_S + 1 * H])).tolist() == [2 * H]
    # Shorter Friday hours (09:00-13:00): 16:00 is after closing, nothing counts until Monday.
    short = build_plan(mail(calendar={**WEEKEND, "opening_hours": {**WEEKEND["opening_hours"],
                                                                   "friday": "09:00-13:00"}}))
    assert opening_time(short, np.array([3 * H]), monday_10am).tolist() == [2 * H]


def hand_service_level(rec, windows, end, threshold):
    """Replied within the threshold of open time / (replied + backlog older than it at the end)."""
    def open_time(t0, t1):
        return sum(np.clip(np.minimum(t1, hi) - np.maximum(t0, lo), 0, None) for lo, hi in windows)
    done = rec.outcome == 1
    took = open_time(rec.arrival[done], rec.answer[done] + rec.handle[done])
    waiting = rec.outcome == 0
    age = open_time(rec.arrival[waiting], np.full(np.count_nonzero(waiting), end))
    return np.count_nonzero(took <= threshold) / (done.sum() + np.count_nonzero(age > threshold))


@pytest.mark.parametrize("overnight", [0, 10])
def test_weekend_closure_service_level_matches_a_hand_computation(overnight):
    """Friday to Tuesday, closed on the weekend: the open time is Fri, Mon and Tue 09:00-17:00;
    emails received over the weekend join Monday's backlog and their waiting while closed does
    not count."""
    est = ccsim.simulate(mail(calendar=WEEKEND, overnight=overnight), keep_records=True)
    windows = [(d * DAY_S, d * DAY_S + 8 * H) for d in (0, 3, 4)]
    sl = est.contact_types["email"]["service_level"].values
    for r, rec in enumerate(est.records):
        assert not np.any((rec.arrival >= DAY_S) & (rec.arrival < 3 * DAY_S)), "an email on the weekend"
        assert sl[r] == pytest.approx(hand_service_level(rec, windows, 4 * DAY_S + 8 * H, 3 * H))
    # The weekend costs no business hours: measured in calendar time the same replies are later.
    in_calendar_time = [hand_service_level(rec, [(-1e12, 1e12)], 4 * DAY_S + 8 * H, 3 * H) for rec in est.records]
    assert np.all(sl > np.array(in_calendar_time))
