"""The back office of the CRM's settings: saved list views, the scoring settings, import jobs."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.service_admin import adopt
from crm.models import (
    ImportJob,
    SavedView,
    ScoringConfig,
)
from crm.services.scoring import scoring_config_update

# --- settings, saved views, imports ------------------------------------------------------------------------------


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "list_key", "owner", "shared", "created_at"]
    list_filter = ["list_key", "shared"]
    search_fields = ["name", "owner__email", "query"]
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]


class ScoringConfigAdminForm(forms.ModelForm):
    weights = forms.JSONField(
        label=_("weights"),
        help_text=_(
            'Points per criterion, e.g. {"audience": 30, "growth": 20}. The scoring settings page is easier.'
        ),
    )

    class Meta:
        model = ScoringConfig
        fields = ["weights", "focus_genres", "focus_countries"]

    def clean_weights(self):
        weights = self.cleaned_data["weights"]
        if not isinstance(weights, dict):
            raise forms.ValidationError(_("Give an object of criterion → weight."))
        return weights


@admin.register(ScoringConfig)
class ScoringConfigAdmin(admin.ModelAdmin):
    """One row. Saving recomputes every artist's score (in Celery), as the scoring settings page does."""

    form = ScoringConfigAdminForm
    list_display = ["__str__", "updated_at", "updated_by"]
    autocomplete_fields = ["focus_genres"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not ScoringConfig.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = scoring_config_update(
            by=request.user,
            weights=data.get("weights") or {},
            focus_genres=data.get("focus_genres") or (),
            focus_countries=data.get("focus_countries") or (),
        )
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change) -> None:
        """scoring_config_update set the focus genres."""


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports run from the import page; here they can be looked at (and deleted)."""

    list_display = [
        "original_name",
        "kind",
        "owner",
        "status",
        "total_rows",
        "created_count",
        "error_count",
        "created_at",
    ]
    list_filter = ["kind", "status", "file_format"]
    search_fields = ["original_name", "owner__email"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
