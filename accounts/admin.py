"""Back office: opens only to active staff with two-factor authentication, signs in through allauth, and keeps
an audited, historised user admin."""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audit import context as audit_context
from audit.services import audit_record

from . import permissions, roles, services
from .models import User

# --- the site itself -------------------------------------------------------------------------------------


def _has_permission(request) -> bool:
    return permissions.can_access_admin(request.user)


@secure_admin_login  # anonymous: allauth's sign-in page; signed in but not active staff: 403
def admin_login(request, extra_context=None):
    if not permissions.has_totp(request.user):
        messages.warning(
            request,
            gettext("The back office requires two-factor authentication. Set it up, then open it again."),
        )
        return redirect("mfa_activate_totp")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    return redirect(next_url)


def admin_password_change(request, extra_context=None):
    """One way to change a password: allauth's (rate limited, notified by e-mail, audited)."""
    return redirect("account_change_password")


admin.site.has_permission = _has_permission
admin.site.login = admin_login
admin.site.password_change = admin.site.admin_view(admin_password_change)
admin.site.site_header = _("MONA × SPARK back office")
admin.site.site_title = _("MONA × SPARK")
admin.site.index_title = _("Back office")
admin.site.site_url = "/"


# --- users -----------------------------------------------------------------------------------------------


def _active_admin_count(exclude_pk: int | None = None) -> int:
    qs = User.objects.filter(is_active=True).filter(Q(groups__name=roles.ADMIN) | Q(is_superuser=True))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.distinct().count()


class UserChangeForm(forms.ModelForm):
    request_user: User | None = None

    class Meta:
        model = User
        fields = [
            "email",
            "first_name",
            "last_name",
            "job_title",
            "phone",
            "language",
            "time_zone",
            "is_active",
            "is_staff",
            "groups",
            "is_superuser",
            "user_permissions",
        ]
        widgets = {"groups": forms.CheckboxSelectMultiple}

    def clean(self):
        data = super().clean()
        user = self.instance
        if user.pk is None:
            return data
        if (
            user.is_active
            and data.get("is_active") is False
            and self.request_user
            and user.pk == self.request_user.pk
        ):
            self.add_error("is_active", gettext("You cannot deactivate your own account."))
        was_admin = user.is_active and (user.is_superuser or user.groups.filter(name=roles.ADMIN).exists())
        groups = data.get("groups")
        stays_admin = data.get("is_active", user.is_active) and (
            data.get("is_superuser", user.is_superuser)
            or (groups is not None and any(g.name == roles.ADMIN for g in groups))
        )
        if was_admin and not stays_admin and _active_admin_count(exclude_pk=user.pk) == 0:
            raise forms.ValidationError(
                gettext("This is the last active Admin: give the role to somebody else first.")
            )
        return data


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(name, roles.ROLE_LABELS[name]) for name in roles.ROLES]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin):
    form = UserChangeForm
    list_display = ("email", "full_name", "role_list", "is_active", "is_staff", "two_factor", "last_login")
    list_filter = (RoleListFilter, "is_active", "is_staff", "is_superuser", "language")
    search_fields = ("email", "first_name", "last_name", "job_title")
    ordering = ("first_name", "last_name", "email")
    readonly_fields = ("last_login", "date_joined", "invited_by")
    actions = ("resend_invitation",)
    history_list_display = ("is_active", "is_staff")
    fieldsets = (
        (None, {"fields": ("email", "first_name", "last_name", "job_title", "phone")}),
        (_("Preferences"), {"fields": ("language", "time_zone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("Superuser"), {"classes": ("collapse",), "fields": ("is_superuser", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "invited_by")}),
    )

    def get_queryset(self, request):
        totp = Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
        return super().get_queryset(request).prefetch_related("groups").annotate(has_totp=Exists(totp))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def has_add_permission(self, request) -> bool:
        return False  # people are invited from the Team page (accounts:team), which e-mails them a link

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("name"), ordering="first_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        return ", ".join(str(roles.ROLE_LABELS.get(n, n)) for n in obj.role_names)

    @admin.display(description=_("2FA"), boolean=True, ordering="has_totp")
    def two_factor(self, obj: User) -> bool:
        return bool(getattr(obj, "has_totp", False))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            audit_record(action="user.reactivate" if obj.is_active else "user.deactivate", target=obj)
            permissions.forget(obj)

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = sorted(user.groups.values_list("name", flat=True))
        with audit_context.muted("role.change"):
            super().save_related(request, form, formsets, change)
        after = sorted(user.groups.values_list("name", flat=True))
        if before != after:
            services.user_roles_changed(user=user, before=before, after=after, by=request.user, via="admin")

    @admin.action(description=_("Send the invitation again"))
    def resend_invitation(self, request, queryset):
        sent = 0
        for user in queryset:
            if services.invitation_is_pending(user):
                services.user_resend_invitation(user=user, by=request.user)
                sent += 1
        self.message_user(
            request,
            gettext("%(count)s invitation(s) sent again (people who already set a password were skipped).")
            % {"count": sent},
            messages.SUCCESS,
        )


# --- 2FA authenticators: viewable, deletable (reset somebody's 2FA), never editable ---------------------------

admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    fields = ("user", "type", "created_at", "last_used_at")  # never the (encrypted) secrets
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                action="mfa.authenticator_removed", target=obj.user, data={"type": obj.type, "via": "admin"}
            )
            super().delete_model(request, obj)
            permissions.forget(obj.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for authenticator in queryset.select_related("user"):
                audit_record(
                    action="mfa.authenticator_removed",
                    target=authenticator.user,
                    data={"type": authenticator.type, "via": "admin"},
                )
            super().delete_queryset(request, queryset)
