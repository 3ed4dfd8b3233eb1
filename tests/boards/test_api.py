"""The board endpoints under /api/boards/: the move (shapes, errors in the API's one error shape, permissions),
the filtered column headers and "show more"."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from crm.models import Deal
from tests.boards.helpers import fill, order, stages
from tests.crm.factories import ArtistFactory, DealFactory, TagFactory, signing, sponsorship

pytestmark = pytest.mark.django_db

KEY = "crm.pipeline"


@pytest.fixture
def api(client, make_user):
    def _as(role: str):
        user = make_user(role)
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client, user

    return _as


def move_url(pipeline_pk=None, key=KEY) -> str:
    return reverse("boards-api:move", args=[key, pipeline_pk or sponsorship().pk])


def post(client, body, url=None):
    return client.post(url or move_url(), body, content_type="application/json")


def error(response) -> dict:
    return response.json()["error"]


def test_move_answers_the_new_state_of_the_touched_columns(api, pipeline_stages):
    client, _user = api("Manager")
    lead, proposal = pipeline_stages["Lead"], pipeline_stages["Proposal"]
    (deal,) = fill(lead, 1)
    (other,) = fill(proposal, 1)

    response = post(client, {"card": deal.pk, "column": proposal.pk, "after": None, "before": other.pk})

    assert response.status_code == 200
    body = response.json()
    assert body["changed"] is True and body["board"] == KEY and body["board_id"] == lead.pipeline_id
    assert [(c["id"], c["version"], c["order"], c["count"]) for c in body["columns"]] == [
        (lead.pk, 1, [], 0),
        (proposal.pk, 1, [deal.pk, other.pk], 2),
    ]
    assert set(body["columns"][1]["header"]) == {"en", "fr"}
    assert body["card"]["id"] == deal.pk and body["card"]["column"] == proposal.pk
    assert order(proposal) == [deal.pk, other.pk]


def test_lost_without_a_reason_is_a_400_with_the_field(api, pipeline_stages):
    client, _user = api("Admin")
    (deal,) = fill(pipeline_stages["Negotiation"], 1)
    lost = pipeline_stages["Lost"]

    response = post(client, {"card": deal.pk, "column": lost.pk})
    assert response.status_code == 400
    assert error(response)["fields"] == {"lost_reason": ["Say why this deal was lost."]}

    response = post(client, {"card": deal.pk, "column": lost.pk, "lost_reason": ["not", "text"]})
    assert response.status_code == 400

    response = post(client, {"card": deal.pk, "column": lost.pk, "lost_reason": "Went with a competitor"})
    assert response.status_code == 200
    assert Deal.objects.get(pk=deal.pk).lost_reason == "Went with a competitor"


def test_a_deleted_deal_is_a_404_with_a_clear_message(api, pipeline_stages):
    client, _user = api("Manager")
    response = post(client, {"card": 10**9, "column": pipeline_stages["Lead"].pk})
    assert response.status_code == 404
    assert error(response) == {
        "status": 404,
        "code": "card_gone",
        "message": "This deal was deleted by someone else; the board has been refreshed.",
        "fields": {},
    }


def test_a_deal_moved_to_another_pipeline_meanwhile_is_a_409(api, pipeline_stages):
    client, _user = api("Manager")
    deal = DealFactory(stage=stages(signing())["Meeting"])
    response = post(client, {"card": deal.pk, "column": pipeline_stages["Lead"].pk})
    assert response.status_code == 409
    assert error(response)["code"] == "card_elsewhere"
    assert error(response)["message"] == "This deal is now on another pipeline; the board has been refreshed."


def test_a_stale_position_is_a_409_and_nothing_moves(api, pipeline_stages):
    client, _user = api("Manager")
    deal, gone_a, gone_b = fill(pipeline_stages["Lead"], 3)
    response = post(
        client,
        {"card": deal.pk, "column": pipeline_stages["Proposal"].pk, "after": gone_a.pk, "before": gone_b.pk},
    )
    assert response.status_code == 409
    assert error(response)["code"] == "stale"
    assert "changed while you were dragging" in error(response)["message"]
    assert Deal.objects.get(pk=deal.pk).stage == pipeline_stages["Lead"]


def test_a_stage_of_another_pipeline_is_a_400(api, pipeline_stages):
    client, _user = api("Manager")
    (deal,) = fill(pipeline_stages["Lead"], 1)
    response = post(client, {"card": deal.pk, "column": stages(signing())["Meeting"].pk})
    assert response.status_code == 400
    assert error(response)["fields"] == {"column": ["This stage belongs to another pipeline."]}


def test_bad_input_is_a_400_per_field(api):
    client, _user = api("Manager")
    response = post(client, {"card": "abc", "after": "x"})
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"card", "column", "after"}


def test_readers_cannot_move_and_unknown_boards_are_404(api, pipeline_stages):
    client, _user = api("Viewer")
    (deal,) = fill(pipeline_stages["Lead"], 1)
    response = post(client, {"card": deal.pk, "column": pipeline_stages["Won"].pk})
    assert response.status_code == 403
    assert Deal.objects.get(pk=deal.pk).stage == pipeline_stages["Lead"]

    client, _user = api("Manager")
    assert post(client, {}, url=move_url(key="no.such.board")).status_code == 404
    assert post(client, {}, url=move_url(pipeline_pk=10**9)).status_code == 404


def test_stats_follow_the_filters(api, pipeline_stages):
    client, user = api("Viewer")
    proposal = pipeline_stages["Proposal"]
    tag = TagFactory(name="festival")
    DealFactory(stage=proposal, value=Decimal("1000"), tags=[tag], owner=user)
    DealFactory(stage=proposal, value=Decimal("9000"))
    url = reverse("boards-api:stats", args=[KEY, sponsorship().pk])

    everything = {row["id"]: row for row in client.get(url).json()["columns"]}
    assert everything[proposal.pk]["count"] == 2 and "€10,000" in everything[proposal.pk]["header"]

    body = client.get(url, {"tag": tag.pk}).json()
    assert body["filtered"] is True
    row = {r["id"]: r for r in body["columns"]}[proposal.pk]
    assert row["count"] == 1 and "€1,000" in row["header"]
    for params in ({"owner": "me"}, {"value_min": "5000"}):
        rows = {r["id"]: r for r in client.get(url, params).json()["columns"]}
        assert rows[proposal.pk]["count"] == 1, params


def test_show_more_pages_after_the_last_card_shown(api, pipeline_stages):
    client, _user = api("Producer")
    lead = pipeline_stages["Lead"]
    deals = fill(lead, 5)
    url = reverse("boards-api:cards", args=[KEY, sponsorship().pk])

    body = client.get(url, {"column": lead.pk, "after": deals[1].pk}).json()
    assert [c["id"] for c in body["cards"]] == [d.pk for d in deals[2:]]
    assert body["more"] is False
    assert f'data-card="{deals[2].pk}"' in body["cards"][0]["html"]

    # the anchor left the column: fall back on the offset
    body = client.get(url, {"column": lead.pk, "after": 10**9, "offset": 4}).json()
    assert [c["id"] for c in body["cards"]] == [deals[4].pk]


def test_show_more_respects_filters_and_refuses_foreign_columns(api, pipeline_stages):
    client, _user = api("Manager")
    lead = pipeline_stages["Lead"]
    zoe = ArtistFactory(stage_name="Zoé Lune")
    fill(lead, 2)
    (with_zoe,) = fill(lead, 1, artists=[zoe])
    url = reverse("boards-api:cards", args=[KEY, sponsorship().pk])

    body = client.get(url, {"column": lead.pk, "artist": "zoé"}).json()
    assert [c["id"] for c in body["cards"]] == [with_zoe.pk]
    response = client.get(url, {"column": stages(signing())["Meeting"].pk})
    assert response.status_code == 400
    assert client.get(url, {"column": "x"}).status_code == 400


def test_a_move_takes_a_constant_number_of_queries(api, pipeline_stages, django_assert_num_queries):
    client, _user = api("Manager")
    lead, proposal = pipeline_stages["Lead"], pipeline_stages["Proposal"]
    tags = [TagFactory(), TagFactory()]
    artists = [ArtistFactory(), ArtistFactory()]

    url = move_url()

    def one_move(size: int) -> None:
        deal, *others = fill(lead, size, tags=tags, artists=artists)
        fill(proposal, size, tags=tags, artists=artists)
        post(client, {"card": others[0].pk, "column": lead.pk}, url)  # warm caches
        with django_assert_num_queries(MOVE_QUERIES):
            response = post(client, {"card": deal.pk, "column": proposal.pk}, url)
        assert response.status_code == 200

    one_move(3)
    one_move(30)


# session, user, roles, 2FA check; the board; (savepoint) the card's column, the column locks (the target column
# checked with its lock), the card lock, the target column's order, the move, its history row, the versions, the
# timeline entry, the audit entry, the source column's order (release); the card again with its artists and
# tags, the headers' totals
MOVE_QUERIES = 21
