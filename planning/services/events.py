"""Writes of events: create, edit, delete (one occurrence of a series, or all of it) and move (a drag or a
resize on the calendar: the whole series, or one occurrence detached from it).

Every service checks the end is not before the start ("The end is before the start."), normalises the RRULE
(:func:`planning.recurrence.normalize_rrule`), writes the audit trail, tells every open calendar after commit
(:func:`planning.calendar.calendar_changed`) and returns the event with ``event.conflicts``: the double
bookings of its artists and members (:mod:`planning.conflicts`), a warning for the caller to show, never a
refusal.

All-day events run from midnight to midnight in their time zone (end exclusive). A series keeps its wall-clock
times in its time zone: moving a weekly 20:00 by an hour makes it a weekly 21:00 in summer and in winter.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from planning.calendar import calendar_changed
from planning.conflicts import Conflict, find_conflicts_many
from planning.models import Event
from planning.recurrence import normalize_rrule
from planning.selectors.events import expand

SOURCE = "events"
M2M = ("artists", "members")
CONFLICT_HORIZON = timedelta(days=366)  # a series is checked for double bookings over its next year
CONFLICT_SLOTS = 100
COPIED_TO_DETACHED = ("kind", "title", "all_day", "time_zone", "venue", "location", "status", "notes")
UNTIL_RE = re.compile(r"UNTIL=(\d{8}T\d{6}Z)")


# --- helpers ---------------------------------------------------------------------------------------------


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"time_zone": _("Unknown time zone: %(tz)s") % {"tz": name}}) from None


def _local(moment: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """``moment`` as a naive wall-clock time in ``zone``."""
    return moment.astimezone(zone).replace(tzinfo=None)


def _aware(naive: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    return naive.replace(tzinfo=zone).astimezone(UTC)


def check_order(start: datetime | None, end: datetime | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError({"ends_at": _("The end is before the start.")})


def _snap_all_day(event: Event) -> None:
    """Midnight to midnight in the event's time zone, at least one day."""
    zone = _zone(event.time_zone)
    first = event.starts_at.astimezone(zone).date()
    end_local = event.ends_at.astimezone(zone)
    last = end_local.date() if end_local.time() == time(0) else end_local.date() + timedelta(days=1)
    if last <= first:
        last = first + timedelta(days=1)
    event.starts_at = _aware(datetime.combine(first, time(0)), zone)
    event.ends_at = _aware(datetime.combine(last, time(0)), zone)


def _prepare(event: Event) -> None:
    """Check and normalise ``event`` before saving (raises ``ValidationError`` keyed by field)."""
    if not event.title or not event.title.strip():
        raise ValidationError({"title": _("Give the event a title.")})
    check_order(event.starts_at, event.ends_at)
    _zone(event.time_zone)
    if event.all_day:
        _snap_all_day(event)
    try:
        event.recurrence = normalize_rrule(
            event.recurrence or "", start=event.starts_at, tz_name=event.time_zone
        )
    except ValidationError as exc:
        raise ValidationError({"recurrence": exc.messages}) from None
    if not event.recurrence:
        event.exdates = []
    event.exdates = sorted({d.astimezone(UTC) for d in event.exdates or []})
    event.full_clean(exclude=["artists", "members"])


def _ids(values: Any) -> list[int]:
    return [getattr(v, "pk", v) for v in values or ()]


def conflicts_for(
    event: Event, *, artist_ids: Any = None, member_ids: Any = None, now: datetime | None = None
) -> list[Conflict]:
    """Double bookings of ``event`` (saved or not): its slot, or its series' occurrences over the next year."""
    if artist_ids is None:
        artist_ids = [a.pk for a in event.artists.all()] if event.pk else []
    if member_ids is None:
        member_ids = [m.pk for m in event.members.all()] if event.pk else []
    if event.status == Event.Status.CANCELLED or not (artist_ids or member_ids):
        return []
    if event.recurrence:
        begin = max(event.starts_at, (now or timezone.now()) - timedelta(days=1))
        slots = [(o.start, o.end) for o in expand(event, begin, begin + CONFLICT_HORIZON)[:CONFLICT_SLOTS]]
    else:
        slots = [(event.starts_at, event.ends_at)]
    return find_conflicts_many(
        slots=slots, artist_ids=artist_ids, member_ids=member_ids, exclude_event_id=event.pk
    )


