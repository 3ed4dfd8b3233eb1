"""Live timelines: who may join a record's group, which pages an entry goes to, and a real socket that gets a new
entry of the artist it watches (then fetches it in the reader's own language)."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from config.asgi import application
from core.live.registry import can_join, resync_html
from crm.services import records
from crm.views.records_live import groups_of
from tests.crm.factories import ArtistFactory, ContactFactory, DealFactory, InteractionFactory, SponsorFactory
from tests.factories import UserFactory
from tests.live.helpers import GroupListener, ws_headers


@pytest.mark.django_db
def test_crm_readers_may_join_a_records_group_others_not():
    artist = ArtistFactory()
    viewer, streamer = UserFactory(roles=["Viewer"]), UserFactory(roles=["Streamer"])
    for kind, obj in (
        ("artist", artist),
        ("sponsor", SponsorFactory()),
        ("contact", ContactFactory()),
        ("deal", DealFactory()),
    ):
        assert can_join(viewer, f"crm.{kind}.{obj.pk}")
        assert not can_join(streamer, f"crm.{kind}.{obj.pk}")
    assert not can_join(viewer, "crm.artist.999999")  # no such artist
    assert not can_join(viewer, "crm.artist.abc")


@pytest.mark.django_db
def test_the_resync_reloads_the_first_timeline_page():
    artist, viewer = ArtistFactory(), UserFactory(roles=["Viewer"])
    [html] = resync_html(viewer, [f"crm.artist.{artist.pk}"])
    feed = reverse("crm:artist-detail", args=[artist.pk]) + "?tab=timeline&amp;feed=1"
    assert (
        'id="crm-timeline-live" hx-swap-oob="beforeend"' in html
        and feed in html
        and "data-live-refresh" in html
    )


@pytest.mark.django_db
def test_an_entry_goes_to_every_record_page_that_shows_it():
    first, second = ArtistFactory(), ArtistFactory()
    sponsor = SponsorFactory()
    deal = DealFactory(sponsor=sponsor, artists=[first, second])
    contact = ContactFactory(sponsor=sponsor)
    entry = InteractionFactory(artist=None, deal=deal, contact=contact)
    present = ContactFactory()
    entry.people.add(present)
    assert sorted(groups_of(entry)) == sorted(
        [
            f"crm.deal.{deal.pk}",
            f"crm.sponsor.{sponsor.pk}",
            f"crm.contact.{contact.pk}",
            f"crm.contact.{present.pk}",
            f"crm.artist.{first.pk}",
            f"crm.artist.{second.pk}",
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_a_quick_add_is_published_to_the_artist_and_its_deal_pages():
    artist, manager = ArtistFactory(), UserFactory(roles=["Manager"])
    deal = DealFactory(artists=[artist])
    with (
        GroupListener(f"crm.artist.{artist.pk}") as on_artist,
        GroupListener(f"crm.deal.{deal.pk}") as on_deal,
    ):
        entry = records.interaction_create(by=manager, kind="call", summary="Live call", deal=deal)
        [to_artist] = on_artist.messages()
        [to_deal] = on_deal.messages()
    url = reverse("crm:interaction-detail", args=[entry.pk])
    assert f'hx-get="{url}?on=artist-{artist.pk}"' in to_artist["html"]
    assert f'hx-get="{url}?on=deal-{deal.pk}"' in to_deal["html"]
    assert 'hx-target="#crm-timeline-list" hx-swap="afterbegin"' in to_artist["html"]


@pytest.mark.django_db(transaction=True)
def test_a_viewers_socket_on_the_artist_page_gets_the_new_entry():
    artist = ArtistFactory()
    viewer, manager = UserFactory(roles=["Viewer"]), UserFactory(roles=["Manager"])
    headers = ws_headers(viewer)

    async def scenario():
        socket = WebsocketCommunicator(
            application, f"/ws/live/?groups=crm.artist.{artist.pk}", headers=headers
        )
        connected, _ = await socket.connect()
        assert connected
        frames = [
            await socket.receive_from(timeout=5),
            await socket.receive_from(timeout=5),
        ]  # unread count, timeline
        assert any("data-live-refresh" in frame for frame in frames)
        entry = await database_sync_to_async(records.interaction_create)(
            by=manager, kind="note", summary="Seen live", artist=artist
        )
        frame = await socket.receive_from(timeout=5)
        assert f'data-live-entry="{entry.pk}"' in frame
        await socket.disconnect()

    async_to_sync(scenario)()
