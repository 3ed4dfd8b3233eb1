"""Scoring and matching pages: the Admin's scoring settings (with a live preview), an artist's score explanation
(a fragment the artist page loads in its Score tab, or a page of its own), the ranked match lists, and the
"Create deal" button of a match."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Func, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries
from django_htmx.http import HttpResponseClientRedirect

from crm import scoring
from crm.models import Artist
from crm.permissions import artists_visible_to, can_edit_crm, can_tune_scoring, sponsors_visible_to
from crm.selectors import scoring as selectors
from crm.services import scoring as services
from crm.templatetags.crm_tags import crm_url
from crm.views.access import crm_read, crm_write, scoring_admin

SETTINGS_TEMPLATE = "crm/scoring_settings.html"
SCORE_FRAGMENT = "crm/components/score-explanation.html"
MATCH_LIST = "crm/components/match-list.html"


# --- scoring settings ------------------------------------------------------------------------------------


class RangeInput(forms.NumberInput):
    input_type = "range"


class CountriesField(forms.MultipleChoiceField):
    """Offers the countries worth showing (its choices) but accepts any real country code."""

    def valid_value(self, value) -> bool:
        return value in countries


class ScoringSettingsForm(forms.Form):
    focus_genres = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Focus genres"),
        queryset=selectors.genres_all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=gettext_lazy("The genres the agency is looking for."),
    )
    focus_countries = CountriesField(
        label=gettext_lazy("Focus countries"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=gettext_lazy("The markets the agency is looking for (home country or audience)."),
    )

    def __init__(self, *args, country_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key in scoring.CRITERIA:
            self.fields[f"weight_{key}"] = forms.IntegerField(
                label=scoring.LABELS[key],
                min_value=0,
                max_value=scoring.WEIGHT_MAX,
                help_text=scoring.HELP[key],
                widget=RangeInput(attrs={"step": 5, "class": "form-range"}),
            )
        self.fields["focus_countries"].choices = sorted(
            ((code, countries.name(code) or code) for code in country_codes), key=lambda c: c[1]
        )

    @property
    def weight_fields(self):
        return [self[f"weight_{key}"] for key in scoring.CRITERIA]

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(f"weight_{key}") for key in scoring.CRITERIA]
        if all(w is not None for w in weights) and not any(weights):
            raise ValidationError(_("Give at least one criterion a weight above 0."))
        return cleaned

    def weights(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"weight_{key}"] for key in scoring.CRITERIA}

    def settings(self) -> scoring.ScoringSettings:
        return scoring.ScoringSettings(
            weights=self.weights(),
            focus_genre_ids=frozenset(g.pk for g in self.cleaned_data["focus_genres"]),
            focus_countries=frozenset(self.cleaned_data["focus_countries"]),
        )


def _country_codes(config) -> list[str]:
    """Countries worth offering: where the artists live or are heard, plus those already chosen."""
    homes = Artist.objects.exclude(country="").order_by().values_list("country", flat=True).distinct()
    heard = (
        Artist.objects.annotate(region=Func("audience_regions", function="unnest"))
        .order_by()
        .values_list("region", flat=True)
        .distinct()
    )
    codes = {str(c) for c in homes} | {str(c) for c in heard} | set(config.focus_countries or ())
    return sorted(code for code in codes if code in countries)


def _settings_form(request: HttpRequest, config, data=None) -> ScoringSettingsForm:
    initial = {
        f"weight_{key}": scoring.ScoringSettings(weights=config.weights or {}).weight(key)
        for key in scoring.CRITERIA
    }
    if config.pk:
        initial["focus_genres"] = list(config.focus_genres.all())
    initial["focus_countries"] = list(config.focus_countries or ())
    return ScoringSettingsForm(data, initial=initial, country_codes=_country_codes(config))


def _preview_context(request: HttpRequest, settings: scoring.ScoringSettings) -> dict:
    """Scores of a few artists under these settings (nothing saved), and each criterion's share."""
    sample = selectors.scoring_preview_sample(user=request.user)
    results = services.artist_score_compute(artist_ids=[a.pk for a in sample], settings=settings)
    rows = []
    for artist in sample:
        new = results[artist.pk].score if artist.pk in results else artist.score
        rows.append({"artist": artist, "old": artist.score, "new": new, "delta": new - artist.score})
    shares = scoring.weight_shares(settings.weights, fit_used=settings.has_focus)
    items, x = [], 0.0
    for key in scoring.CRITERIA:
        items.append(
            {
                "key": key,
                "label": scoring.LABELS[key],
                "share": shares[key],
                "x": round(x, 2),
                "width": shares[key],
            }
        )
        x += shares[key]
    return {
        "preview_rows": rows,
        "shares": items,
        "share_segments": [item for item in items if item["share"]],
        "fit_used": settings.has_focus,
    }


def _page_context(form: ScoringSettingsForm, config) -> dict:
    return {
        "form": form,
        "config": config,
        "default_weights": json.dumps(scoring.DEFAULT_WEIGHTS),
        "last_recomputed": Artist.objects.aggregate(at=Max("score_updated_at"))["at"],
    }


