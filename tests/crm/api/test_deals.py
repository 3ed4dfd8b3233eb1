from decimal import Decimal

import pytest
from django.urls import reverse

from crm.models import Deal, Interaction
from tests.crm.api.conftest import error_of
from tests.crm.factories import (
    ArtistFactory,
    DealFactory,
    SponsorFactory,
    TagFactory,
    signing,
    sponsorship,
    stage,
)

pytestmark = pytest.mark.django_db

LIST = reverse("crm-api:deal-list")


def detail(deal) -> str:
    return reverse("crm-api:deal-detail", args=[deal.pk])


def move(deal_or_pk) -> str:
    return reverse("crm-api:deal-move", args=[getattr(deal_or_pk, "pk", deal_or_pk)])


def order(stage_obj) -> list[int]:
    return list(Deal.objects.filter(stage=stage_obj).order_by("position").values_list("pk", flat=True))


def test_list_and_detail(viewer, make_user):
    owner = make_user("Manager", first_name="Léa", last_name="Roux")
    artist = ArtistFactory(stage_name="Kalia")
    sponsor = SponsorFactory(name="Pulse Energy")
    deal = DealFactory(
        stage=stage(sponsorship(), "Proposal"),
        title="Pulse × Kalia",
        sponsor=sponsor,
        artists=[artist],
        owner=owner,
        value=Decimal("20000"),
        tags=[TagFactory(name="VIP")],
    )
    [row] = viewer.get(LIST).json()["results"]
    assert row["id"] == deal.pk and row["title"] == "Pulse × Kalia"
    assert row["pipeline"]["name"] == "Sponsorship"
    assert row["stage"] == {"id": deal.stage_id, "name": "Proposal", "outcome": "open", "probability": 50}
    assert row["sponsor"] == {"id": sponsor.pk, "name": "Pulse Energy"}
    assert row["artists"] == [{"id": artist.pk, "stage_name": "Kalia"}]
    assert row["owner"] == {"id": owner.pk, "name": "Léa Roux"}
    assert (
        row["value"] == "20000.00"
        and row["effective_probability"] == 50
        and row["weighted_value"] == "10000.00"
    )
    assert viewer.get(detail(deal)).json()["tags"][0]["name"] == "VIP"


def test_filters(viewer):
    proposal = stage(sponsorship(), "Proposal")
    small = DealFactory(stage=proposal, value=Decimal("1000"), title="Small")
    big = DealFactory(stage=proposal, value=Decimal("90000"), title="Big")
    DealFactory(stage=stage(signing(), "Discovered"), title="Signing", value=Decimal("100"))

    def titles(**params):
        return sorted(row["title"] for row in viewer.get(LIST, params).json()["results"])

    assert titles(pipeline=sponsorship().pk) == ["Big", "Small"]
    assert titles(value_min=5000) == ["Big"]
    assert titles(stage=proposal.pk, value_max=5000) == ["Small"]
    assert titles(outcome="open", q="sig") == ["Signing"]
    assert [r["id"] for r in viewer.get(LIST, {"ordering": "-value"}).json()["results"]][:2] == [
        big.pk,
        small.pk,
    ]


