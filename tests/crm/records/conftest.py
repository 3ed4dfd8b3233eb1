"""Fixtures of the record page tests: signed-in clients per role (English texts), and a small agency."""

import pytest
from django.conf import settings

from tests.boards.conftest import restore_default_pipelines
from tests.crm.factories import (
    ArtistFactory,
    ContactFactory,
    DealFactory,
    GenreFactory,
    SponsorFactory,
    TagFactory,
    sponsorship,
    stage,
)


@pytest.fixture(autouse=True)
def _isolated(fresh_cache):
    """Rate limits and cached roles start from zero in every test."""


@pytest.fixture(autouse=True)
def _default_pipelines(request):
    """Transactional tests (browsers, sockets) flush the database, the migrated default pipelines with it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        restore_default_pipelines()


@pytest.fixture
def client_as(client, make_user):
    """client_as("Manager") -> (client signed in as a new user with that role, the user)."""

    def _login(role: str, **kwargs):
        user = make_user(role, **kwargs)
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client, user

    return _login


@pytest.fixture
def manager_client(client_as):
    return client_as("Manager")


@pytest.fixture
def viewer_client(client_as):
    return client_as("Viewer")


@pytest.fixture
def artist(db):
    """An artist with genres, tags, a social profile, a team contact and a sponsorship deal."""
    from crm.models import SocialProfile

    artist = ArtistFactory(
        stage_name="Nova Reyes",
        aliases=["Nova", "N.R."],
        genres=[GenreFactory(name="Pop"), GenreFactory(name="Afrobeat")],
        tags=[TagFactory(name="priority")],
        languages=["fr", "en"],
        audience_age_bands=["18-24"],
        audience_regions=["FR", "BE"],
        brand_safety_flags=["explicit_lyrics"],
        bio="Singer from Lyon.",
    )
    SocialProfile.objects.create(artist=artist, platform="instagram", handle="novareyes")
    ContactFactory(artist=artist, first_name="Jo", last_name="Booker", role="Booker")
    return artist


@pytest.fixture
def sponsor(db):
    return SponsorFactory(name="Brasserie Lumière", industry="Beverages", target_regions=["FR"])


@pytest.fixture
def deal(artist, sponsor):
    return DealFactory(
        title="Summer tour sponsorship",
        stage=stage(sponsorship(), "Proposal"),
        sponsor=sponsor,
        artists=[artist],
    )
