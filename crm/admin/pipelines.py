"""The back office of the pipelines: pipelines with their stages, stages, deals (a stage change is the board's
move)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.service_admin import SHORT_TEXT, ServiceAdmin, adopt, color_swatch, inline_data, inline_rows
from crm.models import (
    Deal,
    Pipeline,
    Stage,
)
from crm.services import pipelines as pipeline_services
from crm.services import records

# --- pipelines, stages, deals -------------------------------------------------------------------------------------


class StageInline(admin.TabularInline):
    """Stages in board order. Deleting one asks where its deals go: use the Stages page or the pipeline settings."""

    model = Stage
    extra = 0
    fields = ["name", "probability", "outcome", "color", "position", "deal_count"]
    readonly_fields = ["position", "deal_count"]
    can_delete = False
    ordering = ["position", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deal_count=Count("deals"))

    @admin.display(description=_("deals"))
    def deal_count(self, obj: Stage) -> int:
        return getattr(obj, "deal_count", 0)


STAGE_FIELDS = ("name", "probability", "outcome", "color")


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "position", "archived", "deal_count"]
    list_filter = ["kind", "archived"]
    search_fields = ["name"]
    inlines = [StageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deal_count=Count("deals"))

    @admin.display(description=_("deals"), ordering="deal_count")
    def deal_count(self, obj: Pipeline) -> int:
        return obj.deal_count

    def get_readonly_fields(self, request, obj=None):
        return ["kind", "position"] if obj is not None else ["position"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            pipeline_services.pipeline_update(
                pipeline=obj,
                by=request.user,
                name=form.cleaned_data["name"],
                archived=form.cleaned_data["archived"],
            )
        else:
            saved = pipeline_services.pipeline_create(
                by=request.user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                with_stages=False,
            )
            if form.cleaned_data.get("archived"):
                pipeline_services.pipeline_update(pipeline=saved, by=request.user, archived=True)
            adopt(obj, saved)

    def save_formset(self, request, form, formset, change) -> None:
        _, saved = inline_rows(formset)
        for stage_form in saved:
            data = {
                k: v
                for k, v in inline_data(stage_form, "pipeline", change=False).items()
                if k in STAGE_FIELDS
            }
            if stage_form.instance.pk:
                pipeline_services.stage_update(
                    stage=Stage.objects.get(pk=stage_form.instance.pk), by=request.user, **data
                )
            else:
                pipeline_services.stage_create(pipeline=formset.instance, by=request.user, **data)


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "pipeline", "position", "probability", "outcome", "swatch", "deal_count"]
    list_filter = ["pipeline", "outcome"]
    search_fields = ["name", "pipeline__name"]
    list_select_related = ["pipeline"]
    ordering = ["pipeline__position", "position"]
    readonly_fields = ["position", "version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deal_count=Count("deals"))

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "pipeline"] if obj is not None else self.readonly_fields

    @admin.display(description=_("colour"))
    def swatch(self, obj: Stage):
        return color_swatch(obj.color)

    @admin.display(description=_("deals"), ordering="deal_count")
    def deal_count(self, obj: Stage) -> int:
        return obj.deal_count

    def save_model(self, request, obj, form, change) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k in STAGE_FIELDS}
        if change:
            pipeline_services.stage_update(stage=Stage.objects.get(pk=obj.pk), by=request.user, **data)
        else:
            adopt(
                obj,
                pipeline_services.stage_create(
                    pipeline=form.cleaned_data["pipeline"], by=request.user, **data
                ),
            )

    def delete_model(self, request, obj) -> None:
        pipeline_services.stage_delete(stage=obj, by=request.user)  # only stages without deals get this far

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class DealAdminForm(forms.ModelForm):
    """A move to a lost stage needs a reason (as on the board)."""

    def clean(self):
        data = super().clean()
        stage = data.get("stage")
        if (
            stage is not None
            and stage.outcome == Stage.Outcome.LOST
            and not (data.get("lost_reason") or "").strip()
        ):
            self.add_error("lost_reason", _("Say why the deal was lost."))
        return data


@admin.register(Deal)
class DealAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """A new stage goes through the board's move: the deal lands at the bottom of the column, the timeline says
    who moved it and open boards follow."""

    form = DealAdminForm
    formfield_overrides = SHORT_TEXT
    list_display = [
        "title",
        "pipeline",
        "stage",
        "sponsor",
        "value",
        "currency",
        "owner",
        "expected_close_date",
    ]
    list_filter = [
        "pipeline",
        "stage__outcome",
        "stage",
        "currency",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "tags",
    ]
    search_fields = ["title", "sponsor__name", "artists__stage_name"]
    autocomplete_fields = ["sponsor", "artists", "campaign", "owner", "tags"]
    list_select_related = ["pipeline", "stage", "sponsor", "owner"]
    readonly_fields = ["weighted", "closed_at", "created_at", "updated_at"]
    history_list_display = ["stage", "value", "owner"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["title", "pipeline", "stage", "sponsor", "artists", "campaign", "owner", "tags"]}),
        (_("Value"), {"fields": ["value", "currency", "probability", "weighted", "expected_close_date"]}),
        (_("Details"), {"fields": ["deliverables", "lost_reason", "closed_at", "created_at", "updated_at"]}),
    ]
    instance_kwarg = "deal"
    create_service = staticmethod(records.deal_create)
    update_service = staticmethod(records.deal_update)
    delete_service = staticmethod(records.deal_delete)

    @admin.display(description=_("weighted value"))
    def weighted(self, obj: Deal):
        return obj.weighted_value if obj.pk else "—"
