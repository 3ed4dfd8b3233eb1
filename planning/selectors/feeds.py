"""Reads of the iCal feed: the feed of a token, and what it holds (the person's events and due tasks)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from planning.models import CalendarFeed, Event, Task
from planning.permissions import can_view_planning, tasks_visible_to
from planning.services.feeds import token_digest

PAST = timedelta(days=180)  # how far back a subscriber sees


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed of ``token`` whose owner still has planning access, or None."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_digest(token)).first()
    if feed is None or not feed.user.is_active or not can_view_planning(feed.user):
        return None
    return feed


def feed_events(*, user: Any, now=None) -> QuerySet:
    """Events ``user`` attends (a team member of): recent and coming ones, and every series."""
    since = (now or timezone.now()) - PAST
    mine = Event.members.through.objects.filter(user_id=user.pk).values("event_id")
    return (
        Event.objects.filter(pk__in=mine)
        .filter(Q(ends_at__gte=since) | ~Q(recurrence=""))
        .order_by("starts_at", "pk")
    )


def feed_tasks(*, user: Any, now=None) -> QuerySet:
    """Open tasks assigned to ``user`` with a due date, on boards they can see."""
    since = (now or timezone.now()) - PAST
    mine = Task.assignees.through.objects.filter(user_id=user.pk).values("task_id")
    return (
        tasks_visible_to(user)
        .filter(pk__in=mine, completed_at__isnull=True, due_at__isnull=False, due_at__gte=since)
        .select_related("board")
        .order_by("due_at", "pk")
    )
