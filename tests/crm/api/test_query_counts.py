"""Every CRM list and detail endpoint costs a fixed number of queries, whatever the number of rows (3 vs 30),
with JWT authentication as a script uses it. The count includes: the token's user, their roles, the page's
count and rows, then one query per prefetched relation (and the filter form's choices where it has some)."""

import pytest
from django.urls import reverse

from crm.services.records import timeline_event
from tests.crm.factories import (
    ArtistFactory,
    AudienceSnapshotFactory,
    CampaignFactory,
    ContactFactory,
    DealFactory,
    GenreFactory,
    InteractionFactory,
    SocialProfileFactory,
    SponsorFactory,
    TagFactory,
    sponsorship,
    stage,
)

pytestmark = pytest.mark.django_db


def _artists(n, ctx):
    for _ in range(n):
        artist = ArtistFactory(genres=[ctx["genre"]], tags=[ctx["tag"]], managers=[ctx["boss"]])
        SocialProfileFactory(artist=artist)
        ctx.setdefault("last", artist)


def _sponsors(n, ctx):
    for _ in range(n):
        sponsor = SponsorFactory(target_genres=[ctx["genre"]], tags=[ctx["tag"]], owner=ctx["boss"])
        ContactFactory(sponsor=sponsor)
        ctx.setdefault("last", sponsor)


def _contacts(n, ctx):
    for i in range(n):
        contact = ContactFactory(
            sponsor=SponsorFactory() if i % 2 else None, artist=None if i % 2 else ArtistFactory()
        )
        contact.tags.set([ctx["tag"]])
        ctx.setdefault("last", contact)


def _deals(n, ctx):
    for _ in range(n):
        deal = DealFactory(
            stage=stage(sponsorship(), "Proposal"),
            sponsor=SponsorFactory(),
            campaign=CampaignFactory(),
            owner=ctx["boss"],
            artists=[ArtistFactory(), ArtistFactory()],
            tags=[ctx["tag"]],
        )
        ctx.setdefault("last", deal)


def _campaigns(n, ctx):
    for _ in range(n):
        campaign = CampaignFactory()
        DealFactory(campaign=campaign)
        ctx.setdefault("last", campaign)


def _interactions(n, ctx):
    for i in range(n):
        deal = DealFactory(sponsor=SponsorFactory())
        entry = InteractionFactory(
            author=ctx["boss"], deal=deal, contact=ContactFactory(), sponsor=deal.sponsor
        )
        entry.participants.set([ctx["boss"]])
        entry.people.set([entry.contact])
        if i % 3 == 0:
            timeline_event(by=ctx["boss"], deal=deal, data={"event": "stage_changed", "from": "A", "to": "B"})
        ctx.setdefault("last", entry)


def _socials(n, ctx):
    for _ in range(n):
        ctx.setdefault("last", SocialProfileFactory())


def _snapshots(n, ctx):
    for _ in range(n):
        ctx.setdefault("last", AudienceSnapshotFactory())


def _tags(n, ctx):
    for i in range(n):
        ctx.setdefault("last", TagFactory(name=f"Tag {i} of {n}"))


def _genres(n, ctx):
    for _ in range(n):
        ctx.setdefault("last", GenreFactory())


def _stages(n, ctx):
    from crm.services.pipelines import stage_create

    for i in range(n):
        ctx.setdefault("last", stage_create(pipeline=sponsorship(), by=ctx["boss"], name=f"Step {i} of {n}"))


# basename: (make rows, queries for the list, queries for one record)
ENDPOINTS = {
    "artist": (_artists, 8, 7),  # user, roles, count, page, genres, tags, managers, socials
    "sponsor": (_sponsors, 6, 6),  # user, roles, count, page, target genres, tags (+ contacts on the detail)
    "contact": (_contacts, 5, 4),  # user, roles, count, page, tags
    "deal": (_deals, 6, 5),  # user, roles, count, page (stage, pipeline, sponsor… joined), artists, tags
    "campaign": (_campaigns, 5, 4),  # user, roles, count, page, deals
    "interaction": (_interactions, 6, 5),  # user, roles, count, page, participants, people
    "social": (_socials, 4, 3),
    "audience-snapshot": (_snapshots, 4, 3),
    "tag": (_tags, 4, 3),
    "genre": (_genres, 4, 3),
    "stage": (_stages, 4, 3),
}


@pytest.mark.parametrize("basename", list(ENDPOINTS))
def test_list_and_detail_query_counts_are_constant(basename, api_for, make_user, django_assert_num_queries):
    make, list_queries, detail_queries = ENDPOINTS[basename]
    client = api_for("Viewer")
    ctx = {"genre": GenreFactory(), "tag": TagFactory(name="Shared"), "boss": make_user("Manager")}
    url = reverse(f"crm-api:{basename}-list")
    make(3, ctx)
    with django_assert_num_queries(list_queries):
        assert client.get(url).status_code == 200
    make(27, ctx)
    with django_assert_num_queries(list_queries):
        body = client.get(url).json()
    assert body["count"] >= 30 or basename == "stage"
    with django_assert_num_queries(detail_queries):
        assert client.get(reverse(f"crm-api:{basename}-detail", args=[ctx["last"].pk])).status_code == 200


def test_pipeline_list_query_count(api_for, django_assert_num_queries):
    client = api_for("Viewer")
    with django_assert_num_queries(5):  # user, roles, count, page, stages
        client.get(reverse("crm-api:pipeline-list"))


def test_deal_list_query_count_with_filters(api_for, django_assert_num_queries):
    """Filtering by a stage and a tag validates them (one query each) and keeps the page constant."""
    client = api_for("Viewer")
    tag = TagFactory()
    proposal = stage(sponsorship(), "Proposal")
    for _ in range(5):
        DealFactory(stage=proposal, tags=[tag], artists=[ArtistFactory()])
    with django_assert_num_queries(8):
        body = client.get(
            reverse("crm-api:deal-list"), {"stage": proposal.pk, "tag": tag.pk, "value_min": 10}
        ).json()
    assert body["count"] == 5
