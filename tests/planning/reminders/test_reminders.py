"""Deadline reminders: who gets what and when, lead times per person, events (recurring across DST, cancelled
left out), and idempotency (twice, a claim already taken, two threads at once), in a fixed number of queries."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from planning.models import Event, ReminderSent, ReminderSettings
from planning.services.reminders import reminders_send_due
from tests.factories import UserFactory
from tests.planning.factories import BoardFactory, EventFactory, TaskFactory

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def person(**kwargs):
    kwargs.setdefault("time_zone", "Europe/Paris")
    return UserFactory(roles=["Producer"], **kwargs)


def leads(user, *minutes):
    ReminderSettings.objects.create(user=user, lead_minutes=list(minutes))


def reminders(user):
    return list(Notification.objects.filter(recipient=user, kind="planning.reminder").order_by("pk"))


def test_a_task_due_within_the_lead_time_is_reminded_once(django_capture_on_commit_callbacks):
    alice = person()
    task = TaskFactory(title="Shoot teaser", due_at=NOW + timedelta(minutes=59), assignees=[alice])

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(now=NOW) == 1
    assert reminders_send_due(now=NOW) == 0
    assert reminders_send_due(now=NOW + timedelta(minutes=1)) == 0

    [sent] = reminders(alice)
    assert sent.verb.startswith("“Shoot teaser” is due in 59 minutes (")
    assert "10:59 a.m." in sent.verb  # 09:59 UTC is 10:59 in Paris
    assert sent.url.endswith(f"/{task.pk}/")
    # both default lead times (1 day and 1 hour) are due: both claimed, one message
    assert set(ReminderSent.objects.values_list("lead_minutes", flat=True)) == {60, 24 * 60}


def test_each_lead_time_fires_at_its_moment():
    alice = person()
    TaskFactory(title="Master", due_at=NOW + timedelta(days=2), assignees=[alice])
    leads(alice, 24 * 60, 60)

    assert reminders_send_due(now=NOW) == 0  # two days ahead: nothing yet
    assert reminders_send_due(now=NOW + timedelta(days=1)) == 1  # the day before
    assert reminders_send_due(now=NOW + timedelta(days=1, hours=12)) == 0
    assert reminders_send_due(now=NOW + timedelta(days=1, hours=23)) == 1  # the hour before
    assert reminders_send_due(now=NOW + timedelta(days=2, minutes=1)) == 0  # past: never late
    assert [n.verb.split(" (")[0] for n in reminders(alice)] == [
        "“Master” is due in 1 day",
        "“Master” is due in 1 hour",
    ]


def test_lead_times_are_each_persons_own():
    early, late, none = person(), person(), person()
    leads(early, 7 * 24 * 60)
    leads(late, 10)
    leads(none)
    TaskFactory(due_at=NOW + timedelta(hours=3), assignees=[early, late, none])

    assert reminders_send_due(now=NOW) == 1
    assert len(reminders(early)) == 1 and not reminders(late)
    assert reminders_send_due(now=NOW + timedelta(hours=2, minutes=50)) == 1
    assert len(reminders(late)) == 1
    assert not reminders(none)


def test_done_tasks_unassigned_people_and_undated_tasks_get_nothing():
    alice, bob = person(), person()
    board = BoardFactory()
    done = board.columns.get(is_done=True)
    TaskFactory(board=board, column=done, due_at=NOW + timedelta(minutes=30), assignees=[alice])
    TaskFactory(board=board, due_at=NOW + timedelta(minutes=30), completed_at=NOW, assignees=[alice])
    TaskFactory(board=board, assignees=[alice])
    TaskFactory(board=board, due_at=NOW + timedelta(minutes=30))
    inactive = person(is_active=False)
    TaskFactory(board=board, due_at=NOW + timedelta(minutes=30), assignees=[inactive])

    assert reminders_send_due(now=NOW) == 0
    assert not Notification.objects.exists() and not bob.notifications.exists()


def test_a_reminder_already_claimed_is_not_sent_again():
    alice = person()
    leads(alice, 60)
    task = TaskFactory(due_at=NOW + timedelta(minutes=30), assignees=[alice])
    ReminderSent.objects.create(
        user=alice, kind="task", object_id=task.pk, occurs_at=task.due_at, lead_minutes=60
    )

    assert reminders_send_due(now=NOW) == 0
    assert not reminders(alice)


def test_a_new_due_date_is_a_new_reminder():
    alice = person()
    leads(alice, 60)
    task = TaskFactory(due_at=NOW + timedelta(minutes=30), assignees=[alice])
    assert reminders_send_due(now=NOW) == 1
    task.due_at = NOW + timedelta(minutes=50)
    task.save(update_fields=["due_at"])
    assert reminders_send_due(now=NOW + timedelta(minutes=1)) == 1


def test_events_remind_their_members_and_cancelled_ones_do_not():
    alice, bob = person(), person()
    leads(alice, 60)
    leads(bob, 60)
    event = EventFactory(title="Live Lyon", starts_at=NOW + timedelta(minutes=45), members=[alice])
    EventFactory(
        title="Called off",
        starts_at=NOW + timedelta(minutes=45),
        status=Event.Status.CANCELLED,
        members=[alice, bob],
    )

    assert reminders_send_due(now=NOW) == 1
    [sent] = reminders(alice)
    assert sent.verb.startswith("“Live Lyon” starts in 45 minutes")
    assert sent.url.endswith(f"/{event.pk}/")
    assert not reminders(bob)


def test_recurring_events_remind_each_occurrence_at_local_time_across_dst():
    """A weekly Tuesday 20:00 in Paris that began in summer: after the clocks change it is 19:00 UTC."""
    alice = person()
    leads(alice, 60)
    start = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)  # 20:00 CEST
    event = EventFactory(
        title="Weekly stream",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        recurrence="FREQ=WEEKLY",
        time_zone="Europe/Paris",
        members=[alice],
    )
    occurrence = datetime(2026, 11, 3, 19, 0, tzinfo=UTC)  # 20:00 CET

    assert reminders_send_due(now=occurrence - timedelta(minutes=61)) == 0
    assert reminders_send_due(now=occurrence - timedelta(minutes=60)) == 1
    assert reminders_send_due(now=occurrence - timedelta(minutes=30)) == 0
    claim = ReminderSent.objects.get(user=alice)
    assert (claim.kind, claim.object_id, claim.occurs_at) == ("event", event.pk, occurrence)
    [sent] = reminders(alice)
    assert "8:00" in sent.verb or "20:00" in sent.verb or "8 p.m." in sent.verb
    # the next week's occurrence is its own reminder; a skipped one (exdate) is not reminded
    following = occurrence + timedelta(days=7)
    event.exdates = [following + timedelta(days=7)]
    event.save(update_fields=["exdates"])
    assert reminders_send_due(now=following - timedelta(minutes=10)) == 1
    assert reminders_send_due(now=following + timedelta(days=7) - timedelta(minutes=10)) == 0


def test_the_message_is_in_the_recipients_language_and_time_zone():
    yuki = person(language="en", time_zone="Asia/Tokyo")
    leads(yuki, 120)
    TaskFactory(title="Mix", due_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC), assignees=[yuki])

    reminders_send_due(now=NOW)
    [sent] = reminders(yuki)
    assert "7 p.m." in sent.verb or "19:00" in sent.verb  # 10:00 UTC is 19:00 in Tokyo


def test_the_minute_job_costs_the_same_number_of_queries_for_few_or_many_people():
    def scenario(count):
        people = [person() for _ in range(count)]
        for user in people:
            leads(user, 60)
        board = BoardFactory()
        for user in people:
            TaskFactory(board=board, due_at=NOW + timedelta(minutes=30), assignees=[user])
            EventFactory(starts_at=NOW + timedelta(minutes=40), members=[user])
        reminders_send_due(now=NOW)  # everything is claimed now
        with CaptureQueriesContext(connection) as queries:
            assert reminders_send_due(now=NOW + timedelta(minutes=1)) == 0
        return len(queries)

    few = scenario(2)
    ReminderSent.objects.all().delete()
    Notification.objects.all().delete()
    many = scenario(12)
    # max lead, tasks, events, their members, settings, then the claim (in a savepoint here)
    assert few == many == 8


def test_reminders_go_out_in_batches(monkeypatch):
    from planning.services import reminders as service

    monkeypatch.setattr(service, "BATCH", 2)
    people = [person() for _ in range(5)]
    for user in people:
        leads(user, 60)
    board = BoardFactory()
    for user in people:
        TaskFactory(board=board, due_at=NOW + timedelta(minutes=30), assignees=[user])

    assert reminders_send_due(now=NOW) == 5
    assert reminders_send_due(now=NOW) == 0
    assert Notification.objects.filter(kind="planning.reminder").count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once():
    people = [person() for _ in range(5)]
    board = BoardFactory()
    for user in people:
        TaskFactory(board=board, due_at=NOW + timedelta(minutes=30), assignees=[user])
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(reminders_send_due(now=NOW))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [0, 5] or sum(results) == 5
    assert Notification.objects.filter(kind="planning.reminder").count() == 5
    assert ReminderSent.objects.count() == 10  # two lead times each


def test_nobody_is_reminded_of_a_task_they_may_no_longer_see():
    """Assigned, then taken off a members-only board (or out of planning altogether): no reminder, no digest."""
    from planning.models import Board, BoardMembership
    from planning.services.reminders import digests_send_due

    member, removed, no_role = person(), person(), UserFactory(roles=[], time_zone="Europe/Paris")
    board = BoardFactory(visibility=Board.Visibility.MEMBERS)
    BoardMembership.objects.create(board=board, user=member)
    TaskFactory(board=board, title="Private", due_at=NOW + timedelta(minutes=30), assignees=[member, removed])
    TaskFactory(title="Team", due_at=NOW + timedelta(minutes=30), assignees=[no_role])
    TaskFactory(board=board, title="Late", due_at=NOW - timedelta(days=1), assignees=[member, removed])

    assert reminders_send_due(now=NOW) == 1
    assert len(reminders(member)) == 1 and not reminders(removed) and not reminders(no_role)
    digests_send_due(now=NOW.replace(hour=8))
    kinds = set(Notification.objects.filter(kind="planning.digest").values_list("recipient_id", flat=True))
    assert kinds == {member.pk}
