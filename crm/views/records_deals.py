"""Deal and campaign pages and forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from crm.forms import CampaignForm, DealForm, KpiFormSet, add_service_errors, kpi_initial
from crm.models import Campaign, Deal
from crm.permissions import (
    artists_visible_to,
    campaigns_visible_to,
    can_edit_crm,
    deals_visible_to,
    pipelines_visible_to,
    sponsors_visible_to,
)
from crm.selectors import records as selectors
from crm.services import records as services
from crm.templatetags.crm_tags import crm_url

from .access import crm_read, crm_write
from .records_common import done, found, go, render_timeline

CAMPAIGN_PAGE_SIZE = 25

# --- deals -----------------------------------------------------------------------------------------------------


@require_GET
@crm_read
@vary_on_headers("HX-Request")
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.htmx and request.GET.get("tab") == "timeline":
        deal = found(deals_visible_to(request.user).filter(pk=pk).first())
        return render_timeline(request, detail_url=reverse("crm:deal-detail", args=[deal.pk]), deal=deal)
    deal = found(selectors.deal_get(user=request.user, pk=pk))
    return render(
        request,
        "crm/deal_detail.html",
        {
            "deal": deal,
            "stages": selectors.deal_stages(deal=deal),
            "history": selectors.deal_stage_history(deal=deal),
            "can_edit": can_edit_crm(request.user),
            "page_query": request.GET.urlencode(),
            "board_url": crm_url("crm:pipeline-board", deal.pipeline_id),
        },
    )


def _deal_initial(request: HttpRequest) -> dict:
    """``?pipeline=…&sponsor=…&artist=…&campaign=…`` prefill a new deal (from a record page's "New deal")."""
    initial: dict = {}
    for name, visible in (
        ("pipeline", pipelines_visible_to),
        ("sponsor", sponsors_visible_to),
        ("campaign", campaigns_visible_to),
        ("artist", artists_visible_to),
    ):
        raw = request.GET.get(name, "")
        if raw.isdigit() and visible(request.user).filter(pk=int(raw)).exists():
            initial["artists" if name == "artist" else name] = [int(raw)] if name == "artist" else int(raw)
    if "campaign" in initial and "artists" not in initial:
        campaign = Campaign.objects.filter(pk=initial["campaign"]).only("artist_id").first()
        if campaign:
            initial["artists"] = [campaign.artist_id]
    return initial


def _deal_form_page(request: HttpRequest, deal: Deal | None) -> HttpResponse:
    url = reverse("crm:deal-edit", args=[deal.pk]) if deal else reverse("crm:deal-create")
    if request.method == "GET" and request.htmx and request.htmx.trigger_name == "pipeline":
        # the pipeline changed: offer its stages
        form = DealForm(
            initial={"pipeline": request.GET.get("pipeline")}, instance=deal or Deal(), form_url=url
        )
        return render(request, "crm/deal_form.html#stage-field", {"form": form})
    initial = _deal_initial(request) if deal is None and request.method == "GET" else {}
    form = DealForm(request.POST or None, instance=deal or Deal(), initial=initial, form_url=url)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            if deal is None:
                saved = services.deal_create(by=request.user, **fields)
                message = _("Deal %(title)s created.") % {"title": saved.title}
            else:
                saved = services.deal_update(deal=deal, by=request.user, **fields)
                message = _("Changes to %(title)s saved.") % {"title": saved.title}
        except ValidationError as error:
            if deal is not None:
                deal.refresh_from_db()
            add_service_errors(form, error)
        else:
            return done(request, reverse("crm:deal-detail", args=[saved.pk]), message)
    return render(request, "crm/deal_form.html", {"form": form, "deal": deal})


@require_http_methods(["GET", "POST"])
@crm_write
def deal_create(request: HttpRequest) -> HttpResponse:
    return _deal_form_page(request, None)


@require_http_methods(["GET", "POST"])
@crm_write
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = found(deals_visible_to(request.user).select_related("stage", "pipeline").filter(pk=pk).first())
    return _deal_form_page(request, deal)


@require_POST
@crm_write
def deal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    deal = found(deals_visible_to(request.user).filter(pk=pk).first())
    title, pipeline_id = deal.title, deal.pipeline_id
    try:
        services.deal_delete(deal=deal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return go(request, reverse("crm:deal-detail", args=[pk]))
    back = crm_url("crm:deal-list") or crm_url("crm:pipeline-board", pipeline_id) or reverse("crm:home")
    return done(request, back, _("Deal %(title)s deleted.") % {"title": title})


# --- campaigns -------------------------------------------------------------------------------------------------


@require_GET
@crm_read
@vary_on_headers("HX-Request")
def campaign_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Campaign.Status.values else ""
    query = request.GET.get("q", "").strip()[:100]
    campaigns = selectors.campaign_list(user=request.user, status=status, query=query)
    page = Paginator(campaigns, CAMPAIGN_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "crm/campaign_list.html" + ("#campaign-table" if request.htmx else "")
    return render(
        request,
        template,
        {
            "page_obj": page,
            "status": status,
            "query": query,
            "statuses": Campaign.Status.choices,
            "can_edit": can_edit_crm(request.user),
        },
    )


@require_GET
@crm_read
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = found(selectors.campaign_get(user=request.user, pk=pk))
    deals = selectors.campaign_deals(user=request.user, campaign=campaign)
    return render(
        request,
        "crm/campaign_detail.html",
        {
            "campaign": campaign,
            "deals": deals,
            "deal_total": sum((d.value for d in deals), start=0),
            "kpis": _kpi_rows(campaign),
            "can_edit": can_edit_crm(request.user),
        },
    )


def _kpi_rows(campaign: Campaign) -> list[dict]:
    rows = []
    for kpi in campaign.kpis or []:
        if not isinstance(kpi, dict) or not kpi.get("name"):
            continue
        target, actual = float(kpi.get("target") or 0), float(kpi.get("actual") or 0)
        percent = round(actual / target * 100) if target > 0 else None
        rows.append(
            {
                "name": kpi["name"],
                "target": target,
                "actual": actual,
                "percent": percent,
                "bar": min(100, max(0, percent or 0)),
                "reached": percent is not None and percent >= 100,
            }
        )
    return rows


def _campaign_form_page(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    initial = {}
    raw = request.GET.get("artist", "")
    if campaign is None and raw.isdigit() and artists_visible_to(request.user).filter(pk=int(raw)).exists():
        initial["artist"] = int(raw)
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, instance=campaign or Campaign(), initial=initial)
    kpis = KpiFormSet(
        data, prefix="kpis", initial=kpi_initial(campaign) if campaign and data is None else None
    )
    if data is not None and form.is_valid() and kpis.is_valid():
        fields = {**form.service_fields(), "kpis": kpis.kpis()}
        try:
            if campaign is None:
                saved = services.campaign_create(by=request.user, **fields)
                message = _("Campaign %(name)s created.") % {"name": saved.name}
            else:
                saved = services.campaign_update(campaign=campaign, by=request.user, **fields)
                message = _("Changes to %(name)s saved.") % {"name": saved.name}
        except ValidationError as error:
            if campaign is not None:
                campaign.refresh_from_db()
            add_service_errors(form, error)
        else:
            return done(request, reverse("crm:campaign-detail", args=[saved.pk]), message)
    return render(request, "crm/campaign_form.html", {"form": form, "kpis": kpis, "campaign": campaign})


@require_http_methods(["GET", "POST"])
@crm_write
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _campaign_form_page(request, None)


@require_http_methods(["GET", "POST"])
@crm_write
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_form_page(request, found(campaigns_visible_to(request.user).filter(pk=pk).first()))


@require_POST
@crm_write
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = found(campaigns_visible_to(request.user).filter(pk=pk).first())
    name = campaign.name
    try:
        services.campaign_delete(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return go(request, reverse("crm:campaign-detail", args=[pk]))
    return done(request, reverse("crm:campaign-list"), _("Campaign %(name)s deleted.") % {"name": name})
