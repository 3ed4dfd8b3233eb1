"""Permission rows for the board pages (planning/views/boards.py). Suite roles first (Viewer and Streamer read
Planning, Producer/Manager/Admin plan), then board roles: on a board open to the team, Producer and Manager are
editors by default, Admin owns every board; settings are for owners; a members-only board is a 404 to others.
The shared move endpoint's rows are in tests/crm/matrix_board.py (same URL for every board)."""

from tests.permission_matrix import MISSING, Row, but, not_allowed, roles_ok

readers = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin")
writers = roles_ok("Producer", "Manager", "Admin")
owners = roles_ok("Admin", ok="redirect")  # settings forms answer with a redirect back to the settings page
post_only = {
    "anon": "method",
    **dict.fromkeys(("Viewer", "Producer", "Streamer", "Manager", "Admin"), "method"),
}


def _board(ctx) -> dict:
    from tests.planning.factories import BoardFactory

    return {"pk": BoardFactory().pk}


def _hidden_board(ctx) -> dict:
    from planning.models import Board
    from tests.planning.factories import BoardFactory

    return {"pk": BoardFactory(visibility=Board.Visibility.MEMBERS).pk}


def _column(ctx) -> dict:
    from tests.planning.factories import BoardFactory

    return {"pk": BoardFactory().columns.order_by("position").first().pk}


def _membership(ctx) -> dict:
    from planning.models import BoardMembership
    from tests.planning.factories import BoardFactory

    board = BoardFactory()
    return {"pk": BoardMembership.objects.create(board=board, user=ctx.other, role="editor").pk}


def _missing(ctx) -> dict:
    return MISSING


not_found_for_all = but(
    readers, Viewer="notfound", Producer="notfound", Streamer="notfound", Manager="notfound"
)

ROWS = {
    "planning:board-create": Row(writers, post=writers),  # an empty form comes back with its errors
    "planning:board": (
        Row(readers, post=not_allowed, kwargs=_board),
        Row(not_found_for_all, kwargs=_hidden_board, label="members-only"),
        Row(but(not_found_for_all, Admin="notfound"), kwargs=_missing, label="missing"),
    ),
    # editors only (a Viewer or Streamer is a board viewer); an empty title comes back with the field
    "planning:board-quick-add": Row(post_only, post=roles_ok("Producer", "Manager", "Admin"), kwargs=_board),
    "planning:board-settings": (
        Row(roles_ok("Admin"), post=roles_ok("Admin"), kwargs=_board),
        Row(not_found_for_all, kwargs=_hidden_board, label="members-only"),
    ),
    "planning:board-archive": Row(post_only, post=owners, kwargs=_board),
    "planning:board-delete": Row(post_only, post=owners, kwargs=_board),
    "planning:board-column-add": Row(post_only, post=owners, kwargs=_board),
    "planning:board-column-edit": Row(post_only, post=owners, kwargs=_column),
    "planning:board-column-move": Row(post_only, post=owners, kwargs=_column),
    "planning:board-column-delete": Row(post_only, post=owners, kwargs=_column),
    "planning:board-member-add": Row(post_only, post=owners, kwargs=_board),
    "planning:board-member-role": Row(post_only, post=owners, kwargs=_membership),
    "planning:board-member-remove": Row(post_only, post=owners, kwargs=_membership),
}
