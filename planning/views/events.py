"""Planning pages: events (list, page, create, edit, delete) and the iCal export and feed (owned by helper
EVENTS).

The create form also answers as an htmx fragment for the calendar's modal (a range selected on the calendar
opens ``event-create?start=&end=&all_day=``); once saved there, the response triggers
``planning-event-saved`` (with the event's id and URL) for the calendar to close the modal and refetch.
A double booking never blocks: the form shows who is booked elsewhere and asks to "Save anyway".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import trigger_client_event

from crm.permissions import can_view_crm
from planning import recurrence_words
from planning.forms.events import EventFilterForm, EventForm, initial_from_range
from planning.markdown import render_markdown
from planning.models import Event
from planning.permissions import can_edit_events
from planning.selectors import events as selectors
from planning.services import events as services

from . import events_ical
from .access import planning_read, planning_write

FORM_TEMPLATE = "planning/events/event_form.html"
CHECKLIST_TEMPLATE = "planning/components/checklist.html"
PAGE_SIZE = 25
# service error keys → the form's fields
ERROR_FIELDS = {"ends_at": "end_time", "starts_at": "start_time", "recurrence": "repeat"}


def _event_or_404(user, pk: int, *, edit: bool = False) -> Event:
    event = selectors.event_get(user=user, pk=pk)
    if event is None:
        raise Http404
    if edit and not can_edit_events(user, event):
        raise PermissionDenied
    return event


def _occurrence(event: Event, raw: str) -> tuple[datetime, datetime] | None:
    """The occurrence of ``event`` starting at ``?at=`` (a UTC ISO instant), or None."""
    if not raw or not event.recurrence:
        return None
    moment = parse_datetime(raw.strip().replace(" ", "+"))
    if moment is None or timezone.is_naive(moment):
        return None
    moment = moment.astimezone(UTC)
    if not services.is_occurrence(event, moment):
        return None
    return moment, selectors.occurrence_end(event, moment)


def _checklist(event: Event) -> dict:
    """The checklist component's context (TASKS' ``planning/components/checklist.html``), when installed."""
    try:
        get_template(CHECKLIST_TEMPLATE)
        from planning.services.checklist import checklist_progress
    except (TemplateDoesNotExist, ImportError):
        return {"checklist_template": ""}
    items = list(event.checklist.order_by("position", "pk"))
    return {
        "checklist_template": CHECKLIST_TEMPLATE,
        "checklist_items": items,
        "progress": checklist_progress(items),
    }


# --- list and page -----------------------------------------------------------------------------------------


@require_GET
@planning_read
def event_list(request):
    form = EventFilterForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    params = {key: getattr(value, "pk", value) for key, value in params.items() if value}
    when = params.pop("when", "upcoming")
    events = selectors.event_list(user=request.user, when=when, params=params)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    if when != "past":
        _next_dates(page.object_list)
    context = {
        "page_obj": page,
        "form": form,
        "when": when,
        "can_edit": can_edit_events(request.user),
        "can_pick_artists": can_view_crm(request.user),
    }
    template = "planning/events/event_list.html" + ("#event-table" if request.htmx else "")
    return render(request, template, context)


def _next_dates(events) -> None:
    """A series in the upcoming list shows its next date (``next_start``/``next_end``), not its first."""
    now = timezone.now()
    for event in events:
        event.next_start, event.next_end = event.starts_at, event.ends_at
        if event.recurrence and event.ends_at < now:
            found = selectors.expand(event, now, now + timedelta(days=400))[:1]
            if found:
                event.next_start, event.next_end = found[0].start, found[0].end


@require_GET
@planning_read
def event_detail(request, pk: int):
    event = _event_or_404(request.user, pk)
    occurrence = _occurrence(event, request.GET.get("at", ""))
    upcoming = []
    if event.recurrence:
        now = timezone.now()
        upcoming = selectors.expand(event, max(now, event.starts_at), now + timedelta(days=400))[:5]
    context = {
        "event": event,
        "occurrence": occurrence,
        "occurrence_iso": occurrence[0].strftime(selectors.ID_FORMAT) if occurrence else "",
        "repeats": recurrence_words.describe(
            event.recurrence, start=event.starts_at, tz_name=event.time_zone
        ),
        "upcoming": upcoming,
        "notes_html": render_markdown(event.notes),
        "conflicts": services.conflicts_for(event),
        "can_edit": can_edit_events(request.user, event),
        "can_view_crm": can_view_crm(request.user),
        "current_zone": timezone.get_current_timezone_name(),
        **_checklist(event),
        "detached": list(event.detached.order_by("starts_at", "pk")) if event.recurrence else [],
    }
    return render(request, "planning/events/event_detail.html", context)


# --- create and edit ---------------------------------------------------------------------------------------


def _form_response(request, form: EventForm, *, event: Event | None, conflicts=None, status: int = 200):
    modal = bool(request.htmx) and not request.htmx.boosted
    context = {
        "form": form,
        "event": event,
        "conflicts": conflicts or [],
        "modal": modal,
        "action": reverse("planning:event-edit", args=[event.pk])
        if event
        else reverse("planning:event-create"),
    }
    template = FORM_TEMPLATE + ("#event-form" if modal else "")
    return render(request, template, context, status=status)


def _probe(form: EventForm, event: Event | None) -> tuple[Event, list[int], list[int]]:
    fields = form.service_fields()
    artists, members = fields.pop("artists"), fields.pop("members")
    probe = Event(**fields)
    if event is not None:
        probe.pk, probe.exdates = event.pk, list(event.exdates)
    return probe, [a.pk for a in artists], [m.pk for m in members]


def _apply_errors(form: EventForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        field = ERROR_FIELDS.get(key, key)
        if key == "recurrence" and form.cleaned_data.get("repeat") == "custom":
            field = "rrule"
        form.add_error(field if field in form.fields else None, messages)


def _save(request, form: EventForm, event: Event | None):
    if not form.is_valid():
        return _form_response(request, form, event=event)
    if not form.cleaned_data.get("confirm"):
        probe, artist_ids, member_ids = _probe(form, event)
        conflicts = services.conflicts_for(probe, artist_ids=artist_ids, member_ids=member_ids)
        if conflicts:
            return _form_response(request, form, event=event, conflicts=conflicts)
    try:
        if event is None:
            saved = services.event_create(by=request.user, **form.service_fields())
        else:
            saved = services.event_update(event=event, by=request.user, **form.service_fields())
    except ValidationError as exc:
        _apply_errors(form, exc)
        return _form_response(request, form, event=event)
    url = reverse("planning:event-detail", args=[saved.pk])
    if request.htmx and not request.htmx.boosted:
        response = render(request, FORM_TEMPLATE + "#event-saved", {"event": saved, "url": url})
        return trigger_client_event(response, "planning-event-saved", {"id": saved.pk, "url": url})
    return HttpResponseRedirect(url)


@require_http_methods(["GET", "POST"])
@planning_write
def event_create(request):
    if request.method == "POST":
        return _save(request, EventForm(request.POST, user=request.user), None)
    form = EventForm(user=request.user, initial=initial_from_range(request.GET, user=request.user))
    return _form_response(request, form, event=None)


@require_http_methods(["GET", "POST"])
@planning_write
def event_edit(request, pk: int):
    event = _event_or_404(request.user, pk, edit=True)
    if request.method == "POST":
        return _save(request, EventForm(request.POST, user=request.user, event=event), event)
    return _form_response(request, EventForm(user=request.user, event=event), event=event)


@require_http_methods(["GET", "POST"])
@planning_write
def event_delete(request, pk: int):
    """GET asks (for a series: this occurrence or all of it); POST deletes."""
    event = _event_or_404(request.user, pk, edit=True)
    occurrence = _occurrence(event, request.POST.get("at") or request.GET.get("at", ""))
    if request.method == "POST":
        one = request.POST.get("scope") == "one" and occurrence is not None
        try:
            services.event_delete(
                event=event, by=request.user, occurrence_start=occurrence[0] if one else None
            )
        except ValidationError as exc:
            context = {"event": event, "occurrence": occurrence, "errors": exc.messages}
            return render(request, "planning/events/event_delete.html", context, status=200)
        if one:
            return HttpResponseRedirect(reverse("planning:event-detail", args=[event.pk]))
        return HttpResponseRedirect(reverse("planning:event-list"))
    context = {
        "event": event,
        "occurrence": occurrence,
        "occurrence_iso": occurrence[0].strftime(selectors.ID_FORMAT) if occurrence else "",
    }
    return render(request, "planning/events/event_delete.html", context)


urlpatterns = [
    path("events/", event_list, name="event-list"),
    path("events/new/", event_create, name="event-create"),
    path("events/<int:pk>/", event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", event_edit, name="event-edit"),
    path("events/<int:pk>/delete/", event_delete, name="event-delete"),
    *events_ical.urlpatterns,
]
