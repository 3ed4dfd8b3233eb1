"""Reads of events: the occurrences overlapping a window (recurring series expanded in their time zone), one
event for a page, and the event list.

``events_between`` answers in a constant number of queries whatever the number of events: one for the plain
events in the window (index ``planning_event_range``), one for the recurring series that started before the
window's end, then one each for their artists and members.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from crm.models import Artist
from planning.models import Event
from planning.permissions import events_visible_to
from planning.recurrence import occurrences

ID_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass
class Occurrence:
    """One occurrence of an event: the event itself when it does not repeat, else one date of its series.
    ``id`` is ``"<pk>"`` for a plain event, ``"<pk>@<start, UTC ISO>"`` for an occurrence of a series."""

    event: Event  # or an EventRow (events_between(rows=True))
    start: datetime
    end: datetime

    @property
    def recurring(self) -> bool:
        return bool(self.event.recurrence)

    @property
    def id(self) -> str:
        return occurrence_id(self.event, self.start)

    @property
    def iso(self) -> str:
        """The start as a UTC ISO instant (the ``?at=`` of an occurrence's page)."""
        return self.start.astimezone(UTC).strftime(ID_FORMAT)

    @property
    def all_day(self) -> bool:
        return self.event.all_day

    @property
    def title(self) -> str:
        return self.event.title


def occurrence_id(event: Event, start: datetime | None = None) -> str:
    if not event.recurrence or start is None:
        return str(event.pk)
    return f"{event.pk}@{start.astimezone(UTC).strftime(ID_FORMAT)}"


def parse_occurrence_id(value: str) -> tuple[int, datetime | None]:
    """``"42"`` → (42, None); ``"42@2026-03-01T19:00:00Z"`` → (42, that instant). ValueError when malformed."""
    pk, sep, when = str(value).partition("@")
    if not sep:
        return int(pk), None
    parsed = datetime.strptime(when, ID_FORMAT).replace(tzinfo=UTC)
    return int(pk), parsed


def wall_duration(event: Event) -> timedelta:
    """The event's length as a wall-clock difference in its time zone (a 1-day all-day event stays one day
    long on the day clocks change)."""
    zone = _zone(event.time_zone)
    start = event.starts_at.astimezone(zone).replace(tzinfo=None)
    end = event.ends_at.astimezone(zone).replace(tzinfo=None)
    return end - start


def occurrence_end(event: Event, start: datetime) -> datetime:
    """The end of the occurrence of ``event`` that starts at ``start`` (same wall-clock length)."""
    if not event.recurrence:
        return event.ends_at
    zone = _zone(event.time_zone)
    local = start.astimezone(zone).replace(tzinfo=None) + wall_duration(event)
    return local.replace(tzinfo=zone).astimezone(UTC)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def expand(event: Event, start: datetime, end: datetime) -> list[Occurrence]:
    """The occurrences of ``event`` overlapping ``[start, end)``."""
    duration = event.ends_at - event.starts_at
    if not event.recurrence:
        overlaps = event.starts_at < end and (event.ends_at > start if duration else event.starts_at >= start)
        return [Occurrence(event, event.starts_at, event.ends_at)] if overlaps else []
    # a little slack for a day of daylight-saving difference; each occurrence is then checked exactly
    starts = occurrences(
        event.recurrence,
        start=event.starts_at,
        tz_name=event.time_zone,
        window_start=start - timedelta(hours=2),
        window_end=end,
        duration=duration,
        exdates=event.exdates,
    )
    found = []
    for begin in starts:
        finish = occurrence_end(event, begin)
        if begin < end and (finish > start if finish > begin else begin >= start):
            found.append(Occurrence(event, begin, finish))
    return found


def _values(params: Mapping | None, key: str) -> list[str]:
    if not params:
        return []
    if hasattr(params, "getlist"):
        raw = params.getlist(key)
    else:
        raw = params.get(key)
        raw = raw if isinstance(raw, list | tuple) else ([] if raw in (None, "") else [raw])
    values = []
    for item in raw:
        values.extend(part.strip() for part in str(item).split(",") if part.strip())
    return values


def _ids(values: Iterable[str], *, me: Any = None) -> list[int]:
    ids = []
    for value in values:
        if value == "me" and me is not None:
            ids.append(me.pk)
        elif value.isdigit():
            ids.append(int(value))
    return ids


def filtered(queryset: QuerySet, *, user: Any, params: Mapping | None) -> QuerySet:
    """``kind``, ``status``, ``artist``, ``member`` (``me`` for the viewer) filters; several values each."""
    kinds = [k for k in _values(params, "kind") if k in Event.Kind.values]
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    statuses = [s for s in _values(params, "status") if s in Event.Status.values]
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    artists = _ids(_values(params, "artist"))
    if artists:
        queryset = queryset.filter(
            pk__in=Event.artists.through.objects.filter(artist_id__in=artists).values("event_id")
        )
    members = _ids(_values(params, "member"), me=user)
    if members:
        queryset = queryset.filter(
            pk__in=Event.members.through.objects.filter(user_id__in=members).values("event_id")
        )
    return queryset


def _people_prefetches() -> list[Prefetch]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.only("pk", "first_name", "last_name", "email")
    return [
        Prefetch("artists", queryset=Artist.objects.only("pk", "stage_name").order_by("stage_name", "pk")),
        Prefetch("members", queryset=users.order_by("first_name", "last_name", "pk")),
    ]


def with_people(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(*_people_prefetches())


def fetch_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` queryset as tuples, its date-times read by psycopg's own (C) loader rather
    than Django's Python one (which parses each timestamp in Python: the calendar's month of ~1,000 tasks
    took 8 ms of CPU to read, 1.5 ms this way). Same values: aware datetimes in the connection's zone (UTC).
    One query, counted and logged like any other (Django's cursor). Used by the calendar's sources."""
    import psycopg
    from django.core.exceptions import EmptyResultSet
    from django.db import connections
    from psycopg.pq import Format

    connection = connections[queryset.db]
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        adapters = getattr(raw, "adapters", None)
        if adapters is not None:  # this cursor only (psycopg copies the map on write)
            oid = psycopg.adapters.types["timestamptz"].oid
            adapters.register_loader(oid, psycopg.adapters.get_loader(oid, Format.TEXT))
        cursor.execute(sql, params)
        return cursor.fetchall()


class EventRow:
    """An event read as plain values (:data:`ROW_FIELDS`), not a model instance: what the calendar's month
    feed reads of ~1,000 events (``events_between(rows=True)``), at a fraction of the cost of building models.
    It answers the attributes :func:`expand` and :class:`Occurrence` read, plus ``title``, ``kind``,
    ``status``, ``venue``."""

    def __init__(self, row: dict) -> None:
        self.__dict__.update(row)
        self.pk = row["id"]


ROW_FIELDS = (
    *("id", "title", "kind", "status", "all_day", "time_zone", "venue", "recurrence"),
    *("starts_at", "ends_at", "exdates"),
)


def events_between(
    *,
    user: Any,
    start: datetime,
    end: datetime,
    params: Mapping | None = None,
    people: bool = True,
    rows: bool = False,
) -> list[Occurrence]:
    """Every occurrence ``user`` may see overlapping ``[start, end)`` (aware datetimes), sorted by start.
    Four queries at most (plain events, series, artists, members); ``people=False`` skips the last two.
    ``rows=True``: each occurrence's ``event`` is an :class:`EventRow` (values, no people: two queries)."""
    base = filtered(events_visible_to(user), user=user, params=params).order_by()
    plain = base.filter(recurrence="", starts_at__lt=end, ends_at__gte=start)  # expand() is exact
    series = base.exclude(recurrence="").filter(starts_at__lt=end)
    if rows:
        events = [
            EventRow(dict(zip(ROW_FIELDS, row, strict=True)))
            for query in (plain, series)
            for row in fetch_rows(query.values_list(*ROW_FIELDS))
        ]
    else:
        events = [*plain, *series]
    if people and events and not rows:
        prefetch_related_objects(events, *_people_prefetches())
    found: list[Occurrence] = []
    for event in events:
        found.extend(expand(event, start, end))
    found.sort(key=lambda o: (o.start, o.event.pk))
    return found


def event_get(*, user: Any, pk: int) -> Event | None:
    return (
        with_people(events_visible_to(user).select_related("series_root", "created_by")).filter(pk=pk).first()
    )


def event_list(*, user: Any, when: str = "upcoming", params: Mapping | None = None) -> QuerySet:
    """Events for the list page: ``upcoming`` (not yet ended, or a series still running) soonest first,
    ``past`` (ended, plain events and detached occurrences) latest first."""
    now = timezone.now()
    queryset = filtered(events_visible_to(user), user=user, params=params)
    if when == "past":
        queryset = queryset.filter(ends_at__lt=now, recurrence="").order_by("-starts_at", "-pk")
    else:
        queryset = queryset.filter(Q(ends_at__gte=now) | ~Q(recurrence="")).order_by("starts_at", "pk")
    return with_people(queryset)
