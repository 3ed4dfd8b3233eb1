import json

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Value
from django.db.models.functions import Coalesce, StrIndex, Substr
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class ActionDomainFilter(admin.SimpleListFilter):
    """Filter on the first part of the dotted action name ("auth", "role", "user", …)."""

    title = _("action family")
    parameter_name = "family"

    def lookups(self, request, model_admin):
        families = (
            AuditEvent.objects.annotate(dot=StrIndex("action", Value(".")))
            .annotate(family=Coalesce(Substr("action", 1, "dot"), Value("")))
            .order_by("family")
            .values_list("family", flat=True)
            .distinct()
        )
        return [(f, f.rstrip(".")) for f in families if f]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action__startswith=self.value())
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by the application only."""

    list_display = ("created_at", "actor_label", "action", "target_repr", "ip")
    list_filter = (ActionDomainFilter, "action", ("created_at", admin.DateFieldListFilter), "target_type")
    search_fields = ("action", "actor_label", "target_repr", "target_id", "user_agent")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "target_type")
    list_per_page = 50
    show_full_result_count = False
    fields = (
        "created_at",
        "actor",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "pretty_data",
        "ip",
        "user_agent",
    )
    readonly_fields = fields

    @admin.display(description=_("details"))
    def pretty_data(self, obj: AuditEvent):
        text = json.dumps(obj.data, indent=2, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
        return format_html("<pre>{}</pre>", text)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
