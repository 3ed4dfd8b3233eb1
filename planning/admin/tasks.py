"""Tasks (a new column is the board's move; checklist, comments, attachments and links as inlines) and the
parts of a task, each on its own page too."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.boards.registry import get_board_spec
from core.boards.services import card_move
from core.service_admin import SHORT_TEXT, adopt, form_fields, inline_rows
from planning.boards import KEY
from planning.links import kind_for_model
from planning.models import (
    Attachment,
    ChecklistItem,
    Comment,
    Task,
    TaskLink,
)
from planning.services import attachments as attachment_services
from planning.services import checklist as checklist_services
from planning.services import comments as comment_services
from planning.services import task_links as link_services
from planning.services import tasks as task_services

from .base import (
    AddAndDeleteOnly,
    ChecklistInline,
    ServiceDeleteMixin,
    save_checklist,
)

# --- tasks ---------------------------------------------------------------------------------------------------


class CommentInline(admin.TabularInline):
    """Comments are added here (mentions notified) or deleted; only their author edits them, on the site."""

    model = Comment
    extra = 0
    fields = ["body", "author", "created_at", "edited_at"]
    readonly_fields = ["author", "created_at", "edited_at"]
    formfield_overrides = SHORT_TEXT


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["file", "name", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = ["name", "size", "content_type", "uploaded_by", "uploaded_at"]


class TaskLinkInline(admin.TabularInline):
    model = TaskLink
    extra = 0
    fields = ["content_type", "object_id"]


class TaskAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        board, column = data.get("board") or getattr(self.instance, "board", None), data.get("column")
        if board is not None and column is not None and column.board_id != board.pk:
            self.add_error("column", _("Choose a column of this board."))
        return data


@admin.register(Task)
class TaskAdmin(ServiceDeleteMixin, SimpleHistoryAdmin):
    """A new column goes through the board's move (WIP limit, done column, live boards): the task lands at the
    bottom of that column."""

    form = TaskAdminForm
    formfield_overrides = SHORT_TEXT
    list_display = ["title", "board", "column", "priority", "due_at", "completed_at", "responsible"]
    list_filter = ["board", "priority", ("assignees", admin.RelatedOnlyFieldListFilter), "labels"]
    search_fields = ["title", "description", "board__name"]
    list_select_related = ["board", "column", "responsible"]
    autocomplete_fields = ["assignees", "responsible", "accountable"]
    filter_horizontal = ["labels"]
    readonly_fields = [
        "completed_at",
        "series_root",
        "next_spawned",
        "created_by",
        "created_at",
        "updated_at",
    ]
    history_list_display = ["column", "due_at", "priority"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["board", "column", "title", "description", "priority", "labels"]}),
        (_("People"), {"fields": ["assignees", "responsible", "accountable"]}),
        (
            _("Dates"),
            {"fields": ["start_at", "due_at", "all_day", "estimate_hours", "recurrence", "completed_at"]},
        ),
        (
            pgettext_lazy("admin section: record keeping", "Record"),
            {"fields": ["series_root", "next_spawned", "created_by", "created_at", "updated_at"]},
        ),
    ]
    inlines = [ChecklistInline, CommentInline, AttachmentInline, TaskLinkInline]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "board"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        fields = form_fields(form, change=change)
        if change:
            task = Task.objects.select_related("board").get(pk=obj.pk)
            column = fields.pop("column", None)
            task = task_services.task_update(task=task, by=request.user, **fields)
            if column is not None and column.pk != task.column_id:
                card_move(
                    spec=get_board_spec(KEY),
                    card_id=task.pk,
                    board_id=task.board_id,
                    to_column_id=column.pk,
                    by=request.user,
                )
        else:
            task = task_services.task_create(by=request.user, **fields)
        adopt(obj, task)

    def save_formset(self, request, form, formset, change) -> None:
        task = Task.objects.get(pk=formset.instance.pk)
        if formset.model is ChecklistItem:
            return save_checklist(request, formset, task=task)
        deleted, saved = inline_rows(formset)
        if formset.model is Comment:
            for row in deleted:
                comment_services.comment_delete(comment=row.instance, by=request.user)
            for row in saved:
                if row.instance.pk is None:
                    comment_services.comment_add(task=task, body=row.cleaned_data["body"], by=request.user)
        elif formset.model is Attachment:
            for row in deleted:
                attachment_services.attachment_delete(attachment=row.instance, by=request.user)
            for row in saved:
                if row.instance.pk is None:
                    attachment_services.attachment_add(
                        task=task, file=row.cleaned_data["file"], by=request.user
                    )
        elif formset.model is TaskLink:
            for row in deleted:
                link_services.task_link_remove(task=task, link_id=row.instance.pk, by=request.user)
            for row in saved:
                if row.instance.pk is None:
                    _link_add(request, task, row.cleaned_data["content_type"], row.cleaned_data["object_id"])

    def delete_one(self, request, obj) -> None:
        task_services.task_delete(task=obj, by=request.user)


def _link_add(request, task, content_type, object_id) -> None:
    kind = kind_for_model(content_type.model_class())
    if kind is None:
        messages.error(request, _("A task cannot be linked to this kind of record."))
        return
    link_services.task_link_add(task=task, kind=kind.key, object_id=object_id, by=request.user)


# --- the parts of a task, each on its own page too -----------------------------------------------------------


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["text", "task", "event", "done", "position"]
    list_filter = ["done"]
    search_fields = ["text", "task__title", "event__title"]
    list_select_related = ["task", "event"]
    autocomplete_fields = ["task", "event"]
    readonly_fields = ["position", "done_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "task", "event"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            owner = {"task": obj.task} if obj.task_id else {"event": obj.event}
            item = ChecklistItem.objects.get(pk=obj.pk)
            if "text" in form.changed_data:
                item = checklist_services.checklist_edit(
                    **owner, item_id=obj.pk, text=data["text"], by=request.user
                )
        else:
            owner = {"task": data["task"]} if data.get("task") else {"event": data["event"]}
            item = checklist_services.checklist_add(**owner, text=data["text"], by=request.user)
        if ("done" in form.changed_data or not change) and bool(data.get("done")) != item.done:
            item = checklist_services.checklist_toggle(
                **owner, item_id=item.pk, done=bool(data.get("done")), by=request.user
            )
        adopt(obj, item)

    def delete_one(self, request, obj) -> None:
        owner = {"task": obj.task} if obj.task_id else {"event": obj.event}
        checklist_services.checklist_delete(**owner, item_id=obj.pk, by=request.user)


class ChecklistItemForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if not self.instance.pk and bool(data.get("task")) == bool(data.get("event")):
            raise ValidationError(_("Choose a task or an event (one of them)."))
        return data


ChecklistItemAdmin.form = ChecklistItemForm


@admin.register(Comment)
class CommentAdmin(AddAndDeleteOnly, ServiceDeleteMixin, admin.ModelAdmin):
    """Added here (mentions notified) or deleted; only their author edits them, on the site."""

    formfield_overrides = SHORT_TEXT
    list_display = ["__str__", "task", "author", "created_at"]
    search_fields = ["body", "task__title"]
    list_select_related = ["task", "author"]
    autocomplete_fields = ["task"]
    readonly_fields = ["author", "created_at", "edited_at", "mentions"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "task", "body"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        adopt(
            obj,
            comment_services.comment_add(
                task=form.cleaned_data["task"], body=form.cleaned_data["body"], by=request.user
            ),
        )

    def save_related(self, request, form, formsets, change) -> None:
        pass  # the mentions are the service's

    def delete_one(self, request, obj) -> None:
        comment_services.comment_delete(comment=obj, by=request.user)


@admin.register(Attachment)
class AttachmentAdmin(AddAndDeleteOnly, ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "task", "size", "content_type", "uploaded_by", "uploaded_at"]
    search_fields = ["name", "task__title"]
    list_select_related = ["task", "uploaded_by"]
    autocomplete_fields = ["task"]
    readonly_fields = ["name", "size", "content_type", "uploaded_by", "uploaded_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "task", "file"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        data = form.cleaned_data
        adopt(obj, attachment_services.attachment_add(task=data["task"], file=data["file"], by=request.user))

    def delete_one(self, request, obj) -> None:
        attachment_services.attachment_delete(attachment=obj, by=request.user)


@admin.register(TaskLink)
class TaskLinkAdmin(AddAndDeleteOnly, ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["task", "content_type", "object_id"]
    list_filter = ["content_type"]
    search_fields = ["task__title"]
    list_select_related = ["task", "content_type"]
    autocomplete_fields = ["task"]

    def get_readonly_fields(self, request, obj=None):
        return ["task", "content_type", "object_id"] if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        data = form.cleaned_data
        kind = kind_for_model(data["content_type"].model_class())
        if kind is None:
            raise ValidationError(_("A task cannot be linked to this kind of record."))
        adopt(
            obj,
            link_services.task_link_add(
                task=data["task"], kind=kind.key, object_id=data["object_id"], by=request.user
            ),
        )

    def delete_one(self, request, obj) -> None:
        link_services.task_link_remove(task=obj.task, link_id=obj.pk, by=request.user)
