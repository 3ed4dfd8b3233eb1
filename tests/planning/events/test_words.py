"""Recurrence rules said in words, and the form's builder taken apart and put back together."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from planning.recurrence_words import build_rule, builder_initial, describe

START = datetime(2026, 3, 10, 20, tzinfo=ZoneInfo("Europe/Paris"))  # the second Tuesday of March


@pytest.mark.parametrize(
    "rule, words",
    [
        ("FREQ=WEEKLY;BYDAY=MO;COUNT=10", "Every week on Monday, 10 times"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "Every 2 weeks on Monday and Thursday"),
        ("FREQ=DAILY;COUNT=1", "Every day, once"),
        ("FREQ=MONTHLY;BYDAY=2TU", "Every month on the second Tuesday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Every month on the last Friday"),
        ("FREQ=MONTHLY;BYMONTHDAY=10;UNTIL=20261231T225959Z", "Every month on day 10, until Dec. 31, 2026"),
        ("FREQ=YEARLY", "Every year on March 10"),
        ("FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO", "Custom: FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO"),
        ("", ""),
    ],
)
def test_describe(rule, words):
    assert describe(rule, start=START, tz_name="Europe/Paris") == words


def test_builder_round_trip():
    rule = build_rule(freq="monthly", monthly_by="weekday", start=date(2026, 3, 10), ends="count", count=4)
    assert rule == "FREQ=MONTHLY;BYDAY=2TU;COUNT=4"
    assert builder_initial(rule, tz_name="Europe/Paris") == {
        "repeat": "monthly",
        "interval": 1,
        "monthly_by": "weekday",
        "ends": "count",
        "count": 4,
    }
    assert build_rule(freq="weekly", start=date(2026, 3, 10)) == "FREQ=WEEKLY;BYDAY=TU"  # the start's day
    assert (
        build_rule(freq="monthly", monthly_by="weekday", start=date(2026, 3, 31)) == "FREQ=MONTHLY;BYDAY=-1TU"
    )
    assert builder_initial("FREQ=HOURLY", tz_name="UTC")["repeat"] == "custom"
