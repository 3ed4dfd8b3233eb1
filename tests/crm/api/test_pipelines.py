import pytest
from django.urls import reverse

from crm.models import Deal, Pipeline, Stage
from tests.crm.api.conftest import error_of
from tests.crm.factories import DealFactory, GenreFactory, TagFactory, signing, sponsorship, stage

pytestmark = pytest.mark.django_db

PIPELINES = reverse("crm-api:pipeline-list")
STAGES = reverse("crm-api:stage-list")


def test_pipelines_come_with_their_stages_in_board_order(viewer):
    body = viewer.get(PIPELINES).json()
    assert [p["name"] for p in body["results"]] == ["Artist signing", "Sponsorship"]
    sponsorship_row = body["results"][1]
    assert [s["name"] for s in sponsorship_row["stages"]] == [
        "Lead",
        "Qualified",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ]
    assert (
        sponsorship_row["stages"][4]["outcome"] == "won" and sponsorship_row["stages"][2]["probability"] == 50
    )
    assert viewer.get(PIPELINES, {"kind": "signing"}).json()["count"] == 1


def test_create_rename_archive_and_reorder(manager):
    response = manager.post(PIPELINES, {"name": "Booking", "kind": "other"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [s["name"] for s in body["stages"]] == ["New", "In progress", "Won", "Lost"]
    detail = reverse("crm-api:pipeline-detail", args=[body["id"]])
    assert manager.patch(detail, {"name": "Bookings", "archived": True}).json()["archived"] is True
    assert Pipeline.objects.get(pk=body["id"]).name == "Bookings"

    ids = [s["id"] for s in body["stages"]]
    reorder = reverse("crm-api:pipeline-reorder-stages", args=[body["id"]])
    response = manager.post(reorder, {"order": [ids[1], ids[0], ids[2], ids[3]]})
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["stages"]] == ["In progress", "New", "Won", "Lost"]
    response = manager.post(reorder, {"order": ids[:2]})  # not every stage
    assert response.status_code == 400


def test_pipeline_name_taken(manager):
    response = manager.post(PIPELINES, {"name": "sponsorship"})
    assert response.status_code == 400
    assert "name" in error_of(response)["fields"]


def test_pipelines_have_no_delete(manager):
    response = manager.delete(reverse("crm-api:pipeline-detail", args=[sponsorship().pk]))
    assert response.status_code == 405


def test_stage_create_update_delete_moving_its_deals(manager, viewer):
    response = manager.post(
        STAGES, {"pipeline": sponsorship().pk, "name": "Contract sent", "probability": 85}
    )
    assert response.status_code == 201, response.json()
    new = Stage.objects.get(pk=response.json()["id"])
    assert new.position == 4  # before the won and lost stages
    assert [s["name"] for s in viewer.get(STAGES, {"pipeline": sponsorship().pk}).json()["results"]][
        4
    ] == "Contract sent"

    detail = reverse("crm-api:stage-detail", args=[new.pk])
    assert manager.patch(detail, {"color": "#123456", "probability": 90}).status_code == 200
    assert manager.patch(detail, {"color": "red"}).status_code == 400

    deal = DealFactory(stage=new)
    response = manager.delete(detail)
    assert response.status_code == 400 and "move_to" in error_of(response)["fields"]
    response = manager.delete(f"{detail}?move_to={stage(signing(), 'Meeting').pk}")  # another pipeline
    assert response.status_code == 400
    assert manager.delete(f"{detail}?move_to={stage(sponsorship(), 'Negotiation').pk}").status_code == 204
    assert Deal.objects.get(pk=deal.pk).stage.name == "Negotiation"
    assert not Stage.objects.filter(pk=new.pk).exists()


@pytest.mark.parametrize("role", ["Viewer", "Producer"])
def test_readers_cannot_change_pipelines(api_for, role):
    client = api_for(role)
    assert client.get(PIPELINES).status_code == 200
    assert client.post(PIPELINES, {"name": "Mine"}).status_code == 403
    assert client.post(STAGES, {"pipeline": sponsorship().pk, "name": "Mine"}).status_code == 403
    assert not Pipeline.objects.filter(name="Mine").exists()


# --- tags and genres ----------------------------------------------------------------------------------------------


def test_tags_and_genres_are_listed_and_searchable(viewer):
    TagFactory(name="Festival 2026")
    TagFactory(name="VIP")
    GenreFactory(name="Afrobeats", slug="afrobeats")
    tags = viewer.get(reverse("crm-api:tag-list"), {"q": "fest"}).json()["results"]
    assert [t["name"] for t in tags] == ["Festival 2026"]
    genres = viewer.get(reverse("crm-api:genre-list")).json()["results"]
    assert {"name": "Afrobeats", "slug": "afrobeats"}.items() <= genres[0].items()


def test_tags_and_genres_are_read_only(manager):
    assert manager.post(reverse("crm-api:tag-list"), {"name": "New"}).status_code == 405
    assert manager.post(reverse("crm-api:genre-list"), {"name": "New"}).status_code == 405


def test_streamers_see_no_pipeline(api_for):
    assert api_for("Streamer").get(PIPELINES).status_code == 403
    assert api_for("Streamer").get(reverse("crm-api:tag-list")).status_code == 403
