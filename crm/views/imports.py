"""/crm/imports/: import artists, sponsors or contacts from CSV/XLSX — history, upload, the wizard (columns →
check and decide → import with live progress → log) and the log as CSV. Managers and Admins only."""

from __future__ import annotations

import csv
from itertools import islice

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from crm.importing import presenting
from crm.importing.checking import DECISIONS
from crm.importing.fields import kind_spec
from crm.importing.forms import ACCEPT, ImportUploadForm, SizeLimitUploadHandler
from crm.importing.reading import iter_rows
from crm.importing.selectors import import_get, import_list
from crm.models import ImportJob
from crm.services import imports as services

from .access import crm_write

ISSUES_PER_PAGE = 25
LOG_PER_PAGE = 50


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [str(m) for messages_ in error.message_dict.values() for m in messages_]
    return [str(m) for m in error.messages]


# --- history -------------------------------------------------------------------------------------------


@require_GET
@crm_write
def import_list_view(request):
    page = Paginator(import_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "crm/import_list.html", {"page": page, "jobs": page.object_list})


# --- upload ----------------------------------------------------------------------------------------------


@csrf_exempt  # CSRF is checked below, after the size guard is in place (it must come before the body is read)
@require_http_methods(["GET", "POST"])
@crm_write
def import_new(request):
    guard = SizeLimitUploadHandler(request, limit=services.max_upload_bytes())
    if request.method == "POST":
        request.upload_handlers.insert(0, guard)
    return _import_new(request, guard)


@csrf_protect
def _import_new(request, guard: SizeLimitUploadHandler):
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        max_bytes=services.max_upload_bytes(),
        initial=_initial(request),
    )
    if request.method == "POST":
        if guard.exceeded:  # the file was dropped while streaming: say why, not "this field is required"
            form.is_valid()
            form.errors["file"] = form.error_class([services.too_large_message()])
        elif form.is_valid():
            try:
                job = services.import_upload(
                    by=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
                )
            except ValidationError as error:
                for message in _messages_of(error):
                    form.add_error("file", message)
            else:
                return redirect("crm:import-detail", pk=job.pk)
    context = {
        "form": form,
        "kinds": _kind_cards(form),
        "max_bytes": services.max_upload_bytes(),
        "accept": ACCEPT,
    }
    return render(request, "crm/import_new.html", context)


def _initial(request) -> dict:
    kind = request.GET.get("kind")
    return {"kind": kind} if kind in ImportJob.Kind.values else {}


def _kind_cards(form) -> list[dict]:
    selected = form["kind"].value() or ImportJob.Kind.ARTISTS
    hints = {
        "artists": _("Stage name, aliases, e-mail, genres, country, social handles, followers…"),
        "sponsors": _("Brand name, industry, website, budget range, target genres and countries…"),
        "contacts": _("Name, e-mail, phone, role, and the sponsor or artist they belong to…"),
    }
    return [
        {
            "value": value,
            "label": label,
            "icon": presenting.KIND_ICONS[value],
            "hint": hints[value],
            "checked": value == selected,
        }
        for value, label in ImportJob.Kind.choices
    ]


