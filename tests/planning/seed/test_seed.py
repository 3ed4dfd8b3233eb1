"""seed_demo's Planning step: a believable agency's boards and season at --scale 1, deterministic, bulk."""

import random
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from core import seeding
from planning.models import Board, BoardMembership, ChecklistItem, Column, Comment, Event, Task, TaskLink
from planning.recurrence import normalize_rrule
from planning.seeding import generators as g
from planning.seeding.tasks import RECURRING_TASKS
from planning.services.comments import mentioned_users

pytestmark = pytest.mark.django_db
RECURRING = sum(1 + done for _kind, _title, _rule, done, _hour in RECURRING_TASKS)


def _state() -> dict:
    return {
        "boards": list(Board.objects.order_by("name").values_list("name", "visibility", "wip_policy")),
        "columns": list(
            Column.objects.order_by("board__name", "position").values_list("name", "wip_limit", "is_done")
        ),
        "tasks": list(
            Task.objects.order_by("board__name", "column__position", "position").values_list(
                "title", "priority", "column__name", "recurrence"
            )
        ),
        "events": list(
            Event.objects.order_by("title", "kind", "venue", "recurrence").values_list(
                "title", "kind", "venue", "recurrence"
            )
        ),
        "comments": list(Comment.objects.order_by("body").values_list("body", flat=True)),
    }


def _seed_and_roll_back() -> tuple[dict, dict]:
    with transaction.atomic():
        result = seeding.seed_run(scale=1)
        state = _state()
        transaction.set_rollback(True)
    return {k: v for k, v in result.created["planning"].items() if k != "seconds"}, state


def test_the_planning_step_is_deterministic():
    first = _seed_and_roll_back()
    assert Task.objects.count() == 0
    second = _seed_and_roll_back()
    assert first == second
    counts, state = first
    assert counts["boards"] == 5 and counts["tasks"] == 180 and counts["events"] == 90
    assert counts["recurring events"] == 3 and counts["comments"] > 0 and counts["task links"] > 0
    assert len(state["tasks"]) == 180


@pytest.fixture
def seeded():
    return seeding.seed_run(scale=1).created["planning"]


def test_the_five_demo_boards_have_wip_columns_and_the_demo_users(seeded):
    names = set(Board.objects.values_list("name", flat=True))
    assert {"Shoots & clips", "Live shows", "Label ops", "Social content"} <= names
    assert any(name.startswith("Release — ") and name.endswith(" EP") for name in names)
    for board in Board.objects.all():
        columns = list(board.columns.order_by("position").annotate(n=Count("tasks")))
        assert [c.name for c in columns] == ["Backlog", "To do", "In progress", "Review", "Done"]
        assert [c.is_done for c in columns] == [False, False, False, False, True]
        in_progress = columns[2]
        assert in_progress.wip_limit is not None and 0 < in_progress.n <= in_progress.wip_limit
        assert all(c.n > 0 for c in columns)  # every column shows something
        roles = dict(
            BoardMembership.objects.filter(board=board, user__email__endswith="@mona-spark.test").values_list(
                "user__email", "role"
            )
        )
        assert roles["admin@mona-spark.test"] == "owner" and "manager@mona-spark.test" in roles
    label_ops = Board.objects.get(name="Label ops")
    assert label_ops.visibility == Board.Visibility.MEMBERS
    assert not label_ops.memberships.filter(user__email="viewer@mona-spark.test").exists()
    assert Board.objects.get(name="Social content").wip_policy == Board.WipPolicy.WARN


def test_tasks_are_consistent(seeded):
    now = timezone.now()
    tasks = Task.objects.select_related("column")
    assert not tasks.filter(start_at__gt=F("due_at")).exists()
    assert not tasks.filter(column__is_done=True, completed_at__isnull=True).exists()
    assert not tasks.filter(column__is_done=False, completed_at__isnull=False).exists()
    assert not tasks.exclude(column__board_id=F("board_id")).exists()
    open_tasks = tasks.filter(completed_at__isnull=True)
    assert open_tasks.filter(due_at__lt=now).exists()  # some overdue
    assert open_tasks.filter(due_at__gte=now, due_at__lt=now + timedelta(days=7)).exists()  # due this week
    assert tasks.filter(due_at__isnull=True).exists()
    assert tasks.filter(assignees__isnull=False).distinct().count() > 120
    assert tasks.exclude(description="").count() > 60
    assert tasks.filter(estimate_hours__isnull=False).count() > 50
    assert tasks.filter(labels__isnull=False).distinct().count() > 80
    assert set(tasks.values_list("priority", flat=True)) == {0, 1, 2, 3}
    assert tasks.filter(responsible__isnull=False, accountable__isnull=False).exists()
    assert ChecklistItem.objects.filter(task__isnull=False, done=True).exists()
    # sparse positions, distinct in every column
    positions = Task.objects.values("column").annotate(
        n=Count("pk"), distinct=Count("position", distinct=True)
    )
    assert all(row["n"] == row["distinct"] for row in positions)
    assert not Task.objects.exclude(position__gte=g.POSITION_GAP).exists()
    assert all(p % g.POSITION_GAP == 0 for p in Task.objects.values_list("position", flat=True))
    # created before the work, comments after their task
    assert not Task.objects.filter(created_at__gt=now).exists()
    assert not Comment.objects.filter(created_at__lt=F("task__created_at")).exists()
    kinds = set(TaskLink.objects.values_list("content_type__model", flat=True))
    assert {"artist", "deal"} <= kinds


