"""iCal: one event as a .ics download, each person's private feed (no session: the token in the URL is the
key; an unknown or revoked token is a 404) and the page that shows the feed's address and revokes it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from planning import ical
from planning.selectors import events as selectors
from planning.selectors import feeds as feed_selectors
from planning.services import feeds

from .access import planning_read

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_safe
@planning_read
def event_ics(request, pk: int):
    event = selectors.event_get(user=request.user, pk=pk)
    if event is None:
        raise Http404
    response = HttpResponse(ical.event_ics(event, base_url=_base_url(request)), content_type=CONTENT_TYPE)
    filename = slugify(event.title) or "event"
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def ical_feed(request, token: str):
    """What a calendar application fetches every hour or so: no cookie, the token is the key."""
    feed = feed_selectors.feed_by_token(token)
    if feed is None:
        raise Http404
    user = feed.user
    body = ical.feed_ics(
        name=_("MONA × SPARK — %(name)s") % {"name": user.get_full_name() or user.email},
        events=feed_selectors.feed_events(user=user),
        tasks=feed_selectors.feed_tasks(user=user),
        base_url=_base_url(request),
        zone=selectors._zone(getattr(user, "time_zone", "") or "UTC"),
    )
    feeds.feed_touch(feed=feed)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="planning.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _feed_urls(request, feed) -> dict:
    url = request.build_absolute_uri(reverse("planning:ical-feed", args=[feed.token.reveal()]))
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@never_cache
@require_GET
@planning_read
def ical_settings(request):
    feed = feeds.feed_create_or_get(user=request.user)
    context = {"feed": feed, **_feed_urls(request, feed)}
    return render(request, "planning/events/ical_settings.html", context)


@require_POST
@planning_read
def ical_revoke(request):
    feeds.feed_revoke(user=request.user, by=request.user)
    messages.success(request, _("Your calendar address was replaced: the old one no longer works."))
    return HttpResponseRedirect(reverse("planning:ical-settings"))


urlpatterns = [
    path("events/<int:pk>/event.ics", event_ics, name="event-ics"),
    path("ical/", ical_settings, name="ical-settings"),
    path("ical/revoke/", ical_revoke, name="ical-revoke"),
    path("ical/<str:token>.ics", ical_feed, name="ical-feed"),
]
