"""Role predicates. Every role check of the project goes through here (views, API, consumers, templates).

Roles are Django groups (accounts.roles). A superuser counts as an Admin, so an account made with
`createsuperuser` can run the Team page (and must turn on two-factor authentication like any Admin).
Results are cached on the user object for the rest of the request; services that change roles or
authenticators call `forget(user)`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.functional import LazyObject

from . import roles

_ROLES_ATTR = "_perm_role_names"
_TOTP_ATTR = "_perm_has_totp"


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def role_names(user: Any) -> frozenset[str]:
    """The roles `user` holds (empty for anonymous or deactivated users)."""
    if not _signed_in(user):
        return frozenset()
    cached = getattr(user, _ROLES_ATTR, None)
    if cached is None:
        target = user._wrapped if isinstance(user, LazyObject) else user
        if "groups" not in getattr(target, "_prefetched_objects_cache", {}):
            # one query, and user.role_names / user.groups.all() (templates) reuse it for the rest of the request
            prefetch_related_objects([target], "groups")
        names = set(user.role_names)
        if user.is_superuser:
            names.add(roles.ADMIN)
        cached = frozenset(names)
        setattr(user, _ROLES_ATTR, cached)
    return cached


def has_totp(user: Any) -> bool:
    """Whether `user` has a TOTP authenticator (two-factor authentication on)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, _TOTP_ATTR, None)
    if cached is None:
        cached = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
        setattr(user, _TOTP_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    """Drop the cached roles / 2FA state of `user` (after a change in this request)."""
    target = user._wrapped if isinstance(user, LazyObject) else user
    getattr(target, "_prefetched_objects_cache", {}).pop("groups", None)
    for attr in (_ROLES_ATTR, _TOTP_ATTR):
        with contextlib.suppress(AttributeError):
            delattr(user, attr)


def has_any_role(user: Any, *names: str) -> bool:
    return bool(role_names(user) & set(names))


def is_admin(user: Any) -> bool:
    return has_any_role(user, roles.ADMIN)


def is_manager(user: Any) -> bool:
    return has_any_role(user, roles.MANAGER)


def is_read_only(user: Any) -> bool:
    """Only the Viewer role: may read everything, change nothing."""
    return role_names(user) == frozenset({roles.VIEWER})


def can_manage_users(user: Any, obj: Any = None) -> bool:
    return is_admin(user)


def can_view_audit(user: Any, obj: Any = None) -> bool:
    return is_admin(user)


def can_access_admin(user: Any) -> bool:
    """The back office opens to active staff accounts with two-factor authentication on."""
    return _signed_in(user) and user.is_staff and has_totp(user)


def two_factor_required(user: Any) -> bool:
    """Whether `user` holds a role that must use two-factor authentication (settings.TWO_FACTOR_REQUIRED_ROLES)."""
    return has_any_role(user, *getattr(settings, "TWO_FACTOR_REQUIRED_ROLES", []))


def needs_two_factor_setup(user: Any) -> bool:
    """True when `user` must turn on two-factor authentication before doing anything else."""
    return two_factor_required(user) and not has_totp(user)
