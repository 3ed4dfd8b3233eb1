"""Permission rows for the pipeline board pages (crm/views/board.py) and the shared board endpoints
(core/boards/urls.py, /api/boards/)."""

from tests.permission_matrix import MISSING, Row, but, not_allowed, roles_ok, signed_in

readers = roles_ok("Viewer", "Producer", "Manager", "Admin")
writers = roles_ok("Manager", "Admin")


def _pipeline(ctx) -> dict:
    from crm.models import Pipeline

    return {"pk": Pipeline.objects.get(kind=Pipeline.Kind.SPONSORSHIP).pk}


def _board(ctx) -> dict:
    return {"board_key": "crm.pipeline", "board_pk": _pipeline(ctx)["pk"]}


def _a_move(ctx) -> dict:
    """A deal in Lead moved to Qualified (permission is decided before the body is read)."""
    from tests.crm.factories import DealFactory, sponsorship

    stages = {stage.name: stage for stage in sponsorship().stages.all()}
    deal = DealFactory(stage=stages["Lead"])
    return {"card": deal.pk, "column": stages["Qualified"].pk}


ROWS = {
    # /crm/board/ opens the first pipeline
    "crm:board": Row(roles_ok("Viewer", "Producer", "Manager", "Admin", ok="redirect"), post=not_allowed),
    "crm:pipeline-board": (
        Row(readers, post=not_allowed, kwargs=_pipeline),
        Row(
            but(readers, Viewer="notfound", Producer="notfound", Manager="notfound", Admin="notfound"),
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    ),
    "crm:pipeline-board-artists": (
        Row(readers, post=not_allowed, kwargs=_pipeline),
        Row(
            but(readers, Viewer="notfound", Producer="notfound", Manager="notfound", Admin="notfound"),
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    ),
    # the API: unimplemented methods answer 405 to the signed-in, 401 to the signed-out
    "boards-api:move": (
        Row(signed_in("method"), post=writers, kwargs=_board, data=_a_move),
        Row(
            signed_in("method"),
            post=but(signed_in("notfound")),
            kwargs=lambda ctx: {"board_key": "no.such.board", "board_pk": 1},
            data=_a_move,
            label="unknown-board",
        ),
    ),
    "boards-api:stats": Row(readers, post=signed_in("method"), kwargs=_board),
    # without ?column= the request is refused as bad input, once permission is granted
    "boards-api:cards": Row(
        roles_ok("Viewer", "Producer", "Manager", "Admin", ok=400), post=signed_in("method"), kwargs=_board
    ),
}
