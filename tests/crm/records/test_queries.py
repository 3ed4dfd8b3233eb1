"""Pinned query counts of the record pages: the same with 3 or 30 deals, interactions, campaigns, contacts, socials,
snapshots and tags. The artist page itself stays small; each tab pays for its own content, once.

Every signed-in request starts with 4 queries (session, user, roles, 2FA) and the shell adds the unread count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import SocialProfile
from tests.crm.factories import (
    ArtistFactory,
    AudienceSnapshotFactory,
    CampaignFactory,
    ContactFactory,
    DealFactory,
    GenreFactory,
    InteractionFactory,
    SponsorFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(params=[3, 30], ids=["3 rows", "30 rows"])
def agency(request, make_user, client):
    """An artist and a sponsor with ``n`` of everything; the client signed in as a Manager."""
    n = request.param
    user = make_user("Manager")
    client.force_login(user)
    artist, sponsor = ArtistFactory(), SponsorFactory()
    today = timezone.localdate()
    for i in range(n):
        deal = DealFactory(sponsor=sponsor, artists=[artist], owner=user, tags=[TagFactory()])
        InteractionFactory(artist=artist, author=user).participants.add(user)
        InteractionFactory(artist=None, deal=deal, author=user).people.add(ContactFactory(artist=artist))
        CampaignFactory(artist=artist)
        ContactFactory(sponsor=sponsor)
        AudienceSnapshotFactory(artist=artist, platform="instagram", date=today - timedelta(days=i))
        AudienceSnapshotFactory(artist=artist, platform="spotify", date=today - timedelta(days=i))
        SocialProfile.objects.create(artist=artist, platform="x", handle=f"handle{i}")
        artist.genres.add(GenreFactory())
        artist.tags.add(TagFactory())
    return {
        "artist": artist,
        "sponsor": sponsor,
        "deal": artist.deals.first(),
        "campaign": artist.campaigns.first(),
    }


def pages(agency) -> dict[str, tuple[str, bool, int]]:
    artist, sponsor, deal = agency["artist"], agency["sponsor"], agency["deal"]
    artist_url = reverse("crm:artist-detail", args=[artist.pk])
    sponsor_url = reverse("crm:sponsor-detail", args=[sponsor.pk])
    deal_url = reverse("crm:deal-detail", args=[deal.pk])
    return {
        # page: (url, htmx, queries)
        "artist page": (artist_url, False, 7),  # + artist, genres
        "artist profile tab": (
            artist_url + "?tab=profile",
            True,
            11,
        ),  # artist, genres, tags, managers, socials, team
        "artist deals tab": (
            artist_url + "?tab=deals",
            True,
            7,
        ),  # artist, deals with stage/pipeline/sponsor/owner
        "artist campaigns tab": (artist_url + "?tab=campaigns", True, 7),
        "artist timeline tab": (
            artist_url + "?tab=timeline",
            True,
            12,
        ),  # count, page, participants, people, form choices
        "artist timeline feed": (artist_url + "?tab=timeline&feed=1&page=1", True, 10),
        "artist analytics tab": (artist_url + "?tab=analytics", True, 7),  # artist, snapshots of the year
        "sponsor page": (sponsor_url, False, 6),
        "sponsor profile tab": (sponsor_url + "?tab=profile", True, 9),
        "sponsor deals tab": (sponsor_url + "?tab=deals", True, 8),
        "sponsor timeline tab": (sponsor_url + "?tab=timeline", True, 12),
        "deal page": (deal_url, False, 10),  # deal, artists, tags, stages, stage history
        "deal timeline tab": (deal_url + "?tab=timeline", True, 12),
        "contact page": (reverse("crm:contact-detail", args=[artist.team.first().pk]), False, 7),
        "campaign page": (reverse("crm:campaign-detail", args=[agency["campaign"].pk]), False, 7),
        "campaign list": (reverse("crm:campaign-list"), False, 7),
        "pipeline settings": (reverse("crm:pipeline-settings"), False, 7),
    }


@pytest.mark.parametrize(
    "name",
    [
        "artist page",
        "artist profile tab",
        "artist deals tab",
        "artist campaigns tab",
        "artist timeline tab",
        "artist timeline feed",
        "artist analytics tab",
        "sponsor page",
        "sponsor profile tab",
        "sponsor deals tab",
        "sponsor timeline tab",
        "deal page",
        "deal timeline tab",
        "contact page",
        "campaign page",
        "campaign list",
        "pipeline settings",
    ],
)
def test_query_count_is_pinned_and_constant(client, agency, name, django_assert_num_queries):
    url, htmx, expected = pages(agency)[name]
    with django_assert_num_queries(expected):
        response = client.get(url, **(HTMX if htmx else {}))
    assert response.status_code == 200
