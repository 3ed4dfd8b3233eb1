"""Permission rows for the CRM record pages (crm/views/records*.py): artist, sponsor, contact, deal and campaign
pages and forms, the timeline quick-add, the record pickers and the pipeline settings.

Readers (Viewer, Producer, Manager, Admin) open pages; Managers and Admins write; a Streamer has no CRM (403);
a signed-out visitor is sent to sign in. Writes send an empty body: the form comes back with its errors (200)
or, without htmx, the page redirects with a message."""

from tests.permission_matrix import MISSING, Row, not_allowed, roles_ok

readers = roles_ok("Viewer", "Producer", "Manager", "Admin")
writers = roles_ok("Manager", "Admin")
writers_redirect = roles_ok("Manager", "Admin", ok="redirect")
readers_missing = roles_ok("Viewer", "Producer", "Manager", "Admin", ok="notfound")


def _artist(ctx) -> dict:
    from tests.crm.factories import ArtistFactory

    return {"pk": ArtistFactory().pk}


def _artist_with_photo(ctx) -> dict:
    from django.core.files.base import ContentFile

    from tests.crm.factories import ArtistFactory
    from tests.crm.records.data import png_bytes

    artist = ArtistFactory()
    artist.photo.save("matrix.png", ContentFile(png_bytes((8, 8))), save=True)
    return {"pk": artist.pk}


def _sponsor(ctx) -> dict:
    from tests.crm.factories import SponsorFactory

    return {"pk": SponsorFactory().pk}


def _contact(ctx) -> dict:
    from tests.crm.factories import ContactFactory

    return {"pk": ContactFactory().pk}


def _deal(ctx) -> dict:
    from tests.crm.factories import DealFactory

    return {"pk": DealFactory().pk}


def _campaign(ctx) -> dict:
    from tests.crm.factories import CampaignFactory

    return {"pk": CampaignFactory().pk}


def _interaction(ctx) -> dict:
    from tests.crm.factories import InteractionFactory

    return {"pk": InteractionFactory().pk}


def _pipeline(ctx) -> dict:
    from tests.crm.factories import sponsorship

    return {"pk": sponsorship().pk}


def _stage(ctx) -> dict:
    from crm.models import Stage
    from tests.crm.factories import sponsorship

    return {"pk": Stage.objects.create(pipeline=sponsorship(), name="Matrix stage", position=99).pk}


def _page(kwargs, read=readers) -> tuple[Row, Row]:
    """A GET page: readers open it; a missing record is 404 to them."""
    return (
        Row(read, post=not_allowed, kwargs=kwargs, label="existing"),
        Row(readers_missing, post=not_allowed, kwargs=lambda ctx: MISSING, label="missing"),
    )


def _form(kwargs=None) -> Row:
    """A create/edit form: writers open it and get it back with its errors on an empty POST."""
    return Row(writers, post=writers, kwargs=kwargs)


def _delete(kwargs) -> tuple[Row, Row]:
    return (
        Row(not_allowed, post=writers_redirect, kwargs=kwargs, label="existing"),
        Row(
            not_allowed,
            post=roles_ok("Manager", "Admin", ok="notfound"),
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    )


ROWS = {
    # artists
    "crm:artist-detail": _page(_artist),
    "crm:artist-create": _form(),
    "crm:artist-edit": _form(_artist),
    "crm:artist-delete": _delete(_artist),
    "crm:artist-photo": (
        Row(readers, post=not_allowed, kwargs=_artist_with_photo, label="with photo"),
        Row(readers_missing, post=not_allowed, kwargs=_artist, label="no photo"),
    ),
    # empty body: the analytics tab comes back with the form's errors
    "crm:artist-snapshot-create": Row(not_allowed, post=writers, kwargs=_artist),
    # sponsors and contacts
    "crm:sponsor-detail": _page(_sponsor),
    "crm:sponsor-create": _form(),
    "crm:sponsor-edit": _form(_sponsor),
    "crm:sponsor-delete": _delete(_sponsor),
    "crm:contact-detail": _page(_contact),
    "crm:contact-create": _form(),
    "crm:contact-edit": _form(_contact),
    "crm:contact-delete": _delete(_contact),
    # deals and campaigns
    "crm:deal-detail": _page(_deal),
    "crm:deal-create": _form(),
    "crm:deal-edit": _form(_deal),
    "crm:deal-delete": _delete(_deal),
    "crm:campaign-list": Row(readers, post=not_allowed),
    "crm:campaign-detail": _page(_campaign),
    "crm:campaign-create": _form(),
    "crm:campaign-edit": _form(_campaign),
    "crm:campaign-delete": _delete(_campaign),
    # the timeline: an empty quick-add goes back (no htmx) with the error as a message
    "crm:interaction-create": Row(not_allowed, post=writers_redirect),
    "crm:interaction-detail": _page(_interaction),
    "crm:record-picker": (
        Row(readers, post=not_allowed, kwargs=lambda ctx: {"kind": "artist"}, label="artist"),
        Row(readers_missing, post=not_allowed, kwargs=lambda ctx: {"kind": "nothing"}, label="unknown kind"),
    ),
    # pipeline settings: Managers and Admins only, reading included
    "crm:pipeline-settings": Row(writers, post=not_allowed),
    "crm:pipeline-create": Row(not_allowed, post=writers_redirect),
    "crm:pipeline-edit": Row(not_allowed, post=writers_redirect, kwargs=_pipeline),
    "crm:stage-create": Row(not_allowed, post=writers_redirect, kwargs=_pipeline),
    "crm:stage-reorder": Row(not_allowed, post=writers_redirect, kwargs=_pipeline),
    "crm:stage-edit": Row(not_allowed, post=writers_redirect, kwargs=_stage),
    "crm:stage-move": Row(not_allowed, post=writers_redirect, kwargs=_stage),
    "crm:stage-delete": (
        Row(not_allowed, post=writers_redirect, kwargs=_stage, label="existing"),
        Row(
            not_allowed,
            post=roles_ok("Manager", "Admin", ok="notfound"),
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    ),
}
