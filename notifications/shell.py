"""What notifications add to the dashboard: the "Your notifications" widget and a global search provider."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dashboard.registry import register_widget
from dashboard.search import SearchResult, register_search

from . import selectors

WIDGET_SIZE = 5


def widget_context(request) -> dict:
    # the unread count comes from the shell's context processor (dashboard.context_processors.shell)
    return {"notifications": selectors.notification_latest(user=request.user, limit=WIDGET_SIZE)}


def search(user, query: str, limit: int) -> list[SearchResult]:
    list_url = reverse("notifications:list")
    return [
        SearchResult(
            title=str(notification.verb)[:120],
            url=notification.url or list_url,
            subtitle=str(notification.actor) if notification.actor else "",
            icon="bell",
        )
        for notification in selectors.notification_search(user=user, query=query, limit=limit)
    ]


def register() -> None:
    register_widget(
        "notifications",
        title=_("Your notifications"),
        template="notifications/components/widget.html",
        context=widget_context,
        order=10,
    )
    register_search("notifications", label=_("Notifications"), search=search)
