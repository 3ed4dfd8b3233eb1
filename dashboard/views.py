import logging
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import login_required

from .registry import Widget, modules_for, widgets_for
from .search import MIN_QUERY_LENGTH, search_all

logger = logging.getLogger("dashboard")


@dataclass
class RenderedWidget:
    key: str
    title: str
    html: SafeString
    failed: bool = False


def greeting(hour: int) -> str:
    if 5 <= hour < 12:
        return _("Good morning")
    if 12 <= hour < 18:
        return _("Good afternoon")
    return _("Good evening")


def _render_widget(request: HttpRequest, widget: Widget) -> RenderedWidget:
    """One widget's card body; a widget that fails shows an error card instead of breaking the page."""
    try:
        html = render_to_string(widget.template, widget.context(request), request=request)
    except Exception:
        logger.exception("dashboard widget %s failed", widget.key)
        return RenderedWidget(widget.key, widget.title, mark_safe(""), failed=True)  # noqa: S308
    return RenderedWidget(widget.key, widget.title, mark_safe(html))  # noqa: S308 (rendered template output)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "dashboard/home.html",
        {
            "greeting": greeting(timezone.localtime().hour),
            "name": user.get_short_name(),
            "widgets": [_render_widget(request, widget) for widget in widgets_for(user)],
            "coming_soon": [module for module in modules_for(user) if not module.available],
        },
    )


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Global search. htmx (the header's search box) gets only the results dropdown; otherwise a full page."""
    query = request.GET.get("q", "").strip()
    too_short = len(query) < MIN_QUERY_LENGTH
    groups = [] if too_short else search_all(request.user, query)
    template = "dashboard/search.html" + ("#search-results" if request.htmx else "")
    return render(
        request,
        template,
        {"query": query, "groups": groups, "too_short": too_short, "min_length": MIN_QUERY_LENGTH},
    )
