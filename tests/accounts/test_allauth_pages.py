"""Every allauth page we use renders in our layouts (signed out: auth card; signed in: app shell), with no
inline scripts or style attributes (strict CSP)."""

import pytest
from django.urls import reverse

from .conftest import sign_in

pytestmark = pytest.mark.django_db

SIGNED_OUT = [
    "account_login",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_inactive",
    "account_signup",
]
SIGNED_IN = [
    "mfa_index",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
]


def _assert_strict_csp_markup(body: str) -> None:
    assert ' style="' not in body
    assert "<script>" not in body and "<script type" not in body
    assert " onclick=" not in body and " hx-on" not in body


@pytest.mark.parametrize("name", SIGNED_OUT)
def test_signed_out_pages_use_the_auth_layout(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "layouts/auth.html" in names
    body = response.content.decode()
    _assert_strict_csp_markup(body)
    assert reverse("account_signup") not in body or name == "account_signup"


@pytest.mark.parametrize("name", SIGNED_IN)
def test_signed_in_pages_use_the_app_layout(client, make_user, name):
    client.force_login(make_user("Viewer"))

    response = client.get(reverse(name))

    assert response.status_code == 200
    names = [t.name for t in response.templates]
    expected = "layouts/auth.html" if name == "account_reauthenticate" else "layouts/app.html"
    assert expected in names
    _assert_strict_csp_markup(response.content.decode())


def test_two_factor_pages_render(client, make_user):
    user = make_user("Admin")
    sign_in(client, user)
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert "layouts/auth.html" in [t.name for t in page.templates]
    _assert_strict_csp_markup(page.content.decode())

    from tests.conftest import totp_code

    client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    for name in ("mfa_index", "mfa_reauthenticate", "mfa_generate_recovery_codes", "mfa_deactivate_totp"):
        response = client.get(reverse(name))
        assert response.status_code in (200, 302), name
        if response.status_code == 200:
            _assert_strict_csp_markup(response.content.decode())
