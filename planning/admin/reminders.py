"""Reminder settings (through the service), and what the system writes: reminders sent, calendar feeds."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.service_admin import adopt
from planning.models import (
    CalendarFeed,
    ReminderSent,
    ReminderSettings,
)
from planning.services.reminders import LEAD_CHOICES, reminder_settings_update

from .base import ReadOnlyAdmin

# --- reminders and feeds -------------------------------------------------------------------------------------


class ReminderSettingsForm(forms.ModelForm):
    def clean_lead_minutes(self):
        leads = self.cleaned_data["lead_minutes"] or []
        if any(m not in LEAD_CHOICES for m in leads):
            raise ValidationError(
                _("Lead times (minutes) from: %(choices)s.") % {"choices": ", ".join(map(str, LEAD_CHOICES))}
            )
        return leads


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    form = ReminderSettingsForm
    list_display = ["user", "lead_minutes", "digest", "digest_hour"]
    list_filter = ["digest"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = reminder_settings_update(
            user=obj.user if change else data["user"],
            lead_minutes=data["lead_minutes"],
            digest=data["digest"],
            digest_hour=data["digest_hour"],
            by=request.user,
        )
        adopt(obj, saved)


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "object_id", "occurs_at", "lead_minutes", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    date_hierarchy = "sent_at"


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """Delete a feed to revoke it (its owner makes a new one from their settings page). The token is never
    shown here."""

    list_display = ["user", "created_at", "last_used_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "last_used_at"]
    readonly_fields = fields
