"""The CRM in the global search (dashboard.search): artists by stage name, alias or legal name; sponsors by
name or industry; contacts by name or e-mail; deals by title. Each provider returns only what the user may
see, best matches first (names that start with the query before those that merely contain it).

The record pickers of the list filters (``crm:list-lookup``) use the same functions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, Func, IntegerField, Q, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from crm import normalize, permissions
from dashboard.search import SearchResult, register_search


def _url(name: str, pk: int, list_name: str, query: str) -> str:
    """The record's page; while the records pages are not installed, its list searched for it."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        from urllib.parse import urlencode

        return reverse(list_name) + "?" + urlencode({"q": query})


def _ranked(queryset: QuerySet, key: str, limit: int) -> QuerySet:
    """Names starting with ``key`` first, then alphabetical."""
    starts = Case(
        When(normalized_name__startswith=key, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return queryset.alias(rank=starts).order_by("rank", "normalized_name", "pk")[:limit]


def artist_matches(user: Any, query: str, limit: int) -> QuerySet:
    key = normalize.normalize_name(query)
    text = (query or "").strip()
    if not text:
        return permissions.artists_visible_to(user).none()
    aliases = Func(F("aliases"), Value(" "), function="array_to_string", output_field=CharField())
    condition = Q(aliases_text__icontains=text) | Q(legal_name__icontains=text)
    if key:
        condition |= Q(normalized_name__contains=key)
    queryset = permissions.artists_visible_to(user).alias(aliases_text=aliases).filter(condition)
    return _ranked(queryset, key, limit)


def sponsor_matches(user: Any, query: str, limit: int) -> QuerySet:
    key = normalize.normalize_name(query)
    text = (query or "").strip()
    if not text:
        return permissions.sponsors_visible_to(user).none()
    condition = Q(industry__icontains=text)
    if key:
        condition |= Q(normalized_name__contains=key)
    return _ranked(permissions.sponsors_visible_to(user).filter(condition), key, limit)


def search_artists(user: Any, query: str, limit: int) -> list[SearchResult]:
    results = []
    for artist in artist_matches(user, query, limit):
        details = [artist.get_status_display()]
        if artist.aliases:
            details.append(_("aka %(aliases)s") % {"aliases": ", ".join(artist.aliases[:3])})
        if artist.country:
            details.append(str(countries.name(artist.country)))
        url = _url("crm:artist-detail", artist.pk, "crm:artist-list", artist.stage_name)
        results.append(SearchResult(artist.stage_name, url, " · ".join(details), "person-badge"))
    return results


def search_sponsors(user: Any, query: str, limit: int) -> list[SearchResult]:
    return [
        SearchResult(
            sponsor.name,
            _url("crm:sponsor-detail", sponsor.pk, "crm:sponsor-list", sponsor.name),
            sponsor.industry,
            "building",
        )
        for sponsor in sponsor_matches(user, query, limit)
    ]


def search_contacts(user: Any, query: str, limit: int) -> list[SearchResult]:
    key = normalize.normalize_name(query)
    text = (query or "").strip()
    condition = Q(email__icontains=text)
    if key:
        condition |= Q(normalized_name__contains=key)
    contacts = _ranked(
        permissions.contacts_visible_to(user).filter(condition).select_related("sponsor", "artist"),
        key,
        limit,
    )
    results = []
    for contact in contacts:
        organisation = contact.sponsor or contact.artist
        details = [part for part in (contact.role, str(organisation) if organisation else "") if part]
        url = _url("crm:contact-detail", contact.pk, "crm:contact-list", contact.full_name)
        results.append(SearchResult(contact.full_name, url, " · ".join(details), "person-lines-fill"))
    return results


def search_deals(user: Any, query: str, limit: int) -> list[SearchResult]:
    text = (query or "").strip()
    deals = (
        permissions.deals_visible_to(user)
        .filter(title__icontains=text)
        .select_related("stage", "sponsor")
        .order_by("-updated_at", "-pk")[:limit]
    )
    results = []
    for deal in deals:
        details = [deal.stage.name] + ([deal.sponsor.name] if deal.sponsor else [])
        url = _url("crm:deal-detail", deal.pk, "crm:deal-list", deal.title)
        results.append(SearchResult(deal.title, url, " · ".join(details), "cash-stack"))
    return results


def register_search_providers() -> None:
    """Called from crm.shell.register()."""
    register_search("crm-artists", label=gettext_lazy("Artists"), search=search_artists)
    register_search("crm-sponsors", label=gettext_lazy("Sponsors"), search=search_sponsors)
    register_search("crm-contacts", label=gettext_lazy("Contacts"), search=search_contacts)
    register_search("crm-deals", label=gettext_lazy("Deals"), search=search_deals)
