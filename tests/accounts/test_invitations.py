"""Invitations: the e-mail, the password-set link (valid once, for a limited time), resending."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import User
from audit.models import AuditEvent

from .conftest import sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-stage-lights-42"
LINK_RE = re.compile(r"https?://[^\s\"<]+/accounts/password/reset/key/[^\s\"<]+")


def _invite(admin, django_capture_on_commit_callbacks, **kwargs):
    params = {
        "email": "New.Person@Example.com",
        "first_name": "Nina",
        "last_name": "Ngata",
        "roles": ["Producer"],
        "invited_by": admin,
    }
    params.update(kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        return services.user_invite(**params)


def _link(message) -> str:
    match = LINK_RE.search(message.body)
    assert match, message.body
    return match.group(0).replace("http://localhost:8000", "")


def test_invite_creates_user_and_emails_a_link(
    make_user, django_capture_on_commit_callbacks, run_invitation_tasks
):
    admin = make_user("Admin")

    user = _invite(admin, django_capture_on_commit_callbacks, language="en")

    assert user.email == "new.person@example.com"
    assert not user.has_usable_password()
    assert user.invited_by == admin
    assert user.role_names == ["Producer"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert "invited" in message.subject
    assert "Nina" in message.body
    assert _link(message).startswith("/accounts/password/reset/key/")
    event = AuditEvent.objects.get(action="user.invite")
    assert event.actor == admin
    assert event.data["roles"] == ["Producer"]
    # the invitation records itself: no separate "user.create" or "role.change" entries
    assert not AuditEvent.objects.filter(
        action__in=["user.create", "role.change"], target_id=str(user.pk)
    ).exists()


def test_invitation_email_is_in_the_invitees_language(
    make_user, django_capture_on_commit_callbacks, run_invitation_tasks
):
    admin = make_user("Admin")

    _invite(admin, django_capture_on_commit_callbacks, language="fr")

    html = mail.outbox[0].alternatives[0][0]
    assert '<html lang="fr">' in html


def test_invitation_link_sets_password_then_sign_in(
    client, make_user, django_capture_on_commit_callbacks, run_invitation_tasks
):
    admin = make_user("Admin")
    user = _invite(admin, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])

    response = client.get(link)  # allauth moves the key into the session and redirects to a key-less URL
    assert response.status_code == 302
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    assert "Choose your password" in page.content.decode()
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.has_usable_password()
    assert AuditEvent.objects.filter(action="auth.password_reset", target_id=str(user.pk)).exists()
    response = sign_in(client, user, password=NEW_PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_used_invitation_link_shows_invalid_link_page(
    client, make_user, django_capture_on_commit_callbacks, run_invitation_tasks
):
    user = _invite(make_user("Admin"), django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()

    response = client.get(link, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["token_fail"] is True
    assert "invalid or has expired" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_expired_invitation_link_shows_invalid_link_page(client, make_user, settings):
    user = User.objects.create_user("late@example.com", first_name="Late")
    generator = default_token_generator
    too_old = generator._num_seconds(generator._now()) - settings.PASSWORD_RESET_TIMEOUT - 60
    token = generator._make_token_with_timestamp(user, too_old, generator.secret)
    link = reverse(
        "account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": token}
    )

    response = client.get(link)

    assert response.status_code == 200
    assert response.context["token_fail"] is True
    assert "invalid or has expired" in response.content.decode()


def test_invitation_link_expires_with_password_reset_timeout(client, settings):
    user = User.objects.create_user("soon@example.com")
    link = services.invitation_url(user=user).replace(settings.SITE_URL, "")
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is already too old

    response = client.get(link)

    assert response.context["token_fail"] is True


def test_invite_rejects_duplicate_email_and_unknown_role(make_user, django_capture_on_commit_callbacks):
    admin = make_user("Admin")
    existing = make_user("Viewer")

    with pytest.raises(ValidationError) as exc:
        _invite(admin, django_capture_on_commit_callbacks, email=existing.email.upper())
    assert "email" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        _invite(admin, django_capture_on_commit_callbacks, roles=["Wizard"])
    assert "roles" in exc.value.error_dict
    with pytest.raises(ValidationError):
        _invite(admin, django_capture_on_commit_callbacks, roles=[])


def test_resend_invitation(make_user, django_capture_on_commit_callbacks, run_invitation_tasks):
    admin = make_user("Admin")
    user = _invite(admin, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.user_resend_invitation(user=user, by=admin)

    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="user.invitation_resend", target_id=str(user.pk)).exists()


def test_resend_refused_once_password_is_set(make_user):
    member = make_user("Viewer")

    with pytest.raises(ValidationError):
        services.user_resend_invitation(user=member, by=None)


def test_invitation_email_skipped_when_password_already_set(make_user):
    member = make_user("Viewer")

    assert services.user_send_invitation(user=member) is False
    assert mail.outbox == []


def test_invitation_survives_a_broker_outage(make_user, django_capture_on_commit_callbacks, monkeypatch):
    from kombu.exceptions import OperationalError

    from accounts.tasks import user_send_invitation_task

    def broker_down(**kwargs):
        raise OperationalError("Redis is down")

    monkeypatch.setattr(user_send_invitation_task, "delay", broker_down)

    _invite(make_user("Admin"), django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1  # sent in-process instead


# --- through the Team page -------------------------------------------------------------------------------


def test_team_invite_htmx_success_redirects(
    client, make_user, django_capture_on_commit_callbacks, run_invitation_tasks
):
    admin = make_user("Admin")
    client.force_login(admin)
    data = {
        "email": "guest@example.com",
        "first_name": "Gus",
        "last_name": "",
        "roles": ["Viewer", "Streamer"],
        "language": "en",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:team-invite"), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    user = User.objects.get(email="guest@example.com")
    assert response["HX-Redirect"] == reverse("accounts:team") + f"#member-{user.pk}"
    assert sorted(user.role_names) == ["Streamer", "Viewer"]
    assert len(mail.outbox) == 1


def test_team_invite_htmx_errors_rerender_the_form(client, make_user):
    admin = make_user("Admin")
    client.force_login(admin)
    data = {"email": admin.email, "first_name": "Dup", "roles": ["Viewer"], "language": "en"}

    response = client.post(reverse("accounts:team-invite"), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<form id="invite-form"')
    assert "already on the team" in body
    assert "<html" not in body


def test_team_invite_without_role_is_refused(client, make_user):
    client.force_login(make_user("Admin"))

    response = client.post(
        reverse("accounts:team-invite"), {"email": "x@example.com", "first_name": "X", "language": "en"}
    )

    assert response.status_code == 200
    assert "Choose at least one role" in response.content.decode()
    assert not User.objects.filter(email="x@example.com").exists()


def test_team_resend_invitation_htmx(
    client, make_user, django_capture_on_commit_callbacks, run_invitation_tasks
):
    admin = make_user("Admin")
    user = _invite(admin, django_capture_on_commit_callbacks)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:team-member-resend", args=[user.pk]), HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="member-{user.pk}"' in body
    assert 'hx-swap-oob="beforeend"' in body
    assert len(mail.outbox) == 2
