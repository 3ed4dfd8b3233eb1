"""Events (with their checklist) in the back office, history included."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.service_admin import SHORT_TEXT, adopt, form_fields
from planning.models import Event
from planning.services import events as event_services

from .base import (
    ChecklistInline,
    ServiceDeleteMixin,
    save_checklist,
)

# --- events --------------------------------------------------------------------------------------------------


@admin.register(Event)
class EventAdmin(ServiceDeleteMixin, SimpleHistoryAdmin):
    formfield_overrides = SHORT_TEXT
    list_display = ["title", "kind", "starts_at", "ends_at", "status", "venue", "recurring"]
    list_filter = ["kind", "status", "all_day"]
    search_fields = ["title", "venue", "location", "notes"]
    autocomplete_fields = ["artists", "members"]
    readonly_fields = ["exdates", "series_root", "created_by", "created_at", "updated_at"]
    history_list_display = ["starts_at", "status"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (None, {"fields": ["kind", "title", "status", "venue", "location", "notes"]}),
        (_("When"), {"fields": ["starts_at", "ends_at", "all_day", "time_zone", "recurrence", "exdates"]}),
        (_("Who"), {"fields": ["artists", "members"]}),
        (
            pgettext_lazy("admin section: record keeping", "Record"),
            {"fields": ["series_root", "created_by", "created_at", "updated_at"]},
        ),
    ]
    inlines = [ChecklistInline]

    @admin.display(description=_("repeats"), boolean=True)
    def recurring(self, obj: Event) -> bool:
        return bool(obj.recurrence)

    def save_model(self, request, obj, form, change) -> None:
        fields = form_fields(form, change=change)
        for name in ("artists", "members"):
            if name in fields:
                fields[name] = [item.pk for item in fields[name]]
        if change:
            event = event_services.event_update(event=Event.objects.get(pk=obj.pk), by=request.user, **fields)
        else:
            event = event_services.event_create(by=request.user, **fields)
        adopt(obj, event)

    def save_related(self, request, form, formsets, change) -> None:
        event = Event.objects.get(pk=form.instance.pk)
        for formset in formsets:
            save_checklist(request, formset, event=event)

    def delete_one(self, request, obj) -> None:
        event_services.event_delete(event=obj, by=request.user)
