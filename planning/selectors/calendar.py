"""Reads of the one calendar: the feed (every source the viewer may see, as FullCalendar's event JSON), the
page's filter choices, and the dashboard's "Coming up".

Time zones. Datetimes are stored in UTC and shown in the viewer's zone (``user.time_zone``), whatever the zone
of the browser. The feed answers *wall-clock* strings in the viewer's zone without an offset
(``"2026-03-29T20:00:00"``; all-day items as dates) and the page runs FullCalendar with ``timeZone`` set to the
viewer's zone name and no time-zone plugin: FullCalendar then "coerces" every date (keeps the wall-clock as
given, does no conversion of its own), sends the range it asks for and every drop back as wall-clock strings,
and the server reads them in the viewer's zone (:func:`parse_wall`). The page gives FullCalendar its "now" in
the same zone (``static/js/planning-calendar.js``) so "today" is the viewer's today.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from planning.calendar import CalendarItem, CalendarSource, get_source, sources_for
from planning.calendar_sources import KIND_COLORS, user_zone

logger = logging.getLogger("planning.calendar")

MAX_RANGE_DAYS = 400
WALL_FORMAT = "%Y-%m-%dT%H:%M:%S"


# --- reading what the browser sends --------------------------------------------------------------------------


def parse_wall(value: str | None, zone: zoneinfo.ZoneInfo, *, field: str) -> tuple[datetime, bool]:
    """``(aware datetime, is_date)`` from what FullCalendar sends: a date (``2026-03-01``: midnight in ``zone``),
    a wall-clock time in ``zone`` (``2026-03-01T20:00:00``) or an ISO time with an offset or ``Z``.
    ``ValidationError`` naming ``field`` otherwise."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("“%(field)s” is missing.") % {"field": field}, code="missing")
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=zone), True
        parsed = datetime.fromisoformat(text.replace(" ", "+", 1) if text.count(" ") == 1 else text)
    except ValueError:
        raise ValidationError(
            _("“%(field)s” is not a date: “%(value)s”.") % {"field": field, "value": text[:40]},
            code="invalid",
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed, False


def parse_range(params: Mapping, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The feed's ``start`` / ``end``: both there, in order, and at most :data:`MAX_RANGE_DAYS` apart."""
    start, _d = parse_wall(params.get("start"), zone, field="start")
    end, _d = parse_wall(params.get("end"), zone, field="end")
    if end <= start:
        raise ValidationError(_("The end of the range must be after its start."), code="range_order")
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        raise ValidationError(
            _("Ask for at most %(days)d days at a time.") % {"days": MAX_RANGE_DAYS}, code="range_too_long"
        )
    return start, end


def chosen_sources(user: Any, keys: str | None) -> list[CalendarSource]:
    """The sources ``user`` may see, limited to ``keys`` ("tasks,events") when given; unknown keys are ignored
    (a link saved before a module was removed still opens)."""
    visible = sources_for(user)
    if keys is None:
        return visible
    wanted = {key.strip() for key in keys.split(",") if key.strip()}
    return [source for source in visible if source.key in wanted]


def movable_source(user: Any, key: str) -> CalendarSource | None:
    """The source ``key`` if ``user`` sees it and it can be moved at all (None: unknown or invisible)."""
    try:
        source = get_source(key)
    except LookupError:
        return None
    return source if source.can_view(user) else None


# --- writing what FullCalendar reads -------------------------------------------------------------------------


def _wall(value: datetime, zone: zoneinfo.ZoneInfo) -> str:
    """``WALL_FORMAT`` in ``zone`` (isoformat, cut after the seconds: cheaper than strftime)."""
    if value.tzinfo is not None:
        value = value.astimezone(zone)
    return value.isoformat()[:19]


def item_json(
    item: CalendarItem, *, source: CalendarSource, zone: zoneinfo.ZoneInfo, label: str | None = None
) -> dict[str, Any]:
    """One item in FullCalendar's event format, its times as wall-clock in ``zone`` (all-day: its own date).
    Lean, as a month holds ~2,000 of them: what FullCalendar takes by default is left out (``allDay`` unless
    true, ``editable`` unless true: the page's calendar is not editable by default), one ``color``, and in
    ``extendedProps`` only the source's ``feed_props`` that are set (falsy values left out); the page reads the
    source and the item's id from ``id``: ``"<source>:<item id>"``. ``label`` is unused (kept for callers)."""
    return _writer(source, zone)(item)


def _writer(source: CalendarSource, zone: zoneinfo.ZoneInfo) -> Callable[[CalendarItem], dict[str, Any]]:
    """:func:`item_json` for the items of one source, what they share worked out once."""
    prefix = f"{source.key}:"
    source_class = f"ms-cal-source-{source.key.replace('.', '-')}"
    default_color = source.color
    keys = source.feed_props

    def write(item: CalendarItem) -> dict[str, Any]:
        data: dict[str, Any] = {"id": prefix + item.id, "title": item.title}
        if item.all_day:
            data["start"] = item.start.date().isoformat()
            if item.end:
                data["end"] = item.end.date().isoformat()
            data["allDay"] = True
        else:
            data["start"] = _wall(item.start, zone)
            if item.end and item.end != item.start:
                data["end"] = _wall(item.end, zone)
        data["color"] = item.color or default_color
        if item.editable:
            data["editable"] = True
            if not item.duration_editable:
                data["durationEditable"] = False
        data["classNames"] = [source_class, *item.classes]
        if item.url:
            data["url"] = item.url
        extra = item.extra
        if keys is None:
            props = {key: value for key, value in extra.items() if value}
        else:
            props = {}
            for key in keys:
                value = extra.get(key)
                if value:
                    props[key] = value
        if props:
            data["extendedProps"] = props
        return data

    return write


def feed(
    *, user: Any, start: datetime, end: datetime, sources: Iterable[CalendarSource], params: Mapping | None
) -> list[dict[str, Any]]:
    """Every item of ``sources`` overlapping ``[start, end)`` as FullCalendar reads it. A source that fails is
    logged and left out (the rest of the calendar still shows)."""
    zone = user_zone(user)
    found: list[dict[str, Any]] = []
    for source in sources:
        try:
            items = source.items(user, start, end, params)
        except Exception:
            logger.exception("calendar source %s failed", source.key)
            continue
        found.extend(map(_writer(source, zone), items))
    return found


# --- the page's choices --------------------------------------------------------------------------------------


def kind_choices() -> list[dict[str, str]]:
    from planning.models import Event

    return [
        {"value": value, "label": str(label), "color": KIND_COLORS.get(value, "")}
        for value, label in Event.Kind.choices
    ]


def artist_choices(user: Any) -> list[tuple[int, str]]:
    """Artists that have events, as the viewer may see them (none for people outside the CRM)."""
    from crm.permissions import artists_visible_to, can_view_crm
    from planning.models import Event

    if not can_view_crm(user):
        return []
    with_events = Event.artists.through.objects.values("artist_id")
    return list(
        artists_visible_to(user)
        .filter(pk__in=with_events)
        .order_by("stage_name", "pk")
        .values_list("pk", "stage_name")
    )


def member_choices() -> list[tuple[int, str]]:
    """Active people of the planning roles."""
    from django.contrib.auth import get_user_model

    from planning.permissions import READ_ROLES

    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=READ_ROLES)
        .distinct()
        .only("pk", "first_name", "last_name", "email")
        .order_by("first_name", "last_name", "email")
    )
    return [(person.pk, person.get_full_name() or person.email) for person in people]


