"""Signing in: password, failures, rate limits, two-factor codes, tampered sessions."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from audit.models import AuditEvent
from tests.conftest import totp_code
from tests.factories import DEFAULT_PASSWORD

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def test_sign_in_ok(client, make_user):
    user = make_user("Viewer")

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.session[SESSION_KEY] == str(user.pk)
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == user
    assert event.ip == "127.0.0.1"


def test_sign_in_page_has_no_signup_link(client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert reverse("account_signup") not in response.content.decode()
    assert reverse("account_reset_password") in response.content.decode()


def test_signup_is_closed(client):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert "invitation only" in response.content.decode()


def test_wrong_password_shows_clear_message_and_is_audited(client, make_user):
    user = make_user("Viewer")

    response = sign_in(client, user, password="not-the-password")

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "not correct" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.data == {"email": user.email}
    assert event.target_id == str(user.pk)
    assert event.actor is None
    assert "not-the-password" not in str(event.data)


def test_failed_attempts_rate_limited_with_clear_message(client, make_user):
    user = make_user("Viewer")
    for _ in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 5 minutes per e-mail address
        assert sign_in(client, user, password="wrong-password").status_code == 200

    response = sign_in(client, user)  # even the right password is refused now

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_login_rate_limit_gives_429_page(client, make_user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    user = make_user("Viewer")
    sign_in(client, user, password="wrong-password")
    sign_in(client, user, password="wrong-password")

    response = sign_in(client, user)

    assert response.status_code == 429
    assert "429" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_inactive_user_cannot_sign_in(client, make_user):
    user = make_user("Viewer", is_active=False)

    response = sign_in(client, user)

    assert SESSION_KEY not in client.session
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert "deactivated" in client.get(response["Location"]).content.decode()


def test_two_factor_sign_in_with_totp_code(client, make_user):
    user = make_user("Manager")  # TOTP on

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_two_factor_wrong_code_refused_and_audited(client, make_user):
    user = make_user("Manager")
    sign_in(client, user)

    response = client.post(
        reverse("mfa_authenticate"),
        {"code": "000000" if totp_code(user.totp_secret) != "000000" else "111111"},
    )

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="auth.mfa_failed", target_id=str(user.pk)).exists()


def test_reused_totp_code_is_refused(client, make_user, settings):
    # Accept the neighbouring 30-second windows so the code below stays valid for the whole test:
    # the only reason left to refuse it the second time is that it was already used.
    settings.MFA_TOTP_TOLERANCE = 1
    user = make_user("Manager")
    code = totp_code(user.totp_secret)
    sign_in(client, user)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    assert SESSION_KEY not in client.session

    sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_totp_secret_is_encrypted_at_rest(make_user):
    from allauth.mfa.models import Authenticator

    user = make_user("Admin")
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]

    assert stored.startswith("enc1:")
    assert user.totp_secret not in stored


@pytest.mark.parametrize("cookie", ["garbage", "x" * 32, "abc:def:ghi"])
def test_tampered_session_cookie_is_signed_out(client, make_user, cookie):
    user = make_user("Viewer")
    client.force_login(user)
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_altered_session_key_is_signed_out(client, make_user):
    user = make_user("Viewer")
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies[settings.SESSION_COOKIE_NAME] = key[:-1] + ("a" if key[-1] != "a" else "b")

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_sign_out_is_audited(client, make_user):
    user = make_user("Viewer")
    sign_in(client, user, password=DEFAULT_PASSWORD)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


def test_sign_in_message_is_in_the_users_language_not_the_browsers(client, make_user):
    user = make_user("Viewer", language="fr")

    response = sign_in(client, user, HTTP_ACCEPT_LANGUAGE="en-GB")

    stored = [str(m) for m in response.wsgi_request._messages]
    assert stored and all("Successfully signed in" not in m for m in stored)
    assert any("Connexion avec" in m for m in stored)


def test_sign_in_form_names_the_field_as_the_rest_of_the_suite(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    body = client.get(reverse("account_login")).content.decode()
    assert "Adresse e-mail" in body and "Courriel" not in body
