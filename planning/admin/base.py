"""What Planning's model admins share: deletes through the services, read-only and add-and-delete-only
admins, the checklist inline of tasks and events (saved through the checklist services)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.service_admin import inline_rows
from planning.models import ChecklistItem
from planning.services import checklist as checklist_services


def _refuse(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


class AddAndDeleteOnly:
    """Added (through the service) and deleted here, never changed (their page is read-only)."""

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)


class ServiceDeleteMixin:
    """Deletes one by one through ``delete_one`` (refusals become an error message, nothing is deleted)."""

    def delete_one(self, request, obj) -> None:  # pragma: no cover - every admin below defines it
        raise NotImplementedError

    def delete_model(self, request, obj) -> None:
        try:
            self.delete_one(request, obj)
        except ValidationError as error:
            _refuse(request, error)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["text", "done", "position", "done_by"]
    readonly_fields = ["position", "done_by"]
    ordering = ["position", "pk"]


def save_checklist(request, formset, *, task=None, event=None) -> None:
    deleted, saved = inline_rows(formset)
    owner = {"task": task} if task is not None else {"event": event}
    for row in deleted:
        checklist_services.checklist_delete(**owner, item_id=row.instance.pk, by=request.user)
    for row in saved:
        if row.instance.pk is None:
            item = checklist_services.checklist_add(**owner, text=row.cleaned_data["text"], by=request.user)
            if row.cleaned_data.get("done"):
                checklist_services.checklist_toggle(**owner, item_id=item.pk, done=True, by=request.user)
            continue
        if "text" in row.changed_data:
            checklist_services.checklist_edit(
                **owner, item_id=row.instance.pk, text=row.cleaned_data["text"], by=request.user
            )
        if "done" in row.changed_data:
            checklist_services.checklist_toggle(
                **owner, item_id=row.instance.pk, done=row.cleaned_data["done"], by=request.user
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the system: looked at and deleted here, never added or changed."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
