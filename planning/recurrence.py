"""Recurrence rules (RFC 5545 RRULE) of events and tasks, expanded in a time zone so that a weekly 20:00 in
Europe/Paris stays at 20:00 local across daylight-saving changes (the UTC instant moves by an hour).

Rules are stored without the ``RRULE:`` prefix, normalised (upper case, UNTIL in UTC). A rule that never ends
is allowed: it is only ever expanded inside a window (the calendar's range, a reminder's horizon) and never past
``MAX_OCCURRENCES``. Every error is a ``ValidationError`` with a message for people.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, time, timedelta

from dateutil import rrule as du
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_OCCURRENCES = 1000  # expanded per window, at most
ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
MAX_RULE_LENGTH = 300


def _zone(tz_name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone: %(tz)s") % {"tz": tz_name}, code="time_zone") from exc


def _parts(text: str) -> list[tuple[str, str]]:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body:
        return []
    parts = []
    for chunk in body.split(";"):
        if not chunk.strip():
            continue
        name, sep, value = chunk.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValidationError(
                _("This repeat rule is not valid: “%(part)s”.") % {"part": chunk}, code="rrule"
            )
        parts.append((name.strip().upper(), value.strip().upper()))
    return parts


def normalize_rrule(text: str, *, start: datetime, tz_name: str) -> str:
    """``text`` checked and normalised (``""`` for no recurrence). ``start`` is the first occurrence (aware).

    Refused, with a clear message: malformed rules, sub-daily frequencies, COUNT with UNTIL, COUNT outside
    1–1000, an UNTIL before the start. A date-only or local UNTIL is read as the end of that day in ``tz_name``.
    """
    if not text or not text.strip():
        return ""
    if len(text) > MAX_RULE_LENGTH:
        raise ValidationError(_("This repeat rule is too long."), code="rrule")
    zone = _zone(tz_name)
    parts = _parts(text)
    names = [name for name, _value in parts]
    if len(set(names)) != len(names):
        raise ValidationError(_("This repeat rule names a part twice."), code="rrule")
    values = dict(parts)
    freq = values.get("FREQ")
    if not freq:
        raise ValidationError(_("Say how often it repeats (daily, weekly, monthly or yearly)."), code="rrule")
    if freq not in ALLOWED_FREQ:
        raise ValidationError(
            _("It can repeat daily, weekly, monthly or yearly, not more often."), code="rrule"
        )
    if "COUNT" in values and "UNTIL" in values:
        raise ValidationError(_("Choose either a number of times or an end date, not both."), code="rrule")
    if "COUNT" in values:
        try:
            count = int(values["COUNT"])
        except ValueError:
            count = 0
        if not 1 <= count <= MAX_OCCURRENCES:
            raise ValidationError(
                _("The number of times must be between 1 and %(max)d.") % {"max": MAX_OCCURRENCES},
                code="rrule",
            )
    if "UNTIL" in values:
        values["UNTIL"] = _until_utc(values["UNTIL"], zone)
    out = ";".join(f"{name}={values[name]}" for name in names)
    rule = _build(out, start, zone)  # raises on anything dateutil refuses
    if "UNTIL" in values:
        until = datetime.strptime(values["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if until < start:
            raise ValidationError(_("The repeat ends before the first date."), code="rrule")
    if rule.after(start.astimezone(zone) - timedelta(seconds=1), inc=True) is None:
        raise ValidationError(_("This repeat rule never happens."), code="rrule")
    return out


def _until_utc(value: str, zone: zoneinfo.ZoneInfo) -> str:
    formats = [("%Y%m%dT%H%M%SZ", True), ("%Y%m%dT%H%M%S", False), ("%Y%m%d", False)]
    for fmt, is_utc in formats:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if is_utc:
            aware = parsed.replace(tzinfo=UTC)
        else:
            if fmt == "%Y%m%d":
                parsed = datetime.combine(parsed.date(), time(23, 59, 59))
            aware = parsed.replace(tzinfo=zone).astimezone(UTC)
        return aware.strftime("%Y%m%dT%H%M%SZ")
    raise ValidationError(
        _("The repeat end date is not a date: “%(value)s”.") % {"value": value}, code="rrule"
    )


def _build(rule: str, start: datetime, zone: zoneinfo.ZoneInfo) -> du.rrule:
    try:
        parsed = du.rrulestr(rule, dtstart=start.astimezone(zone), forceset=False, cache=False)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValidationError(
            _("This repeat rule is not valid: %(error)s") % {"error": exc}, code="rrule"
        ) from exc
    if not isinstance(parsed, du.rrule):  # pragma: no cover (a single RRULE always gives an rrule)
        raise ValidationError(_("Only one repeat rule is allowed."), code="rrule")
    return parsed


def occurrences(
    rule: str,
    *,
    start: datetime,
    tz_name: str,
    window_start: datetime,
    window_end: datetime,
    duration: timedelta = timedelta(0),
    exdates: list[datetime] | tuple = (),
    limit: int = MAX_OCCURRENCES,
) -> list[datetime]:
    """The starts (aware, UTC) of the occurrences that overlap ``[window_start, window_end)``: those starting
    before the window's end and ending (start + ``duration``) after its start. Without a rule: ``[start]`` if it
    overlaps. ``exdates`` (aware) are left out."""
    if not rule:
        starts = [start]
    else:
        zone = _zone(tz_name)
        parsed = _build(rule, start, zone)
        lo = (window_start - duration).astimezone(zone)
        hi = window_end.astimezone(zone)
        starts = []
        for occurrence in parsed.xafter(lo, inc=True):
            if occurrence >= hi or len(starts) >= limit:
                break
            starts.append(occurrence.astimezone(UTC))
    skip = {d.astimezone(UTC) for d in exdates}
    kept = []
    for begin in (s.astimezone(UTC) for s in starts):
        overlaps = begin + duration > window_start if duration else begin >= window_start
        if begin not in skip and begin < window_end and overlaps:
            kept.append(begin)
    return kept


def next_occurrence(rule: str, *, start: datetime, tz_name: str, after: datetime) -> datetime | None:
    """The first occurrence strictly after ``after`` (aware, UTC), or None when the rule has ended."""
    if not rule:
        return None
    zone = _zone(tz_name)
    found = _build(rule, start, zone).after(after.astimezone(zone), inc=False)
    return found.astimezone(UTC) if found is not None else None
