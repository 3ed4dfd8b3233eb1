from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message for one person: shown in the bell and the list (``in_app``) and/or e-mailed."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        SUCCESS = "success", _("Success")
        WARNING = "warning", _("Warning")
        DANGER = "danger", _("Danger")

    class EmailStatus(models.TextChoices):
        NOT_WANTED = "not_wanted", _("Not wanted")
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=64, default="system")
    verb = models.TextField(_("message"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.INFO)
    url = models.CharField(_("link"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), null=True, blank=True, on_delete=models.CASCADE
    )
    object_id = models.CharField(_("target id"), max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    in_app = models.BooleanField(
        _("shown in the app"),
        default=True,
        help_text=_("False when the recipient only wants e-mails of this kind."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail status"), max_length=16, choices=EmailStatus.choices, default=EmailStatus.NOT_WANTED
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read_idx"),
            models.Index(fields=["email_status", "created_at"], name="notif_email_status_idx"),
        ]
        permissions = [("send_announcement", _("Can send announcements"))]

    def __str__(self) -> str:
        return self.verb[:80]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one person wants one kind of notification; without a row the kind's default applies."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the app")
        EMAIL = "email", _("By e-mail")
        BOTH = "both", _("In the app and by e-mail")
        NONE = "none", _("Never")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_unique_user_kind")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}: {self.channel}"
