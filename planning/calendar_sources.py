"""Planning's own calendar sources (registered from :mod:`planning.shell_parts.calendar`): ``tasks`` (the tasks
with a start or a due date that the viewer may see) and ``events`` (expanded occurrences, from
:func:`planning.selectors.events.events_between`).

Dates, as every source of :mod:`planning.calendar` gives and takes them:

* timed items: aware datetimes (any zone; the feed shows them in the viewer's time zone);
* all-day items: aware midnights *in the zone the date belongs to* (the site's zone for an all-day task, the
  event's own zone for an all-day event); the feed takes their date as is, so an all-day item stays on its day
  for a viewer in New York as in Paris. ``end`` is exclusive (the day after the last day) or None;
* ``move(user, item_id, start, end, all_day, scope=None)`` gets the same: a timed drop as aware datetimes, an
  all-day drop as midnights in the viewer's time zone (only their date counts).
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from planning import permissions
from planning.calendar import CalendarItem, CalendarSource

TASKS, EVENTS = "tasks", "events"
TASK_COLOR = "#6f42c1"
EVENT_COLOR = "#0d6efd"
# one colour per event type (extendedProps.kind); the filter's legend shows the same
KIND_COLORS = {
    "concert": "#d63384",
    "shoot": "#fd7e14",
    "meeting": "#0d6efd",
    "release": "#198754",
    "live": "#dc3545",
    "other": "#6c757d",
}
DONE_COLOR = "#adb5bd"
# what the calendar page (static/js/planning-calendar.js: the tooltip, the scope question of a series) reads of
# an item's ``extra``; the rest (due, done, priority…) is for the API and the dashboard's "Coming up"
TASK_PROPS = ("board", "column", "people")
EVENT_PROPS = ("kind", "kindLabel", "status", "statusLabel", "recurring", "venue", "artists", "people")


# --- shared helpers ------------------------------------------------------------------------------------------


def zone_of(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def user_zone(user: Any) -> zoneinfo.ZoneInfo:
    return zone_of(getattr(user, "time_zone", None))


def site_zone() -> zoneinfo.ZoneInfo:
    return zone_of(settings.TIME_ZONE)


def midnight(day, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


@functools.lru_cache(maxsize=16)
def _url_pattern(name: str) -> str:
    """``reverse(name, args=[pk])`` as a pattern with ``{pk}``: reversing once per item costs too much on a
    month of 2,000 items. "" when that page is not built."""
    try:
        return reverse(name, args=[999999999]).replace("999999999", "{pk}")
    except NoReverseMatch:
        return ""


def _url(name: str, pk: int) -> str:
    pattern = _url_pattern(name)
    return pattern.replace("{pk}", str(int(pk))) if pattern else ""


def values(params: Mapping | None, key: str) -> list[str]:
    """``?member=1,2&member=3`` → ``["1", "2", "3"]``."""
    if not params:
        return []
    raw = params.getlist(key) if hasattr(params, "getlist") else params.get(key) or []
    raw = raw if isinstance(raw, list | tuple) else [raw]
    return [part.strip() for item in raw for part in str(item).split(",") if part.strip()]


def ids(found: Iterable[str], *, me: Any = None) -> list[int]:
    return [me.pk if v == "me" and me is not None else int(v) for v in found if v.isdigit() or v == "me"]


def _check_order(start: datetime, end: datetime | None) -> None:
    if end is not None and end < start:
        raise ValidationError(gettext("The end is before the start."), code="end_before_start")


# --- tasks ---------------------------------------------------------------------------------------------------


def _task_query(user: Any, start: datetime, end: datetime, params: Mapping | None):
    from planning.models import Task

    slack = timedelta(days=1)  # all-day tasks: their date is in the site's zone, the window in the viewer's
    lo, hi = start - slack, end + slack
    qs = (
        permissions.tasks_visible_to(user)
        .filter(Q(start_at__lt=hi) | Q(start_at__isnull=True, due_at__lt=hi))
        .filter(Q(due_at__gte=lo) | Q(due_at__isnull=True, start_at__gte=lo))
    )
    members = ids(values(params, "member"), me=user)
    if members:
        assigned = Task.assignees.through.objects.filter(user_id__in=members).values("task_id")
        qs = qs.filter(Q(pk__in=assigned) | Q(responsible_id__in=members))
    artists = ids(values(params, "artist"))
    if artists:
        from django.contrib.contenttypes.models import ContentType

        from crm.models import Artist
        from planning.models import TaskLink

        linked = TaskLink.objects.filter(
            content_type=ContentType.objects.get_for_model(Artist), object_id__in=artists
        ).values("task_id")
        qs = qs.filter(pk__in=linked)
    boards = ids(values(params, "board"))
    if boards:
        qs = qs.filter(board_id__in=boards)
    # values, not models: a month holds ~1,000 tasks, and building them (with board and column) costs 3x more
    return qs.order_by("due_at", "pk").values_list(*TASK_ROW)


# one task of the feed, as ``_task_query`` reads it (the board: what its permission check reads)
TASK_ROW = (
    *("pk", "title", "start_at", "due_at", "all_day", "priority", "completed_at", "recurrence"),
    *("board_id", "board__name", "board__visibility", "board__archived", "column__name"),
)


class _Board:
    """What ``permissions.can_edit_board`` reads of a board (``pk``, ``visibility``, ``archived``)."""

    __slots__ = ("archived", "name", "pk", "visibility")

    def __init__(self, pk: int, name: str, visibility: str, archived: bool) -> None:
        self.pk, self.name, self.visibility, self.archived = pk, name, visibility, archived


def choice_labels() -> dict[str, dict]:
    """Display labels of priorities, event types and statuses, translated once per feed (not per item:
    ``get_FOO_display`` costs too much on a month of 2,000 items)."""
    from planning.models import Event, Task

    def labels(choices):
        return {value: str(label) for value, label in choices}

    return {
        "priority": labels(Task.Priority.choices),
        "kind": labels(Event.Kind.choices),
        "status": labels(Event.Status.choices),
    }


def names_by(through: Any, owner_field: str, ids: list[int], *, person: str) -> dict[int, list[str]]:
    """``{owner id: [names]}`` from a many-to-many table in one query. ``person``: "user" (full name, else
    e-mail) or "artist" (stage name). Plain SQL with the ids as one array parameter: a month holds ~1,000
    owners, and the ORM's ``__in`` (one parameter each) then values rows costs several times more."""
    if not ids:
        return {}
    from django.db import connection

    quote = connection.ops.quote_name
    meta = through._meta
    owner = quote(meta.get_field(owner_field).column)
    link = meta.get_field(person)
    other = link.related_model._meta
    columns = ("stage_name",) if person == "artist" else ("first_name", "last_name", "email")
    selected = ", ".join(f"p.{quote(other.get_field(c).column)}" for c in columns)
    order = ", ".join(f"p.{quote(other.get_field(c).column)}" for c in columns[:2])
    sql = (  # identifiers from the models' metadata, quoted; the ids: one parameter
        f"SELECT t.{owner}, {selected} FROM {quote(meta.db_table)} t "  # noqa: S608
        f"JOIN {quote(other.db_table)} p ON p.{quote(other.pk.column)} = t.{quote(link.column)} "
        f"WHERE t.{owner} = ANY(%s) ORDER BY {order}, t.{quote(link.column)}"
    )
    found: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(ids)])
        rows = cursor.fetchall()
    if person == "artist":
        for pk, name in rows:
            found.setdefault(pk, []).append(name)
        return found
    for pk, first, last, email in rows:
        found.setdefault(pk, []).append(f"{first} {last}".strip() or email)
    return found


