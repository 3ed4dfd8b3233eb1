"""Writes of the pipeline settings page: pipelines and their ordered stages.

Stages are the columns of the pipeline board (``crm:pipeline-board`` reads them ordered by ``position``). Every
service locks the pipeline row first, so two Managers editing the same pipeline at once are serialised and the
positions stay a clean 0..n-1 sequence. A stage that still holds deals is deleted only by moving its deals to
another stage of the same pipeline (appended at the end of that column, whose order ``version`` is bumped, with
a "moved from … to …" entry on each deal's timeline).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..models import Deal, Interaction, Pipeline, Stage
from .records import POSITION_GAP

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLORS = ["#0d6efd", "#6f42c1", "#d63384", "#fd7e14", "#20c997", "#0dcaf0", "#6c757d"]


def _starter_stages() -> list[tuple[str, int, str, str]]:
    """The stages a new pipeline starts with: (name, probability, outcome, colour), in the creator's language."""
    return [
        (_("New"), 10, Stage.Outcome.OPEN, "#0d6efd"),
        (_("In progress"), 50, Stage.Outcome.OPEN, "#6f42c1"),
        (_("Won"), 100, Stage.Outcome.WON, "#198754"),
        (_("Lost"), 0, Stage.Outcome.LOST, "#dc3545"),
    ]


def _lock(pipeline: Pipeline) -> Pipeline:
    return Pipeline.objects.select_for_update().get(pk=pipeline.pk)


def _stages(pipeline: Pipeline) -> list[Stage]:
    return list(Stage.objects.filter(pipeline=pipeline).order_by("position", "pk"))


def _renumber(stages: Sequence[Stage]) -> None:
    changed = []
    for position, stage in enumerate(stages):
        if stage.position != position:
            stage.position = position
            changed.append(stage)
    if changed:
        Stage.objects.bulk_update(changed, ["position"])


def _clean_name(name: Any, *, field: str = "name") -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({field: _("Give it a name.")})
    return name


def _clean_stage_fields(*, probability: Any = None, outcome: Any = None, color: Any = None) -> dict:
    fields: dict[str, Any] = {}
    if probability is not None:
        try:
            probability = int(probability)
        except (TypeError, ValueError):
            raise ValidationError({"probability": _("Enter a whole number between 0 and 100.")}) from None
        if not 0 <= probability <= 100:
            raise ValidationError({"probability": _("Enter a whole number between 0 and 100.")})
        fields["probability"] = probability
    if outcome is not None:
        if outcome not in Stage.Outcome.values:
            raise ValidationError({"outcome": _("Choose open, won or lost.")})
        fields["outcome"] = outcome
    if color is not None:
        if not COLOR_RE.match(str(color)):
            raise ValidationError({"color": _("Choose a colour like #0d6efd.")})
        fields["color"] = str(color).lower()
    return fields


def _name_taken(pipeline: Pipeline, name: str, *, exclude: int | None = None) -> bool:
    qs = Stage.objects.filter(pipeline=pipeline, name__iexact=name)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _changed(pipeline: Pipeline) -> None:
    """Open boards of ``pipeline`` redraw their columns (names, colours, order) after commit."""
    try:
        from crm.services import board_live  # written by the board feature, when present
    except ImportError:
        return
    hook = getattr(board_live, "pipeline_structure_changed", None)
    if hook is not None:
        transaction.on_commit(lambda: hook(pipeline_id=pipeline.pk))


# --- pipelines -------------------------------------------------------------------------------------------------


@transaction.atomic
def pipeline_create(
    *, by: Any, name: str, kind: str = Pipeline.Kind.OTHER, with_stages: bool = True
) -> Pipeline:
    """A new pipeline placed last, with starter stages (New, In progress, Won, Lost) unless ``with_stages`` is False."""
    name = _clean_name(name)
    if kind not in Pipeline.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of pipeline.")})
    if Pipeline.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A pipeline with this name already exists.")})
    position = (Pipeline.objects.aggregate(top=Max("position"))["top"] or 0) + 1
    pipeline = Pipeline(name=name, kind=kind, position=position)
    pipeline.full_clean()
    pipeline.save()
    if with_stages:
        Stage.objects.bulk_create(
            Stage(pipeline=pipeline, name=n, probability=p, outcome=o, color=c, position=i)
            for i, (n, p, o, c) in enumerate(_starter_stages())
        )
    audit_record(action="crm.pipeline.create", actor=by, target=pipeline, data={"name": name, "kind": kind})
    return pipeline


