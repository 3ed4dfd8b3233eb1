"""Profile page and language switch."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_profile_page_shows_form_and_links(client, make_user):
    client.force_login(make_user("Viewer"))

    response = client.get(reverse("accounts:profile"))

    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("account_change_password") in body
    assert reverse("mfa_index") in body
    assert reverse("notifications:preferences") in body
    assert 'value="Europe/Paris"' in body


def test_profile_update(client, make_user):
    user = make_user("Producer")
    client.force_login(user)
    data = {
        "first_name": "Léa",
        "last_name": "Martin",
        "job_title": "Video producer",
        "phone": "+33 6 12 34 56 78",
        "language": "en",
        "time_zone": "America/Montreal",
    }

    response = client.post(reverse("accounts:profile"), data)

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.job_title, user.phone, user.time_zone) == (
        "Léa",
        "Video producer",
        "+33 6 12 34 56 78",
        "America/Montreal",
    )
    event = AuditEvent.objects.get(action="user.profile_update")
    assert event.data["changes"]["time_zone"] == {"before": "Europe/Paris", "after": "America/Montreal"}


def test_profile_update_htmx_errors_rerender_the_form(client, make_user):
    user = make_user("Producer")
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "", "language": "en", "time_zone": "Mars/Olympus_Mons"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<form id="profile-form"')
    assert "has-error" in body
    user.refresh_from_db()
    assert user.time_zone == "Europe/Paris"


def test_profile_service_validates_time_zone_with_zoneinfo(make_user):
    user = make_user("Viewer")

    with pytest.raises(ValidationError) as exc:
        services.user_update_profile(
            user=user, first_name="A", last_name="B", language="en", time_zone="Europe/Atlantis"
        )
    assert "time_zone" in exc.value.error_dict

    services.user_update_profile(
        user=user, first_name="A", last_name="B", language="fr", time_zone="Asia/Tokyo"
    )
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("fr", "Asia/Tokyo")


def test_time_zone_is_applied_to_pages(client, make_user):
    user = make_user("Viewer", time_zone="Asia/Tokyo")
    client.force_login(user)

    response = client.get(reverse("accounts:profile"))

    assert response.context["TIME_ZONE"] == "Asia/Tokyo"


def test_language_switch_saves_the_choice_and_next_page_is_french(client, make_user):
    user = make_user("Viewer")  # language "en"
    client.force_login(user)

    response = client.post(
        reverse("accounts:language"), {"language": "fr", "next": reverse("accounts:profile")}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    user.refresh_from_db()
    assert user.language == "fr"
    page = client.get(response["Location"])
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in page.content.decode()


def test_language_switch_on_the_sign_in_page(client):
    response = client.post(reverse("accounts:language"), {"language": "fr", "next": reverse("account_login")})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(reverse("account_login"))
    assert page["Content-Language"] == "fr"
    assert "Se connecter" in page.content.decode()  # our French for "Sign In"

    client.post(reverse("accounts:language"), {"language": "en", "next": reverse("account_login")})
    assert client.get(reverse("account_login"))["Content-Language"] == "en"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"]
)
def test_language_switch_ignores_unsafe_next(client, next_url):
    response = client.post(reverse("accounts:language"), {"language": "en", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_language_switch_rejects_unknown_language(client, make_user):
    user = make_user("Viewer")
    client.force_login(user)

    response = client.post(reverse("accounts:language"), {"language": "de", "next": "/"})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.language == "en"


def test_language_switch_requires_post(client):
    assert client.get(reverse("accounts:language")).status_code == 405


def test_staff_cannot_manage_their_own_email_addresses(client, make_user):
    user = make_user("Producer")
    client.force_login(user)
    response = client.get("/accounts/email/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "managed by the Admins" in response.content.decode()
    response = client.post("/accounts/email/", {"action_add": "", "email": "other@example.com"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email != "other@example.com"
    assert not user.emailaddress_set.filter(email="other@example.com").exists()
