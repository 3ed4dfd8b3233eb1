from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "level", "short_verb", "read_at", "email_status"]
    list_filter = ["kind", "level", "email_status", "in_app", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["verb", "recipient__email", "recipient__first_name", "recipient__last_name"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "actor"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "emailed_at", "email_attempts", "content_type", "object_id"]

    @admin.display(description=_("message"))
    def short_verb(self, obj: Notification) -> str:
        return str(obj)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]
    search_fields = ["user__email", "kind"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
