"""Boards (with their columns and members as inlines), columns, members and tags in the back office."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.service_admin import SHORT_TEXT, adopt, color_swatch, form_fields, inline_rows
from planning.models import (
    Board,
    BoardMembership,
    Column,
    Label,
)
from planning.services import boards as board_services

from .base import ServiceDeleteMixin

# --- tags ----------------------------------------------------------------------------------------------------


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "swatch", "task_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(task_count=Count("tasks"))

    @admin.display(description=_("colour"))
    def swatch(self, obj: Label):
        return color_swatch(obj.color)

    @admin.display(description=_("tasks"), ordering="task_count")
    def task_count(self, obj: Label) -> int:
        return obj.task_count


# --- boards, columns, members --------------------------------------------------------------------------------

COLUMN_FIELDS = ("name", "color", "wip_limit", "is_done")


class ColumnInline(admin.TabularInline):
    """The board's columns in order. Deleting one asks where its tasks go: use the board's settings page."""

    model = Column
    extra = 0
    fields = ["name", "color", "wip_limit", "is_done", "position", "task_count"]
    readonly_fields = ["position", "task_count"]
    can_delete = False
    ordering = ["position", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(task_count=Count("tasks"))

    @admin.display(description=_("tasks"))
    def task_count(self, obj: Column) -> int:
        return getattr(obj, "task_count", 0)


class MembershipInline(admin.TabularInline):
    model = BoardMembership
    extra = 0
    fields = ["user", "role", "added_at"]
    readonly_fields = ["added_at"]
    autocomplete_fields = ["user"]


@admin.register(Board)
class BoardAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    """Saved through the board services: the creator becomes its owner and it starts with three columns."""

    formfield_overrides = SHORT_TEXT
    list_display = ["name", "visibility", "wip_policy", "archived", "task_count", "created_by"]
    list_filter = ["visibility", "wip_policy", "archived"]
    search_fields = ["name", "description"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fields = ["name", "description", "color", "visibility", "wip_policy", "archived", *readonly_fields]
    inlines = [ColumnInline, MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(task_count=Count("tasks"))

    @admin.display(description=_("tasks"), ordering="task_count")
    def task_count(self, obj: Board) -> int:
        return obj.task_count

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else [MembershipInline]

    def save_model(self, request, obj, form, change) -> None:
        fields = form_fields(form, change=change)
        archived = fields.pop("archived", None)
        if change:
            board = board_services.board_update(board=Board.objects.get(pk=obj.pk), by=request.user, **fields)
        else:
            board = board_services.board_create(by=request.user, **fields)
        if archived is not None and archived != board.archived:
            board = board_services.board_archive(board=board, by=request.user, archived=archived)
        adopt(obj, board)

    def save_formset(self, request, form, formset, change) -> None:
        deleted, saved = inline_rows(formset)
        board = Board.objects.get(pk=formset.instance.pk)
        if formset.model is Column:
            for row in saved:
                data = {k: v for k, v in form_fields(row, change=False).items() if k in COLUMN_FIELDS}
                if row.instance.pk:
                    board_services.column_update(
                        column=Column.objects.get(pk=row.instance.pk), by=request.user, **data
                    )
                else:
                    board_services.column_create(board=board, by=request.user, **data)
            return
        for row in deleted:
            board_services.member_remove(membership=row.instance, by=request.user)
        for row in saved:
            board_services.member_add(
                board=board, user=row.cleaned_data["user"], role=row.cleaned_data["role"], by=request.user
            )

    def delete_one(self, request, obj) -> None:
        board_services.board_delete(board=obj, by=request.user)


@admin.register(Column)
class ColumnAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "board", "position", "swatch", "wip_limit", "is_done", "task_count"]
    list_filter = ["board", "is_done"]
    search_fields = ["name", "board__name"]
    list_select_related = ["board"]
    ordering = ["board__name", "position"]
    readonly_fields = ["position", "version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(task_count=Count("tasks"))

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "board"] if obj is not None else self.readonly_fields

    @admin.display(description=_("colour"))
    def swatch(self, obj: Column):
        return color_swatch(obj.color)

    @admin.display(description=_("tasks"), ordering="task_count")
    def task_count(self, obj: Column) -> int:
        return obj.task_count

    def has_delete_permission(self, request, obj=None) -> bool:
        # a column with tasks is deleted from the board's settings page (which asks where they go)
        if obj is not None and obj.tasks.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        data = {k: v for k, v in form_fields(form, change=change).items() if k in COLUMN_FIELDS}
        if change:
            column = board_services.column_update(
                column=Column.objects.get(pk=obj.pk), by=request.user, **data
            )
        else:
            column = board_services.column_create(board=form.cleaned_data["board"], by=request.user, **data)
        adopt(obj, column)

    def delete_one(self, request, obj) -> None:
        board_services.column_delete(column=obj, by=request.user)


@admin.register(BoardMembership)
class BoardMembershipAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["user", "board", "role", "added_at"]
    list_filter = ["role", "board"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "board__name"]
    list_select_related = ["user", "board"]
    autocomplete_fields = ["user"]
    readonly_fields = ["added_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["board", "user", "added_at"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            current = BoardMembership.objects.get(pk=obj.pk)
            saved = board_services.member_set_role(
                membership=current, role=form.cleaned_data["role"], by=request.user
            )
        else:
            data = form.cleaned_data
            saved = board_services.member_add(
                board=data["board"], user=data["user"], role=data["role"], by=request.user
            )
        adopt(obj, saved)

    def delete_one(self, request, obj) -> None:
        board_services.member_remove(membership=obj, by=request.user)
