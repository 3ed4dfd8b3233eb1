"""The timeline's quick-add (from every record page, without leaving it), one entry as a fragment (what live
pages fetch), and the search behind the record pickers of the forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from crm.forms import InteractionForm, add_service_errors
from crm.selectors import records as selectors
from crm.services import records as services

from .access import crm_read, crm_write
from .records_common import TIMELINE_TEMPLATE, found, quick_add_form

TARGET_PAGES = (
    ("deal", "crm:deal-detail"),
    ("contact", "crm:contact-detail"),
    ("sponsor", "crm:sponsor-detail"),
    ("artist", "crm:artist-detail"),
)


def _page_of(form: InteractionForm) -> str:
    """The record page the quick-add was on (the most specific record it names)."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    for name, url_name in TARGET_PAGES:
        obj = data.get(name)
        if obj is not None:
            return reverse(url_name, args=[obj.pk]) + "?tab=timeline"
    return reverse("crm:home")


def _targets(form: InteractionForm) -> dict:
    data = getattr(form, "cleaned_data", {}) or {}
    return {name: data.get(name) for name in InteractionForm.TARGETS}


@require_POST
@crm_write
def interaction_create(request: HttpRequest) -> HttpResponse:
    """Quick-add. htmx: the new entry (prepended to the list) and a fresh form; errors: the form again, in place."""
    probe = InteractionForm(request.POST)
    probe.is_valid()  # only to learn which records the form is about (for the "present" contacts)
    form = quick_add_form(data=request.POST, **_targets(probe))
    interaction = None
    if form.is_valid():
        try:
            interaction = services.interaction_create(by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
    if not request.htmx:
        if interaction is not None:
            messages.success(request, _("Added to the timeline."))
        else:
            messages.error(request, _("Nothing was added: %(errors)s") % {"errors": _error_text(form)})
        return redirect(_page_of(form))
    if interaction is None:
        response = render(request, f"{TIMELINE_TEMPLATE}#quick-add", {"form": form, "can_edit": True})
        return reswap(retarget(response, "#crm-quick-add"), "outerHTML")
    entry = selectors.interaction_get(user=request.user, pk=interaction.pk)
    targets = _targets(form)
    fresh = quick_add_form(**targets)
    on = next((f"{kind}-{obj.pk}" for kind, obj in targets.items() if obj is not None), "")
    return render(
        request, f"{TIMELINE_TEMPLATE}#created", {"entry": entry, "form": fresh, "can_edit": True, "on": on}
    )


def _error_text(form: InteractionForm) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@require_GET
@crm_read
def interaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One timeline entry (fetched by live pages; rendered in the reader's language and time zone)."""
    entry = found(selectors.interaction_get(user=request.user, pk=pk))
    on = request.GET.get("on", "")[:40]
    return render(request, f"{TIMELINE_TEMPLATE}#entry-live", {"entry": entry, "on": on})


@require_GET
@crm_read
def record_picker(request: HttpRequest, kind: str) -> JsonResponse:
    """``?q=`` → ``{"results": [{"id", "label", "hint"}]}`` for the artist/sponsor/contact/campaign pickers."""
    if kind not in selectors.PICKER_KINDS:
        return JsonResponse({"results": []}, status=404)
    query = request.GET.get("q", "")[:100]
    response = JsonResponse({"results": selectors.picker_search(user=request.user, kind=kind, query=query)})
    response["Cache-Control"] = "private, no-store"
    return response