def task_item(
    task: Any, *, editable: bool, labels: dict | None = None, people: list[str] | None = None
) -> CalendarItem:
    """One task (a model instance) as a calendar item: start → due when it has both, else a point on its
    one date."""
    if people is None:
        people = [u.get_full_name() or u.email for u in task.assignees.all()]
    return _task_item(
        (task.pk, task.title, task.start_at, task.due_at, task.all_day, task.priority, task.completed_at),
        recurring=bool(task.recurrence),
        board=task.board.name,
        column=task.column.name,
        editable=editable,
        labels=labels or choice_labels(),
        people=people,
        zone=site_zone(),
        url=_url_pattern("planning:task-panel"),
    )


def _task_item(
    row: tuple,
    *,
    recurring: bool,
    board: str,
    column: str,
    editable: bool,
    labels: dict,
    people: list[str],
    zone: zoneinfo.ZoneInfo,
    url: str,
) -> CalendarItem:
    pk, title, start_at, due_at, all_day, priority, completed_at = row
    first = start_at or due_at
    last = due_at if start_at and due_at else None
    if all_day:  # its date(s) in the site's zone
        start = midnight(first.astimezone(zone).date(), zone)
        end = midnight(last.astimezone(zone).date() + timedelta(days=1), zone) if last else None
    else:
        start, end = first, last
    done = completed_at is not None
    classes = ["ms-cal-task", f"ms-cal-priority-{priority}"]
    if done:
        classes.append("ms-cal-done")
    return CalendarItem(
        id=str(pk),
        title=title,
        start=start,
        end=end,
        all_day=all_day,
        url=url.replace("{pk}", str(pk)) if url else "",
        color=DONE_COLOR if done else "",
        editable=editable,
        duration_editable=bool(start_at and due_at),
        classes=classes,
        extra={
            "kind": "task",
            "board": board,
            "column": column,
            "priority": priority,
            "priorityLabel": labels["priority"].get(priority, ""),
            "done": done,
            "people": people,
            "recurring": recurring,
            "due": due_at.isoformat() if due_at else None,
        },
    )


