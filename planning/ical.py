"""iCalendar (RFC 5545) of events and due tasks, built with the ``icalendar`` library: one event as a .ics
download, and each person's private feed (their events and their open dated tasks) that Google Calendar,
Outlook or Apple Calendar subscribe to.

Timed events carry their own time zone (``DTSTART;TZID=Europe/Paris`` and a ``VTIMEZONE``) so a weekly 20:00
stays at 20:00 in the subscriber's calendar across daylight-saving changes; all-day events and tasks are
``VALUE=DATE``. ``UID`` is stable (``event-<pk>@mona-spark``); ``SEQUENCE`` grows with each change.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from planning.models import Event, Task

PRODID = "-//MONA x SPARK//Planning//EN"
UID_DOMAIN = "mona-spark"
SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
TASK_LENGTH = timedelta(minutes=30)
STATUS = {
    Event.Status.TENTATIVE: "TENTATIVE",
    Event.Status.CONFIRMED: "CONFIRMED",
    Event.Status.DONE: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
}


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _sequence(updated_at: datetime | None) -> int:
    if updated_at is None:
        return 0
    return max(0, int((updated_at - SEQUENCE_EPOCH).total_seconds()))


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{UID_DOMAIN}"


def task_uid(task: Task) -> str:
    return f"task-{task.pk}@{UID_DOMAIN}"


def event_component(event: Event, *, base_url: str = "", stamp: datetime | None = None) -> VEvent:
    zone = _zone(event.time_zone)
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp or timezone.now())
    vevent.add("sequence", _sequence(event.updated_at))
    vevent.add("summary", event.title)
    if event.all_day:
        vevent.add("dtstart", event.starts_at.astimezone(zone).date())
        vevent.add("dtend", event.ends_at.astimezone(zone).date())
    else:
        vevent.add("dtstart", event.starts_at.astimezone(zone))
        vevent.add("dtend", event.ends_at.astimezone(zone))
    if event.recurrence:
        vevent.add("rrule", vRecur.from_ical(event.recurrence))
        for skipped in event.exdates:
            local = skipped.astimezone(zone)
            vevent.add("exdate", local.date() if event.all_day else local)
    place = ", ".join(part for part in (event.venue, event.location) if part)
    if place:
        vevent.add("location", place)
    if event.notes:
        vevent.add("description", event.notes)
    vevent.add("status", STATUS.get(event.status, "CONFIRMED"))
    vevent.add("categories", [event.get_kind_display()])
    if event.created_at:
        vevent.add("created", event.created_at.astimezone(UTC))
    if event.updated_at:
        vevent.add("last-modified", event.updated_at.astimezone(UTC))
    if base_url:
        vevent.add("url", base_url + reverse("planning:event-detail", args=[event.pk]))
    return vevent


def task_component(
    task: Task, *, base_url: str = "", zone: Any = None, stamp: datetime | None = None
) -> VEvent:
    """A due task as an event: on its due day (all-day tasks) or for half an hour at its due time."""
    from django.utils.translation import gettext as _

    vevent = VEvent()
    vevent.add("uid", task_uid(task))
    vevent.add("dtstamp", stamp or timezone.now())
    vevent.add("sequence", _sequence(getattr(task, "updated_at", None)))
    vevent.add("summary", _("Due: %(title)s") % {"title": task.title})
    if task.all_day:
        day = task.due_at.astimezone(zone or UTC).date()
        vevent.add("dtstart", day)
        vevent.add("dtend", day + timedelta(days=1))
    else:
        vevent.add("dtstart", task.due_at.astimezone(UTC))
        vevent.add("dtend", task.due_at.astimezone(UTC) + TASK_LENGTH)
    vevent.add("description", f"{task.board.name}\n\n{task.description}".strip())
    vevent.add("categories", [_("Task")])
    if base_url:
        vevent.add("url", base_url + reverse("planning:task-detail", args=[task.pk]))
    return vevent


def _finish(cal: Calendar) -> bytes:
    cal.add_missing_timezones()
    return cal.to_ical()


def event_ics(event: Event, *, base_url: str = "") -> bytes:
    cal = _calendar(event.title)
    cal.add_component(event_component(event, base_url=base_url))
    return _finish(cal)


def feed_ics(
    *, name: str, events: Iterable[Event], tasks: Iterable[Task], base_url: str = "", zone: Any = None
) -> bytes:
    stamp = timezone.now()
    cal = _calendar(name)
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for event in events:
        cal.add_component(event_component(event, base_url=base_url, stamp=stamp))
    for task in tasks:
        cal.add_component(task_component(task, base_url=base_url, zone=zone, stamp=stamp))
    return _finish(cal)
