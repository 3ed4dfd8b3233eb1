import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache (this worker's own Redis database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_for(make_user):
    """api_for("Producer") -> a script's client with a real JWT bearer token for a new user with that role."""

    def _api(role: str, **user_fields) -> APIClient:
        client = APIClient()
        client.user = make_user(role, **user_fields)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(client.user).access_token}")
        return client

    return _api


@pytest.fixture
def producer(api_for) -> APIClient:
    return api_for("Producer")


@pytest.fixture
def viewer(api_for) -> APIClient:
    return api_for("Viewer")