def _overlaps(item: CalendarItem, start: datetime, end: datetime, zone: zoneinfo.ZoneInfo) -> bool:
    if item.all_day:  # its date(s), read in the viewer's zone
        first = midnight(item.start.date(), zone)
        last = midnight(item.end.date(), zone) if item.end else first + timedelta(days=1)
        return first < end and last > start
    if item.end is None or item.end == item.start:
        return start <= item.start < end
    return item.start < end and item.end > start


def task_items(user: Any, start: datetime, end: datetime, params: Mapping | None) -> list[CalendarItem]:
    """The dated tasks ``user`` may see overlapping ``[start, end)``: three queries whatever their number
    (tasks with their board and column, assignees, the viewer's memberships of those boards). Filters:
    ``member`` (assigned or responsible; ``me``), ``artist`` (linked), ``board``; a ``kind`` filter (event
    types) leaves tasks out unless it names ``task``."""
    kinds = values(params, "kind")
    if kinds and "task" not in kinds:
        return []
    from planning.selectors.events import fetch_rows

    rows = fetch_rows(_task_query(user, start, end, params))
    boards: dict[int, _Board] = {}
    for row in rows:
        if row[8] not in boards:
            boards[row[8]] = _Board(row[8], row[9], row[10], row[11])
    permissions.prime_board_roles(user, boards.values())
    editable = {pk: permissions.can_edit_board(user, board) for pk, board in boards.items()}
    from planning.models import Task

    people = names_by(Task.assignees.through, "task_id", [row[0] for row in rows], person="user")
    zone, site, labels = user_zone(user), site_zone(), choice_labels()
    url = _url_pattern("planning:task-panel")
    found = []
    for row in rows:
        item = _task_item(
            row[:7],
            recurring=bool(row[7]),
            board=row[9],
            column=row[12],
            editable=editable[row[8]],
            labels=labels,
            people=people.get(row[0], []),
            zone=site,
            url=url,
        )
        if _overlaps(item, start, end, zone):
            found.append(item)
    return found


