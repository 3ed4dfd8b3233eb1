"""Double bookings: an artist or a team member in two events at the same time. A conflict is a warning, never
a refusal (the person saving decides); cancelled events do not count, and recurring events are expanded in
the window, so a weekly rehearsal collides with a concert on one of its evenings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q

from planning.models import Event

POINT = timedelta(seconds=1)  # an event without a length occupies its instant


@dataclass
class Conflict:
    """``event`` (its occurrence ``start``–``end``) also has ``artists`` / ``members`` of the checked slot."""

    event: Event
    start: datetime
    end: datetime
    artists: list = field(default_factory=list)
    members: list = field(default_factory=list)

    @property
    def people(self) -> list[str]:
        names = [artist.stage_name for artist in self.artists]
        names += [member.get_full_name() or member.email for member in self.members]
        return names


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < max(b_end, b_start + POINT) and b_start < max(a_end, a_start + POINT)


def find_conflicts(
    *,
    start: datetime,
    end: datetime,
    artist_ids: Iterable[int] = (),
    member_ids: Iterable[int] = (),
    exclude_event_id: int | None = None,
) -> list[Conflict]:
    """Who of ``artist_ids`` / ``member_ids`` is already booked during ``[start, end)``, per event occurrence."""
    return find_conflicts_many(
        slots=[(start, end)],
        artist_ids=artist_ids,
        member_ids=member_ids,
        exclude_event_id=exclude_event_id,
    )


def find_conflicts_many(
    *,
    slots: list[tuple[datetime, datetime]],
    artist_ids: Iterable[int] = (),
    member_ids: Iterable[int] = (),
    exclude_event_id: int | None = None,
    limit: int = 20,
) -> list[Conflict]:
    """Conflicts of several slots (the occurrences of a recurring event) in one set of queries."""
    from planning.selectors.events import _people_prefetches, expand

    artist_ids, member_ids = set(artist_ids), set(member_ids)
    if not slots or not (artist_ids or member_ids):
        return []
    lo = min(s for s, _e in slots)
    hi = max(max(e, s + POINT) for s, e in slots)
    people = Q()
    if artist_ids:
        people |= Q(pk__in=Event.artists.through.objects.filter(artist_id__in=artist_ids).values("event_id"))
    if member_ids:
        people |= Q(pk__in=Event.members.through.objects.filter(user_id__in=member_ids).values("event_id"))
    when = (~Q(recurrence="") & Q(starts_at__lt=hi)) | Q(recurrence="", starts_at__lt=hi, ends_at__gte=lo)
    candidates = Event.objects.exclude(status=Event.Status.CANCELLED).filter(people & when)
    if exclude_event_id:
        candidates = candidates.exclude(pk=exclude_event_id).exclude(series_root_id=exclude_event_id)
    candidates = list(candidates.prefetch_related(*_people_prefetches()).order_by("starts_at", "pk"))
    found: list[Conflict] = []
    for event in candidates:
        artists = [a for a in event.artists.all() if a.pk in artist_ids]
        members = [m for m in event.members.all() if m.pk in member_ids]
        if not (artists or members):
            continue
        for occurrence in expand(event, lo, hi):
            if any(overlaps(s, e, occurrence.start, occurrence.end) for s, e in slots):
                found.append(Conflict(event, occurrence.start, occurrence.end, artists, members))
                if len(found) >= limit:
                    return found
    found.sort(key=lambda c: (c.start, c.event.pk))
    return found


def describe(conflicts: list[Conflict]) -> list[str]:
    """One line per conflict for messages: "Alice, Bob: Rehearsal (12 Mar 20:00)"."""
    from django.utils import formats, timezone

    lines = []
    for conflict in conflicts:
        when = formats.date_format(timezone.localtime(conflict.start), "SHORT_DATETIME_FORMAT")
        lines.append(f"{', '.join(conflict.people)}: {conflict.event.title} ({when})")
    return lines