@require_http_methods(["GET", "POST"])
@scoring_admin
def scoring_settings(request: HttpRequest) -> HttpResponse:
    config = selectors.scoring_config_get()
    if request.method == "GET":
        context = _page_context(_settings_form(request, config), config)
        context.update(_preview_context(request, selectors.scoring_settings_get(config)))
        return render(request, SETTINGS_TEMPLATE, context)
    form = _settings_form(request, config, data=request.POST)
    if request.POST.get("preview"):
        context = {"form": form, "preview_error": not form.is_valid()}
        if form.is_valid():
            context.update(_preview_context(request, form.settings()))
        return render(request, SETTINGS_TEMPLATE + "#scoring-preview", context)
    if form.is_valid():
        try:
            services.scoring_config_update(
                by=request.user,
                weights=form.weights(),
                focus_genres=form.cleaned_data["focus_genres"],
                focus_countries=form.cleaned_data["focus_countries"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Scoring settings saved. Every score is being recomputed in the background.")
            )
            return redirect("crm:scoring-settings")
    return render(request, SETTINGS_TEMPLATE, {**_page_context(form, config), "preview_error": True})


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- the score of an artist ------------------------------------------------------------------------------


def _score_context(request: HttpRequest, artist: Artist) -> dict:
    config = selectors.scoring_config_get()
    stale = bool(
        artist.score_updated_at and config.updated_at and config.updated_at > artist.score_updated_at
    )
    rows = scoring.explain(artist.score_breakdown)
    return {
        "artist": artist,
        "rows": rows,
        "segments": _segments(rows),
        "stale": stale,
        "can_edit": can_edit_crm(request.user),
        "can_tune": can_tune_scoring(request.user),
    }


def _segments(rows) -> list[dict]:
    """The stacked bar of the score: one segment per criterion that earned points (x and width in points)."""
    segments, x = [], 0
    for row in rows:
        if row.points > 0:
            segments.append(
                {"key": row.key, "label": row.label, "x": x, "width": row.points, "points": row.points}
            )
            x += row.points
    return segments


@require_http_methods(["GET", "POST"])
@crm_read
def artist_score(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the explanation (a fragment for htmx, else a page). POST (Manager, Admin): recompute it now."""
    artist = selectors.artist_score_get(user=request.user, pk=pk)
    if artist is None:
        raise Http404
    if request.method == "POST":
        if not can_edit_crm(request.user):
            raise PermissionDenied
        services.artist_score_recompute(artist_ids=[artist.pk])
        if not request.htmx:
            messages.success(request, _("Score recomputed."))
            return redirect("crm:artist-score", pk=artist.pk)
        artist = selectors.artist_score_get(user=request.user, pk=pk)
    context = _score_context(request, artist)
    if request.htmx:
        return render(request, SCORE_FRAGMENT, context)
    return render(request, "crm/artist_score.html", context)


# --- match lists -----------------------------------------------------------------------------------------


def _match_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context["can_edit"] = can_edit_crm(request.user)
    context["next"] = request.get_full_path()
    if request.htmx:
        return render(request, MATCH_LIST, context)
    return render(request, template, context)


@require_GET
@crm_read
def artist_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """The sponsors that best match an artist."""
    artist = selectors.artist_for_matches(user=request.user, pk=pk)
    if artist is None:
        raise Http404
    rows = selectors.sponsor_matches_for_artist(user=request.user, artist=artist)
    return _match_page(
        request, "crm/artist_matches.html", {"artist": artist, "rows": rows, "side": "sponsors"}
    )


@require_GET
@crm_read
def sponsor_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """The artists that best match a sponsor."""
    sponsor = selectors.sponsor_for_matches(user=request.user, pk=pk)
    if sponsor is None:
        raise Http404
    rows = selectors.artist_matches_for_sponsor(user=request.user, sponsor=sponsor)
    return _match_page(
        request, "crm/sponsor_matches.html", {"sponsor": sponsor, "rows": rows, "side": "artists"}
    )


def _back(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else default


def _go(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
@crm_write
def match_create_deal(request: HttpRequest, sponsor_pk: int, artist_pk: int) -> HttpResponse:
    """Create the deal "Sponsor × Artist" from a match, then open it (or its board)."""
    sponsor = sponsors_visible_to(request.user).filter(pk=sponsor_pk).first()
    artist = artists_visible_to(request.user).filter(pk=artist_pk).first()
    if sponsor is None or artist is None:
        raise Http404
    try:
        deal = services.deal_create_from_match(by=request.user, sponsor=sponsor, artist=artist)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _go(request, _back(request, reverse("crm:sponsor-matches", args=[sponsor.pk])))
    messages.success(
        request, _("Deal “%(title)s” created in %(stage)s.") % {"title": deal.title, "stage": deal.stage.name}
    )
    url = (
        crm_url("crm:deal-detail", deal.pk)
        or crm_url("crm:pipeline-board", deal.pipeline_id)
        or reverse("crm:sponsor-matches", args=[sponsor.pk])
    )
    return _go(request, url)


urlpatterns = [
    path("scoring/", scoring_settings, name="scoring-settings"),
    path("artists/<int:pk>/score/", artist_score, name="artist-score"),
    path("artists/<int:pk>/matches/", artist_matches, name="artist-matches"),
    path("sponsors/<int:pk>/matches/", sponsor_matches, name="sponsor-matches"),
    path(
        "sponsors/<int:sponsor_pk>/matches/<int:artist_pk>/deal/",
        match_create_deal,
        name="match-create-deal",
    ),
]
