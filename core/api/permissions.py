"""API permissions. Apps do not write permission classes by hand: they wrap their ``permissions.py``
predicates with :func:`predicate_permission`, so the HTML views, the API and the websockets ask the same
questions.

    # crm/api/views.py
    from core.api.permissions import predicate_permission
    from crm.permissions import can_edit_deal, can_view_deal

    class DealViewSet(viewsets.ModelViewSet):
        permission_classes = [predicate_permission(read=can_view_deal, write=can_edit_deal)]

        def get_queryset(self):
            return deals_visible_to(self.request.user)   # invisible → 404, visible but not allowed → 403

Predicates have the house signature ``can_<verb>_<entity>(user, obj=None) -> bool``. Before an object is
fetched (list, create, and the first check of every request) they are called with ``obj=None`` and answer
"may this user do this at all"; once the object is fetched they are called again with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.permissions import needs_two_factor_setup

Predicate = Callable[..., bool]
TWO_FACTOR_MESSAGE = _("Your role requires two-factor authentication: set it up on the web first.")


class IsStaffUser(BasePermission):
    """A signed-in, active member of staff (every account is staff; ``is_staff`` is back-office access) who is
    not held back by the two-factor rule. The session middleware enforces that rule for pages; token (JWT)
    requests only meet it here."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if needs_two_factor_setup(user):
            raise PermissionDenied(TWO_FACTOR_MESSAGE, code="two_factor_required")
        return True


def _implements(view, method: str) -> bool:
    """Whether the view handles `method` (a viewset binds only the methods its route maps to actions)."""
    name = method.lower()
    return name in getattr(view, "http_method_names", ()) and getattr(view, name, None) is not None


def predicate_permission(
    read: Predicate | None = None,
    write: Predicate | None = None,
    *,
    actions: Mapping[str, Predicate] | None = None,
    name: str | None = None,
) -> type[BasePermission]:
    """Build a DRF permission class from predicates.

    ``read`` answers safe methods (GET, HEAD, OPTIONS), ``write`` the others; ``actions`` overrides both for
    named viewset actions (``{"mark_read": can_mark_read_notification}``). A missing predicate means
    "allowed" for reads and "refused" for writes, so ``predicate_permission(read=can_view_x)`` is read-only.
    The user must always be a signed-in active member of staff.
    """
    action_map = dict(actions or {})

    def _predicate(request, view) -> Predicate | None:
        action = getattr(view, "action", None)
        if action in action_map:
            return action_map[action]
        return read if request.method in SAFE_METHODS else write

    def _allowed(request, view, obj: Any = None, *, with_obj: bool) -> bool:
        if not with_obj and not _implements(view, request.method):
            return True  # let DRF answer 405 Method Not Allowed rather than a misleading 403
        predicate = _predicate(request, view)
        if predicate is None:
            return request.method in SAFE_METHODS
        return bool(predicate(request.user, obj) if with_obj else predicate(request.user))

    class _PredicatePermission(IsStaffUser):
        def has_permission(self, request, view) -> bool:
            return super().has_permission(request, view) and _allowed(request, view, with_obj=False)

        def has_object_permission(self, request, view, obj) -> bool:
            return _allowed(request, view, obj, with_obj=True)

    names = [getattr(p, "__name__", "") for p in (read, write, *action_map.values()) if p is not None]
    _PredicatePermission.__name__ = name or "PredicatePermission_" + "_".join(names)
    _PredicatePermission.__qualname__ = _PredicatePermission.__name__
    return _PredicatePermission
