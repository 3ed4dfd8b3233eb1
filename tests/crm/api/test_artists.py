from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from crm.models import Artist, SocialProfile
from tests.crm.api.conftest import error_of
from tests.crm.factories import (
    ArtistFactory,
    DealFactory,
    GenreFactory,
    SocialProfileFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("crm-api:artist-list")


def detail(artist) -> str:
    return reverse("crm-api:artist-detail", args=[artist.pk])


def test_list_shows_artists_with_their_relations(viewer, make_user):
    rap = GenreFactory(name="Rap français", slug="rap-francais")
    boss = make_user("Manager", first_name="Léa", last_name="Roux")
    artist = ArtistFactory(
        stage_name="Lou Azur", genres=[rap], tags=[TagFactory(name="VIP")], managers=[boss]
    )
    SocialProfileFactory(artist=artist, platform="tiktok", handle="louazur")

    body = viewer.get(LIST).json()

    assert body["count"] == 1
    [row] = body["results"]
    assert row["stage_name"] == "Lou Azur" and row["country"] == "FR" and row["status"] == "prospect"
    assert row["genres"] == [{"id": rap.pk, "name": "Rap français", "slug": "rap-francais"}]
    assert row["tags"][0]["name"] == "VIP"
    assert row["managers"] == [{"id": boss.pk, "name": "Léa Roux"}]
    assert row["socials"][0]["handle"] == "louazur" and row["socials"][0]["platform"] == "tiktok"
    assert "score_breakdown" not in row  # the list stays light; the detail explains the score


def test_detail_explains_the_score(viewer):
    artist = ArtistFactory(score=72)
    Artist.objects.filter(pk=artist.pk).update(
        score_breakdown={"criteria": [{"key": "audience", "points": 30}]}
    )
    body = viewer.get(detail(artist)).json()
    assert body["score"] == 72
    assert body["score_breakdown"] == {"criteria": [{"key": "audience", "points": 30}]}


def test_filters_search_ordering_and_pages(viewer):
    pop = GenreFactory(name="Pop", slug="pop")
    ArtistFactory(stage_name="Élodie Nova", status="signed", score=80, genres=[pop])
    ArtistFactory(stage_name="Kalia", status="prospect", score=40, aliases=["KALI"])
    ArtistFactory(stage_name="DJ Ozone", status="signed", score=10, country="BE")

    def names(**params):
        return [row["stage_name"] for row in viewer.get(LIST, params).json()["results"]]

    assert names(q="elodie") == ["Élodie Nova"]  # accents and case do not matter
    assert names(q="kali") == ["Kalia"]
    assert names(status="signed", ordering="-score") == ["Élodie Nova", "DJ Ozone"]
    assert names(genre="pop") == ["Élodie Nova"]
    assert names(score_min=30, ordering="score") == ["Kalia", "Élodie Nova"]
    assert names(country="BE") == ["DJ Ozone"]
    page = viewer.get(LIST, {"ordering": "-score", "page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and [r["stage_name"] for r in page["results"]] == ["DJ Ozone"]


def test_a_bad_filter_value_is_a_400_in_the_error_shape(viewer):
    response = viewer.get(LIST, {"score_min": "lots"})
    assert response.status_code == 400
    assert "score_min" in error_of(response)["fields"]


def test_create_goes_through_the_service(manager, make_user):
    genre = GenreFactory(name="Électro", slug="electro")
    tag = TagFactory(name="Festival 2026")
    boss = make_user("Manager")
    response = manager.post(
        LIST,
        {
            "stage_name": "  Ninä Saint-Clair ",
            "genres": [genre.pk],
            "tags": [tag.pk],
            "managers": [boss.pk],
            "country": "FR",
            "audience_regions": ["FR", "BE"],
            "audience_age_bands": ["18-24"],
            "brand_safety_flags": ["explicit_lyrics"],
            "contract_start": "2026-01-01",
            "contract_end": "2028-01-01",
            "socials": [
                {"platform": "instagram", "handle": "@Nina.SC", "url": "https://instagram.com/nina.sc"}
            ],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    artist = Artist.objects.get(pk=body["id"])
    assert artist.normalized_name == "nina saint clair"  # kept by the service
    assert list(artist.genres.all()) == [genre] and list(artist.managers.all()) == [boss]
    assert artist.contract_end == date(2028, 1, 1)
    assert [s.handle for s in artist.socials.all()] == ["nina.sc"]  # normalised by the service
    assert body["socials"][0]["handle"] == "nina.sc" and body["tags"][0]["name"] == "Festival 2026"
    assert AuditEvent.objects.filter(action="crm.artist.create", actor=manager.user).exists()


def test_create_checks_the_shape_and_the_rules(manager, make_user):
    viewer = make_user("Viewer")
    response = manager.post(
        LIST,
        {
            "genres": [999999],
            "managers": [viewer.pk],  # not a Manager or Admin
            "country": "XX",
            "status": "famous",
        },
    )
    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert set(fields) >= {"stage_name", "genres", "managers", "country", "status"}

    # a rule of the model, checked by the service: the contract ends after it starts
    response = manager.post(
        LIST, {"stage_name": "Kalia", "contract_start": "2026-05-01", "contract_end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "contract_end" in error_of(response)["fields"]
    assert not Artist.objects.exists()


def test_patch_and_put(manager):
    artist = ArtistFactory(stage_name="Kalia", city="Lyon")
    response = manager.patch(detail(artist), {"status": "signed", "city": "Marseille"})
    assert response.status_code == 200, response.json()
    artist.refresh_from_db()
    assert artist.status == "signed" and artist.city == "Marseille" and artist.stage_name == "Kalia"

    response = manager.put(detail(artist), {"stage_name": "Kalia Nova"})
    assert response.status_code == 200
    artist.refresh_from_db()
    assert artist.stage_name == "Kalia Nova" and artist.normalized_name == "kalia nova"
    assert AuditEvent.objects.filter(action="crm.artist.update", target_id=str(artist.pk)).count() == 2


def test_socials_are_not_changed_through_the_artist(manager):
    artist = ArtistFactory()
    response = manager.patch(detail(artist), {"socials": [{"platform": "x", "handle": "kal"}]}, format="json")
    assert response.status_code == 400
    assert "socials" in error_of(response)["fields"]


def test_delete(manager):
    artist = ArtistFactory()
    assert manager.delete(detail(artist)).status_code == 204
    assert not Artist.objects.filter(pk=artist.pk).exists()


def test_an_artist_with_deals_is_not_deleted(manager):
    artist = ArtistFactory(stage_name="Kalia")
    DealFactory(artists=[artist])
    response = manager.delete(detail(artist))
    assert response.status_code == 400
    assert "Kalia" in error_of(response)["message"]
    assert Artist.objects.filter(pk=artist.pk).exists()


@pytest.mark.parametrize("role", ["Viewer", "Producer"])
def test_readers_cannot_write(api_for, role):
    client = api_for(role)
    artist = ArtistFactory(stage_name="Kalia")
    assert client.get(detail(artist)).status_code == 200
    for response in (
        client.post(LIST, {"stage_name": "New"}),
        client.patch(detail(artist), {"stage_name": "Changed"}),
        client.delete(detail(artist)),
    ):
        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"
    artist.refresh_from_db()
    assert artist.stage_name == "Kalia" and Artist.objects.count() == 1


def test_streamers_have_no_crm(api_for):
    streamer = api_for("Streamer")
    artist = ArtistFactory()
    assert streamer.get(LIST).status_code == 403
    assert streamer.get(detail(artist)).status_code == 403


def test_signed_out_is_401(api_for):
    response = api_for(None).get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "not_authenticated"


def test_missing_is_404(viewer):
    response = viewer.get(reverse("crm-api:artist-detail", args=[2_000_000_000]))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_admin_writes_too(api_for):
    response = api_for("Admin").post(LIST, {"stage_name": "Kalia"})
    assert response.status_code == 201


def test_social_handle_taken_is_a_clear_400(manager):
    SocialProfileFactory(platform="instagram", handle="kalia")
    response = manager.post(
        LIST, {"stage_name": "Kalia", "socials": [{"platform": "instagram", "handle": "KALIA"}]}
    )
    assert response.status_code == 400
    assert error_of(response)["fields"]
    assert not Artist.objects.filter(stage_name="Kalia").exists()  # nothing half-written
    assert SocialProfile.objects.count() == 1