def test_comments_mention_the_people_they_name(seeded):
    mentioned = Comment.objects.filter(mentions__isnull=False).distinct()
    assert mentioned.exists()
    for comment in mentioned.select_related("task__board").prefetch_related("mentions"):
        seeded = set(comment.mentions.all())
        # what the comment service would resolve from the text (first names may be shared: a superset)
        assert seeded and seeded <= set(mentioned_users(body=comment.body, task=comment.task))
    for comment in Comment.objects.filter(mentions__isnull=True):
        assert "@" not in comment.body


def test_recurring_tasks_are_series_with_one_open_occurrence(seeded):
    report = Task.objects.filter(title="Weekly social report").order_by("due_at")
    assert report.count() == 5 and {t.recurrence for t in report} == {"FREQ=WEEKLY;BYDAY=MO"}
    root, *rest = report
    assert root.series_root_id is None and all(t.series_root_id == root.pk for t in rest)
    assert [t.completed_at is None for t in report] == [False] * 4 + [True]
    assert [t.next_spawned for t in report] == [True] * 4 + [False]
    assert all(timezone.localtime(t.due_at).weekday() == 0 for t in report)
    assert Task.objects.exclude(recurrence="").count() == RECURRING


def test_events_make_a_season(seeded):
    today = timezone.localdate()
    events = Event.objects.all()
    assert set(events.values_list("kind", flat=True)) == {k for k, _ in Event.Kind.choices}
    assert not events.filter(ends_at__lt=F("starts_at")).exists()
    dates = [timezone.localtime(e.starts_at).date() for e in events.filter(recurrence="")]
    assert min(dates) >= today - timedelta(days=g.EVENT_DAYS) and max(dates) <= today + timedelta(
        days=g.EVENT_DAYS
    )
    cities = " ".join(events.values_list("location", flat=True))
    assert all(city in cities for city in ("Paris", "Lyon", "Marseille"))
    assert events.filter(artists__isnull=False).distinct().count() > 50
    assert events.filter(members__isnull=False).distinct().count() == events.count()
    for event in events.filter(all_day=True):  # midnight to midnight in Paris
        start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
        assert (start.hour, start.minute, end.hour) == (0, 0, 0) and end.date() == start.date() + timedelta(
            days=1
        )
    assert events.filter(status="done").exists() and events.filter(status="confirmed").exists()


def test_recurring_events_have_valid_rules(seeded):
    recurring = Event.objects.exclude(recurrence="")
    assert recurring.count() == 3
    meeting = recurring.get(title="Réunion d'équipe hebdo")
    assert meeting.recurrence == "FREQ=WEEKLY;BYDAY=MO" and len(meeting.exdates) == 1
    assert timezone.localtime(meeting.starts_at).hour == 10
    assert meeting.members.filter(email="manager@mona-spark.test").exists()
    for event in recurring:
        assert (
            normalize_rrule(event.recurrence, start=event.starts_at, tz_name=event.time_zone)
            == event.recurrence
        )


def test_some_people_or_artists_are_double_booked(seeded):
    clashes = 0
    for event in Event.objects.filter(recurrence="").prefetch_related("artists", "members"):
        overlapping = Event.objects.filter(
            recurrence="", starts_at__lt=event.ends_at, ends_at__gt=event.starts_at
        ).exclude(pk=event.pk)
        shared = Q(artists__in=[a.pk for a in event.artists.all()]) | Q(
            members__in=[m.pk for m in event.members.all()]
        )
        clashes += overlapping.filter(shared).exists()
    assert clashes >= 3


def test_sizes_reach_the_benchmark_at_scale_100():
    size = g.sizes(100)
    assert (size.boards, size.tasks, size.events, size.benchmark) == (50, 20_000, 5_000, True)
    assert not g.sizes(1).benchmark
    rng = random.Random(1)
    artists = [(i, f"Artist {i}") for i in range(40)]
    regular = size.tasks - g.BENCHMARK_TASKS - RECURRING
    plans = g.board_plans(size, rng=rng, artists=artists, cities=["Paris"], regular_tasks=regular)
    assert len(plans) == 50 and sum(p.tasks for p in plans) == size.tasks - RECURRING
    bench = [p for p in plans if p.benchmark]
    assert [(p.name, p.tasks) for p in bench] == [(g.BENCHMARK_BOARD, 500)]
    assert len({p.name for p in plans}) == 50
    counts = g.column_counts(500, rng=rng, benchmark=True)
    assert sum(counts) == 500 and min(counts) > 0
    counts = g.column_counts(400, rng=rng)
    assert sum(counts) == 400 and sum(counts[:4]) <= g.OPEN_CAP[1]
    assert g.wip_limit(5, 3) == 5 and g.wip_limit(5, 40) == 50 and g.wip_limit(None, 9) is None
