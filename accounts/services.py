"""Writes on users: invitations, roles, activation, profile and language. Each one is audited."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audit import context as audit_context
from audit.services import audit_record

from . import permissions
from . import roles as role_defs
from .models import User
from .timezones import is_valid_time_zone

logger = logging.getLogger(__name__)

PROFILE_FIELDS = ("first_name", "last_name", "job_title", "phone", "language", "time_zone")


# --- helpers ---------------------------------------------------------------------------------------------


def _clean_roles(role_names: list[str] | tuple[str, ...]) -> list[str]:
    unknown = [r for r in role_names if r not in role_defs.ROLES]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}})
    if not role_names:
        raise ValidationError({"roles": _("Choose at least one role.")})
    return [r for r in role_defs.ROLES if r in role_names]


def _role_groups(role_names: list[str]) -> list[Group]:
    groups = list(Group.objects.filter(name__in=role_names))
    if len(groups) != len(role_names):
        raise ValidationError({"roles": _("A role group is missing: run the migrations.")})
    return groups


def _current_roles(user: User) -> list[str]:
    names = set(user.groups.values_list("name", flat=True))
    return [r for r in role_defs.ROLES if r in names] + sorted(n for n in names if n not in role_defs.ROLES)


def _locked_active_admin_ids() -> set[int]:
    """Primary keys of the active Admins (role or superuser), rows locked until the transaction ends so two
    concurrent changes cannot both remove "the other" last Admin."""
    admin_ids = (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=role_defs.ADMIN) | Q(is_superuser=True))
        .values("pk")
    )
    return set(User.objects.select_for_update().filter(pk__in=admin_ids).values_list("pk", flat=True))


def _ensure_not_last_admin(user: User, message: str) -> None:
    admins = _locked_active_admin_ids()
    if user.pk in admins and len(admins) <= 1:
        raise ValidationError(message)


def _queue_invitation_email(user_id: int) -> None:
    from .tasks import user_send_invitation_task  # local import avoids a service<->task cycle

    try:
        user_send_invitation_task.delay(user_id=user_id)
    except Exception:  # the broker is unreachable: send now rather than lose the invitation
        logger.warning("accounts: could not queue the invitation e-mail of user %s, sending it now", user_id)
        user = User.objects.filter(pk=user_id).first()
        if user is not None:
            try:
                user_send_invitation(user=user)
            except Exception:
                logger.exception("accounts: the invitation e-mail of user %s could not be sent", user_id)


# --- invitations -----------------------------------------------------------------------------------------


def invitation_url(*, user: User) -> str:
    """An absolute password-set link for `user`: allauth's reset-from-key URL with allauth's token, so it is
    valid settings.PASSWORD_RESET_TIMEOUT seconds and dies once a password is set (the hash changes)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL.rstrip("/") + path


def invitation_is_pending(user: User) -> bool:
    return user.is_active and not user.has_usable_password() and user.last_login is None


