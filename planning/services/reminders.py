"""Deadline reminders and the daily digest of overdue tasks (run by Celery beat, see :mod:`planning.tasks`).

**Reminders.** For each person, at each lead time they chose (``ReminderSettings.lead_minutes``; no settings
row: 1 day and 1 hour), a reminder of every open task they are assigned (with a due date) and every event
occurrence they are a team member of (recurring events expanded, cancelled ones left out). A reminder is due
when ``now >= occurs_at - lead`` and ``occurs_at > now``: a reminder whose moment passed while beat was down is
sent late, but only while the item is still in the future. When several lead times of one item are due at
once (a task created an hour before it is due, beat down for a day), one message goes out (all of them are
claimed).

**Idempotent.** A reminder is *claimed* by inserting its ``ReminderSent`` row with
``INSERT … ON CONFLICT DO NOTHING RETURNING``: only the rows this run inserted come back, and only those are
sent. Beat running twice, two workers, a retried task: whoever inserts first sends, the others find nothing.
Claims and notifications share one transaction: a crash before commit sends nothing and claims nothing (the
next minute tries again).

**Digest.** Once per person per local day (their ``time_zone``), from ``digest_hour`` on: the overdue open tasks
they are assigned; nothing when there are none. Claimed the same way (``kind="digest"``, ``occurs_at`` = local
midnight of that day, so a daylight-saving change never sends it twice or skips it).

**Cost.** Finding what is due takes five queries per run, whatever the number of people and items; then each
batch of up to ``BATCH`` reminders is claimed in one statement (its own transaction) and the people it concerns
read in one more; each reminder actually sent costs what ``notify()`` costs.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from notifications.realtime import recipient_locale
from notifications.services import notify
from planning.models import Event, ReminderSent, ReminderSettings, Task, default_lead_minutes
from planning.permissions import sees_task_q
from planning.recurrence import occurrences

logger = logging.getLogger("planning.reminders")

REMINDER_KIND = "planning.reminder"
DIGEST_KIND = "planning.digest"

# What the settings page offers (minutes).
LEAD_CHOICES = (10, 30, 60, 120, 24 * 60, 2 * 24 * 60, 7 * 24 * 60)
DIGEST_TASKS_LISTED = 5
BATCH = 500  # reminders claimed and sent per transaction


@dataclass(frozen=True)
class Due:
    """Something a person should be reminded of: a task's due date or an event occurrence's start."""

    kind: str  # ReminderSent.Kind.TASK / EVENT
    object_id: int
    title: str
    occurs_at: datetime


# --- settings ----------------------------------------------------------------------------------------------


def reminder_settings_get(*, user) -> ReminderSettings:
    """``user``'s settings, unsaved defaults when they never chose."""
    found = ReminderSettings.objects.filter(user=user).first()
    return found or ReminderSettings(user=user, lead_minutes=default_lead_minutes())


@transaction.atomic
def reminder_settings_update(
    *, user, lead_minutes: list[int], digest: bool, digest_hour: int, by=None
) -> ReminderSettings:
    from audit.services import audit_record

    leads = sorted({int(m) for m in lead_minutes}, reverse=True)
    unknown = [m for m in leads if m not in LEAD_CHOICES]
    if unknown:
        raise ValidationError({"lead_minutes": _("Choose lead times from the list.")})
    row, _created = ReminderSettings.objects.get_or_create(user=user)
    row.lead_minutes = leads
    row.digest = digest
    row.digest_hour = digest_hour
    row.full_clean()
    row.save(update_fields=["lead_minutes", "digest", "digest_hour"])
    audit_record(
        action="planning.reminder_settings.update",
        actor=by or user,
        target=row,
        data={"lead_minutes": leads, "digest": digest, "digest_hour": digest_hour},
    )
    return row


