"""The daily digest of overdue tasks: once per person per local day, at their hour in their time zone (across a
daylight-saving change), skipped when nothing is overdue or when they turned it off."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Notification
from planning.models import ReminderSent, ReminderSettings
from planning.services.reminders import digest_day_start, digests_send_due
from tests.factories import UserFactory
from tests.planning.factories import BoardFactory, TaskFactory

pytestmark = pytest.mark.django_db

# Europe/Paris moves to summer time on 29 March 2026 at 01:00 UTC
DST_DAY = datetime(2026, 3, 29, tzinfo=UTC)


def person(tz="Europe/Paris", **kwargs):
    return UserFactory(roles=["Producer"], time_zone=tz, **kwargs)


def digests(user):
    return list(Notification.objects.filter(recipient=user, kind="planning.digest"))


def test_digest_lists_overdue_tasks_once_a_day_at_the_local_hour_across_dst():
    alice = person()
    ReminderSettings.objects.create(user=alice, digest=True, digest_hour=8)
    TaskFactory(title="Invoice", due_at=DST_DAY - timedelta(days=2), assignees=[alice])
    TaskFactory(title="Press kit", due_at=DST_DAY - timedelta(days=1), assignees=[alice])

    # the day before the change: 08:00 in Paris is 07:00 UTC
    assert digests_send_due(now=datetime(2026, 3, 28, 6, 45, tzinfo=UTC)) == 0
    assert digests_send_due(now=datetime(2026, 3, 28, 7, 0, tzinfo=UTC)) == 1
    assert digests_send_due(now=datetime(2026, 3, 28, 7, 15, tzinfo=UTC)) == 0
    assert digests_send_due(now=datetime(2026, 3, 28, 22, 45, tzinfo=UTC)) == 0  # 23:45 local, same day
    # the day of the change: 08:00 in Paris is 06:00 UTC
    assert digests_send_due(now=datetime(2026, 3, 29, 5, 45, tzinfo=UTC)) == 0
    assert digests_send_due(now=datetime(2026, 3, 29, 6, 0, tzinfo=UTC)) == 1
    assert digests_send_due(now=datetime(2026, 3, 29, 6, 15, tzinfo=UTC)) == 0

    first, second = sorted(digests(alice), key=lambda n: n.pk)
    assert first.verb == "2 overdue tasks: “Invoice”, “Press kit”"
    days = sorted(ReminderSent.objects.filter(user=alice, kind="digest").values_list("occurs_at", flat=True))
    # local midnights: 23:00 UTC in winter, 22:00 UTC once summer time began
    assert days == [datetime(2026, 3, 27, 23, 0, tzinfo=UTC), datetime(2026, 3, 28, 23, 0, tzinfo=UTC)]


def test_digest_day_follows_each_persons_time_zone():
    now = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)  # 08:00 in New York, 14:00 in Paris, 22:00 in Tokyo
    assert digest_day_start(tz_name="America/New_York", hour=8, now=now) == datetime(
        2026, 11, 20, 5, 0, tzinfo=UTC
    )
    assert digest_day_start(tz_name="America/New_York", hour=9, now=now) is None
    assert digest_day_start(tz_name="Asia/Tokyo", hour=8, now=now) == datetime(
        2026, 11, 19, 15, 0, tzinfo=UTC
    )
    assert digest_day_start(tz_name="No/Where", hour=8, now=now) is not None  # falls back to the site's zone

    ny, tokyo = person("America/New_York"), person("Asia/Tokyo")
    for user in (ny, tokyo):
        ReminderSettings.objects.create(user=user, digest_hour=23 if user == tokyo else 8)
        TaskFactory(due_at=now - timedelta(hours=1), assignees=[user])
    assert digests_send_due(now=now) == 1
    assert len(digests(ny)) == 1 and not digests(tokyo)


def test_no_digest_without_overdue_tasks_or_when_turned_off():
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    calm, off, done_only = person(), person(), person()
    ReminderSettings.objects.create(user=off, digest=False)
    board = BoardFactory()
    TaskFactory(board=board, due_at=now + timedelta(days=1), assignees=[calm])
    TaskFactory(board=board, due_at=now - timedelta(days=1), assignees=[off])
    TaskFactory(
        board=board,
        column=board.columns.get(is_done=True),
        due_at=now - timedelta(days=1),
        assignees=[done_only],
    )

    assert digests_send_due(now=now) == 0
    assert not Notification.objects.exists()


def test_a_long_digest_names_the_first_tasks_and_counts_the_rest():
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    alice = person()
    for day in range(7):
        TaskFactory(title=f"T{day}", due_at=now - timedelta(days=7 - day), assignees=[alice])

    assert digests_send_due(now=now) == 1
    [digest] = digests(alice)
    assert digest.verb == "7 overdue tasks: “T0”, “T1”, “T2”, “T3”, “T4” and 2 more"