def _audit_data(fields: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for name, value in fields.items():
        if name in M2M:
            data[name] = _ids(value)
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


def _changed(event: Event, *, by: Any) -> None:
    calendar_changed(source=SOURCE, item_id=str(event.pk), by=by)


def _check_fields(fields: dict[str, Any]) -> None:
    known = {f.name for f in Event._meta.get_fields()} | {f.attname for f in Event._meta.concrete_fields}
    unknown = set(fields) - known
    if unknown:
        raise TypeError(f"Event has no field(s) {sorted(unknown)}")


# --- services ----------------------------------------------------------------------------------------------


@transaction.atomic
def event_create(*, by: Any, **fields: Any) -> Event:
    """A new event (``artists``/``members``: instances or ids). ``event.conflicts`` lists double bookings."""
    _check_fields(fields)
    people = {name: fields.pop(name) for name in M2M if name in fields}
    tz_name = (
        fields.pop("time_zone", "") or getattr(by, "time_zone", "") or timezone.get_default_timezone_name()
    )
    event = Event(time_zone=tz_name, created_by=by if getattr(by, "pk", None) else None, **fields)
    _prepare(event)
    event.save()
    for name, values in people.items():
        getattr(event, name).set(_ids(values))
    audit_record(
        action="planning.event.create", actor=by, target=event, data=_audit_data({**fields, **people})
    )
    _changed(event, by=by)
    event.conflicts = conflicts_for(event)
    return event


@transaction.atomic
def event_update(*, event: Event, by: Any, **fields: Any) -> Event:
    """Change ``fields`` of ``event``. Moving the start of a series shifts its skipped dates with it."""
    _check_fields(fields)
    people = {name: fields.pop(name) for name in M2M if name in fields}
    old_start, old_zone = event.starts_at, event.time_zone
    for name, value in fields.items():
        setattr(event, name, value)
    if event.recurrence and "exdates" not in fields and event.exdates and event.starts_at != old_start:
        zone = _zone(old_zone)
        delta = _local(event.starts_at, zone) - _local(old_start, zone)
        event.exdates = [_aware(_local(d, zone) + delta, zone) for d in event.exdates]
    _prepare(event)
    event.save()
    for name, values in people.items():
        getattr(event, name).set(_ids(values))
    audit_record(
        action="planning.event.update", actor=by, target=event, data=_audit_data({**fields, **people})
    )
    _changed(event, by=by)
    event.conflicts = conflicts_for(event)
    return event


def is_occurrence(event: Event, start: datetime) -> bool:
    """Whether ``start`` is the start of one of ``event``'s (not skipped) occurrences."""
    window = expand(event, start - timedelta(seconds=1), start + timedelta(seconds=1))
    return any(o.start == start for o in window)


@transaction.atomic
def event_delete(*, event: Event, by: Any, occurrence_start: datetime | None = None) -> None:
    """Delete ``event``; with ``occurrence_start`` on a series, only that occurrence (it joins the skipped
    dates)."""
    if occurrence_start is not None and event.recurrence:
        start = occurrence_start.astimezone(UTC)
        if not is_occurrence(event, start):
            raise ValidationError(_("This date is not one of the event's occurrences."))
        event.exdates = sorted({*event.exdates, start})
        event.save(update_fields=["exdates", "updated_at"])
        audit_record(
            action="planning.event.skip", actor=by, target=event, data={"occurrence": start.isoformat()}
        )
        _changed(event, by=by)
        return
    pk = event.pk
    audit_record(action="planning.event.delete", actor=by, target=event, data={"title": event.title})
    event.delete()
    calendar_changed(source=SOURCE, item_id=str(pk), by=by)


@transaction.atomic
def event_move(
    *,
    event: Event,
    start: datetime,
    end: datetime,
    all_day: bool | None = None,
    occurrence_start: datetime | None = None,
    scope: str = "series",
    by: Any,
) -> Event:
    """A drag or a resize: ``start``/``end`` are the new times of the occurrence that started at
    ``occurrence_start`` (default: the event's own start). ``scope="one"`` on a series takes that occurrence
    out (a skipped date) and makes it a detached event (``series_root``) at the new time; ``"series"`` shifts
    the whole series by the same wall-clock difference in its time zone. Returns the event that moved (the
    detached one for ``"one"``), with ``conflicts``."""
    if scope not in ("series", "one"):
        raise ValidationError(_("Move the whole series or one occurrence."))
    check_order(start, end)
    if event.recurrence and occurrence_start is not None:
        occurrence_start = occurrence_start.astimezone(UTC)
        if occurrence_start != event.starts_at and not is_occurrence(event, occurrence_start):
            raise ValidationError(_("This date is not one of the event's occurrences."))
    if event.recurrence and scope == "one":
        return _move_one(event, start, end, all_day, occurrence_start or event.starts_at, by)
    fields: dict[str, Any] = {}
    if all_day is not None:
        fields["all_day"] = all_day
    if not event.recurrence:
        fields.update(starts_at=start, ends_at=end)
    else:
        zone = _zone(event.time_zone)
        delta = _local(start, zone) - _local(occurrence_start or event.starts_at, zone)
        length = _local(end, zone) - _local(start, zone)
        new_start = _local(event.starts_at, zone) + delta
        fields.update(starts_at=_aware(new_start, zone), ends_at=_aware(new_start + length, zone))
        fields["exdates"] = [_aware(_local(d, zone) + delta, zone) for d in event.exdates]
        fields["recurrence"] = _shift_until(event.recurrence, delta)
    return event_update(event=event, by=by, **fields)


def _shift_until(rule: str, delta: timedelta) -> str:
    def shift(match: re.Match) -> str:
        until = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ") + delta
        return f"UNTIL={until.strftime('%Y%m%dT%H%M%SZ')}"

    return UNTIL_RE.sub(shift, rule)


def _move_one(
    event: Event, start: datetime, end: datetime, all_day: bool | None, occurrence: datetime, by: Any
) -> Event:
    event.exdates = sorted({*event.exdates, occurrence})
    event.save(update_fields=["exdates", "updated_at"])
    fields = {name: getattr(event, name) for name in COPIED_TO_DETACHED}
    if all_day is not None:
        fields["all_day"] = all_day
    detached = event_create(
        by=by,
        **fields,
        starts_at=start,
        ends_at=end,
        series_root=event,
        artists=[a.pk for a in event.artists.all()],
        members=[m.pk for m in event.members.all()],
    )
    audit_record(
        action="planning.event.detach",
        actor=by,
        target=event,
        data={"occurrence": occurrence.isoformat(), "detached": detached.pk},
    )
    return detached