@transaction.atomic
def pipeline_update(
    *, pipeline: Pipeline, by: Any, name: str | None = None, archived: bool | None = None
) -> Pipeline:
    pipeline = _lock(pipeline)
    changes: dict[str, Any] = {}
    if name is not None:
        name = _clean_name(name)
        if Pipeline.objects.filter(name__iexact=name).exclude(pk=pipeline.pk).exists():
            raise ValidationError({"name": _("A pipeline with this name already exists.")})
        if name != pipeline.name:
            changes["name"] = [pipeline.name, name]
            pipeline.name = name
    if archived is not None and bool(archived) != pipeline.archived:
        changes["archived"] = [pipeline.archived, bool(archived)]
        pipeline.archived = bool(archived)
    if changes:
        pipeline.full_clean()
        pipeline.save(update_fields=["name", "archived"])
        audit_record(action="crm.pipeline.update", actor=by, target=pipeline, data=changes)
        _changed(pipeline)
    return pipeline


# --- stages ----------------------------------------------------------------------------------------------------


@transaction.atomic
def stage_create(
    *,
    pipeline: Pipeline,
    by: Any,
    name: str,
    probability: int | None = None,
    outcome: str = Stage.Outcome.OPEN,
    color: str | None = None,
) -> Stage:
    """Add a stage. An open stage goes before the won/lost stages at the end of the pipeline; a closed one last."""
    pipeline = _lock(pipeline)
    name = _clean_name(name)
    stages = _stages(pipeline)
    fields = _clean_stage_fields(
        probability=probability if probability is not None else 0,
        outcome=outcome,
        color=color or DEFAULT_COLORS[len(stages) % len(DEFAULT_COLORS)],
    )
    if _name_taken(pipeline, name):
        raise ValidationError({"name": _("This pipeline already has a stage with this name.")})
    index = len(stages)
    if fields["outcome"] == Stage.Outcome.OPEN:
        while index > 0 and stages[index - 1].is_closed:
            index -= 1
    stage = Stage(pipeline=pipeline, name=name, position=index, **fields)
    stage.full_clean(exclude=["position"])
    stages.insert(index, stage)
    # make room: shift the positions of the stages after it
    Stage.objects.filter(pipeline=pipeline, position__gte=index).update(position=F("position") + 1)
    stage.save()
    _renumber(stages)
    audit_record(
        action="crm.stage.create",
        actor=by,
        target=stage,
        data={"pipeline": pipeline.name, "name": name, **fields},
    )
    _changed(pipeline)
    return stage


@transaction.atomic
def stage_update(
    *,
    stage: Stage,
    by: Any,
    name: str | None = None,
    probability: int | None = None,
    outcome: str | None = None,
    color: str | None = None,
) -> Stage:
    """Rename a stage, or set its default probability, outcome (open/won/lost) or colour."""
    _lock(stage.pipeline)
    stage = Stage.objects.select_related("pipeline").get(pk=stage.pk)
    fields = _clean_stage_fields(probability=probability, outcome=outcome, color=color)
    if name is not None:
        name = _clean_name(name)
        if _name_taken(stage.pipeline, name, exclude=stage.pk):
            raise ValidationError({"name": _("This pipeline already has a stage with this name.")})
        fields["name"] = name
    changes = {
        key: [getattr(stage, key), value] for key, value in fields.items() if getattr(stage, key) != value
    }
    if not changes:
        return stage
    for key, (_old, value) in changes.items():
        setattr(stage, key, value)
    stage.full_clean()
    try:
        stage.save(update_fields=list(changes))
    except IntegrityError:  # a concurrent rename to the same name
        raise ValidationError({"name": _("This pipeline already has a stage with this name.")}) from None
    if "outcome" in changes:
        _close_or_reopen_deals(stage)
    audit_record(action="crm.stage.update", actor=by, target=stage, data=changes)
    _changed(stage.pipeline)
    return stage


def _close_or_reopen_deals(stage: Stage) -> None:
    """A stage that becomes won/lost closes its deals (closed_at = now); one that becomes open reopens them."""
    if stage.is_closed:
        Deal.objects.filter(stage=stage, closed_at__isnull=True).update(closed_at=timezone.now())
    else:
        Deal.objects.filter(stage=stage).exclude(closed_at=None).update(closed_at=None)


