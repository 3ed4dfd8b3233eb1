"""Template helpers of the task pages: dates as the reader reads them (an all-day task is due on a date, the
same for everybody), people's names, priority styles."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()

PRIORITY_CLASSES = {0: "text-bg-light", 1: "text-bg-secondary", 2: "text-bg-warning", 3: "text-bg-danger"}


@register.filter
def task_when(value: Any, all_day: bool = False) -> str:
    if value is None:
        return ""
    if all_day:
        return date_format(value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date(), "DATE_FORMAT")
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


@register.filter
def task_overdue(task: Any) -> bool:
    if task.due_at is None or task.completed_at is not None:
        return False
    if task.all_day:
        today = timezone.localdate()
        return task.due_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date() < today
    return task.due_at < timezone.now()


@register.filter
def person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


@register.filter
def priority_class(value: Any) -> str:
    return PRIORITY_CLASSES.get(value, "text-bg-secondary")


@register.filter
def task_repeat(task: Any) -> str:
    """The task's repeat rule in words ("Every week on Monday"), the rule itself if it cannot be described."""
    if not task.recurrence:
        return ""
    try:
        from planning.recurrence_words import describe

        return describe(task.recurrence, start=task.due_at or timezone.now(), tz_name=settings.TIME_ZONE)
    except Exception:  # noqa: BLE001 (a description is a nicety: the rule itself is always right)
        return task.recurrence
