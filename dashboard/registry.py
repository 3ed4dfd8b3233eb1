"""What the dashboard shows: widgets on the home page and modules in the sidebar.

Apps register both from their ``AppConfig.ready()``. The four business modules are declared here as slots
(label, icon, description, no URL) so the sidebar and the home page show them as "coming soon" until their app
registers the real module with a URL.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("dashboard")

Visible = Callable[[Any], bool]


def _always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class Widget:
    key: str
    title: str
    template: str
    context: Callable[[Any], dict]
    order: int = 100
    visible: Visible = _always


@dataclass(frozen=True)
class Module:
    key: str
    label: str
    icon: str  # a bootstrap-icons name, without the "bi-" prefix
    url_name: str | None = None  # None: the module's app is not installed yet (a slot)
    order: int = 100
    visible: Visible = _always
    description: str = ""


@dataclass
class ShellModule:
    """One sidebar entry as the templates see it."""

    key: str
    label: str
    icon: str
    url: str | None
    active: bool
    description: str = ""
    available: bool = field(init=False)

    def __post_init__(self) -> None:
        self.available = self.url is not None


_widgets: dict[str, Widget] = {}
_modules: dict[str, Module] = {}


def register_widget(
    key: str,
    *,
    title: str,
    template: str,
    context: Callable[[Any], dict],
    order: int = 100,
    visible: Visible = _always,
) -> None:
    """A home-page card: ``template`` rendered with ``context(request)``, shown when ``visible(user)``."""
    _widgets[key] = Widget(key, title, template, context, order, visible)


def register_module(
    key: str,
    *,
    label: str,
    icon: str,
    url_name: str | None,
    order: int = 100,
    visible: Visible = _always,
    description: str = "",
) -> None:
    """A sidebar entry; replaces the slot of the same key."""
    _modules[key] = Module(key, label, icon, url_name, order, visible, description)


def declare_slot(key: str, *, label: str, icon: str, order: int, description: str = "") -> None:
    """A module whose app is not installed yet; never replaces a module its app already registered."""
    _modules.setdefault(key, Module(key, label, icon, None, order, _always, description))


def _is_visible(item: Widget | Module, user: Any) -> bool:
    try:
        return bool(item.visible(user))
    except Exception:
        logger.exception("visibility check of %s failed", item.key)
        return False


def widgets_for(user: Any) -> list[Widget]:
    return sorted((w for w in _widgets.values() if _is_visible(w, user)), key=lambda w: (w.order, w.key))


def modules_for(user: Any, *, current_namespace: str = "") -> list[ShellModule]:
    """The sidebar for ``user``; the module whose URL namespace is ``current_namespace`` is active."""
    entries = []
    for module in sorted(_modules.values(), key=lambda m: (m.order, m.key)):
        if not _is_visible(module, user):
            continue
        url = None
        if module.url_name:
            try:
                url = reverse(module.url_name)
            except NoReverseMatch:
                logger.warning("module %s: no URL named %s", module.key, module.url_name)
        namespace = module.url_name.split(":", 1)[0] if module.url_name and ":" in module.url_name else None
        entries.append(
            ShellModule(
                key=module.key,
                label=module.label,
                icon=module.icon,
                url=url,
                active=url is not None and namespace == current_namespace,
                description=module.description,
            )
        )
    return entries


register_module("dashboard", label=_("Dashboard"), icon="speedometer2", url_name="dashboard:home", order=0)
declare_slot("crm", label=_("CRM"), icon="people", order=10, description=_("artists, sponsors, deals"))
declare_slot(
    "content",
    label=_("Content"),
    icon="collection-play",
    order=20,
    description=_("productions, assets, publishing"),
)
declare_slot(
    "planning", label=_("Planning"), icon="calendar3", order=30, description=_("calendar, shoots, tasks")
)
declare_slot(
    "streaming", label=_("Streaming"), icon="broadcast", order=40, description=_("live shows, OBS, Twitch")
)
