"""Permission rows for the event pages and the iCal export/feed (planning/views/events.py, events_ical.py).

Everyone in planning (Viewer, Producer, Streamer, Manager, Admin) reads events and has a feed; Producers,
Managers and Admins create, edit and delete them. The feed URL needs no session: the token is the key, so a
signed-out subscriber gets it (and an unknown token is a 404 for everybody)."""

from tests.permission_matrix import MISSING, Row, everyone, not_allowed, roles_ok

readers = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin")
writers = roles_ok("Producer", "Manager", "Admin")
writers_redirect = roles_ok("Producer", "Manager", "Admin", ok="redirect")
writers_missing = roles_ok("Producer", "Manager", "Admin", ok="notfound")
readers_missing = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin", ok="notfound")


def _event(ctx) -> dict:
    from tests.planning.factories import EventFactory

    return {"pk": EventFactory().pk}


def _own_feed(ctx) -> dict:
    from planning.services.feeds import feed_create_or_get

    return {"token": feed_create_or_get(user=ctx.owner).token.reveal()}


ROWS = {
    "planning:event-list": Row(readers, post=not_allowed),
    # an empty body: the form comes back with its errors
    "planning:event-create": Row(writers, post=writers),
    "planning:event-detail": (
        Row(readers, post=not_allowed, kwargs=_event),
        Row(readers_missing, kwargs=lambda ctx: MISSING, label="missing"),
    ),
    "planning:event-edit": (
        Row(writers, post=writers, kwargs=_event),
        Row(writers_missing, post=writers_missing, kwargs=lambda ctx: MISSING, label="missing"),
    ),
    "planning:event-delete": (
        Row(writers, post=writers_redirect, kwargs=_event),
        Row(writers_missing, post=writers_missing, kwargs=lambda ctx: MISSING, label="missing"),
    ),
    "planning:event-ics": (
        Row(readers, post=not_allowed, kwargs=_event),
        Row(readers_missing, kwargs=lambda ctx: MISSING, label="missing"),
    ),
    "planning:ical-settings": Row(readers, post=not_allowed),
    "planning:ical-revoke": Row(
        not_allowed, post=roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin", ok="redirect")
    ),
    # no session needed: the token authenticates (the signed-out case fetches the other person's feed)
    "planning:ical-feed": (
        Row(everyone("ok"), post=not_allowed, kwargs=_own_feed),
        Row(everyone("notfound"), kwargs=lambda ctx: {"token": "not-a-token"}, label="unknown-token"),
    ),
}