@require_GET
@crm_write
def import_template(request, kind: str):
    """A sample file whose columns the mapping step recognises (labels in the reader's language)."""
    if kind not in ImportJob.Kind.values:
        raise Http404
    spec = kind_spec(kind)
    examples = {
        "artists": {"stage_name": "Lou Nova", "aliases": "Lou N.; LN", "email": "lou@example.com",
                    "genres": "Pop; Electro", "country": "FR", "city": "Lyon", "languages": "fr; en",
                    "status": "prospect", "tags": "festival 2026", "instagram": "@lounova",
                    "instagram_followers": "12500", "spotify_listeners": "48000"},
        "sponsors": {"name": "Maison Sucre", "industry": "Beverages", "website": "maisonsucre.example",
                     "budget_min": "5000", "budget_max": "25000", "currency": "EUR", "target_genres": "Pop",
                     "target_regions": "FR; BE", "target_age_bands": "18-24; 25-34"},
        "contacts": {"last_name": "Martin", "first_name": "Claire", "email": "claire.martin@example.com",
                     "phone": "+33 6 12 34 56 78", "role": "Brand manager"},
    }[kind]  # fmt: skip
    fields = [f for f in spec.fields if f.name != "full_name"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-import-sample.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
    writer = csv.writer(response)
    writer.writerow([str(f.label).capitalize() for f in fields])
    writer.writerow([examples.get(f.name, "") for f in fields])
    return response


# --- the wizard ------------------------------------------------------------------------------------------


def _context(
    request, job: ImportJob, *, mapping_errors: list[str] | None = None, mapping: dict | None = None
) -> dict:
    context = presenting.step_context(job, requested=request.GET.get("step", ""))
    context["file_description"] = presenting.file_description(job)
    step = context["step"]
    if step == "mapping":
        _mapping_context(context, job, mapping_errors, mapping)
    elif step == "preview":
        _preview_context(context, request, job)
    elif step == "done":
        _log_context(context, request, job)
    return context


def _mapping_context(context: dict, job: ImportJob, errors: list[str] | None, mapping: dict | None) -> None:
    with services.job_file(job) as file_path:
        samples = [cells for _n, cells in islice(iter_rows(file_path, services.file_info(job)), 5)]
    context.update(
        mapping_rows=presenting.mapping_rows(job, samples, mapping if mapping is not None else job.mapping),
        field_groups=presenting.field_groups(job.kind),
        required=presenting.required_labels(job.kind),
        mapping_errors=errors or [],
    )


def _preview_context(context: dict, request, job: ImportJob, *, page: str | None = None) -> None:
    issues = services.preview_issues(job)
    by_row = {issue["row"]: issue for issue in issues}
    with services.job_file(job) as file_path:
        checker = services.checker_for(job, file_path, compare=False)
        columns, rows = presenting.first_rows(job, checker, by_row)
    page = Paginator(issues, ISSUES_PER_PAGE).get_page(page or request.GET.get("page"))
    context.update(
        summary=services.preview_summary(job),
        columns=columns,
        first_rows=rows,
        issues_page=page,
        issue_rows=presenting.issue_rows(job, page.object_list),
        decision_labels=presenting.decision_labels(),
        all_choices=[
            (value, label) for value, label in presenting.decision_labels().items() if value in DECISIONS
        ],
        windows_encoding=job.encoding == "cp1252",
    )


def _log_context(context: dict, request, job: ImportJob) -> None:
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in presenting.OUTCOMES else ""
    entries = presenting.log_entries(job, outcome)
    page = Paginator(entries, LOG_PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        outcome=outcome,
        outcomes=[(key, label) for key, (label, _t, _i) in presenting.OUTCOMES.items()],
        log_page=page,
        log_rows=presenting.log_rows(job, page.object_list),
    )


def _render_step(request, job: ImportJob, **kwargs) -> HttpResponse:
    template = "crm/import_detail.html"
    target = request.htmx.target if request.htmx else None
    if target in ("import-step", "import-issues", "import-log"):
        template += f"#{target}"
    return render(request, template, _context(request, job, **kwargs))


@require_GET
@crm_write
def import_detail(request, pk: int):
    return _render_step(request, import_get(user=request.user, pk=pk))


@require_GET
@crm_write
def import_progress(request, pk: int):
    """The current step (polled every 2 s while the import runs; live updates usually come first)."""
    job = import_get(user=request.user, pk=pk, light=True)
    if job.status not in presenting.RUNNING_STATES:
        job = import_get(user=request.user, pk=pk)
    return render(request, "crm/import_detail.html#import-step", _context(request, job))


@require_POST
@crm_write
def import_mapping(request, pk: int):
    job = import_get(user=request.user, pk=pk)
    spec = kind_spec(job.kind)
    mapping = {}
    for index, header in enumerate(job.headers):
        field = request.POST.get(f"col-{index}", "")
        if field in spec.by_name:
            mapping[header] = field
    try:
        services.import_set_mapping(job=job, by=request.user, mapping=mapping)
    except ValidationError as error:
        job.refresh_from_db()
        job.status = ImportJob.Status.UPLOADED if job.status == ImportJob.Status.UPLOADED else job.status
        request.GET = request.GET.copy()
        request.GET["step"] = "mapping"
        return _render_step(request, job, mapping_errors=_messages_of(error), mapping=mapping)
    return redirect("crm:import-detail", pk=job.pk)


@require_POST
@crm_write
def import_decide(request, pk: int):
    """One row's decision (answers with that row and the new counts), or one for all duplicates."""
    job = import_get(user=request.user, pk=pk)
    all_duplicates = request.POST.get("all_duplicates")
    try:
        if all_duplicates is not None:
            job = services.import_set_decisions(job=job, by=request.user, all_duplicates=all_duplicates)
        else:
            row, decision = request.POST.get("row", ""), request.POST.get("decision", "")
            job = services.import_set_decisions(job=job, by=request.user, decisions={row: decision})
    except ValidationError as error:  # a stale page (the import moved on, the row changed): show it afresh
        messages.error(request, " ".join(_messages_of(error)))
        if request.htmx:
            return HttpResponseClientRedirect(reverse("crm:import-detail", args=[job.pk]))
        return redirect("crm:import-detail", pk=job.pk)
    if not request.htmx:
        return redirect("crm:import-detail", pk=job.pk)
    if all_duplicates is not None:
        return render(request, "crm/import_detail.html#import-step", _context(request, job))
    context = presenting.step_context(job)
    _preview_context(context, request, job, page=request.POST.get("page"))
    return render(request, "crm/import_detail.html#issue-decided", context)


@require_POST
@crm_write
def import_commit(request, pk: int):
    job = import_get(user=request.user, pk=pk)
    try:
        services.import_commit(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
    return redirect("crm:import-detail", pk=job.pk)


@require_POST
@crm_write
def import_recheck(request, pk: int):
    job = import_get(user=request.user, pk=pk)
    try:
        services.import_recheck(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
    return redirect("crm:import-detail", pk=job.pk)


@require_POST
@crm_write
def import_discard(request, pk: int):
    job = import_get(user=request.user, pk=pk, light=True)
    try:
        services.import_discard(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
        return redirect("crm:import-detail", pk=job.pk)
    messages.success(request, _("The import of “%(name)s” was discarded.") % {"name": job.original_name})
    return redirect("crm:import-list")


# --- the log as CSV --------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


@require_GET
@crm_write
def import_log(request, pk: int):
    """The import log (or, before the import, the preview's findings) as CSV: row, outcome, name, message,
    link to the record."""
    job = import_get(user=request.user, pk=pk)
    base = request.build_absolute_uri("/").rstrip("/")
    if job.status == ImportJob.Status.DONE:
        rows = [
            [r["row"], r["outcome_label"], r["label"], r["message"], f"{base}{r['url']}" if r["url"] else ""]
            for r in presenting.log_rows(job, presenting.log_entries(job))
        ]
    else:
        rows = [
            [r["row"], _("Error") if r["has_errors"] else _("Duplicate"), r["label"],
             " ".join([f"{f}: {m}" for f, m in r["errors"]] + ([f"{r['match']['label']} ({r['match']['keys']})"] if r["match"] else [])),
             f"{base}{r['match']['url']}" if r["match"] and r["match"]["url"] else ""]
            for r in presenting.issue_rows(job, services.preview_issues(job))
        ]  # fmt: skip
        if job.error:
            rows.insert(0, ["", _("Failed"), "", job.error, ""])
    writer = csv.writer(_Echo())
    header = [_("Row"), _("Outcome"), _("Name"), _("Message"), _("Record")]

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    name = slugify(job.original_name.rsplit(".", 1)[0])[:60] or "import"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-log-{job.pk}.csv"'
    return response


urlpatterns = [
    path("imports/", import_list_view, name="import-list"),
    path("imports/new/", import_new, name="import-new"),
    path("imports/sample/<str:kind>.csv", import_template, name="import-template"),
    path("imports/<int:pk>/", import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", import_progress, name="import-progress"),
    path("imports/<int:pk>/mapping/", import_mapping, name="import-mapping"),
    path("imports/<int:pk>/decide/", import_decide, name="import-decide"),
    path("imports/<int:pk>/commit/", import_commit, name="import-commit"),
    path("imports/<int:pk>/recheck/", import_recheck, name="import-recheck"),
    path("imports/<int:pk>/discard/", import_discard, name="import-discard"),
    path("imports/<int:pk>/log.csv", import_log, name="import-log"),
]