def _task_dates(task: Any, start: datetime, end: datetime | None, all_day: bool):
    """The task's new (start_at, due_at) after a drop at ``start``–``end``."""
    if all_day:  # midnights in the site's zone; ``end`` is exclusive: due on the day before it
        zone = site_zone()
        start = midnight(start.date(), zone)
        end = midnight(end.date() - timedelta(days=1), zone) if end else None
    elif end is None and task.start_at and task.due_at:  # an all-day task dropped on a time: no end given
        end = start + (timedelta(hours=1) if task.all_day else task.due_at - task.start_at)
    if task.start_at and task.due_at:
        return start, max(end or start, start)
    if task.due_at:
        return None, start
    return start, None


def task_move(
    user: Any, item_id: str, start: datetime, end: datetime | None, all_day: bool, scope: str | None = None
) -> CalendarItem:
    """Save a drag or a resize of a task through TASKS' ``task_update`` (which tells the open calendars)."""
    from planning.services.tasks import task_update

    _check_order(start, end)
    pk = str(item_id)
    if not pk.isdigit():
        raise Http404
    task = permissions.tasks_visible_to(user).select_related("board", "column").filter(pk=int(pk)).first()
    if task is None:
        raise Http404
    if not permissions.can_edit_board(user, task.board):
        raise PermissionDenied
    start_at, due_at = _task_dates(task, start, end, all_day)
    task = task_update(task=task, by=user, start_at=start_at, due_at=due_at, all_day=bool(all_day))
    return task_item(task, editable=True)


# --- events --------------------------------------------------------------------------------------------------


def event_item(
    occurrence: Any,
    *,
    editable: bool,
    show_artists: bool = True,
    labels: dict | None = None,
    artists: list[str] | None = None,
    people: list[str] | None = None,
) -> CalendarItem:
    labels = labels or choice_labels()
    event = occurrence.event
    if artists is None:
        artists = [a.stage_name for a in event.artists.all()]
    if people is None:
        people = [u.get_full_name() or u.email for u in event.members.all()]
    start, end = occurrence.start, occurrence.end
    if event.all_day:
        zone = zone_of(event.time_zone)
        start = midnight(start.astimezone(zone).date(), zone)
        end = midnight(end.astimezone(zone).date(), zone) if end else None
        if end is not None and end <= start:
            end = None
    status = event.status
    item_id = occurrence.id
    return CalendarItem(
        id=item_id,
        title=event.title,
        start=start,
        end=end,
        all_day=event.all_day,
        url=_event_url(event, item_id),
        color=KIND_COLORS.get(event.kind, EVENT_COLOR),
        editable=editable,
        classes=["ms-cal-event", f"ms-cal-kind-{event.kind}", f"ms-cal-status-{status}"],
        extra={
            "kind": event.kind,
            "kindLabel": labels["kind"].get(event.kind, ""),
            "status": status,
            "statusLabel": labels["status"].get(status, ""),
            "recurring": bool(event.recurrence),
            "event": event.pk,
            "venue": event.venue,
            "artists": artists if show_artists else [],
            "people": people,
        },
    )


def _event_url(event: Any, item_id: str) -> str:
    """The event's page; for a date of a series, that date (``?at=<UTC ISO>``, as EVENTS' page reads it)."""
    url = _url("planning:event-detail", event.pk)
    if url and event.recurrence:
        _pk, _sep, at = item_id.partition("@")
        if at:
            url += f"?at={at}"
    return url


