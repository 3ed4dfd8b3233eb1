"""Pipeline settings (Managers and Admins): pipelines and their stages — add, rename, reorder (drag or up/down),
probability, outcome, colour, and delete a stage by moving its deals to another stage of the same pipeline.

Every action answers with the pipeline's card re-rendered (htmx swaps it), or redirects back without htmx."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from crm.forms import PipelineForm, PipelineRenameForm, StageDeleteForm, StageForm, add_service_errors
from crm.models import Pipeline, Stage
from crm.permissions import pipelines_visible_to
from crm.selectors import records as selectors
from crm.services import pipelines as services
from crm.templatetags.crm_tags import crm_url

from .access import pipelines_write
from .records_common import found

TEMPLATE = "crm/pipeline_settings.html"


def _stage_forms(
    pipeline: Pipeline, bound: dict | None = None
) -> list[tuple[Stage, StageForm, StageDeleteForm]]:
    bound = bound or {}
    rows = []
    others = list(pipeline.stages.all())
    for stage in others:
        form = bound.get(("edit", stage.pk)) or StageForm(
            prefix=f"stage-{stage.pk}",
            initial={
                "name": stage.name,
                "probability": stage.probability,
                "outcome": stage.outcome,
                "color": stage.color,
            },
        )
        delete = bound.get(("delete", stage.pk)) or StageDeleteForm(prefix=f"delete-{stage.pk}", stage=stage)
        delete.fields["move_to"].choices = [("", "—")] + [(s.pk, s.name) for s in others if s.pk != stage.pk]
        rows.append((stage, form, delete))
    return rows


def _card(
    request: HttpRequest,
    pipeline_pk: int,
    *,
    bound: dict | None = None,
    errors: list | None = None,
    add_form: StageForm | None = None,
    rename_form: PipelineRenameForm | None = None,
) -> HttpResponse:
    pipeline = found(selectors.pipeline_with_stages(user=request.user, pk=pipeline_pk))
    if not request.htmx:
        for error in errors or []:
            messages.error(request, error)
        return redirect(reverse("crm:pipeline-settings") + f"#pipeline-{pipeline.pk}")
    return render(
        request, f"{TEMPLATE}#pipeline-card", _card_context(pipeline, bound, errors, add_form, rename_form)
    )


def _card_context(pipeline, bound=None, errors=None, add_form=None, rename_form=None) -> dict:
    return {
        "pipeline": pipeline,
        "rows": _stage_forms(pipeline, bound),
        "card_errors": errors or [],
        "add_form": add_form or StageForm(prefix=f"new-{pipeline.pk}"),
        "rename_form": rename_form
        or PipelineRenameForm(
            prefix=f"pipeline-{pipeline.pk}", initial={"name": pipeline.name, "archived": pipeline.archived}
        ),
        "board_url": crm_url("crm:pipeline-board", pipeline.pk),
    }


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@require_GET
@pipelines_write
def pipeline_settings(request: HttpRequest) -> HttpResponse:
    pipelines = selectors.pipelines_with_stages(user=request.user)
    return render(
        request, TEMPLATE, {"cards": [_card_context(p) for p in pipelines], "new_form": PipelineForm()}
    )


@require_POST
@pipelines_write
def pipeline_create(request: HttpRequest) -> HttpResponse:
    form = PipelineForm(request.POST)
    if form.is_valid():
        try:
            pipeline = services.pipeline_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pipeline %(name)s added.") % {"name": pipeline.name})
            if request.htmx:
                pipelines = selectors.pipelines_with_stages(user=request.user)
                return render(
                    request,
                    f"{TEMPLATE}#pipeline-list",
                    {"cards": [_card_context(p) for p in pipelines], "new_form": PipelineForm()},
                )
            return redirect(reverse("crm:pipeline-settings") + f"#pipeline-{pipeline.pk}")
    if request.htmx:
        pipelines = selectors.pipelines_with_stages(user=request.user)
        return render(
            request,
            f"{TEMPLATE}#pipeline-list",
            {"cards": [_card_context(p) for p in pipelines], "new_form": form},
        )
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("crm:pipeline-settings")


@require_POST
@pipelines_write
def pipeline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = found(pipelines_visible_to(request.user).filter(pk=pk).first())
    form = PipelineRenameForm(request.POST, prefix=f"pipeline-{pipeline.pk}")
    if form.is_valid():
        try:
            services.pipeline_update(pipeline=pipeline, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
    return _card(
        request,
        pipeline.pk,
        rename_form=form if form.errors else None,
        errors=[e for errors in form.errors.values() for e in errors],
    )


@require_POST
@pipelines_write
def stage_create(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = found(pipelines_visible_to(request.user).filter(pk=pk).first())
    form = StageForm(request.POST, prefix=f"new-{pipeline.pk}")
    if form.is_valid():
        try:
            services.stage_create(pipeline=pipeline, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _card(request, pipeline.pk)
    return _card(
        request, pipeline.pk, add_form=form, errors=[e for errors in form.errors.values() for e in errors]
    )


def _stage(request: HttpRequest, pk: int) -> Stage:
    visible = pipelines_visible_to(request.user).values("pk")
    return found(Stage.objects.select_related("pipeline").filter(pk=pk, pipeline__in=visible).first())


@require_POST
@pipelines_write
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    form = StageForm(request.POST, prefix=f"stage-{stage.pk}")
    if form.is_valid():
        try:
            services.stage_update(stage=stage, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _card(request, stage.pipeline_id)
    return _card(
        request,
        stage.pipeline_id,
        bound={("edit", stage.pk): form},
        errors=[e for errors in form.errors.values() for e in errors],
    )


@require_POST
@pipelines_write
def stage_move(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    try:
        services.stage_move(stage=stage, by=request.user, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        return _card(request, stage.pipeline_id, errors=_messages_of(error))
    return _card(request, stage.pipeline_id)


@require_POST
@pipelines_write
def stage_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """``order``: the stage ids in their new order (comma-separated, or repeated)."""
    pipeline = found(pipelines_visible_to(request.user).filter(pk=pk).first())
    raw = request.POST.getlist("order")
    order = [part for value in raw for part in value.split(",") if part.strip()]
    try:
        services.stage_reorder(pipeline=pipeline, by=request.user, order=order)
    except ValidationError as error:
        return _card(request, pipeline.pk, errors=_messages_of(error))
    return _card(request, pipeline.pk)


@require_POST
@pipelines_write
def stage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    form = StageDeleteForm(request.POST, prefix=f"delete-{stage.pk}", stage=stage)
    if form.is_valid():
        name = stage.name
        try:
            moved = services.stage_delete(
                stage=stage, by=request.user, move_to=form.cleaned_data.get("move_to")
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            text = (
                ngettext(
                    "Stage %(name)s deleted; its deal moved to %(to)s.",
                    "Stage %(name)s deleted; its %(count)s deals moved to %(to)s.",
                    moved,
                )
                % {"name": name, "count": moved, "to": form.cleaned_data["move_to"].name}
                if moved
                else _("Stage %(name)s deleted.") % {"name": name}
            )
            messages.success(request, text)
            return _card(request, stage.pipeline_id)
    return _card(
        request,
        stage.pipeline_id,
        bound={("delete", stage.pk): form},
        errors=[e for errors in form.errors.values() for e in errors],
    )