def lead_label(minutes: int) -> str:
    """“10 minutes”, “1 hour”, “2 days”, “1 week” (in the active language)."""
    if minutes and minutes % (7 * 24 * 60) == 0:
        weeks = minutes // (7 * 24 * 60)
        return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}
    if minutes and minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _in_words(remaining: timedelta) -> str:
    """How long until it happens, rounded to what people say (“1 hour”, “45 minutes”, “2 days”)."""
    minutes = max(1, round(remaining.total_seconds() / 60))
    if minutes < 60:
        return lead_label(minutes)
    if minutes < 36 * 60:
        return lead_label(round(minutes / 60) * 60)
    return lead_label(round(minutes / (24 * 60)) * 24 * 60)


# --- finding what is due (a fixed number of queries) --------------------------------------------------------


def _leads_by_user(user_ids: set[int]) -> dict[int, list[int]]:
    rows = ReminderSettings.objects.filter(user_id__in=user_ids).values_list("user_id", "lead_minutes")
    found = dict(rows)
    default = default_lead_minutes()
    return {pk: list(found.get(pk, default) or []) for pk in user_ids}


def _max_lead() -> int:
    """The longest lead time anybody chose (the horizon to look ahead)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(m) FROM {ReminderSettings._meta.db_table}, unnest(lead_minutes) AS m"  # noqa: S608
        )
        found = cursor.fetchone()[0]
    return max(found or 0, *default_lead_minutes())


def _task_dues(now: datetime, horizon: datetime) -> dict[int, list[Due]]:
    through = Task.assignees.through
    rows = (
        through.objects.filter(
            user__is_active=True,
            task__completed_at__isnull=True,
            task__column__is_done=False,
            task__board__archived=False,
            task__due_at__gt=now,
        )
        .filter(
            sees_task_q(),  # somebody taken off a members-only board is not reminded of its tasks
            task__due_at__lte=horizon,
        )
        .values_list("user_id", "task_id", "task__title", "task__due_at")
    )
    dues: dict[int, list[Due]] = defaultdict(list)
    for user_id, task_id, title, due_at in rows:
        dues[user_id].append(Due(ReminderSent.Kind.TASK, task_id, title, due_at))
    return dues


def _event_dues(now: datetime, horizon: datetime) -> dict[int, list[Due]]:
    """Occurrences starting in ``(now, horizon]`` of the events each active person is a member of."""
    from django.db.models import Q

    events = list(
        Event.objects.exclude(status=Event.Status.CANCELLED)
        .filter(
            Q(recurrence="", starts_at__gt=now, starts_at__lte=horizon)
            | (~Q(recurrence="") & Q(starts_at__lte=horizon))
        )
        .only("pk", "title", "starts_at", "ends_at", "recurrence", "time_zone", "exdates")
    )
    if not events:
        return {}
    members: dict[int, list[int]] = defaultdict(list)
    for event_id, user_id in Event.members.through.objects.filter(
        event_id__in=[e.pk for e in events], user__is_active=True
    ).values_list("event_id", "user_id"):
        members[event_id].append(user_id)
    dues: dict[int, list[Due]] = defaultdict(list)
    for event in events:
        if not members.get(event.pk):
            continue
        if event.recurrence:
            try:
                starts = occurrences(
                    event.recurrence,
                    start=event.starts_at,
                    tz_name=event.time_zone,
                    window_start=now + timedelta(microseconds=1),
                    window_end=horizon + timedelta(microseconds=1),
                    exdates=event.exdates,
                )
            except ValidationError:  # a rule stored before it was checked: no reminders rather than a crash
                logger.warning("event %s has an unreadable repeat rule", event.pk)
                continue
        else:
            starts = [event.starts_at]
        for start in starts:
            if now < start <= horizon:
                for user_id in members[event.pk]:
                    dues[user_id].append(Due(ReminderSent.Kind.EVENT, event.pk, event.title, start))
    return dues


def _claim(rows: list[tuple[int, str, int, datetime, int]]) -> set[tuple[int, str, int, datetime, int]]:
    """Insert the ``ReminderSent`` rows; the ones this call inserted (nobody had them) come back."""
    if not rows:
        return set()
    users, kinds, objects, times, leads = (list(column) for column in zip(*rows, strict=True))
    kinds = [str(kind) for kind in kinds]
    table = ReminderSent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (user_id, kind, object_id, occurs_at, lead_minutes, sent_at)
            SELECT u, k, o, t, l, now()
              FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[], %s::timestamptz[], %s::integer[])
                   AS x(u, k, o, t, l)
            ON CONFLICT DO NOTHING
            RETURNING user_id, kind, object_id, occurs_at, lead_minutes
            """,  # noqa: S608
            [users, kinds, objects, times, leads],
        )
        return {(u, k, o, t, m) for u, k, o, t, m in cursor.fetchall()}


