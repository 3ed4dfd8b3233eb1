"""Sponsor and contact pages and forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_countries import countries

from crm.forms import ContactForm, SponsorForm, add_service_errors
from crm.models import AGE_BANDS, BrandSafetyFlag, Contact, Sponsor
from crm.permissions import (
    artists_visible_to,
    can_edit_crm,
    contacts_visible_to,
    sponsors_visible_to,
)
from crm.selectors import records as selectors
from crm.services import records as services
from crm.templatetags.crm_tags import crm_url

from .access import crm_read, crm_write
from .records_common import Tab, chosen_tab, done, found, go, render_timeline

SPONSOR_TEMPLATE = "crm/sponsor_detail.html"
CONTACT_TEMPLATE = "crm/contact_detail.html"

SPONSOR_TABS = (
    ("profile", gettext_lazy("Profile"), "building"),
    ("deals", gettext_lazy("Deals"), "cash-stack"),
    ("timeline", gettext_lazy("Timeline"), "clock-history"),
)


def sponsor_tabs(pk: int) -> list[Tab]:
    page = reverse("crm:sponsor-detail", args=[pk])
    tabs = [
        Tab(key, str(label), icon, f"{page}?tab={key}", f"{page}?tab={key}")
        for key, label, icon in SPONSOR_TABS
    ]
    matches = crm_url("crm:sponsor-matches", pk)
    if matches:
        tabs.append(Tab("matches", _("Matching artists"), "stars", f"{page}?tab=matches", matches))
    return tabs


# --- sponsors --------------------------------------------------------------------------------------------------


@require_GET
@crm_read
@vary_on_headers("HX-Request")
def sponsor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tab = request.GET.get("tab", "")
    if request.htmx and tab in ("profile", "deals", "timeline"):
        return _sponsor_tab(request, pk, tab)
    sponsor = found(sponsors_visible_to(request.user).select_related("owner").filter(pk=pk).first())
    tabs = sponsor_tabs(sponsor.pk)
    return render(
        request,
        SPONSOR_TEMPLATE,
        {
            "sponsor": sponsor,
            "tabs": tabs,
            "active": chosen_tab(request, tabs),
            "can_edit": can_edit_crm(request.user),
            "page_query": request.GET.urlencode(),
        },
    )


def _sponsor_tab(request: HttpRequest, pk: int, tab: str) -> HttpResponse:
    can_edit = can_edit_crm(request.user)
    if tab == "profile":
        sponsor = found(selectors.sponsor_get(user=request.user, pk=pk))
        flags = dict(BrandSafetyFlag.choices)
        return render(
            request,
            f"{SPONSOR_TEMPLATE}#tab-profile",
            {
                "sponsor": sponsor,
                "can_edit": can_edit,
                "target_regions": [countries.name(code) or code for code in sponsor.target_regions],
                "excluded_flags": [flags.get(flag, flag) for flag in sponsor.excluded_flags],
                "age_bands": [dict(AGE_BANDS).get(band, band) for band in sponsor.target_age_bands],
            },
        )
    sponsor = found(sponsors_visible_to(request.user).filter(pk=pk).first())
    if tab == "deals":
        deals = selectors.sponsor_deals(user=request.user, sponsor=sponsor)
        return render(
            request,
            f"{SPONSOR_TEMPLATE}#tab-deals",
            {
                "sponsor": sponsor,
                "groups": selectors.group_by_pipeline(deals),
                "deals_count": len(deals),
                "can_edit": can_edit,
            },
        )
    return render_timeline(
        request, detail_url=reverse("crm:sponsor-detail", args=[sponsor.pk]), sponsor=sponsor
    )


def _sponsor_form_page(request: HttpRequest, sponsor: Sponsor | None) -> HttpResponse:
    form = SponsorForm(request.POST or None, instance=sponsor or Sponsor())
    if request.method == "POST" and form.is_valid():
        try:
            if sponsor is None:
                saved = services.sponsor_create(by=request.user, **form.service_fields())
                message = _("Sponsor %(name)s created.") % {"name": saved.name}
            else:
                saved = services.sponsor_update(sponsor=sponsor, by=request.user, **form.service_fields())
                message = _("Changes to %(name)s saved.") % {"name": saved.name}
        except ValidationError as error:
            if sponsor is not None:
                sponsor.refresh_from_db()
            add_service_errors(form, error)
        else:
            return done(request, reverse("crm:sponsor-detail", args=[saved.pk]), message)
    return render(request, "crm/sponsor_form.html", {"form": form, "sponsor": sponsor})


@require_http_methods(["GET", "POST"])
@crm_write
def sponsor_create(request: HttpRequest) -> HttpResponse:
    return _sponsor_form_page(request, None)


@require_http_methods(["GET", "POST"])
@crm_write
def sponsor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _sponsor_form_page(request, found(sponsors_visible_to(request.user).filter(pk=pk).first()))


@require_POST
@crm_write
def sponsor_delete(request: HttpRequest, pk: int) -> HttpResponse:
    sponsor = found(sponsors_visible_to(request.user).filter(pk=pk).first())
    name = sponsor.name
    try:
        services.sponsor_delete(sponsor=sponsor, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return go(request, reverse("crm:sponsor-detail", args=[pk]))
    return done(
        request,
        crm_url("crm:sponsor-list") or reverse("crm:home"),
        _("Sponsor %(name)s deleted.") % {"name": name},
    )


# --- contacts --------------------------------------------------------------------------------------------------


@require_GET
@crm_read
@vary_on_headers("HX-Request")
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.htmx and request.GET.get("tab") == "timeline":
        contact = found(contacts_visible_to(request.user).filter(pk=pk).first())
        return render_timeline(
            request, detail_url=reverse("crm:contact-detail", args=[contact.pk]), contact=contact
        )
    contact = found(selectors.contact_get(user=request.user, pk=pk))
    return render(
        request,
        CONTACT_TEMPLATE,
        {"contact": contact, "can_edit": can_edit_crm(request.user), "page_query": request.GET.urlencode()},
    )


def _organisation_initial(request: HttpRequest) -> dict:
    """``?sponsor=<pk>`` or ``?artist=<pk>``: the new contact belongs there."""
    initial = {}
    for name, visible in (("sponsor", sponsors_visible_to), ("artist", artists_visible_to)):
        raw = request.GET.get(name, "")
        if raw.isdigit() and visible(request.user).filter(pk=int(raw)).exists():
            initial[name] = int(raw)
    return initial


def _contact_back_url(contact: Contact) -> str:
    if contact.sponsor_id:
        return reverse("crm:sponsor-detail", args=[contact.sponsor_id])
    if contact.artist_id:
        return reverse("crm:artist-detail", args=[contact.artist_id])
    return reverse("crm:contact-detail", args=[contact.pk])


def _contact_form_page(request: HttpRequest, contact: Contact | None) -> HttpResponse:
    initial = _organisation_initial(request) if contact is None else {}
    form = ContactForm(request.POST or None, instance=contact or Contact(), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                saved = services.contact_create(by=request.user, **form.service_fields())
                message = _("Contact %(name)s added.") % {"name": saved.full_name}
                url = _contact_back_url(saved) if initial else reverse("crm:contact-detail", args=[saved.pk])
            else:
                saved = services.contact_update(contact=contact, by=request.user, **form.service_fields())
                message = _("Changes to %(name)s saved.") % {"name": saved.full_name}
                url = reverse("crm:contact-detail", args=[saved.pk])
        except ValidationError as error:
            if contact is not None:
                contact.refresh_from_db()
            add_service_errors(form, error)
        else:
            return done(request, url, message)
    return render(
        request, "crm/contact_form.html", {"form": form, "contact": contact, "initial_org": initial}
    )


@require_http_methods(["GET", "POST"])
@crm_write
def contact_create(request: HttpRequest) -> HttpResponse:
    return _contact_form_page(request, None)


@require_http_methods(["GET", "POST"])
@crm_write
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_form_page(request, found(contacts_visible_to(request.user).filter(pk=pk).first()))


@require_POST
@crm_write
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = found(contacts_visible_to(request.user).filter(pk=pk).first())
    name, back = contact.full_name, _contact_back_url(contact)
    if back == reverse("crm:contact-detail", args=[contact.pk]):
        back = crm_url("crm:contact-list") or reverse("crm:home")
    try:
        services.contact_delete(contact=contact, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return go(request, reverse("crm:contact-detail", args=[pk]))
    return done(request, back, _("Contact %(name)s deleted.") % {"name": name})
