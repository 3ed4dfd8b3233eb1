from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import Artist, AudienceSnapshot, Interaction, SocialProfile
from crm.services.records import timeline_event
from tests.crm.api.conftest import error_of
from tests.crm.factories import (
    ArtistFactory,
    AudienceSnapshotFactory,
    ContactFactory,
    DealFactory,
    InteractionFactory,
    SocialProfileFactory,
    SponsorFactory,
)

pytestmark = pytest.mark.django_db

INTERACTIONS = reverse("crm-api:interaction-list")


# --- the timeline -------------------------------------------------------------------------------------------------


def test_create_an_interaction(manager, make_user):
    artist = ArtistFactory()
    contact = ContactFactory(artist=artist)
    colleague = make_user("Producer")
    response = manager.post(
        INTERACTIONS,
        {
            "kind": "meeting",
            "summary": "Met at the studio",
            "occurred_at": "2026-03-02T10:00:00+01:00",
            "artist": artist.pk,
            "participants": [colleague.pk],
            "people": [contact.pk],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["text"] == "Met at the studio" and body["author"]["id"] == manager.user.pk
    assert body["participants"][0]["id"] == colleague.pk and body["people"][0]["id"] == contact.pk
    artist.refresh_from_db()
    assert artist.last_interaction_at is not None  # kept by the service


def test_an_interaction_needs_a_record_and_cannot_be_a_system_event(manager):
    response = manager.post(INTERACTIONS, {"kind": "call", "summary": "Called"})
    assert response.status_code == 400
    assert "linked" in error_of(response)["message"]
    response = manager.post(INTERACTIONS, {"kind": "system", "summary": "Fake", "artist": ArtistFactory().pk})
    assert response.status_code == 400
    assert "kind" in error_of(response)["fields"]
    assert not Interaction.objects.exists()


def test_system_entries_read_in_the_readers_language(api_for):
    deal = DealFactory()
    author = api_for("Manager", first_name="Léa", last_name="Roux").user
    timeline_event(by=author, deal=deal, data={"event": "stage_changed", "from": "Proposal", "to": "Won"})
    [row] = api_for("Viewer", language="en").get(INTERACTIONS).json()["results"]
    assert row["kind"] == "system" and row["summary"] == "stage_changed"  # the fallback text
    assert row["text"] == "Moved from Proposal to Won by Léa Roux"  # written from the data when read
    assert row["data"] == {"event": "stage_changed", "from": "Proposal", "to": "Won"}


def test_system_entries_are_not_deleted_but_others_are(manager):
    event = timeline_event(
        by=manager.user, deal=DealFactory(), data={"event": "deal_created", "stage": "Lead"}
    )
    note = InteractionFactory(kind="note")
    response = manager.delete(reverse("crm-api:interaction-detail", args=[event.pk]))
    assert response.status_code == 400
    assert manager.delete(reverse("crm-api:interaction-detail", args=[note.pk])).status_code == 204
    assert list(Interaction.objects.all()) == [event]


def test_interaction_filters(viewer):
    sponsor = SponsorFactory()
    now = timezone.now()
    InteractionFactory(kind="call", summary="Budget call", artist=None, sponsor=sponsor, occurred_at=now)
    InteractionFactory(kind="note", summary="Old note", occurred_at=now - timedelta(days=40))

    def summaries(**params):
        return [r["summary"] for r in viewer.get(INTERACTIONS, params).json()["results"]]

    assert summaries() == ["Budget call", "Old note"]  # newest first
    assert summaries(sponsor=sponsor.pk) == ["Budget call"]
    assert summaries(kind="note") == ["Old note"]
    assert summaries(after=(now - timedelta(days=1)).isoformat()) == ["Budget call"]
    assert summaries(q="budget") == ["Budget call"]
    assert viewer.get(INTERACTIONS, {"after": "yesterday"}).status_code == 400


def test_interactions_have_no_update(manager):
    note = InteractionFactory()
    response = manager.patch(reverse("crm-api:interaction-detail", args=[note.pk]), {"summary": "x"})
    assert response.status_code == 405


# --- socials and audience -----------------------------------------------------------------------------------------


def test_socials_add_list_remove(manager, viewer):
    artist = ArtistFactory()
    url = reverse("crm-api:social-list")
    response = manager.post(
        url, {"artist": artist.pk, "platform": "tiktok", "handle": "https://www.tiktok.com/@Kalia"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["handle"] == "kalia"
    SocialProfileFactory(platform="instagram")  # another artist's
    assert [r["platform"] for r in viewer.get(url, {"artist": artist.pk}).json()["results"]] == ["tiktok"]
    response = manager.post(url, {"artist": artist.pk, "platform": "tiktok", "handle": "KALIA"})
    assert response.status_code == 400  # taken
    social = SocialProfile.objects.get(handle="kalia")
    assert manager.delete(reverse("crm-api:social-detail", args=[social.pk])).status_code == 204
    assert not SocialProfile.objects.filter(artist=artist).exists()


def test_audience_snapshots_record_and_refresh_the_total(manager, viewer):
    artist = ArtistFactory()
    url = reverse("crm-api:audience-snapshot-list")
    for platform, followers in (("spotify", 1000), ("instagram", 2500)):
        response = manager.post(
            url, {"artist": artist.pk, "platform": platform, "date": "2026-03-01", "followers": followers}
        )
        assert response.status_code == 201, response.json()
    # the same day again replaces the value
    response = manager.post(
        url,
        {
            "artist": artist.pk,
            "platform": "spotify",
            "date": "2026-03-01",
            "followers": 1500,
            "engagement_rate": "4.25",
        },
    )
    assert response.status_code == 201
    assert AudienceSnapshot.objects.filter(artist=artist).count() == 2
    assert Artist.objects.get(pk=artist.pk).audience_total == 4000
    rows = viewer.get(url, {"artist": artist.pk, "platform": "spotify"}).json()["results"]
    assert [(r["followers"], r["engagement_rate"]) for r in rows] == [(1500, "4.25")]


def test_audience_snapshot_filters_by_date_and_checks_input(manager, viewer):
    artist = ArtistFactory()
    today = date(2026, 3, 1)
    for weeks in range(4):
        AudienceSnapshotFactory(artist=artist, date=today - timedelta(weeks=weeks), followers=1000 - weeks)
    url = reverse("crm-api:audience-snapshot-list")
    rows = viewer.get(url, {"artist": artist.pk, "date_after": "2026-02-15", "ordering": "date"}).json()[
        "results"
    ]
    assert [r["date"] for r in rows] == ["2026-02-15", "2026-02-22", "2026-03-01"]
    response = manager.post(
        url, {"artist": artist.pk, "platform": "myspace", "date": "soon", "followers": -1}
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"platform", "date", "followers"}
