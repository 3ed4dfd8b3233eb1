"""Reads of the CRM lists: the rows a list shows (filtered, sorted, scoped to what the user may see), one page
of them with only that page's related rows fetched, the saved views a person may apply, and the choices the
filter forms and bulk actions offer.

The list engine (:mod:`crm.listing`) says *what* a list is (filters, columns, sorting); this module runs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet, prefetch_related_objects

from accounts import roles
from crm.models import Artist, SavedView, Sponsor
from crm.permissions import saved_views_visible_to

if TYPE_CHECKING:
    from crm.listing import ListState

EXPORT_CHUNK = 2000


def crm_team() -> QuerySet:
    """People who can manage artists and own deals or sponsors: active Managers and Admins."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[roles.MANAGER, roles.ADMIN])
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def sponsor_industries() -> list[str]:
    return list(
        Sponsor.objects.exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )


def artist_countries() -> list[str]:
    return list(Artist.objects.exclude(country="").order_by().values_list("country", flat=True).distinct())


def list_queryset(*, state: ListState) -> QuerySet:
    """Every row of the list under its filters and sorting (all pages), without the related rows. The
    FilterSet of ``state`` already works on what its user may see."""
    queryset = state.filterset.qs
    if state.spec.select_related:
        queryset = queryset.select_related(*state.spec.select_related)
    for column in state.columns:
        if column.annotate:
            queryset = queryset.annotate(**column.annotate)
        if column.select:
            queryset = queryset.select_related(*column.select)
    if state.sort_column.annotate and state.sort_column not in state.columns:
        queryset = queryset.alias(**state.sort_column.annotate)
    return queryset.order_by(*state.ordering)


def list_page(*, state: ListState) -> Page:
    """The page of rows the list shows; related rows (genres, tags, managers…) are fetched for that page only."""
    queryset = list_queryset(state=state)
    page = Paginator(queryset, state.per_page).get_page(state.page_number)
    rows = list(page.object_list)
    prefetch_related_objects(rows, *state.prefetch)
    page.object_list = rows
    return page


def list_iter(*, state: ListState) -> Iterator[Any]:
    """All rows of the list, in order, read in chunks (exports)."""
    queryset = list_queryset(state=state)
    if state.prefetch:
        queryset = queryset.prefetch_related(*state.prefetch)
    return queryset.iterator(chunk_size=EXPORT_CHUNK)


def saved_view_list(*, user: Any, list_key: str) -> list[SavedView]:
    """The views ``user`` may apply on list ``list_key``: their own first, then the team's, by name."""
    views = saved_views_visible_to(user).filter(list_key=list_key).select_related("owner")
    return sorted(views, key=lambda view: (view.owner_id != user.pk, view.name.lower()))
