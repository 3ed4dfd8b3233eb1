"""SPARK and MONA's planning: Kanban boards of tasks (on the shared live board mechanism, :mod:`core.boards`),
one calendar of events, reminders and the private iCal feed.

Writes go through :mod:`planning.services`; reads through :mod:`planning.selectors`. Datetimes are stored in
UTC; an event also keeps the time zone its recurrence is expanded in (a weekly 20:00 in Europe/Paris stays at
20:00 across daylight-saving changes).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.boards.models import BoardCard, BoardColumn
from core.fields import EncryptedTextField


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# --- boards --------------------------------------------------------------------------------------------------


class Board(TimeStamped):
    """A Kanban board of a team or a project, with its own columns and members."""

    class Visibility(models.TextChoices):
        TEAM = "team", _("Everyone in planning")
        MEMBERS = "members", _("Members only")

    class WipPolicy(models.TextChoices):
        REFUSE = "refuse", _("Refuse the move")
        WARN = "warn", _("Allow it and warn")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    color = models.CharField(_("colour"), max_length=7, default="#6f42c1")
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.TEAM
    )
    wip_policy = models.CharField(
        _("when a column is full"), max_length=8, choices=WipPolicy.choices, default=WipPolicy.REFUSE
    )
    archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        through="BoardMembership",
        related_name="planning_boards",
        blank=True,
    )

    class Meta:
        ordering = ["archived", "name", "pk"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self) -> str:
        return self.name


class BoardMembership(models.Model):
    """A person's role on one board: owner (settings, columns, members), editor (tasks), viewer (reads)."""

    class Role(models.TextChoices):
        OWNER = "owner", pgettext_lazy("board role", "Owner")
        EDITOR = "editor", _("Editor")
        VIEWER = "viewer", _("Viewer")

    board = models.ForeignKey(
        Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="planning_memberships",
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.EDITOR)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["board", "user__first_name", "user__last_name", "user__email"]
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        constraints = [
            models.UniqueConstraint(fields=["board", "user"], name="planning_member_once_per_board")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.board} ({self.role})"


