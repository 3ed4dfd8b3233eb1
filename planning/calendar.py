"""The one calendar's sources: tasks and events are registered by Planning; later modules (content
publications, live shows) register theirs the same way, from their ``shell.register()``::

    from planning.calendar import CalendarItem, CalendarSource, register_source

    register_source(CalendarSource(
        key="streaming.shows", label=_("Live shows"), color="#dc3545", order=40,
        can_view=can_view_streaming,              # (user) -> bool: whether the source is offered at all
        items=show_items,                         # (user, start, end, params) -> list[CalendarItem]
        move=show_move,                           # optional (user, item_id, start, end, all_day) -> CalendarItem
        can_move=can_run_shows,                   # optional (user) -> bool
        feed_props=("venue", "artists"),          # optional: the ``extra`` keys the page reads (None: all)
    ))

``items`` answers every item overlapping ``[start, end)`` (aware datetimes, UTC) that ``user`` may see, in a
constant number of queries; ``params`` is the feed request's QueryDict (filters: ``artist``, ``member``,
``kind``…, a source ignores the ones it does not know). ``move`` saves a drag or a resize (raising
``ValidationError`` with a message for people, ``PermissionDenied``, or ``Http404``) and returns the item as
saved. After any change of an item, the writer calls :func:`calendar_changed` (after commit, one frame to every
open calendar: they refetch).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise

LIVE_GROUP = "planning.calendar"


@dataclass
class CalendarItem:
    """One item as FullCalendar reads it (``as_json``). ``id`` is unique within its source (an occurrence of
    a recurring event is ``"<event pk>@<start as UTC ISO>"``)."""

    id: str
    title: str
    start: datetime
    end: datetime | None = None
    all_day: bool = False
    url: str = ""  # where clicking leads (a page, or a side panel URL for htmx)
    color: str = ""  # overrides the source's colour
    editable: bool = False  # may the viewer drag / resize it
    duration_editable: bool = True
    classes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # extendedProps (kind, status, artists…)


@dataclass
class CalendarSource:
    key: str
    label: str | Promise
    color: str
    items: Callable[[Any, datetime, datetime, Mapping], list[CalendarItem]]
    can_view: Callable[[Any], bool]
    move: Callable[..., CalendarItem] | None = None
    can_move: Callable[[Any], bool] = field(default=lambda user: False)
    order: int = 100
    # the keys of ``CalendarItem.extra`` the calendar page reads (its extendedProps; None: all of them): the
    # feed of a month holds ~2,000 items, the rest stays for the API and the server's own readers
    feed_props: tuple[str, ...] | None = None


_sources: dict[str, CalendarSource] = {}


def register_source(source: CalendarSource) -> CalendarSource:
    _sources[source.key] = source
    return source


def get_source(key: str) -> CalendarSource:
    try:
        return _sources[key]
    except KeyError:
        raise LookupError(key) from None


def sources_for(user: Any) -> list[CalendarSource]:
    return sorted((s for s in _sources.values() if s.can_view(user)), key=lambda s: (s.order, s.key))


def calendar_changed(*, source: str, item_id: str = "", by: Any = None) -> None:
    """Tell every open calendar that ``source`` changed (after the current transaction commits)."""
    from core.live import publish

    publish(
        LIVE_GROUP,
        event="calendar.changed",
        data={"source": source, "id": str(item_id), "by": getattr(by, "pk", None)},
    )