# --- the dashboard's "Coming up" -----------------------------------------------------------------------------


@dataclass
class ComingUp:
    day: date
    time: str  # "20:00", "" for all-day
    title: str
    url: str
    kind: str
    label: str  # "Concert", "Task"…
    color: str
    source: str


def coming_up(*, user: Any, days: int = 7, limit: int = 12) -> list[ComingUp]:
    """The next ``days`` days (today included) for ``user``: the events they attend and the open tasks they
    are assigned to (or responsible for) that fall due, soonest first."""
    from planning.calendar_sources import EVENTS, TASKS

    zone = user_zone(user)
    now = timezone.now()
    today = timezone.localtime(now, zone).date()
    first = datetime.combine(today, time(0), tzinfo=zone)
    end = datetime.combine(today + timedelta(days=days), time(0), tzinfo=zone)
    rows: list[tuple[datetime, ComingUp]] = []
    for source in chosen_sources(user, f"{TASKS},{EVENTS}"):
        try:
            items = source.items(user, first, end, {"member": "me"})
        except Exception:
            logger.exception("calendar source %s failed (coming up)", source.key)
            continue
        for item in items:
            if source.key == TASKS:
                due = item.extra.get("due")
                if item.extra.get("done") or not due:
                    continue
                when = datetime.fromisoformat(due)
                if item.all_day:
                    when = datetime.combine(when.astimezone(item.start.tzinfo).date(), time(0), tzinfo=zone)
                if not first <= when < end:
                    continue
            else:
                when = item.start
                if item.all_day:
                    when = datetime.combine(item.start.date(), time(0), tzinfo=zone)
                elif (item.end or item.start) < now:  # over already
                    continue
            rows.append((when, _coming(item, source, when, zone)))
    rows.sort(key=lambda row: (row[0], row[1].title))
    return [row for _key, row in rows][:limit]


def _coming(item: CalendarItem, source: CalendarSource, when: datetime, zone: zoneinfo.ZoneInfo) -> ComingUp:
    local = timezone.localtime(when, zone)
    is_task = source.key == "tasks"
    return ComingUp(
        day=local.date(),
        time="" if item.all_day else local.strftime("%H:%M"),
        title=item.title,
        url=_task_page(item.id) if is_task else item.url,  # the task's own page, not the side panel
        kind=item.extra.get("kind", source.key),
        label=item.extra.get("kindLabel") or (_("Task") if is_task else str(source.label)),
        color=item.color or source.color,
        source=source.key,
    )


def _task_page(pk: str) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("planning:task-detail", args=[int(pk)])
    except (NoReverseMatch, ValueError):
        return ""