class Column(BoardColumn):
    """A column of a board. ``wip_limit``: how many tasks it may hold (the board's policy refuses or warns).
    Tasks entering a ``is_done`` column are completed (``completed_at``; a recurring task spawns its next one)."""

    board = models.ForeignKey(
        Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="columns"
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)
    color = models.CharField(_("colour"), max_length=7, default="#6c757d")
    wip_limit = models.PositiveSmallIntegerField(
        _("WIP limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Most tasks this column may hold; empty for no limit."),
    )
    is_done = models.BooleanField(_("done column"), default=False, help_text=_("Tasks here count as done."))

    class Meta:
        ordering = ["board", "position", "pk"]
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="planning_column_name_unique_in_board"),
            models.CheckConstraint(
                condition=Q(wip_limit__isnull=True) | Q(wip_limit__gte=1), name="planning_column_wip_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    """A tag on tasks (shared by every board)."""

    name = models.CharField(_("name"), max_length=50)
    color = models.CharField(_("colour"), max_length=7, default="#6c757d")

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="planning_label_name_ci_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Task(TimeStamped, BoardCard):
    """A card of a board. ``description`` is Markdown (rendered safely, see ``planning.markdown``).

    Dates: ``start_at`` / ``due_at`` in UTC; ``all_day`` tasks are due on a date (stored at midnight in the
    site's time zone, shown as an all-day item). ``recurrence`` is an RFC 5545 RRULE (``FREQ=WEEKLY;BYDAY=MO``)
    counted from ``due_at``: when the task is completed, the next one is created (``next_spawned`` makes that
    happen once), in the series of ``series_root``.
    """

    class Priority(models.IntegerChoices):
        LOW = 0, _("Low")
        NORMAL = 1, _("Normal")
        HIGH = 2, _("High")
        URGENT = 3, _("Urgent")

    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="tasks")
    column = models.ForeignKey(
        Column, verbose_name=_("column"), on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assignees"), blank=True, related_name="planning_tasks"
    )
    labels = models.ManyToManyField(Label, verbose_name=_("tags"), blank=True, related_name="tasks")
    start_at = models.DateTimeField(_("start"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    all_day = models.BooleanField(_("all day"), default=False)
    estimate_hours = models.DecimalField(
        _("estimate (hours)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(9999)],
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planning_responsible_for",
        help_text=_("Who does the work."),
    )
    accountable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accountable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planning_accountable_for",
        help_text=_("Who answers for it being done."),
    )
    recurrence = models.CharField(_("repeats"), max_length=300, blank=True, help_text=_("An RRULE"))
    series_root = models.ForeignKey(
        "self",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    next_spawned = models.BooleanField(_("next occurrence created"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["position", "updated_at"])

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["column", "position"], name="planning_task_column_pos"),
            models.Index(fields=["board", "column"], name="planning_task_board_col"),
            models.Index(fields=["due_at"], name="planning_task_due", condition=Q(completed_at__isnull=True)),
            models.Index(fields=["start_at"], name="planning_task_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_at__isnull=True)
                | Q(due_at__isnull=True)
                | Q(start_at__lte=models.F("due_at")),
                name="planning_task_start_before_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TaskLink(models.Model):
    """A task tied to a record of another module (an artist, a deal, an event, a content item, a live show):
    the kinds are declared in :mod:`planning.links` (later modules register theirs)."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("record"))
    target = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["task", "content_type", "object_id"]
        verbose_name = _("task link")
        verbose_name_plural = _("task links")
        constraints = [
            models.UniqueConstraint(fields=["task", "content_type", "object_id"], name="planning_link_once"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="planning_link_target")]

    def __str__(self) -> str:
        return f"{self.task} → {self.content_type.model} {self.object_id}"


class Comment(models.Model):
    """A comment on a task (Markdown). ``mentions``: the people @mentioned (each notified once)."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="planning_comments",
    )
    body = models.TextField(_("comment"))
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("mentions"), blank=True, related_name="planning_mentions"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        ordering = ["task", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"planning/tasks/{instance.task_id}/{filename}"


class Attachment(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["task", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


# --- events --------------------------------------------------------------------------------------------------


class Event(TimeStamped):
    """Something on the calendar: a concert, a shoot, a meeting, a release, a live…

    ``starts_at`` / ``ends_at`` in UTC (``all_day`` events: midnight to midnight in ``time_zone``, end
    exclusive). ``recurrence`` is an RFC 5545 RRULE expanded in ``time_zone``; ``exdates`` are the starts of
    occurrences taken out of the series (moved alone: a detached event with ``series_root`` set, or cancelled).
    """

    class Kind(models.TextChoices):
        CONCERT = "concert", _("Concert")
        SHOOT = "shoot", _("Shoot")
        MEETING = "meeting", _("Meeting")
        RELEASE = "release", _("Release")
        LIVE = "live", _("Live")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        TENTATIVE = "tentative", _("Tentative")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Done")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    location = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown"))
    artists = models.ManyToManyField(
        "crm.Artist", verbose_name=_("artists"), blank=True, related_name="planning_events"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team members"), blank=True, related_name="planning_events"
    )
    recurrence = models.CharField(_("repeats"), max_length=300, blank=True, help_text=_("An RRULE"))
    exdates = ArrayField(models.DateTimeField(), verbose_name=_("skipped dates"), default=list, blank=True)
    series_root = models.ForeignKey(
        "self",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="detached",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["starts_at", "ends_at"], name="planning_event_range"),
            models.Index(fields=["ends_at"], name="planning_event_end"),
            models.Index(fields=["starts_at"], name="planning_event_recurring", condition=~Q(recurrence="")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="planning_event_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    """One line of a task's or an event's checklist (exactly one of the two)."""

    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checklist",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checklist",
    )
    text = models.CharField(_("item"), max_length=300)
    done = models.BooleanField(_("done"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.CheckConstraint(
                condition=(Q(task__isnull=False) & Q(event__isnull=True))
                | (Q(task__isnull=True) & Q(event__isnull=False)),
                name="planning_checklist_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.text


# --- reminders and the iCal feed -----------------------------------------------------------------------------


def default_lead_minutes() -> list[int]:
    return [24 * 60, 60]


class ReminderSettings(models.Model):
    """A person's reminder choices: lead times before a due task or an event they attend, and the daily
    digest of what is overdue (sent at ``digest_hour`` in their time zone)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="reminder_settings",
    )
    lead_minutes = ArrayField(
        models.PositiveIntegerField(),
        verbose_name=_("remind me before"),
        default=default_lead_minutes,
        blank=True,
    )
    digest = models.BooleanField(_("daily digest of overdue items"), default=True)
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"), default=8, validators=[MaxValueValidator(23)]
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self) -> str:
        return str(self.user)


class ReminderSent(models.Model):
    """One reminder that went out: the unique constraint is what makes beat and worker restarts harmless
    (a reminder is claimed by inserting its row; a second insert does nothing)."""

    class Kind(models.TextChoices):
        TASK = "task", _("Task")
        EVENT = "event", _("Event")
        DIGEST = "digest", _("Daily digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("record"), default=0)
    occurs_at = models.DateTimeField(_("due or starts at"))  # the digest: midnight of its day
    lead_minutes = models.PositiveIntegerField(_("lead time (minutes)"), default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_id", "occurs_at", "lead_minutes"],
                name="planning_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.user} ({self.lead_minutes} min)"


class CalendarFeed(models.Model):
    """A person's private iCal feed: the URL carries a secret token (its SHA-256 is what is looked up; the
    token itself is kept encrypted so the settings page can show the URL again). Revoking makes a new one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True)
    token = EncryptedTextField(_("token"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last fetched"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