def user_send_invitation(*, user: User) -> bool:
    """Send the invitation e-mail now, in the invitee's language. Does nothing (returns False) when the person
    has meanwhile set a password or been deactivated."""
    if not user.is_active or user.has_usable_password():
        return False
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    context = {
        "user": user,
        "inviter": user.invited_by,
        "invitation_url": invitation_url(user=user),
        "login_url": settings.SITE_URL.rstrip("/") + reverse("account_login"),
        "site_name": "MONA × SPARK",
        "valid_days": days,
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        subject = get_account_adapter().format_email_subject(" ".join(subject.splitlines()).strip())
        text = render_to_string("accounts/email/invitation_message.txt", context).strip()
        html = render_to_string("accounts/email/invitation_message.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


@transaction.atomic
def user_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    roles: list[str],
    invited_by: User | None,
    is_staff: bool = False,
    language: str | None = None,
) -> User:
    """Create a member of staff with no password and e-mail them a link to set one (after commit)."""
    email = User.objects.normalize_email(email or "").strip().lower()
    role_names = _clean_roles(roles)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Somebody with this e-mail address is already on the team.")})
    user = User(
        email=email,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        is_staff=is_staff,
        invited_by=invited_by,
        language=language or (invited_by.language if invited_by else settings.LANGUAGE_CODE),
    )
    user.set_unusable_password()
    user.full_clean()
    with audit_context.muted("user.create", "role.change"):
        user.save()
        user.groups.set(_role_groups(role_names))
    audit_record(
        action="user.invite",
        actor=invited_by,
        target=user,
        data={"email": email, "roles": role_names, "is_staff": is_staff, "language": user.language},
    )
    transaction.on_commit(lambda: _queue_invitation_email(user.pk))
    return user


@transaction.atomic
def user_resend_invitation(*, user: User, by: User | None) -> User:
    if not user.is_active:
        raise ValidationError(_("This account is deactivated: reactivate it first."))
    if user.has_usable_password():
        raise ValidationError(
            _("This person has already set a password; they can use “Forgot your password?”.")
        )
    audit_record(action="user.invitation_resend", actor=by, target=user, data={"email": user.email})
    transaction.on_commit(lambda: _queue_invitation_email(user.pk))
    return user


# --- roles and activation --------------------------------------------------------------------------------


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str], by: User | None) -> User:
    """Replace the roles of `user`. Refuses to take the Admin role from the last active Admin."""
    role_names = _clean_roles(roles)
    before = _current_roles(user)
    if role_defs.ADMIN in before and role_defs.ADMIN not in role_names and not user.is_superuser:
        _ensure_not_last_admin(user, _("You cannot remove the Admin role from the last active Admin."))
    extra = [n for n in before if n not in role_defs.ROLES]  # groups that are not roles are left alone
    if before == role_names + extra:
        return user
    with audit_context.muted("role.change"):
        user.groups.set(_role_groups(role_names) + list(Group.objects.filter(name__in=extra)))
    user_roles_changed(user=user, before=before, after=_current_roles(user), by=by)
    return user


def user_roles_changed(*, user: User, before: list[str], after: list[str], by: User | None, via: str = "") -> None:
    """Record a change of roles (made here or in the back office) and drop the cached roles."""
    order = {name: i for i, name in enumerate(role_defs.ROLES)}
    before, after = (sorted(names, key=lambda n: order.get(n, 99)) for names in (before, after))
    data = {
        "before": before,
        "after": after,
        "added": [r for r in after if r not in before],
        "removed": [r for r in before if r not in after],
    }
    audit_record(action="role.change", actor=by, target=user, data={**data, "via": via} if via else data)
    permissions.forget(user)


@transaction.atomic
def user_deactivate(*, user: User, by: User | None) -> User:
    """Deactivate an account: it can no longer sign in, and its open sessions and API tokens stop working."""
    if by is not None and by.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        return user
    _ensure_not_last_admin(user, _("You cannot deactivate the last active Admin."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(action="user.deactivate", actor=by, target=user)
    permissions.forget(user)
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User | None) -> User:
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(action="user.reactivate", actor=by, target=user)
    permissions.forget(user)
    return user


# --- profile ---------------------------------------------------------------------------------------------


def _clean_language(language: str) -> str:
    codes = [code for code, _label in settings.LANGUAGES]
    if language not in codes:
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    return language


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    first_name: str,
    last_name: str,
    job_title: str = "",
    phone: str = "",
    language: str,
    time_zone: str,
) -> User:
    if not is_valid_time_zone(time_zone):
        raise ValidationError({"time_zone": _("Unknown time zone.")})
    values: dict[str, Any] = {
        "first_name": (first_name or "").strip(),
        "last_name": (last_name or "").strip(),
        "job_title": (job_title or "").strip(),
        "phone": (phone or "").strip(),
        "language": _clean_language(language),
        "time_zone": time_zone,
    }
    changes = {
        field: {"before": getattr(user, field), "after": value}
        for field, value in values.items()
        if getattr(user, field) != value
    }
    if not changes:
        return user
    for field, value in values.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password", "email"])
    user.save(update_fields=list(changes))
    audit_record(action="user.profile_update", actor=user, target=user, data={"changes": changes})
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    language = _clean_language(language)
    if user.language == language:
        return user
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit_record(action="user.language", actor=user, target=user, data={"before": before, "after": language})
    return user
