"""Pieces shared by the record pages: lazy tabs, the timeline tab, form re-rendering and the answers to writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect

from crm.forms import InteractionForm
from crm.permissions import can_edit_crm
from crm.selectors import records as selectors

TIMELINE_PAGE_SIZE = 20
TIMELINE_TEMPLATE = "crm/components/timeline.html"


@dataclass(frozen=True)
class Tab:
    """One tab of a record page: ``href`` is the page with ``?tab=key``; ``load_url`` fills the pane (hx-get)."""

    key: str
    label: str
    icon: str
    href: str
    load_url: str = ""


def found(obj: Any) -> Any:
    if obj is None:
        raise Http404
    return obj


def go(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful write: a real redirect, or htmx's client-side one."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return go(request, url)


def chosen_tab(request: HttpRequest, tabs: list[Tab]) -> str:
    wanted = request.GET.get("tab", "")
    keys = [tab.key for tab in tabs]
    return wanted if wanted in keys else keys[0]


def timeline_context(
    request: HttpRequest,
    *,
    detail_url: str,
    artist=None,
    sponsor=None,
    contact=None,
    deal=None,
    with_form: bool = True,
) -> dict:
    """The timeline tab: the quick-add form (writers only) and one page of entries, newest first."""
    target = {"artist": artist, "sponsor": sponsor, "contact": contact, "deal": deal}
    entries = selectors.timeline(user=request.user, **target)
    page = Paginator(entries, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    on = next((f"{kind}-{obj.pk}" for kind, obj in target.items() if obj is not None), "")
    context = {
        "on": on,  # the page's own record: its entries do not link to it
        "page_obj": page,
        "feed_url": detail_url + "?tab=timeline&feed=1",
        "can_edit": can_edit_crm(request.user),
        "form": None,
    }
    if with_form and context["can_edit"]:
        context["form"] = quick_add_form(**target)
    return context


def quick_add_form(*, data=None, artist=None, sponsor=None, contact=None, deal=None) -> InteractionForm:
    contacts = selectors.contacts_for(artist=artist, sponsor=sponsor, deal=deal, contact=contact)
    initial = {
        name: obj.pk
        for name, obj in (("artist", artist), ("sponsor", sponsor), ("contact", contact), ("deal", deal))
        if obj
    }
    return InteractionForm(data=data, initial=initial, contacts=contacts)


def render_timeline(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """The timeline pane (``?tab=timeline``) or only its feed (``&feed=1``: pagination, resync)."""
    context = timeline_context(request, with_form=not request.GET.get("feed"), **kwargs)
    partial = "feed" if request.GET.get("feed") else "timeline"
    return render(request, f"{TIMELINE_TEMPLATE}#{partial}", context)
