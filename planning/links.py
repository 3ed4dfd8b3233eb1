"""What a task can be tied to: an artist, a deal, an event, and later a content item or a live show. Each kind
is registered once (later modules register theirs from their ``shell.register()``)::

    from planning.links import LinkKind, register_link_kind

    register_link_kind(LinkKind(
        key="crm.artist", model="crm.Artist", label=_("Artist"), icon="person-badge",
        visible=artists_visible_to,       # (user) -> queryset of what the user may link / see
        search=lambda qs, q: qs.filter(stage_name__icontains=q),   # picker search
        url=lambda obj: reverse("crm:artist-detail", args=[obj.pk]),
    ))

A ``TaskLink`` row holds (content type, object id); a link whose target the reader may not see shows as
"hidden record", a deleted target disappears (the service deletes links of deleted records lazily).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.functional import Promise


@dataclass
class LinkKind:
    key: str
    model: str  # "app_label.ModelName"
    label: str | Promise
    icon: str
    visible: Callable[[Any], Any]
    search: Callable[[Any, str], Any]
    url: Callable[[Any], str]
    title: Callable[[Any], str] = str

    @property
    def model_class(self):
        return apps.get_model(self.model)


_kinds: dict[str, LinkKind] = {}


def register_link_kind(kind: LinkKind) -> LinkKind:
    _kinds[kind.key] = kind
    return kind


def get_link_kind(key: str) -> LinkKind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(key) from None


def link_kinds() -> list[LinkKind]:
    return list(_kinds.values())


def kind_for_model(model: Any) -> LinkKind | None:
    label = f"{model._meta.app_label}.{model._meta.object_name}"
    return next((k for k in _kinds.values() if k.model == label), None)
