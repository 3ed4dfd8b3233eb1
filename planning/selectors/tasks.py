"""Reads of tasks: the side panel (a constant number of queries, however many comments or checklist items),
"My tasks" across boards, the responsibilities view, a CRM artist's planning, and the people of a board."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from accounts import roles
from planning.links import kind_for_model
from planning.models import Attachment, Board, ChecklistItem, Comment, Task, TaskLink
from planning.permissions import READ_ROLES, events_visible_to, tasks_visible_to

User = get_user_model()


def board_people(board: Board) -> QuerySet:
    """The active people who can see ``board`` (one query): its members, the Admins, and on a board open to
    everyone in planning, every planning reader."""
    condition = Q(is_superuser=True) | Q(groups__name=roles.ADMIN) | Q(planning_memberships__board=board)
    if board.visibility == Board.Visibility.TEAM:
        condition |= Q(groups__name__in=READ_ROLES)
    ids = User.objects.filter(condition, is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "email")


def task_panel_get(*, user: Any, pk: Any) -> Task | None:
    """Everything the panel shows of task ``pk`` if ``user`` may see it: one query per relation."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    task = (
        tasks_visible_to(user)
        .filter(pk=pk)
        .select_related("board", "column", "responsible", "accountable", "created_by", "series_root")
        .prefetch_related(
            Prefetch("assignees", queryset=User.objects.order_by("first_name", "last_name", "email")),
            "labels",
            Prefetch("checklist", queryset=ChecklistItem.objects.order_by("position", "pk")),
            Prefetch(
                "comments",
                queryset=Comment.objects.select_related("author")
                .prefetch_related("mentions")
                .order_by("created_at", "pk"),
            ),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
            Prefetch("links", queryset=TaskLink.objects.select_related("content_type")),
        )
        .first()
    )
    if task is not None:
        task.resolved_links = resolve_links(user, list(task.links.all()))
    return task


@dataclass
class ShownLink:
    pk: int
    kind: Any  # the LinkKind, or None for a kind no longer registered
    title: str
    url: str
    hidden: bool  # the reader may not see the record


def resolve_links(user: Any, links: list[TaskLink]) -> list[ShownLink]:
    """The links' records as ``user`` sees them: one query per kind of record present."""
    by_type: dict[int, list[TaskLink]] = defaultdict(list)
    for link in links:
        by_type[link.content_type_id].append(link)
    shown = []
    for _type_id, group in by_type.items():
        model = group[0].content_type.model_class()
        kind = kind_for_model(model) if model is not None else None
        if kind is None:
            continue
        visible = {
            obj.pk: obj for obj in kind.visible(user).filter(pk__in=[link.object_id for link in group])
        }
        for link in group:
            target = visible.get(link.object_id)
            if target is None:
                shown.append(ShownLink(link.pk, kind, "", "", True))
            else:
                shown.append(ShownLink(link.pk, kind, kind.title(target), kind.url(target), False))
    return sorted(shown, key=lambda s: (str(s.kind.label), s.hidden, s.title.lower()))


# --- My tasks --------------------------------------------------------------------------------------------


@dataclass
class TaskGroup:
    key: str
    tasks: list = field(default_factory=list)


def open_tasks(user: Any) -> QuerySet:
    return tasks_visible_to(user).filter(completed_at__isnull=True, column__is_done=False)


