"""Admins and Managers must turn on two-factor authentication before anything else."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.conftest import totp_code
from tests.factories import DEFAULT_PASSWORD

from .conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_without_totp(make_user):
    return make_user("Manager", totp=False)


def test_manager_without_totp_is_sent_to_set_it_up(client, manager_without_totp):
    client.force_login(manager_without_totp)

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def confirm_password(client, user):
    """allauth asks for the password again before 2FA settings change (the reauthentication page is exempt)."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate")):
        assert client.get(response["Location"]).status_code == 200
        response = client.post(response["Location"], {"password": DEFAULT_PASSWORD})
        assert response.status_code == 302


def test_after_sign_in_the_setup_page_shows_qr_code_and_secret(client, manager_without_totp):
    response = sign_in(client, manager_without_totp)
    assert client.get(response["Location"])["Location"] == reverse("mfa_activate_totp")
    confirm_password(client, manager_without_totp)

    page = client.get(reverse("mfa_activate_totp"))

    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    assert page.context["form"].secret in body
    assert "role requires two-factor authentication" in body  # explains why
    assert ' style="' not in body and "<script>" not in body  # strict CSP: no inline styles or scripts


def test_activating_totp_lets_the_manager_in(client, manager_without_totp, has_totp):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    sign_in(client, manager_without_totp)
    confirm_password(client, manager_without_totp)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    import time

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert has_totp(manager_without_totp)
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert reverse("mfa_download_recovery_codes") in codes.content.decode()
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_htmx_request_gets_hx_redirect(client, manager_without_totp):
    client.force_login(manager_without_totp)

    response = client.get(reverse("accounts:profile"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


def test_api_request_gets_403_json(client, manager_without_totp):
    client.force_login(manager_without_totp)

    response = client.get(reverse("api-schema"))

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["status"] == 403
    assert error["code"] == "two_factor_required"
    assert error["message"]


def test_viewer_without_totp_is_not_redirected(client, make_user):
    client.force_login(make_user("Viewer"))

    assert client.get(reverse("accounts:profile")).status_code == 200


def test_manager_with_totp_is_not_redirected(client, make_user):
    user = make_user("Manager")
    sign_in(client, user)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})

    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize("name", ["mfa_index", "account_reauthenticate"])
def test_two_factor_pages_are_exempt(client, manager_without_totp, name):
    sign_in(client, manager_without_totp)

    assert client.get(reverse(name)).status_code == 200


def test_setup_page_is_reachable_after_confirming_the_password(client, manager_without_totp):
    sign_in(client, manager_without_totp)
    confirm_password(client, manager_without_totp)

    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_sign_out_and_language_switch_are_exempt(client, manager_without_totp):
    client.force_login(manager_without_totp)

    response = client.post(reverse("accounts:language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    manager_without_totp.refresh_from_db()
    assert manager_without_totp.language == "fr"

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("path", ["/healthz", "/jsi18n/"])
def test_operations_paths_are_exempt(client, manager_without_totp, path):
    client.force_login(manager_without_totp)

    assert client.get(path).status_code == 200


def test_shell_opens_nothing_else_until_two_factor_is_set_up(client, manager_without_totp, make_user):
    client.force_login(manager_without_totp)
    body = client.get(reverse("mfa_index")).content.decode()
    assert "Set up two-factor authentication to open the suite." in body
    assert "ws-connect" not in body  # the live socket would be refused anyway
    assert reverse("accounts:profile") in body  # the user menu still works (exempt pages)

    client.force_login(make_user("Manager"))  # with two-factor on: the whole shell
    body = client.get(reverse("mfa_index")).content.decode()
    assert "ws-connect" in body and "Set up two-factor authentication to open the suite." not in body
