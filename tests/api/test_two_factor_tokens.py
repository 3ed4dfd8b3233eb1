"""The two-factor rule holds for token (JWT) requests too, not only for session pages."""

import pytest
from allauth.mfa.models import Authenticator
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

pytestmark = pytest.mark.django_db


def bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def test_token_of_a_manager_whose_two_factor_was_removed_is_refused(make_user):
    manager = make_user("Manager")
    client = bearer(manager)
    assert client.get("/api/me/").status_code == 200

    Authenticator.objects.filter(user=manager).delete()  # e.g. reset by an Admin after a lost phone

    response = client.get("/api/me/")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "two_factor_required"
    assert "two-factor" in error["message"]


def test_token_of_a_producer_needs_no_two_factor(make_user):
    assert bearer(make_user("Producer")).get("/api/me/").status_code == 200


def test_session_api_request_of_a_manager_without_two_factor_has_the_error_shape(client, make_user):
    client.force_login(make_user("Manager", totp=False))
    body = client.get("/api/me/").json()
    assert body == {"error": {"status": 403, "code": "two_factor_required", "message": body["error"]["message"], "fields": {}}}
