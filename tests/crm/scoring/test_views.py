"""Scoring and matching pages: settings with preview, score explanation, match lists, create deal from a match."""

import pytest
from django.urls import reverse
from django.utils import translation

from crm import scoring
from crm.models import Artist, Deal
from crm.selectors.scoring import scoring_config_get
from crm.services.scoring import artist_score_recompute
from crm.templatetags.crm_tags import crm_url
from tests.crm.factories import ArtistFactory, DealFactory, sponsorship, stage
from tests.crm.scoring.conftest import grown_artist

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def signed_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def admin_client(client, make_user):
    return signed_in(client, make_user("Admin", language="en"))


@pytest.fixture
def manager_client(client, make_user):
    return signed_in(client, make_user("Manager", language="en"))


@pytest.fixture
def viewer_client(client, make_user):
    return signed_in(client, make_user("Viewer", language="en"))


def weights_data(**overrides):
    data = {f"weight_{key}": value for key, value in scoring.DEFAULT_WEIGHTS.items()}
    data.update(overrides)
    return data


# --- scoring settings ----------------------------------------------------------------------------------


def test_settings_page_shows_weights_focus_and_a_preview(admin_client, genres):
    scored = grown_artist(stage_name="Top of the list", followers=(1_000_000, 2_000_000))
    artist_score_recompute(artist_ids=[scored.pk])

    page = admin_client.get(reverse("crm:scoring-settings"))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="range"' in html and 'name="weight_audience"' in html
    assert "Hip-hop" in html  # a focus genre to choose
    assert "France" in html  # a country some artist lives in
    assert "Top of the list" in html  # in the preview
    assert "Fit is not used" in html


