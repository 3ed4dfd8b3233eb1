import json

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import login_required

from . import selectors
from .forms import AuditFilterForm
from .permissions import can_view_audit

PAGE_SIZE = 50


@require_GET
@login_required
@vary_on_headers("HX-Request")
def event_list(request: HttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(selectors.audit_event_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "audit/event_list.html" + ("#audit-table" if request.htmx and not request.htmx.boosted else "")
    context = {"form": form, "page": page, "events": page.object_list}
    if not request.htmx:
        context["actions"] = selectors.audit_actions()
    return render(request, template, context)


@require_GET
@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_audit(request.user):
        raise PermissionDenied
    event = selectors.audit_event_get(pk=pk)
    if event is None:
        raise Http404
    data = json.dumps(event.data, indent=2, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
    return render(request, "audit/event_detail.html", {"event": event, "data_json": data})
