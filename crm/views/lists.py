"""The CRM lists: artists, sponsors, contacts and deals, one engine (crm.listing) for the four.

Each list is one page; htmx asks for its ``list-table`` partial when a filter, the sorting, the page or the
columns change (the URL follows, so a list can be shared). Exports (CSV, XLSX) take the same query string and
write every row of it; bulk actions and saved views go through crm.services.views.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, reswap, trigger_client_event

from crm import listing, permissions
from crm.models import Artist, Contact, Deal, Sponsor, Tag
from crm.selectors.lists import crm_team, list_iter, list_page, saved_view_list
from crm.services.views import bulk_assign, bulk_tag, saved_view_delete, saved_view_save
from crm.views.access import crm_read

MODELS = {"artists": Artist, "sponsors": Sponsor, "contacts": Contact, "deals": Deal}
TEMPLATES = {key: f"crm/{key[:-1]}_list.html" for key in MODELS}


def _spec(list_key: str) -> listing.ListSpec:
    if list_key not in listing.SPECS:
        raise Http404
    return listing.SPECS[list_key]


def _list_url(spec: listing.ListSpec, query: str = "") -> str:
    return reverse(spec.url_name) + (f"?{query}" if query else "")


def _table_context(request: HttpRequest, spec: listing.ListSpec, state: listing.ListState) -> dict:
    page = list_page(state=state)
    can_edit = permissions.can_edit_crm(request.user)
    return {
        "spec": spec,
        "state": state,
        "page": page,
        "rows": listing.rows(state, page.object_list),
        "list_url": reverse(spec.url_name),
        "export_url": reverse(spec.export_url_name),
        "can_bulk": can_edit,
        "per_page_choices": listing.PER_PAGE_CHOICES,
        "count_text": spec.count_text(page.paginator.count),
        "empty_title": spec.empty_title,
        "empty_hint": spec.empty_hint,
        "create_url": listing.url_or_blank(spec.create_url_name) if can_edit else "",
        "create_label": spec.create_label,
    }


# --- the list pages ------------------------------------------------------------------------------------


@require_GET
@crm_read
@vary_on_headers("HX-Request")
def list_page_view(request: HttpRequest, list_key: str) -> HttpResponse:
    spec = _spec(list_key)
    state = listing.list_state(spec, request.GET, user=request.user, request=request)
    context = _table_context(request, spec, state)
    partial = request.htmx and not request.htmx.boosted
    if not partial:
        context.update(_page_context(request, spec, state))
    return render(request, TEMPLATES[list_key] + ("#list-table" if partial else ""), context)


def _page_context(request: HttpRequest, spec: listing.ListSpec, state: listing.ListState) -> dict:
    """What the whole page adds to the table: the filter form, saved views, bulk choices, create link."""
    views = saved_view_list(user=request.user, list_key=spec.key)
    current = listing.normalised_query(request.GET)
    applied = request.GET.get("view", "")
    for view in views:
        view.url = listing.saved_view_url(view)
        view.mine = view.owner_id == request.user.pk
        view.active = (
            str(view.pk) == applied and listing.normalised_query(view.url.split("?", 1)[1]) == current
        )
        view.can_delete = permissions.can_change_saved_view(request.user, view)
    can_edit = permissions.can_edit_crm(request.user)
    return {
        "form": state.filterset.form,
        "saved_views": views,
        "active_view": next((view for view in views if view.active), None),
        "view_form": SavedViewForm(user=request.user),
        "can_share": permissions.can_share_views(request.user),
        "bulk_tags": _choices(state, "tag", Tag.objects.all) if can_edit else [],
        "bulk_team": _choices(state, "manager" if spec.key == "artists" else "owner", crm_team)
        if can_edit and spec.assign_label
        else [],
    }


def _choices(state: listing.ListState, field_name: str, default) -> list:
    """The records a filter offers (its queryset, read once for the filter and the bulk menus alike)."""
    field = state.filterset.form.fields.get(field_name)
    return list(field.queryset if field is not None else default())


# --- exports -------------------------------------------------------------------------------------------


@require_GET
@crm_read
def list_export(request: HttpRequest, list_key: str) -> HttpResponse:
    """Every row of the list as shown (filters, sorting, columns), as CSV (streamed) or XLSX."""
    spec = _spec(list_key)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    params = request.GET.copy()
    params.pop("format", None)
    state = listing.list_state(spec, params, user=request.user, request=request)
    filename = f"{list_key}-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            listing.export_csv(state, list_iter(state=state)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            listing.export_xlsx(state, list_iter(state=state)),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Cache-Control"] = "no-store"
    return response


# --- bulk actions --------------------------------------------------------------------------------------


BULK_ACTIONS = ("tag_add", "tag_remove", "assign")


def _bulk_message(action: str, count: int, spec: listing.ListSpec, *, tag: str = "", user: str = "") -> str:
    noun = str(spec.noun_plural)
    if count == 0:
        return _("Nothing to change: the selected %(records)s were already like that.") % {"records": noun}
    if action == "tag_add":
        text = ngettext(
            "Tag “%(tag)s” added to %(count)d record.", "Tag “%(tag)s” added to %(count)d records.", count
        )
    elif action == "tag_remove":
        text = ngettext(
            "Tag “%(tag)s” removed from %(count)d record.",
            "Tag “%(tag)s” removed from %(count)d records.",
            count,
        )
    else:
        text = ngettext(
            "%(user)s assigned to %(count)d record.", "%(user)s assigned to %(count)d records.", count
        )
    return text % {"tag": tag, "count": count, "user": user}


def _run_bulk(request: HttpRequest, spec: listing.ListSpec) -> str:
    """Run the requested action through its service; returns the message (ValidationError on bad input)."""
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS or (action == "assign" and not spec.assign_label):
        raise ValidationError({"action": _("Choose what to do with the selected rows.")})
    model, ids = MODELS[spec.key], request.POST.getlist("ids")
    if action == "assign":
        user = crm_team().filter(pk=request.POST.get("user") or 0).first()
        count = bulk_assign(by=request.user, model=model, ids=ids, user=user)
        return _bulk_message(action, count, spec, user=str(user))
    tag = request.POST.get("tag_name", "").strip() if action == "tag_add" else request.POST.get("tag", "")
    count = bulk_tag(by=request.user, model=model, ids=ids, tag=tag, remove=action == "tag_remove")
    shown = tag if not str(tag).isdigit() else str(Tag.objects.filter(pk=tag).first() or "")
    return _bulk_message(action, count, spec, tag=shown)


@require_POST
@crm_read
def list_bulk(request: HttpRequest, list_key: str) -> HttpResponse:
    """Apply a bulk action to the selected rows. htmx gets a toast and re-reads the list; a plain form is sent
    back to the list. Read-only roles get 403 (checked again by the service)."""
    spec = _spec(list_key)
    if not permissions.can_edit_crm(request.user):
        raise PermissionDenied
    back = _list_url(spec, request.POST.get("return_query", ""))
    try:
        text, level = _run_bulk(request, spec), "success"
    except ValidationError as error:
        text, level = " ".join(error.messages), "error"
    if not request.htmx:
        messages.add_message(request, messages.SUCCESS if level == "success" else messages.ERROR, text)
        return HttpResponseRedirect(back)
    html = render_to_string("crm/components/list-toast.html", {"level": level, "text": text}, request=request)
    response = reswap(HttpResponse(html), "none")
    if level == "success":
        trigger_client_event(response, "crm-list-refresh")
    return response


# --- saved views ---------------------------------------------------------------------------------------


class SavedViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    shared = forms.BooleanField(
        label=gettext_lazy("Share with the team"),
        required=False,
        help_text=gettext_lazy("Everyone in the CRM can apply it; only you (and Admins) can change it."),
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    columns = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="off", placeholder=_("e.g. Signed rap artists"))
        if not permissions.can_share_views(user):
            del self.fields["shared"]


@require_POST
@crm_read
def saved_view_create(request: HttpRequest, list_key: str) -> HttpResponse:
    spec = _spec(list_key)
    form = SavedViewForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            view = saved_view_save(
                by=request.user,
                list_key=spec.key,
                name=data["name"],
                query=data["query"],
                columns=[key for key in data["columns"].split(",") if key in spec.by_key],
                shared=request.POST.get("shared") in ("on", "true", "1"),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            url = listing.saved_view_url(view)
            return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)
    context = {"spec": spec, "view_form": form, "can_share": permissions.can_share_views(request.user)}
    if request.htmx:
        return render(request, "crm/components/list-views.html#saved-view-form", context)
    return render(request, "crm/components/list-saved-view-page.html", context)


@require_POST
@crm_read
def saved_view_remove(request: HttpRequest, pk: int) -> HttpResponse:
    view = get_object_or_404(permissions.saved_views_visible_to(request.user), pk=pk)
    saved_view_delete(by=request.user, view=view)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    url = _list_url(listing.spec_for(view.list_key))
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


def _list_urls(key: str, segment: str) -> list:
    singular = key[:-1]
    kwargs = {"list_key": key}
    return [
        path(f"{segment}/", list_page_view, kwargs, name=f"{singular}-list"),
        path(f"{segment}/export/", list_export, kwargs, name=f"{singular}-export"),
        path(f"{segment}/bulk/", list_bulk, kwargs, name=f"{singular}-bulk"),
        path(f"{segment}/views/", saved_view_create, kwargs, name=f"{singular}-view-create"),
    ]


urlpatterns = [
    *_list_urls("artists", "artists"),
    *_list_urls("sponsors", "sponsors"),
    *_list_urls("contacts", "contacts"),
    *_list_urls("deals", "deals"),
    path("views/<int:pk>/delete/", saved_view_remove, name="saved-view-delete"),
]