@transaction.atomic
def stage_reorder(*, pipeline: Pipeline, by: Any, order: Sequence[int | str]) -> list[Stage]:
    """Put the stages of ``pipeline`` in the order of the ids in ``order`` (all of them, each once)."""
    pipeline = _lock(pipeline)
    stages = {stage.pk: stage for stage in _stages(pipeline)}
    try:
        ids = [int(pk) for pk in order]
    except (TypeError, ValueError):
        raise ValidationError(_("The new order is not valid; reload the page and try again.")) from None
    if sorted(ids) != sorted(stages):
        raise ValidationError(
            _("The stages of this pipeline changed in the meantime; reload the page and try again.")
        )
    before = [stage.name for stage in sorted(stages.values(), key=lambda s: s.position)]
    ordered = [stages[pk] for pk in ids]
    _renumber(ordered)
    after = [stage.name for stage in ordered]
    if before != after:
        audit_record(
            action="crm.stage.reorder", actor=by, target=pipeline, data={"from": before, "to": after}
        )
        _changed(pipeline)
    return ordered


@transaction.atomic
def stage_move(*, stage: Stage, by: Any, direction: str) -> list[Stage]:
    """Move a stage one place ``"up"`` (earlier) or ``"down"`` (later); at either end nothing changes."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a stage up or down."))
    pipeline = _lock(stage.pipeline)
    stages = _stages(pipeline)
    index = next((i for i, s in enumerate(stages) if s.pk == stage.pk), None)
    if index is None:
        raise ValidationError(_("This stage no longer exists."))
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(stages):
        return stages
    stages[index], stages[other] = stages[other], stages[index]
    return stage_reorder(pipeline=pipeline, by=by, order=[s.pk for s in stages])


@transaction.atomic
def stage_delete(*, stage: Stage, by: Any, move_to: Stage | None = None) -> int:
    """Delete ``stage``; its deals (if any) first move to ``move_to``, another stage of the same pipeline.

    Returns the number of deals moved. The last stage of a pipeline cannot be deleted."""
    pipeline = _lock(stage.pipeline)
    stages = _stages(pipeline)
    stage = next((s for s in stages if s.pk == stage.pk), None)
    if stage is None:
        raise ValidationError(_("This stage no longer exists."))
    if len(stages) == 1:
        raise ValidationError(
            _("A pipeline needs at least one stage: add another one before deleting this one.")
        )
    target = None
    if move_to is not None:
        target = next((s for s in stages if s.pk == getattr(move_to, "pk", move_to)), None)
    # columns first, then their cards: the order every board move takes (no deadlock with a concurrent move)
    locked = [stage.pk] + ([target.pk] if target is not None else [])
    list(Stage.objects.select_for_update(of=("self",)).filter(pk__in=locked).order_by("pk").values_list("pk"))
    deals = list(Deal.objects.select_for_update(of=("self",)).filter(stage=stage).order_by("position", "pk"))
    if deals:
        if move_to is None:
            raise ValidationError({"move_to": _("Choose the stage its deals move to.")})
        if target is None:
            raise ValidationError({"move_to": _("Choose a stage of the same pipeline.")})
        if target.pk == stage.pk:
            raise ValidationError({"move_to": _("Choose another stage than the one you delete.")})
        _move_deals(deals, source=stage, target=target, by=by)
    name = stage.name
    stage.delete()
    _renumber([s for s in stages if s.pk != stage.pk and s.pk is not None])
    audit_record(
        action="crm.stage.delete",
        actor=by,
        target=pipeline,
        data={"stage": name, "deals_moved": len(deals), "moved_to": move_to.name if deals else None},
    )
    _changed(pipeline)
    return len(deals)


def _move_deals(deals: list[Deal], *, source: Stage, target: Stage, by: Any) -> None:
    """Append ``deals`` (in their order) at the end of ``target``'s column and note it on their timelines."""
    top = Deal.objects.filter(stage=target).aggregate(top=Max("position"))["top"] or 0
    now = timezone.now()
    for i, deal in enumerate(deals, start=1):
        deal.stage = target
        deal.position = top + i * POSITION_GAP
        if target.is_closed and deal.closed_at is None:
            deal.closed_at = now
        elif not target.is_closed:
            deal.closed_at = None
    Deal.objects.bulk_update(deals, ["stage", "position", "closed_at"])
    Stage.objects.filter(pk=target.pk).update(version=F("version") + 1)
    Stage.objects.filter(pk=source.pk).update(version=F("version") + 1)
    who = (by.get_full_name() or by.email) if by is not None else ""
    summary = _("Moved from %(from)s to %(to)s by %(who)s") % {
        "from": source.name,
        "to": target.name,
        "who": who,
    }
    Interaction.objects.bulk_create(
        Interaction(
            kind=Interaction.Kind.SYSTEM,
            occurred_at=now,
            summary=summary,
            author=by,
            deal=deal,
            data={
                "event": "stage_changed",
                "from": source.name,
                "to": target.name,
                "from_id": source.pk,
                "to_id": target.pk,
                "cause": "stage_deleted",
            },
        )
        for deal in deals
    )
