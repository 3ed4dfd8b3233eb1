"""The artist page (tabs loaded on first show), its forms (create, edit with social profiles, delete), the photo
and the audience snapshot form of the analytics tab."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_countries import countries

from crm import registry
from crm.forms import (
    ArtistForm,
    AudienceSnapshotForm,
    SocialFormSet,
    add_service_errors,
    language_choices,
    social_initial,
)
from crm.models import AGE_BANDS, Artist, BrandSafetyFlag
from crm.permissions import artists_visible_to, can_edit_crm
from crm.selectors import records as selectors
from crm.services import records as services
from crm.templatetags.crm_tags import crm_url

from .access import crm_read, crm_write
from .records_common import Tab, chosen_tab, done, found, go, render_timeline

TEMPLATE = "crm/artist_detail.html"
FORM_TEMPLATE = "crm/artist_form.html"

OWN_TABS = (
    ("profile", gettext_lazy("Profile"), "person-vcard"),
    ("deals", gettext_lazy("Pipeline and deals"), "kanban"),
    ("campaigns", gettext_lazy("Campaigns"), "megaphone"),
    ("timeline", gettext_lazy("Timeline"), "clock-history"),
    ("analytics", gettext_lazy("Analytics"), "graph-up-arrow"),
)


def artist_tabs(request: HttpRequest, pk: int) -> list[Tab]:
    """The CRM's tabs, then Score and Matches when scoring is installed, then the other modules' tabs (or the
    Activity note while none is installed). No database query beyond the role check."""
    page = reverse("crm:artist-detail", args=[pk])
    tabs = [
        Tab(key, str(label), icon, f"{page}?tab={key}", f"{page}?tab={key}") for key, label, icon in OWN_TABS
    ]
    for key, label, icon, url_name in (
        ("score", _("Score"), "speedometer2", "crm:artist-score"),
        ("matches", _("Sponsor matches"), "people", "crm:artist-matches"),
    ):
        url = crm_url(url_name, pk)
        if url:
            tabs.append(Tab(key, label, icon, f"{page}?tab={key}", url))
    extra = registry.artist_tabs(request.user, pk)
    if extra:
        tabs.extend(Tab(t.key, t.label, t.icon, f"{page}?tab={t.key}", t.url) for t in extra)
    else:
        tabs.append(Tab("activity", _("Activity"), "collection", f"{page}?tab=activity", ""))
    return tabs


@require_GET
@crm_read
@vary_on_headers("HX-Request")
def artist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tab = request.GET.get("tab", "")
    if request.htmx and tab in TAB_VIEWS:
        return TAB_VIEWS[tab](request, pk)
    artist = found(selectors.artist_get(user=request.user, pk=pk))
    tabs = artist_tabs(request, artist.pk)
    return render(
        request,
        TEMPLATE,
        {
            "artist": artist,
            "tabs": tabs,
            "active": chosen_tab(request, tabs),
            "can_edit": can_edit_crm(request.user),
            "page_query": request.GET.urlencode(),
        },
    )


def _profile(request: HttpRequest, pk: int) -> HttpResponse:
    artist = found(selectors.artist_profile(user=request.user, pk=pk))
    languages = dict(language_choices())
    flags = dict(BrandSafetyFlag.choices)
    return render(
        request,
        f"{TEMPLATE}#tab-profile",
        {
            "artist": artist,
            "can_edit": can_edit_crm(request.user),
            "artist_languages": [languages.get(code, code) for code in artist.languages],
            "audience_regions": [countries.name(code) or code for code in artist.audience_regions],
            "brand_flags": [flags.get(flag, flag) for flag in artist.brand_safety_flags],
            "age_bands": [dict(AGE_BANDS).get(band, band) for band in artist.audience_age_bands],
        },
    )


def _deals(request: HttpRequest, pk: int) -> HttpResponse:
    artist = found(artists_visible_to(request.user).filter(pk=pk).first())
    deals = selectors.artist_deals(user=request.user, artist=artist)
    return render(
        request,
        f"{TEMPLATE}#tab-deals",
        {
            "artist": artist,
            "groups": selectors.group_by_pipeline(deals),
            "deals_count": len(deals),
            "can_edit": can_edit_crm(request.user),
        },
    )


def _campaigns(request: HttpRequest, pk: int) -> HttpResponse:
    artist = found(artists_visible_to(request.user).filter(pk=pk).first())
    campaigns = selectors.artist_campaigns(user=request.user, artist=artist)
    return render(
        request,
        f"{TEMPLATE}#tab-campaigns",
        {"artist": artist, "campaigns": campaigns, "can_edit": can_edit_crm(request.user)},
    )


def _timeline(request: HttpRequest, pk: int) -> HttpResponse:
    artist = found(artists_visible_to(request.user).filter(pk=pk).first())
    return render_timeline(request, detail_url=reverse("crm:artist-detail", args=[artist.pk]), artist=artist)


def _analytics(request: HttpRequest, pk: int, form: AudienceSnapshotForm | None = None) -> HttpResponse:
    artist = found(artists_visible_to(request.user).filter(pk=pk).first())
    can_edit = can_edit_crm(request.user)
    return render(
        request,
        f"{TEMPLATE}#tab-analytics",
        {
            "artist": artist,
            "analytics": selectors.audience_analytics(artist=artist),
            "can_edit": can_edit,
            "snapshot_form": form or (AudienceSnapshotForm() if can_edit else None),
        },
    )


TAB_VIEWS = {
    "profile": _profile,
    "deals": _deals,
    "campaigns": _campaigns,
    "timeline": _timeline,
    "analytics": _analytics,
}


@require_POST
@crm_write
def artist_snapshot_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The analytics tab's "record an audience figure" form; answers with the refreshed tab."""
    artist = found(artists_visible_to(request.user).filter(pk=pk).first())
    form = AudienceSnapshotForm(request.POST)
    if form.is_valid():
        try:
            services.audience_snapshot_record(artist=artist, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return done(
                    request,
                    reverse("crm:artist-detail", args=[pk]) + "?tab=analytics",
                    _("Audience recorded."),
                )
            return _analytics(request, pk)
    return _analytics(request, pk, form=form)


# --- the photo -------------------------------------------------------------------------------------------------


@require_GET
@crm_read
def artist_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo, to people who read the CRM (media is not public)."""
    artist = found(artists_visible_to(request.user).only("pk", "photo").filter(pk=pk).first())
    if not artist.photo:
        raise Http404
    try:
        handle = artist.photo.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(artist.photo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- create, edit, delete --------------------------------------------------------------------------------------


def _save_socials(artist: Artist, rows: list[dict], *, by) -> None:
    """Apply the social profiles of the form: remove the dropped or changed ones, add the new ones."""
    current = {social.pk: social for social in artist.socials.all()}
    kept = set()
    for row in rows:
        social = current.get(row["id"]) if row["id"] else None
        if social and (social.platform, social.handle, social.url) == (
            row["platform"],
            row["handle"],
            row["url"],
        ):
            kept.add(social.pk)
    for pk, social in current.items():
        if pk not in kept:
            services.social_remove(social=social, by=by)
    for row in rows:
        if not (row["id"] and row["id"] in kept):
            services.social_add(
                artist=artist, by=by, platform=row["platform"], handle=row["handle"], url=row["url"]
            )


def _artist_form_page(request: HttpRequest, artist: Artist | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ArtistForm(data, files, instance=artist or Artist())
    socials = SocialFormSet(
        data,
        prefix="socials",
        artist=artist,
        initial=social_initial(artist) if artist and data is None else None,
    )
    original = artist
    if data is not None and form.is_valid() and socials.is_valid():
        try:
            with transaction.atomic():
                fields = form.service_fields()
                if artist is None:
                    artist = services.artist_create(by=request.user, **fields)
                    _save_socials(artist, socials.rows(), by=request.user)
                    message = _("Artist %(name)s created.") % {"name": artist.stage_name}
                else:
                    artist = services.artist_update(artist=artist, by=request.user, **fields)
                    _save_socials(artist, socials.rows(), by=request.user)
                    message = _("Changes to %(name)s saved.") % {"name": artist.stage_name}
        except ValidationError as error:  # rolled back: show the page as it was, with the errors
            artist = original
            if artist is not None:
                artist.refresh_from_db()
            add_service_errors(form, error)
        else:
            return done(request, reverse("crm:artist-detail", args=[artist.pk]), message)
    return render(request, FORM_TEMPLATE, {"form": form, "socials": socials, "artist": artist})


@require_http_methods(["GET", "POST"])
@crm_write
def artist_create(request: HttpRequest) -> HttpResponse:
    return _artist_form_page(request, None)


@require_http_methods(["GET", "POST"])
@crm_write
def artist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    artist = found(artists_visible_to(request.user).prefetch_related("socials").filter(pk=pk).first())
    return _artist_form_page(request, artist)


@require_POST
@crm_write
def artist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    artist = found(artists_visible_to(request.user).filter(pk=pk).first())
    name = artist.stage_name
    try:
        services.artist_delete(artist=artist, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return go(request, reverse("crm:artist-detail", args=[pk]))
    return done(
        request,
        crm_url("crm:artist-list") or reverse("crm:home"),
        _("Artist %(name)s deleted.") % {"name": name},
    )
