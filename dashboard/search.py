"""Global search: each app declares what is searchable with ``register_search``; the header's search box asks
them all through ``search_all``. A provider returns what ``user`` may see, at most ``limit`` results."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("dashboard")

MIN_QUERY_LENGTH = 2


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    subtitle: str = ""
    icon: str = ""  # a bootstrap-icons name


@dataclass(frozen=True)
class SearchProvider:
    key: str
    label: str
    search: Callable[[Any, str, int], list[SearchResult]]


@dataclass
class SearchGroup:
    key: str
    label: str
    results: list[SearchResult] = field(default_factory=list)


_providers: dict[str, SearchProvider] = {}


def register_search(key: str, *, label: str, search: Callable[[Any, str, int], list[SearchResult]]) -> None:
    _providers[key] = SearchProvider(key, label, search)


def search_all(user: Any, query: str, limit_per_provider: int = 5) -> list[SearchGroup]:
    """Results grouped by provider, in registration order; empty groups and failing providers are left out."""
    query = (query or "").strip()
    if len(query) < MIN_QUERY_LENGTH or not getattr(user, "is_authenticated", False):
        return []
    groups = []
    for provider in _providers.values():
        try:
            results = list(provider.search(user, query, limit_per_provider))[:limit_per_provider]
        except Exception:
            logger.exception("search provider %s failed", provider.key)
            continue
        if results:
            groups.append(SearchGroup(provider.key, provider.label, results))
    return groups
