"""The one calendar (owned by helper CALENDAR): the page, its JSON feed (FullCalendar's event source format) and
the endpoint that saves a drag or a resize. What the calendar shows comes from the registered sources
(:mod:`planning.calendar`, Planning's own in :mod:`planning.calendar_sources`); time zones:
:mod:`planning.selectors.calendar`."""

from __future__ import annotations

import gzip
import json
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from planning.calendar import LIVE_GROUP, sources_for
from planning.calendar_sources import user_zone
from planning.permissions import can_plan
from planning.selectors import calendar as selectors

from .access import planning_read

VIEWS = ("dayGridMonth", "timeGridWeek", "timeGridDay", "listWeek")


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _url_or_blank(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # a page another helper has not built yet
        return ""


def _selected(request: HttpRequest, name: str) -> list[str]:
    return [v for item in request.GET.getlist(name) for v in item.split(",") if v]


@require_GET
@planning_read
def calendar_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    sources = sources_for(user)
    chosen = _selected(request, "sources") if "sources" in request.GET else [s.key for s in sources]
    view = request.GET.get("view", "")
    context = {
        "sources": [
            {"key": s.key, "label": s.label, "color": s.color, "on": s.key in chosen} for s in sources
        ],
        "kinds": selectors.kind_choices(),
        "artists": selectors.artist_choices(user),
        "members": selectors.member_choices(),
        "kind": request.GET.get("kind", ""),
        "artist": request.GET.get("artist", ""),
        "member": request.GET.get("member", ""),
        "live_group": LIVE_GROUP,
        "can_create": can_plan(user) and bool(_url_or_blank("planning:event-create")),
        "config": _config(request, view=view if view in VIEWS else ""),
    }
    return render(request, "planning/calendar/page.html", context)


def _config(request: HttpRequest, *, view: str) -> dict:
    """What planning-calendar.js needs (json_script): URLs, the viewer's zone and language, texts."""
    can_create = can_plan(request.user)
    return {
        "feedUrl": reverse("planning:calendar-feed"),
        "moveUrl": reverse("planning:calendar-move"),
        "createUrl": _url_or_blank("planning:event-create") if can_create else "",
        "timeZone": user_zone(request.user).key,
        "locale": translation.get_language() or "fr",
        "firstDay": int(formats.get_format("FIRST_DAY_OF_WEEK")),
        "canCreate": can_create,
        "initialView": view,
        "initialDate": request.GET.get("date", "")[:10],
        "texts": {
            "buttonText": {
                "today": _("Today"),
                "month": _("Month"),
                "week": _("Week"),
                "day": _("Day"),
                "list": _("List"),
                "prev": _("Previous"),
                "next": _("Next"),
            },
            "allDayText": _("All day"),
            "noEventsText": _("Nothing planned in this period"),
            "moreLinkText": _("more"),
            "weekText": _("Wk"),
            "saved": _("Saved."),
            "created": _("Event saved."),
            "failed": _("Could not save this change — it was undone."),
            "forbidden": _("You are not allowed to move this."),
            "gone": _("This item no longer exists. The calendar was refreshed."),
            "loadFailed": _("The calendar could not be loaded. Please retry."),
        },
    }


ACCEPTS_GZIP = re.compile(r"\bgzip\b")
GZIP_LEVEL = 1  # a month's ~750 KB of JSON: ~3 ms to ~95 KB (level 6: ~9 ms to ~75 KB)


def _json_feed(request: HttpRequest, items: list) -> HttpResponse:
    """The feed's JSON, compact, gzipped for a client that takes it. No BREACH risk: the body holds no secret
    (no CSRF token, nothing of the session) and repeats nothing of the request, so compressing it reveals
    nothing; and a JSON answer runs no script (CSP does not apply)."""
    body = json.dumps(items, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    response = HttpResponse(content_type="application/json")
    patch_vary_headers(response, ("Accept-Encoding",))
    if len(body) > 1024 and ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        response["Content-Encoding"] = "gzip"
    response.content = body
    response["Content-Length"] = str(len(body))
    return response


@require_GET
@planning_read
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """``?start=&end=`` (required, at most 400 days apart; wall-clock in the viewer's zone or ISO with an offset),
    ``sources=tasks,events`` (default: all), filters ``kind``, ``artist``, ``member`` (``me``)… A month holds
    ~2,000 items: compact JSON, gzipped when the browser takes it (:func:`_json_feed`)."""
    try:
        start, end = selectors.parse_range(request.GET, user_zone(request.user))
    except ValidationError as exc:
        return _error(" ".join(exc.messages))
    sources = selectors.chosen_sources(request.user, request.GET.get("sources"))
    items = selectors.feed(user=request.user, start=start, end=end, sources=sources, params=request.GET)
    return _json_feed(request, items)


def _body(request: HttpRequest) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return request.POST.dict()


def _flag(value) -> bool:
    return value is True or str(value).lower() in ("true", "1", "on")


@require_POST
@planning_read
def calendar_move(request: HttpRequest) -> JsonResponse:
    """Save a drag or a resize: JSON ``{source, id, start, end, all_day, scope}`` (``scope``: ``one`` or
    ``series`` for an occurrence of a recurring event). Answers ``{item, warnings}``, or ``{error}`` with 400
    (bad dates, refused by the source), 403 or 404."""
    user = request.user
    if not any(s.move is not None and s.can_move(user) for s in sources_for(user)):
        raise PermissionDenied
    data = _body(request)
    source = selectors.movable_source(user, str(data.get("source") or ""))
    if source is None or source.move is None:
        return _error(_("This calendar item cannot be moved."))
    if not source.can_move(user):
        return _error(_("You are not allowed to move this."), 403)
    zone = user_zone(user)
    all_day = _flag(data.get("all_day"))
    try:
        start, _is_date = selectors.parse_wall(data.get("start"), zone, field="start")
        end = selectors.parse_wall(data["end"], zone, field="end")[0] if data.get("end") else None
        if end is not None and end < start:
            raise ValidationError(_("The end is before the start."), code="end_before_start")
        extra = {"scope": data["scope"]} if data.get("scope") in ("one", "series") else {}
        item = source.move(user, str(data.get("id") or ""), start, end, all_day, **extra)
    except ValidationError as exc:
        return _error(" ".join(exc.messages))
    except PermissionDenied:
        return _error(_("You are not allowed to move this."), 403)
    except Http404:
        return _error(_("This item no longer exists."), 404)
    warnings = item.extra.pop("warnings", [])
    return JsonResponse({"item": selectors.item_json(item, source=source, zone=zone), "warnings": warnings})


urlpatterns = [
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/feed/", calendar_feed, name="calendar-feed"),
    path("calendar/move/", calendar_move, name="calendar-move"),
]
