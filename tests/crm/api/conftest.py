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
    """api_for("Manager") -> a script's client: a real JWT bearer token for a new user with that role (Managers
    and Admins have two-factor on, as the API requires)."""

    def _api(role: str | None, **user_fields) -> APIClient:
        client = APIClient()
        if role is None:
            client.user = None
            return client
        client.user = make_user(role, **user_fields)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(client.user).access_token}")
        return client

    return _api


@pytest.fixture
def manager(api_for) -> APIClient:
    return api_for("Manager")


@pytest.fixture
def viewer(api_for) -> APIClient:
    return api_for("Viewer")


def error_of(response) -> dict:
    """The API's error body (core.api.errors)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code
    return body["error"]