# --- reminders ------------------------------------------------------------------------------------------------


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Send every reminder due at ``now`` not sent yet; returns how many notifications went out."""
    now = now or timezone.now()
    horizon = now + timedelta(minutes=_max_lead())
    dues: dict[int, list[Due]] = defaultdict(list)
    for source in (_task_dues(now, horizon), _event_dues(now, horizon)):
        for user_id, items in source.items():
            dues[user_id].extend(items)
    if not dues:
        return 0
    leads = _leads_by_user(set(dues))
    wanted: list[tuple[int, str, int, datetime, int]] = []
    for user_id, items in dues.items():
        for due in items:
            for lead in leads[user_id]:
                if now >= due.occurs_at - timedelta(minutes=lead):
                    wanted.append((user_id, due.kind, due.object_id, due.occurs_at, lead))
    if not wanted:
        return 0
    index = {(u, d.kind, d.object_id, d.occurs_at): d for u, items in dues.items() for d in items}
    sent = 0
    # a batch at a time, each in its own transaction: a run stopped by its time limit keeps what it sent
    for start in range(0, len(wanted), BATCH):
        sent += _send_batch(wanted[start : start + BATCH], index=index, now=now)
    return sent


@transaction.atomic
def _send_batch(wanted: list, *, index: dict, now: datetime) -> int:
    """Claim ``wanted`` and send what this call claimed: one message per (person, item, moment), whichever of
    its lead times were claimed now. Three queries, then what ``notify()`` costs per message."""
    to_send: dict[int, dict[tuple[str, int, datetime], Due]] = defaultdict(dict)
    for user_id, kind, object_id, occurs_at, _lead in _claim(wanted):
        due = index.get((user_id, kind, object_id, occurs_at))
        if due is not None:
            to_send[user_id][(kind, object_id, occurs_at)] = due
    if not to_send:
        return 0
    users = get_user_model().objects.in_bulk(list(to_send))
    sent = 0
    for user_id, items in to_send.items():
        user = users.get(user_id)
        if user is None:
            continue
        for due in sorted(items.values(), key=lambda d: d.occurs_at):
            sent += _send_reminder(user=user, due=due, now=now)
    return sent


def _link(name: str, pk: int, fallback: str) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return fallback


def reminder_message(*, user, due: Due, now: datetime) -> str:
    """The reminder's text, in ``user``'s language, times in their time zone."""
    with recipient_locale(user):
        when = formats.date_format(timezone.localtime(due.occurs_at), "DATETIME_FORMAT")
        values = {"title": due.title, "delay": _in_words(due.occurs_at - now), "when": when}
        if due.kind == ReminderSent.Kind.TASK:
            return _("“%(title)s” is due in %(delay)s (%(when)s)") % values
        return _("“%(title)s” starts in %(delay)s (%(when)s)") % values


def _send_reminder(*, user, due: Due, now: datetime) -> int:
    if due.kind == ReminderSent.Kind.TASK:
        url = _link("planning:task-detail", due.object_id, f"/planning/tasks/{due.object_id}/")
    else:
        url = _link("planning:event-detail", due.object_id, f"/planning/events/{due.object_id}/")
    try:
        with transaction.atomic():  # one bad message does not undo the others' claims
            created = notify(
                recipient=user,
                verb=reminder_message(user=user, due=due, now=now),
                kind=REMINDER_KIND,
                url=url,
                level="warning" if due.occurs_at - now <= timedelta(hours=1) else "info",
            )
    except ValidationError:
        logger.exception("reminder %s %s for user %s could not be sent", due.kind, due.object_id, user.pk)
        return 0
    return 1 if created is not None else 0


# --- the daily digest -------------------------------------------------------------------------------------


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def digest_day_start(*, tz_name: str, hour: int, now: datetime) -> datetime | None:
    """Midnight (as a UTC instant) of the local day in ``tz_name`` when a digest at ``hour`` is due at
    ``now`` (from that hour to the end of the day), else None."""
    zone = _zone(tz_name)
    local = now.astimezone(zone)
    if local.hour < hour:
        return None
    return datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(UTC)


def digests_send_due(*, now: datetime | None = None) -> int:
    """Send the digest of overdue tasks to everyone whose digest hour has come today and who has some."""
    now = now or timezone.now()
    through = Task.assignees.through
    rows = (
        through.objects.filter(
            user__is_active=True,
            task__completed_at__isnull=True,
            task__column__is_done=False,
            task__board__archived=False,
            task__due_at__lte=now,
        )
        .filter(sees_task_q())
        .values_list("user_id", "task_id", "task__title", "task__due_at")
    )
    overdue: dict[int, list[tuple[int, str, datetime]]] = defaultdict(list)
    for user_id, task_id, title, due_at in rows:
        overdue[user_id].append((task_id, title, due_at))
    if not overdue:
        return 0
    choices = {
        user_id: (digest, hour)
        for user_id, digest, hour in ReminderSettings.objects.filter(user_id__in=list(overdue)).values_list(
            "user_id", "digest", "digest_hour"
        )
    }
    default_hour = ReminderSettings._meta.get_field("digest_hour").default
    users = get_user_model().objects.in_bulk([pk for pk in overdue if choices.get(pk, (True,))[0]])
    wanted = []
    for user in users.values():
        hour = choices.get(user.pk, (True, default_hour))[1]
        day = digest_day_start(tz_name=user.time_zone, hour=hour, now=now)
        if day is not None:
            wanted.append((user.pk, ReminderSent.Kind.DIGEST, 0, day, 0))
    if not wanted:
        return 0
    sent = 0
    with transaction.atomic():
        for user_id, _kind, _object, _day, _lead in _claim(wanted):
            tasks = sorted(overdue[user_id], key=lambda t: t[2])
            sent += _send_digest(user=users[user_id], tasks=tasks)
    return sent


def digest_message(*, user, tasks: list[tuple[int, str, datetime]]) -> str:
    with recipient_locale(user):
        names = ", ".join(
            pgettext("quoted task title", "“%(title)s”") % {"title": title}
            for _pk, title, _due in tasks[:DIGEST_TASKS_LISTED]
        )
        more = len(tasks) - DIGEST_TASKS_LISTED
        if more > 0:
            names += " " + ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more}
        return ngettext(
            "%(count)d overdue task: %(names)s", "%(count)d overdue tasks: %(names)s", len(tasks)
        ) % {"count": len(tasks), "names": names}


def _send_digest(*, user, tasks) -> int:
    try:
        url = reverse("planning:my-tasks") + "?due=overdue"
    except NoReverseMatch:
        url = "/planning/"
    try:
        with transaction.atomic():
            created = notify(
                recipient=user, verb=digest_message(user=user, tasks=tasks), kind=DIGEST_KIND, url=url
            )
    except ValidationError:
        logger.exception("digest for user %s could not be sent", user.pk)
        return 0
    return 1 if created is not None else 0
