import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"


def _obtain(client, user, password, **extra):
    return client.post(TOKEN_URL, {"email": user.email, "password": password, **extra}, format="json")


def test_token_urls_are_named():
    assert reverse("api-token") == TOKEN_URL
    assert reverse("api-token-refresh") == "/api/auth/token/refresh/"
    assert reverse("api-token-verify") == "/api/auth/token/verify/"


def test_obtain_token_without_2fa(api_client, make_user, password):
    user = make_user("Producer")

    response = _obtain(api_client, user, password)

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    user.refresh_from_db()
    assert user.last_login is not None
    assert AuditEvent.objects.filter(action="auth.login", actor=user, data__via="api_token").count() == 1


def test_wrong_password_is_401(api_client, make_user):
    user = make_user("Producer")

    response = _obtain(api_client, user, "wrong-password")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"


def test_inactive_user_gets_no_token(api_client, make_user, password):
    user = make_user("Producer", is_active=False)

    assert _obtain(api_client, user, password).status_code == 401


def test_obtain_token_with_correct_otp(api_client, make_user, password):
    user = make_user("Manager")  # TOTP on

    response = _obtain(api_client, user, password, otp=totp_code(user.totp_secret))

    assert response.status_code == 200
    assert response.json()["access"]


def test_missing_otp_is_401_with_clear_message(api_client, make_user, password):
    user = make_user("Manager")

    response = _obtain(api_client, user, password)

    error = response.json()["error"]
    assert response.status_code == 401
    assert error["code"] == "otp_required"
    assert "otp" in error["message"]
    assert "access" not in response.json()


def test_wrong_otp_is_401_and_audited(api_client, make_user, password):
    user = make_user("Admin")
    wrong = f"{(int(totp_code(user.totp_secret)) + 1) % 1_000_000:06d}"

    response = _obtain(api_client, user, password, otp=wrong)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_invalid"
    assert AuditEvent.objects.filter(action="auth.login_failed", target_id=str(user.pk)).exists()


def test_otp_cannot_be_reused(api_client, make_user, password):
    user = make_user("Manager")
    code = totp_code(user.totp_secret)
    assert _obtain(api_client, user, password, otp=code).status_code == 200

    response = _obtain(api_client, user, password, otp=code)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_invalid"


def test_optional_2fa_user_must_send_otp_too(api_client, make_user, password):
    user = make_user("Viewer", totp=True)

    assert _obtain(api_client, user, password).status_code == 401
    assert _obtain(api_client, user, password, otp=totp_code(user.totp_secret)).status_code == 200


@pytest.mark.parametrize("role", ["Admin", "Manager"])
def test_role_that_must_have_2fa_but_has_none_gets_403(api_client, make_user, password, role):
    user = make_user(role, totp=False)

    response = _obtain(api_client, user, password)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_token_endpoint_is_throttled(api_client, make_user):
    user = make_user("Producer")
    statuses = [_obtain(api_client, user, "wrong-password").status_code for _ in range(21)]

    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429
    assert api_client.post(TOKEN_URL, {}, format="json").json()["error"]["code"] == "throttled"


def test_refresh_and_verify(api_client, make_user, password):
    tokens = _obtain(api_client, make_user("Streamer"), password).json()

    refreshed = api_client.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    verified = api_client.post(
        "/api/auth/token/verify/", {"token": refreshed.json()["access"]}, format="json"
    )
    bad = api_client.post("/api/auth/token/verify/", {"token": "nope"}, format="json")

    assert refreshed.status_code == 200
    assert refreshed.json()["access"] != tokens["access"]
    assert verified.status_code == 200
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "token_not_valid"


def test_bearer_token_authenticates_api_calls(api_client, make_user, password):
    user = make_user("Producer")
    access = _obtain(api_client, user, password).json()["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    response = api_client.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["email"] == user.email