def event_items(user: Any, start: datetime, end: datetime, params: Mapping | None) -> list[CalendarItem]:
    from crm.permissions import can_view_crm
    from planning.selectors.events import events_between

    editable = permissions.can_edit_events(user)
    from planning.models import Event

    show_artists = can_view_crm(user)
    labels = choice_labels()
    occurrences = events_between(user=user, start=start, end=end, params=params, people=False, rows=True)
    ids = list({occurrence.event.pk for occurrence in occurrences})
    artists = names_by(Event.artists.through, "event_id", ids, person="artist") if show_artists else {}
    people = names_by(Event.members.through, "event_id", ids, person="user")
    return [
        event_item(
            occurrence,
            editable=editable,
            show_artists=show_artists,
            labels=labels,
            artists=artists.get(occurrence.event.pk, []),
            people=people.get(occurrence.event.pk, []),
        )
        for occurrence in occurrences
    ]


def event_move(
    user: Any,
    item_id: str,
    start: datetime,
    end: datetime | None,
    all_day: bool,
    scope: str | None = None,
) -> CalendarItem:
    """Save a drag or a resize of an event, or of one occurrence of a series (``scope="one"``) or of the whole
    series (``scope="series"``), through EVENTS' ``event_move``. Double bookings come back as
    ``item.extra["warnings"]`` (the move is saved)."""
    from planning.selectors.events import Occurrence, occurrence_end, parse_occurrence_id
    from planning.services import events as services

    _check_order(start, end)
    try:
        pk, occurrence_start = parse_occurrence_id(item_id)
    except ValueError:
        raise Http404 from None
    event = permissions.events_visible_to(user).filter(pk=pk).first()
    if event is None:
        raise Http404
    if not permissions.can_edit_events(user, event):
        raise PermissionDenied
    if scope not in ("one", "series"):
        scope = "series"
    if all_day:
        zone = zone_of(event.time_zone)
        start = midnight(start.date(), zone)
        end = midnight(end.date(), zone) if end else start + timedelta(days=1)
    elif end is None:  # an all-day event dropped on a time: FullCalendar gives no end
        end = start + (timedelta(hours=1) if event.all_day else event.ends_at - event.starts_at)
    result = services.event_move(
        event=event,
        occurrence_start=occurrence_start,
        start=start,
        end=end,
        all_day=bool(all_day),
        scope=scope,
        by=user,
    )
    saved, conflicts = result, getattr(result, "conflicts", None) or []
    if saved.recurrence and saved.pk == event.pk and occurrence_start is not None:
        moved = Occurrence(saved, start, occurrence_end(saved, start))
    else:
        moved = Occurrence(saved, saved.starts_at, saved.ends_at)
    item = event_item(moved, editable=True)
    item.extra["warnings"] = [conflict_message(c) for c in conflicts or []]
    return item


def conflict_message(conflict: Any) -> str:
    """A double booking as one sentence: "Léa Martin is already booked: Shoot (12/03/2026 20:00)"."""
    from django.utils import formats, timezone

    people = list(getattr(conflict, "people", []) or [])
    event = getattr(conflict, "event", None)
    if event is None or not people:
        return str(conflict)
    when = formats.date_format(timezone.localtime(conflict.start), "D j M H:i")
    return ngettext(
        "%(people)s is already booked: %(event)s (%(when)s)",
        "%(people)s are already booked: %(event)s (%(when)s)",
        len(people),
    ) % {"people": ", ".join(people), "event": event.title, "when": when}


# --- registration --------------------------------------------------------------------------------------------


def register_sources() -> None:
    from planning.calendar import register_source

    register_source(
        CalendarSource(
            key=TASKS,
            label=_("Tasks"),
            color=TASK_COLOR,
            order=10,
            items=task_items,
            can_view=permissions.can_view_planning,
            move=task_move,
            can_move=permissions.can_plan,
            feed_props=TASK_PROPS,
        )
    )
    register_source(
        CalendarSource(
            key=EVENTS,
            label=_("Events"),
            color=EVENT_COLOR,
            order=20,
            items=event_items,
            can_view=permissions.can_view_planning,
            move=event_move,
            can_move=permissions.can_edit_events,
            feed_props=EVENT_PROPS,
        )
    )
