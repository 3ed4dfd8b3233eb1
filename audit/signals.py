"""Receivers that put authentication, 2FA and role events in the audit trail. Connected in AuditConfig.ready()."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import m2m_changed, post_save

from accounts.roles import ROLES

from . import context
from .services import audit_record

ROLE_CHANGE = "role.change"
USER_CREATE = "user.create"
_BEFORE_ATTR = "_audit_roles_before"


def _sorted_roles(names) -> list[str]:
    return sorted(set(names), key=lambda n: (ROLES.index(n) if n in ROLES else len(ROLES), n))


def _roles_by_user(user_pks) -> dict[int, list[str]]:
    User = get_user_model()
    out: dict[int, list[str]] = {pk: [] for pk in user_pks}
    for pk, name in User.groups.through.objects.filter(user_id__in=user_pks).values_list(
        "user_id", "group__name"
    ):
        out.setdefault(pk, []).append(name)
    return {pk: _sorted_roles(names) for pk, names in out.items()}


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    audit_record(action="auth.login", actor=user, target=user)


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action="auth.logout", actor=user, target=user)


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the attempted identifier is kept: never the password (Django already masks it; we drop it).
    User = get_user_model()
    attempted = str(
        credentials.get(User.USERNAME_FIELD) or credentials.get("email") or credentials.get("username") or ""
    )
    target = User._default_manager.filter(email__iexact=attempted).first() if attempted else None
    audit_record(action="auth.login_failed", target=target, data={"email": attempted[:254]})


def _mfa_receiver(action: str):
    def receiver(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
        data = {"type": getattr(authenticator, "type", "")}
        if "reauthentication" in kwargs:
            data["reauthentication"] = bool(kwargs["reauthentication"])
        audit_record(action=action, actor=user, target=user, data=data)

    receiver.__name__ = f"on_{action.replace('.', '_')}"
    return receiver


on_authenticator_added = _mfa_receiver("mfa.authenticator_added")
on_authenticator_removed = _mfa_receiver("mfa.authenticator_removed")
on_authenticator_reset = _mfa_receiver("mfa.authenticator_reset")
on_mfa_failed = _mfa_receiver("auth.mfa_failed")


def _password_receiver(action: str):
    def receiver(sender, request=None, user=None, **kwargs) -> None:
        audit_record(action=action, actor=user, target=user)

    receiver.__name__ = f"on_{action.replace('.', '_')}"
    return receiver


on_password_changed = _password_receiver("auth.password_changed")
on_password_reset = _password_receiver("auth.password_reset")
on_password_set = _password_receiver("auth.password_set")


def on_user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """Role changes made anywhere (admin, shell, other code). Services that record their own "role.change" (with
    the reason and a single before/after) mute this receiver."""
    if context.is_muted(ROLE_CHANGE):
        return
    phase, _, kind = action.partition("_")
    if kind not in ("add", "remove", "clear"):
        return
    if reverse:  # group.user_set.add(...): instance is the Group, pk_set holds users
        if pk_set is None:
            pk_set = set(instance.user_set.values_list("pk", flat=True)) if phase == "pre" else set()
        user_pks = set(pk_set)
    else:
        user_pks = {instance.pk}
    if phase == "pre":
        before = getattr(instance, _BEFORE_ATTR, {})
        before.update(_roles_by_user(user_pks))
        setattr(instance, _BEFORE_ATTR, before)
        return
    before_all: dict[int, list[str]] = getattr(instance, _BEFORE_ATTR, {})
    user_pks |= set(before_all)
    after_all = _roles_by_user(user_pks)
    users = get_user_model()._default_manager.in_bulk(user_pks) if reverse else {instance.pk: instance}
    for pk in sorted(user_pks):
        before, after = before_all.get(pk, []), after_all.get(pk, [])
        if before == after or pk not in users:
            continue
        audit_record(
            action=ROLE_CHANGE,
            target=users[pk],
            data={
                "before": before,
                "after": after,
                "added": [r for r in after if r not in before],
                "removed": [r for r in before if r not in after],
            },
        )
    setattr(instance, _BEFORE_ATTR, {})


def on_user_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw and not context.is_muted(USER_CREATE):
        audit_record(action=USER_CREATE, target=instance, data={"email": instance.email})


def connect() -> None:
    uid = "audit."
    auth_signals.user_logged_in.connect(on_user_logged_in, dispatch_uid=uid + "login")
    auth_signals.user_logged_out.connect(on_user_logged_out, dispatch_uid=uid + "logout")
    auth_signals.user_login_failed.connect(on_user_login_failed, dispatch_uid=uid + "login_failed")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid=uid + "mfa_added")
    mfa_signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid=uid + "mfa_removed")
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid=uid + "mfa_reset")
    mfa_signals.authentication_failed.connect(on_mfa_failed, dispatch_uid=uid + "mfa_failed")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid=uid + "password_changed")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid=uid + "password_reset")
    account_signals.password_set.connect(on_password_set, dispatch_uid=uid + "password_set")
    User = get_user_model()
    m2m_changed.connect(on_user_groups_changed, sender=User.groups.through, dispatch_uid=uid + "groups")
    post_save.connect(on_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid=uid + "user_created")