def test_create_at_the_bottom_of_the_first_open_stage(manager):
    artist = ArtistFactory()
    first = DealFactory(stage=stage(sponsorship(), "Lead"))
    response = manager.post(
        LIST, {"pipeline": sponsorship().pk, "title": "New deal", "value": "12500.50", "artists": [artist.pk]}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"]["name"] == "Lead" and body["value"] == "12500.50"
    assert order(stage(sponsorship(), "Lead")) == [first.pk, body["id"]]
    assert Interaction.objects.filter(deal_id=body["id"], data__event="deal_created").exists()


@pytest.mark.parametrize("value", ["12,5k", "abc", "-3", "1e400"])
def test_a_value_in_the_wrong_format_is_refused(manager, value):
    response = manager.post(LIST, {"pipeline": sponsorship().pk, "title": "Deal", "value": value})
    assert response.status_code == 400
    assert "value" in error_of(response)["fields"]
    assert not Deal.objects.exists()


def test_a_stage_of_another_pipeline_is_refused_on_create(manager):
    response = manager.post(
        LIST, {"pipeline": sponsorship().pk, "stage": stage(signing(), "Meeting").pk, "title": "Deal"}
    )
    assert response.status_code == 400
    assert "stage" in error_of(response)["fields"]
    assert not Deal.objects.exists()


def test_patch_fields_and_stage(manager):
    deal = DealFactory(stage=stage(sponsorship(), "Lead"), title="Old")
    response = manager.patch(detail(deal), {"title": "New", "stage": stage(sponsorship(), "Qualified").pk})
    assert response.status_code == 200, response.json()
    deal.refresh_from_db()
    assert deal.title == "New" and deal.stage.name == "Qualified"
    entry = Interaction.objects.get(deal=deal, data__event="stage_changed")
    assert entry.data["from"] == "Lead" and entry.data["to"] == "Qualified" and entry.author == manager.user


def test_patch_to_a_stage_of_another_pipeline_is_refused(manager):
    deal = DealFactory(stage=stage(sponsorship(), "Lead"))
    response = manager.patch(detail(deal), {"stage": stage(signing(), "Meeting").pk})
    assert response.status_code == 400
    assert "stage" in error_of(response)["fields"]
    deal.refresh_from_db()
    assert deal.stage.name == "Lead"


def test_delete(manager):
    deal = DealFactory()
    assert manager.delete(detail(deal)).status_code == 204
    assert not Deal.objects.filter(pk=deal.pk).exists()


# --- the move action: the board's move --------------------------------------------------------------------------


def test_move_between_two_cards_of_another_stage(manager):
    lead, proposal = stage(sponsorship(), "Lead"), stage(sponsorship(), "Proposal")
    deal = DealFactory(stage=lead)
    a, b = DealFactory(stage=proposal), DealFactory(stage=proposal)
    response = manager.post(move(deal), {"stage": proposal.pk, "after": a.pk, "before": b.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["stage"]["name"] == "Proposal"
    assert order(proposal) == [a.pk, deal.pk, b.pk]
    entry = Interaction.objects.get(deal=deal, data__event="stage_changed")
    assert (entry.data["from"], entry.data["to"]) == ("Lead", "Proposal")


def test_move_within_a_stage(manager):
    lead = stage(sponsorship(), "Lead")
    a, b, c = DealFactory(stage=lead), DealFactory(stage=lead), DealFactory(stage=lead)
    assert manager.post(move(c), {"stage": lead.pk, "before": a.pk}).status_code == 200
    assert order(lead) == [c.pk, a.pk, b.pk]
    assert manager.post(move(c), {"stage": lead.pk}).status_code == 200  # no anchor: the bottom
    assert order(lead) == [a.pk, b.pk, c.pk]


def test_move_to_lost_needs_a_reason(manager):
    deal = DealFactory(stage=stage(sponsorship(), "Negotiation"))
    lost = stage(sponsorship(), "Lost")
    response = manager.post(move(deal), {"stage": lost.pk})
    assert response.status_code == 400
    assert error_of(response)["fields"]
    response = manager.post(move(deal), {"stage": lost.pk, "lost_reason": "Budget cut"})
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.stage == lost and deal.lost_reason == "Budget cut" and deal.closed_at is not None


def test_move_with_stale_anchors_is_409(manager):
    lead, proposal = stage(sponsorship(), "Lead"), stage(sponsorship(), "Proposal")
    deal = DealFactory(stage=lead)
    gone_a, gone_b = (
        DealFactory(stage=lead),
        DealFactory(stage=lead),
    )  # the browser thought they were in Proposal
    response = manager.post(move(deal), {"stage": proposal.pk, "after": gone_a.pk, "before": gone_b.pk})
    assert response.status_code == 409
    assert error_of(response)["code"] == "stale"
    deal.refresh_from_db()
    assert deal.stage == lead


def test_move_to_a_stage_of_another_pipeline_is_400(manager):
    deal = DealFactory(stage=stage(sponsorship(), "Lead"))
    response = manager.post(move(deal), {"stage": stage(signing(), "Meeting").pk})
    assert response.status_code == 400
    assert "stage" in error_of(response)["fields"]
    deal.refresh_from_db()
    assert deal.stage.name == "Lead"


def test_move_of_a_deleted_deal_is_404(manager):
    deal = DealFactory()
    pk, target = deal.pk, stage(sponsorship(), "Proposal").pk
    deal.delete()
    response = manager.post(move(pk), {"stage": target})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_move_needs_a_stage(manager):
    response = manager.post(move(DealFactory()), {"after": 3})
    assert response.status_code == 400
    assert "stage" in error_of(response)["fields"]


@pytest.mark.parametrize("role", ["Viewer", "Producer", "Streamer"])
def test_move_is_for_writers(api_for, role):
    deal = DealFactory(stage=stage(sponsorship(), "Lead"))
    response = api_for(role).post(move(deal), {"stage": stage(sponsorship(), "Proposal").pk})
    assert response.status_code == 403
    deal.refresh_from_db()
    assert deal.stage.name == "Lead"
