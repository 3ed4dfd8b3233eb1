"""Permission rows for the CRM lists (crm/views/lists.py): the four lists, their exports, bulk actions and
saved views. Readers (Viewer, Producer, Manager, Admin) list, export and save private views; only Managers and
Admins run bulk actions; a saved view is deleted by its owner or an Admin."""

from tests.permission_matrix import MISSING, Row, but, not_allowed, roles_ok

readers = roles_ok("Viewer", "Producer", "Manager", "Admin")
writers = roles_ok("Manager", "Admin")


def _own_view(ctx) -> dict:
    from crm.models import SavedView

    owner = ctx.owner
    return {"pk": SavedView.objects.create(owner=owner, list_key="artists", name="Mine", shared=False).pk}


def _others_shared_view(ctx) -> dict:
    from crm.models import SavedView

    return {"pk": SavedView.objects.create(owner=ctx.other, list_key="deals", name="Team", shared=True).pk}


ROWS = {}
for _entity in ("artist", "sponsor", "contact", "deal"):
    ROWS.update(
        {
            f"crm:{_entity}-list": Row(readers, post=not_allowed),
            f"crm:{_entity}-export": Row(readers, post=not_allowed),
            # empty body: no action chosen, back to the list with the error
            f"crm:{_entity}-bulk": Row(not_allowed, post=roles_ok("Manager", "Admin", ok="redirect")),
            # empty body: the "save this view" form comes back with its errors
            f"crm:{_entity}-view-create": Row(not_allowed, post=readers),
        }
    )

ROWS["crm:saved-view-delete"] = (
    # readers delete their own view (a Streamer's would not exist: refused before)
    Row(
        not_allowed,
        post=roles_ok("Viewer", "Producer", "Manager", "Admin", ok="redirect"),
        kwargs=_own_view,
        label="own",
    ),
    # someone else's shared view: only an Admin
    Row(
        not_allowed,
        post=but(readers, Viewer="forbidden", Producer="forbidden", Manager="forbidden", Admin="redirect"),
        kwargs=_others_shared_view,
        label="others-shared",
    ),
    Row(
        not_allowed,
        post=roles_ok("Viewer", "Producer", "Manager", "Admin", ok="notfound"),
        kwargs=lambda ctx: MISSING,
        label="missing",
    ),
)
