"""Reads on users."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import User


def _with_team_data(qs: QuerySet[User]) -> QuerySet[User]:
    totp = Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
    return qs.select_related("invited_by").prefetch_related("groups").annotate(has_totp=Exists(totp))


def team_member_list(*, include_inactive: bool = True) -> QuerySet[User]:
    """Everybody, active first, with roles prefetched and `has_totp` annotated (constant query count)."""
    qs = User.objects.all() if include_inactive else User.objects.filter(is_active=True)
    return _with_team_data(qs).order_by("-is_active", "first_name", "last_name", "email")


def team_member_get(*, pk: int) -> User | None:
    return _with_team_data(User.objects.filter(pk=pk)).first()


def people_search(*, query: str, limit: int = 10) -> list[User]:
    """Active people whose name, e-mail or job title contains every word of `query`."""
    words = [w for w in (query or "").split() if w][:5]
    if not words:
        return []
    qs = User.objects.filter(is_active=True)
    for word in words:
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(job_title__icontains=word)
        )
    return list(qs.order_by("first_name", "last_name", "email")[:limit])