def my_tasks(
    *, user: Any, board: Any = None, priority: Any = None, now: datetime | None = None
) -> list[TaskGroup]:
    """``user``'s open tasks (assigned, or responsible) across the boards they see, grouped: overdue, today,
    this week, later, no date, in ``user``'s time zone (the active one). Two queries."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    start_of_today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = start_of_today + timedelta(days=1)
    week_end = start_of_today + timedelta(days=7 - start_of_today.weekday())
    mine = Task.objects.filter(assignees=user).values("pk")
    tasks = (
        open_tasks(user)
        .filter(Q(pk__in=mine) | Q(responsible=user))
        .select_related("board", "column")
        .prefetch_related("labels")
        .order_by("due_at", "-priority", "pk")
    )
    if board:
        tasks = tasks.filter(board_id=board)
    if priority not in (None, ""):
        tasks = tasks.filter(priority=priority)
    groups = {key: TaskGroup(key) for key in ("overdue", "today", "week", "later", "none")}
    for task in tasks[:500]:
        due = task.due_at
        if due is None:
            key = "none"
        elif task.all_day:  # due on a date: midnight in the site's time zone
            day = due.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
            key = (
                "overdue"
                if day < start_of_today.date()
                else "today"
                if day == start_of_today.date()
                else "week"
                if day < week_end.date()
                else "later"
            )
        elif due < now:
            key = "overdue"
        elif due < tomorrow:
            key = "today"
        elif due < week_end:
            key = "week"
        else:
            key = "later"
        task.is_overdue = key == "overdue"
        groups[key].tasks.append(task)
    return list(groups.values())


# --- responsibilities ------------------------------------------------------------------------------------


@dataclass
class Load:
    person: Any
    responsible: int = 0
    accountable: int = 0
    open_tasks: int = 0
    hours: Decimal = Decimal(0)
    overdue: int = 0


def responsibilities(*, user: Any, board: Any = None, now: datetime | None = None) -> list[Load]:
    """Per person, over the open tasks ``user`` can see: how many they are responsible for, accountable for,
    their load (open tasks they are responsible for or assigned to, estimated hours) and how many are overdue.
    Four queries whatever the number of people."""
    now = now or timezone.now()
    tasks = open_tasks(user)
    if board:
        tasks = tasks.filter(board_id=board)
    loads: dict[int, Load] = {}

    def load(pk: int) -> Load:
        return loads.setdefault(pk, Load(person=None))

    for row in tasks.exclude(responsible=None).order_by().values("responsible").annotate(n=Count("pk")):
        load(row["responsible"]).responsible = row["n"]
    for row in tasks.exclude(accountable=None).order_by().values("accountable").annotate(n=Count("pk")):
        load(row["accountable"]).accountable = row["n"]
    # the load: each open task once per person, whether responsible or assigned
    through = Task.assignees.through
    assigned = through.objects.filter(task__in=tasks.values("pk")).values_list("user_id", "task_id")
    per_person: dict[int, set[int]] = defaultdict(set)
    for user_id, task_id in assigned:
        per_person[user_id].add(task_id)
    facts = {
        row["pk"]: row
        for row in tasks.filter(Q(responsible__isnull=False) | Q(assignees__isnull=False))
        .order_by()
        .values("pk", "responsible", "estimate_hours", "due_at")
        .distinct()
    }
    for pk, row in facts.items():
        if row["responsible"]:
            per_person[row["responsible"]].add(pk)
    for person_id, task_ids in per_person.items():
        entry = load(person_id)
        entry.open_tasks = len(task_ids)
        entry.hours = sum(
            (facts[t]["estimate_hours"] or Decimal(0) for t in task_ids if t in facts), Decimal(0)
        )
        entry.overdue = sum(
            1 for t in task_ids if t in facts and facts[t]["due_at"] and facts[t]["due_at"] < now
        )
    people = {u.pk: u for u in User.objects.filter(pk__in=list(loads)).order_by()}
    result = []
    for pk, entry in loads.items():
        if pk in people:
            entry.person = people[pk]
            result.append(entry)
    return sorted(result, key=lambda e: (-e.open_tasks, (e.person.get_full_name() or e.person.email).lower()))


def person_tasks(*, user: Any, person: Any, role: str, board: Any = None) -> QuerySet:
    """The open tasks ``user`` sees where ``person`` is ``role`` ("responsible", "accountable", "load")."""
    tasks = open_tasks(user).select_related("board", "column")
    if board:
        tasks = tasks.filter(board_id=board)
    if role == "accountable":
        tasks = tasks.filter(accountable=person)
    elif role == "responsible":
        tasks = tasks.filter(responsible=person)
    else:
        mine = Task.objects.filter(assignees=person).values("pk")
        tasks = tasks.filter(Q(responsible=person) | Q(pk__in=mine))
    return tasks.order_by("due_at", "-priority", "pk")


# --- a CRM artist's planning -----------------------------------------------------------------------------


def artist_planning(*, user: Any, artist: Any, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    content_type = ContentType.objects.get_for_model(type(artist))
    linked = TaskLink.objects.filter(content_type=content_type, object_id=artist.pk).values("task_id")
    tasks = (
        tasks_visible_to(user)
        .filter(pk__in=linked)
        .select_related("board", "column")
        .order_by("completed_at", "due_at", "pk")[:100]
    )
    events = (
        events_visible_to(user)
        .filter(artists=artist)
        .filter(Q(ends_at__gte=now) | ~Q(recurrence=""))
        .order_by("starts_at", "pk")[:50]
    )
    return {"tasks": list(tasks), "events": list(events)}


def tasks_search(*, user: Any, query: str, limit: int) -> QuerySet:
    text = (query or "").strip()
    if not text:
        return Task.objects.none()
    starts = Case(When(title__istartswith=text, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        tasks_visible_to(user)
        .filter(Q(title__icontains=text) | Q(description__icontains=text))
        .alias(rank=starts)
        .select_related("board", "column")
        .order_by("rank", F("completed_at").desc(nulls_first=True), "due_at", "pk")[:limit]
    )
