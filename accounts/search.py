"""The "people" provider of the dashboard's global search."""

from __future__ import annotations

from django.urls import reverse

from . import permissions, selectors


def search_people(user, query: str, limit: int) -> list:
    from dashboard.search import SearchResult

    if not getattr(user, "is_authenticated", False):
        return []
    admin = permissions.can_manage_users(user)
    team_url = reverse("accounts:team") if admin else ""
    results = []
    for person in selectors.people_search(query=query, limit=limit):
        url = f"{team_url}#member-{person.pk}" if admin else f"mailto:{person.email}"
        subtitle = " · ".join(part for part in (person.job_title, person.email) if part)
        results.append(SearchResult(title=str(person), url=url, subtitle=subtitle, icon="person"))
    return results
