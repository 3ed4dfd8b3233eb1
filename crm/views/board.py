"""The pipeline board pages: /crm/board/ opens the first pipeline, /crm/pipelines/<pk>/board/ shows one.

The board itself is the shared live board (core.boards, spec ``crm.pipeline`` in crm/boards.py): moves go to
``POST /api/boards/crm.pipeline/<pk>/move/``, every open page follows them live. An htmx request (filters,
the board's own refresh) gets the ``board-area`` partial only.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from core.boards.selectors import board_view

from ..boards import PIPELINE_BOARD
from ..permissions import artists_visible_to, can_edit_crm, can_edit_pipelines, pipelines_visible_to
from .access import crm_read

SUGGESTIONS = 12


@require_GET
@crm_read
def board(request):
    pipeline = pipelines_visible_to(request.user).filter(archived=False).order_by("position", "name").first()
    if pipeline is not None:
        return redirect("crm:pipeline-board", pk=pipeline.pk)
    return render(request, "crm/pipeline_board.html", {"pipeline": None, "pipelines": []})


@require_GET
@crm_read
@vary_on_headers("HX-Request")
def pipeline_board(request, pk: int):
    pipelines = list(pipelines_visible_to(request.user).order_by("position", "name"))
    pipeline = next((p for p in pipelines if p.pk == pk), None)
    if pipeline is None:
        raise Http404
    view = board_view(spec=PIPELINE_BOARD, board=pipeline, user=request.user, params=request.GET)
    url = reverse("crm:pipeline-board", args=[pipeline.pk])
    context = {
        "pipeline": pipeline,
        "pipelines": [p for p in pipelines if not p.archived or p.pk == pipeline.pk],
        "board_view": view,
        "form": view.filter.form,
        "refresh_url": f"{url}?{view.filter.query}" if view.filter.query else url,
        "can_edit": can_edit_crm(request.user),
        "can_edit_pipelines": can_edit_pipelines(request.user),
    }
    # htmx (filters, the board's own refresh) gets the board area; a history restore (Back) gets the whole page
    partial = request.htmx and not request.htmx.history_restore_request
    template = "crm/pipeline_board.html" + ("#board-area" if partial else "")
    return render(request, template, context)


@require_GET
@crm_read
def artist_suggestions(request, pk: int):
    """``<option>``s for the artist filter's datalist: artists with deals on this pipeline matching ``artist``."""
    pipeline = get_object_or_404(pipelines_visible_to(request.user), pk=pk)
    text = (request.GET.get("artist") or "").strip()[:120]
    artists = artists_visible_to(request.user).filter(deals__pipeline=pipeline)
    if text:
        artists = artists.filter(Q(stage_name__icontains=text) | Q(aliases__icontains=text))
    names = list(artists.order_by("stage_name").values_list("stage_name", flat=True).distinct()[:SUGGESTIONS])
    return render(request, "crm/pipeline_board.html#artist-options", {"names": names})


urlpatterns = [
    path("board/", board, name="board"),
    path("pipelines/<int:pk>/board/", pipeline_board, name="pipeline-board"),
    path("pipelines/<int:pk>/board/artists/", artist_suggestions, name="pipeline-board-artists"),
]
