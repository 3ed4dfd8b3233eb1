"""Deals on the pipeline board: the move (the shared board move, configured by :mod:`crm.boards`) and the hooks
the record services call so open boards follow creations, edits and deletions live."""

from __future__ import annotations

from typing import Any

from core.boards import services as boards

from ..boards import PIPELINE_BOARD
from ..models import Deal, Stage


def deal_move(
    *,
    deal_id: int,
    stage_id: int,
    by: Any,
    after_id: int | None = None,
    before_id: int | None = None,
    lost_reason: str = "",
    pipeline_id: int | None = None,
) -> Deal:
    """Move deal ``deal_id`` to stage ``stage_id`` of its pipeline (``pipeline_id``, default: the deal's), right
    after deal ``after_id`` / before ``before_id``, else at the end of the stage. A lost stage needs
    ``lost_reason``. Raises what :func:`core.boards.services.card_move` raises. Returns the deal."""
    if pipeline_id is None:
        pipeline_id = Deal.objects.filter(pk=deal_id).values_list("pipeline_id", flat=True).first()
        if pipeline_id is None:  # gone: let the board service say so
            pipeline_id = Stage.objects.filter(pk=stage_id).values_list("pipeline_id", flat=True).first() or 0
    outcome = boards.card_move(
        spec=PIPELINE_BOARD,
        card_id=deal_id,
        board_id=pipeline_id,
        to_column_id=stage_id,
        after_id=after_id,
        before_id=before_id,
        by=by,
        extra={"lost_reason": (lost_reason or "").strip()},
    )
    return Deal.objects.select_related("pipeline", "stage").get(pk=outcome.card.pk)


def deal_board_changed(*, deal: Deal, **kwargs: Any) -> None:
    """Called by ``deal_create`` / ``deal_update`` inside their transaction: after the commit, open boards get
    the deal's card and the new header totals of its stage."""
    boards.card_changed(PIPELINE_BOARD, deal)


def deal_board_removed(
    *, deal: Deal, pipeline_id: int, stage_id: int, deal_id: int | None = None, **kwargs: Any
) -> None:
    """Called by ``deal_delete`` (and when a deal leaves for another pipeline) inside the transaction: after the
    commit, open boards of the old pipeline drop the card and update the stage's header. (After ``delete()``
    the deal has no pk any more: pass ``deal_id``.)"""
    boards.card_removed(PIPELINE_BOARD, card_id=deal_id or deal.pk, column_id=stage_id)


def pipeline_structure_changed(*, pipeline_id: int) -> None:
    """Stages added, renamed, recoloured, reordered or deleted: open boards of the pipeline fetch it again."""
    from core.boards.live import broadcast_reload

    broadcast_reload(PIPELINE_BOARD, pipeline_id)