def test_preview_recomputes_with_the_new_weights_without_saving(admin_client, queued):
    artist = grown_artist(stage_name="Big", followers=(10_000_000, 10_000_000))
    artist_score_recompute(artist_ids=[artist.pk])
    before = Artist.objects.get(pk=artist.pk).score

    zero_but_audience = weights_data(
        **({f"weight_{key}": 0 for key in scoring.CRITERIA} | {"weight_audience": 50})
    )
    response = admin_client.post(
        reverse("crm:scoring-settings"), {**zero_but_audience, "preview": "1"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="scoring-preview"')  # only the partial
    assert '<strong class="preview-new">100</strong>' in html
    assert f"+{100 - before}" in html
    assert scoring_config_get().weights == {}  # nothing saved
    assert queued["all"] == 0


def test_preview_of_invalid_settings_says_so(admin_client):
    response = admin_client.post(
        reverse("crm:scoring-settings"),
        {**weights_data(weight_growth=400), "preview": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert "Fix the settings" in response.content.decode()


def test_saving_settings_recomputes_every_score_in_celery(
    admin_client, genres, queued, django_capture_on_commit_callbacks
):
    data = {**weights_data(weight_recency=0), "focus_genres": [genres["Pop"].pk], "focus_countries": ["FR"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("crm:scoring-settings"), data)
    assert response.status_code == 302
    config = scoring_config_get()
    assert config.weights["recency"] == 0
    assert config.focus_countries == ["FR"]
    assert queued["all"] == 1
    page = admin_client.get(response["Location"])
    assert "Every score is being recomputed" in page.content.decode()


def test_saving_all_weights_at_zero_is_refused_with_a_message(admin_client, queued):
    response = admin_client.post(
        reverse("crm:scoring-settings"), weights_data(**{f"weight_{k}": 0 for k in scoring.CRITERIA})
    )
    assert response.status_code == 200
    assert "at least one criterion" in response.content.decode()
    assert queued["all"] == 0


def test_settings_are_the_admins(manager_client):
    assert manager_client.get(reverse("crm:scoring-settings")).status_code == 403


# --- score explanation ---------------------------------------------------------------------------------


def test_score_fragment_explains_every_criterion(viewer_client):
    artist = grown_artist(stage_name="Explained")
    artist_score_recompute(artist_ids=[artist.pk])
    artist.refresh_from_db()

    response = viewer_client.get(reverse("crm:artist-score", args=[artist.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert 'id="score-explanation"' in html
    assert f"Score {artist.score} out of 100" in html
    for label in scoring.LABELS.values():
        assert str(label) in html
    assert "+20.0\u00a0% over 90 days" in html
    assert "Recompute now" not in html  # a Viewer reads only


def test_score_page_of_an_artist_never_scored(manager_client):
    artist = ArtistFactory(stage_name="Fresh")
    html = manager_client.get(reverse("crm:artist-score", args=[artist.pk])).content.decode()
    assert "<html" in html
    assert "Not scored yet" in html
    assert "Compute now" in html


def test_recompute_now(manager_client):
    artist = grown_artist()
    response = manager_client.post(reverse("crm:artist-score", args=[artist.pk]), HTTP_HX_REQUEST="true")
    artist.refresh_from_db()
    assert response.status_code == 200
    assert artist.score_updated_at is not None
    assert f"Score {artist.score} out of 100" in response.content.decode()


def test_the_explanation_warns_when_the_weights_changed_since(viewer_client, make_user):
    from crm.services.scoring import scoring_config_update

    artist = grown_artist()
    artist_score_recompute(artist_ids=[artist.pk])
    scoring_config_update(by=make_user("Admin"), weights={"audience": 5})
    html = viewer_client.get(
        reverse("crm:artist-score", args=[artist.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "The weights changed since" in html


def test_score_fragment_queries_are_pinned(viewer_client, django_assert_num_queries, genres):
    poor = ArtistFactory()
    rich = grown_artist(genres=list(genres.values()))
    artist_score_recompute(artist_ids=[poor.pk, rich.pk])
    viewer_client.get(reverse("crm:artist-score", args=[poor.pk]), HTTP_HX_REQUEST="true")
    # session, user, roles, artist, scoring settings, the bell's unread count
    with django_assert_num_queries(6):
        viewer_client.get(reverse("crm:artist-score", args=[poor.pk]), HTTP_HX_REQUEST="true")
    with django_assert_num_queries(6):
        viewer_client.get(reverse("crm:artist-score", args=[rich.pk]), HTTP_HX_REQUEST="true")


# --- match lists ---------------------------------------------------------------------------------------


def test_sponsor_matches_page(manager_client, genres, make_sponsor):
    sponsor = make_sponsor(name="Fizzy", excluded_flags=["alcohol"])
    ArtistFactory(
        stage_name="Nova", genres=[genres["Hip-hop"]], audience_total=50_000, audience_age_bands=["18-24"]
    )
    ArtistFactory(stage_name="Risky", genres=[genres["Hip-hop"]], brand_safety_flags=["alcohol"])

    html = manager_client.get(reverse("crm:sponsor-matches", args=[sponsor.pk])).content.decode()

    assert "Artists for Fizzy" in html
    assert html.index("Nova") < html.index("Risky")
    assert (
        '<li class="match-chip is-danger"><i class="bi bi-shield-exclamation" aria-hidden="true"></i>Brand-safety conflict: Alcohol</li>'
        in html
    )
    assert "Budget fits the Rising fee" in html
    assert (
        reverse("crm:match-create-deal", args=[sponsor.pk, Artist.objects.get(stage_name="Nova").pk]) in html
    )


def test_match_list_as_an_htmx_fragment_and_without_create_for_viewers(viewer_client, genres, make_sponsor):
    sponsor = make_sponsor()
    artist = ArtistFactory(stage_name="Nova", genres=[genres["Hip-hop"]])
    html = viewer_client.get(
        reverse("crm:artist-matches", args=[artist.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html
    assert 'id="match-list"' in html
    assert sponsor.name in html
    assert "Create deal" not in html


def test_an_open_deal_replaces_the_create_button(manager_client, genres, make_sponsor):
    sponsor = make_sponsor()
    artist = ArtistFactory(stage_name="Nova", genres=[genres["Hip-hop"]])
    deal = DealFactory(stage=stage(sponsorship(), "Proposal"), sponsor=sponsor, artists=[artist])
    html = manager_client.get(reverse("crm:sponsor-matches", args=[sponsor.pk])).content.decode()
    assert "Open deal: Proposal" in html
    assert "Create deal" not in html
    assert crm_url("crm:deal-detail", deal.pk) in html


def test_empty_match_list(manager_client, make_sponsor, genres):
    sponsor = make_sponsor()
    html = manager_client.get(reverse("crm:sponsor-matches", args=[sponsor.pk])).content.decode()
    assert "No matching artists" in html


def test_match_list_queries_are_pinned(viewer_client, genres, make_sponsor, django_assert_num_queries):
    sponsor = make_sponsor()
    artist = ArtistFactory(genres=[genres["Hip-hop"]], audience_regions=["FR"])
    ArtistFactory.create_batch(2, genres=[genres["Hip-hop"]])
    make_sponsor()
    # session, user, roles, the record, the list's four, the bell's unread count
    with django_assert_num_queries(9):
        viewer_client.get(reverse("crm:sponsor-matches", args=[sponsor.pk]))
    with django_assert_num_queries(9):
        viewer_client.get(reverse("crm:artist-matches", args=[artist.pk]))
    for i in range(27):
        other = ArtistFactory(genres=[genres["Hip-hop"]], stage_name=f"More {i}")
        make_sponsor(name=f"More {i}")
        DealFactory(sponsor=sponsor, artists=[other])
    with django_assert_num_queries(9):
        viewer_client.get(reverse("crm:sponsor-matches", args=[sponsor.pk]))
    with django_assert_num_queries(9):
        viewer_client.get(reverse("crm:artist-matches", args=[artist.pk]))


# --- create a deal from a match ------------------------------------------------------------------------


def test_create_deal_from_a_match_opens_the_deal(manager_client, genres, make_sponsor):
    sponsor = make_sponsor(name="Fizzy")
    artist = ArtistFactory(stage_name="Nova", genres=[genres["Hip-hop"]])

    response = manager_client.post(reverse("crm:match-create-deal", args=[sponsor.pk, artist.pk]))

    deal = Deal.objects.get()
    assert deal.title == "Fizzy × Nova"
    assert response.status_code == 302
    assert response["Location"] == (
        crm_url("crm:deal-detail", deal.pk) or crm_url("crm:pipeline-board", deal.pipeline_id)
    )


def test_create_deal_twice_says_why_and_goes_back(manager_client, genres, make_sponsor):
    sponsor = make_sponsor(name="Fizzy")
    artist = ArtistFactory(stage_name="Nova", genres=[genres["Hip-hop"]])
    url = reverse("crm:match-create-deal", args=[sponsor.pk, artist.pk])
    back = reverse("crm:artist-matches", args=[artist.pk])
    manager_client.post(url)

    response = manager_client.post(url, {"next": back})

    assert response["Location"] == back
    assert Deal.objects.count() == 1
    assert "already have an open deal" in manager_client.get(back).content.decode()


def test_create_deal_refuses_an_unsafe_next(manager_client, genres, make_sponsor):
    sponsor = make_sponsor()
    artist = ArtistFactory()
    DealFactory(stage=stage(sponsorship(), "Lead"), sponsor=sponsor, artists=[artist])
    response = manager_client.post(
        reverse("crm:match-create-deal", args=[sponsor.pk, artist.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("crm:sponsor-matches", args=[sponsor.pk])


def test_create_deal_with_htmx_redirects_on_the_client(manager_client, genres, make_sponsor):
    sponsor = make_sponsor()
    artist = ArtistFactory()
    response = manager_client.post(
        reverse("crm:match-create-deal", args=[sponsor.pk, artist.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"]
