"""Permission rows for scoring and matching (crm/views/scoring.py)."""

from tests.permission_matrix import MISSING, Row, admin_only, not_allowed, roles_ok

crm_readers = roles_ok("Viewer", "Producer", "Manager", "Admin")
crm_writers_redirect = roles_ok("Manager", "Admin", ok="redirect")


def _artist(ctx) -> dict:
    from tests.crm.factories import ArtistFactory

    return {"pk": ArtistFactory().pk}


def _sponsor(ctx) -> dict:
    from tests.crm.factories import SponsorFactory

    return {"pk": SponsorFactory().pk}


def _pair(ctx) -> dict:
    from tests.crm.factories import ArtistFactory, SponsorFactory

    return {"sponsor_pk": SponsorFactory().pk, "artist_pk": ArtistFactory().pk}


def _check_deal_created(ctx, method, response) -> None:
    """A writer's POST created the deal and was sent on to it."""
    if method == "POST" and response.status_code == 302 and ctx.actor is not None:
        from crm.models import Deal

        assert Deal.objects.filter(owner=ctx.actor).exists()


ROWS = {
    # Admin tunes the weights; an empty POST comes back as the form with its errors
    "crm:scoring-settings": Row(admin_only, post=admin_only),
    "crm:artist-score": (
        # readers see the explanation; writers may recompute it now (then back to the page)
        Row(crm_readers, post=crm_writers_redirect, kwargs=_artist),
        Row(
            roles_ok("Viewer", "Producer", "Manager", "Admin", ok="notfound"),
            post=roles_ok("Viewer", "Producer", "Manager", "Admin", ok="notfound"),
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    ),
    "crm:artist-matches": (
        Row(crm_readers, post=not_allowed, kwargs=_artist),
        Row(
            roles_ok("Viewer", "Producer", "Manager", "Admin", ok="notfound"),
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    ),
    "crm:sponsor-matches": (
        Row(crm_readers, post=not_allowed, kwargs=_sponsor),
        Row(
            roles_ok("Viewer", "Producer", "Manager", "Admin", ok="notfound"),
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    ),
    "crm:match-create-deal": (
        Row(not_allowed, post=crm_writers_redirect, kwargs=_pair, check=_check_deal_created),
        Row(
            not_allowed,
            post=roles_ok("Manager", "Admin", ok="notfound"),
            kwargs=lambda ctx: {"sponsor_pk": MISSING["pk"], "artist_pk": MISSING["pk"]},
            label="missing",
        ),
    ),
}
