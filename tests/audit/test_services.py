"""audit_record, its request context, redaction, signal receivers and pruning."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from accounts import services as account_services
from audit import context
from audit.middleware import AuditContextMiddleware
from audit.models import AuditEvent
from audit.services import audit_prune, audit_record, redact
from audit.tasks import audit_prune_task

pytestmark = pytest.mark.django_db


def _through_middleware(request, action="test.action", **kwargs):
    def view(req):
        audit_record(action=action, **kwargs)
        return HttpResponse()

    AuditContextMiddleware(view)(request)
    return AuditEvent.objects.filter(action=action).latest("pk")


def test_record_outside_a_request_has_no_address(make_user):
    user = make_user("Viewer")

    audit_record(action="test.thing", actor=user, target=user, data={"n": 1})

    event = AuditEvent.objects.get(action="test.thing")
    assert event.actor == user
    assert event.actor_label.endswith(f"<{user.email}>")
    assert event.target_repr == str(user)
    assert event.target_type.model == "user"
    assert event.ip is None and event.user_agent == ""
    assert event.data == {"n": 1}


def test_record_reads_request_context(make_user):
    user = make_user("Viewer")
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox/140")
    request.user = user

    event = _through_middleware(request)

    assert event.ip == "203.0.113.7"
    assert event.user_agent == "Firefox/140"
    assert event.actor == user  # the signed-in user by default
    assert context.current() is None  # reset after the response


def test_x_forwarded_for_only_when_enabled(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.9"
    )

    settings.USE_X_FORWARDED_FOR = False
    assert context.client_ip(request) == "10.0.0.2"
    settings.USE_X_FORWARDED_FOR = True
    assert context.client_ip(request) == "192.0.2.9"  # the entry our proxy added, not what the client claims
    request.META["HTTP_X_FORWARDED_FOR"] = "not-an-ip"
    assert context.client_ip(request) == "10.0.0.2"


def test_secrets_are_redacted():
    data = {
        "email": "a@b.c",
        "password": "hunter2",
        "new_password1": "x",
        "api_token": "t",
        "client_secret": "s",
        "otp": "123456",
        "code": "654321",
        "nested": {"Refresh_Token": "r", "fine": [{"recovery_code": "c", "ok": 1}]},
    }

    cleaned = redact(data)

    assert cleaned["email"] == "a@b.c"
    for key in ("password", "new_password1", "api_token", "client_secret", "otp", "code"):
        assert cleaned[key] == "[redacted]"
    assert cleaned["nested"]["Refresh_Token"] == "[redacted]"
    assert cleaned["nested"]["fine"] == [{"recovery_code": "[redacted]", "ok": 1}]


def test_record_stores_redacted_data(make_user):
    audit_record(action="test.secret", data={"password": "p", "visible": True})

    assert AuditEvent.objects.get(action="test.secret").data == {"password": "[redacted]", "visible": True}


def test_group_changes_anywhere_are_recorded(make_user):
    user = make_user("Viewer")
    AuditEvent.objects.all().delete()

    user.groups.add(Group.objects.get(name="Producer"))
    Group.objects.get(name="Viewer").user_set.remove(user)

    added, removed = AuditEvent.objects.filter(action="role.change").order_by("pk")
    assert added.data == {
        "before": ["Viewer"],
        "after": ["Producer", "Viewer"],
        "added": ["Producer"],
        "removed": [],
    }
    assert removed.data == {
        "before": ["Producer", "Viewer"],
        "after": ["Producer"],
        "added": [],
        "removed": ["Viewer"],
    }
    assert removed.target_id == str(user.pk)


def test_group_clear_is_recorded(make_user):
    user = make_user("Streamer")
    AuditEvent.objects.all().delete()

    user.groups.clear()

    event = AuditEvent.objects.get(action="role.change")
    assert event.data["removed"] == ["Streamer"]


def test_user_set_roles_records_one_entry(make_user):
    user = make_user("Viewer")
    AuditEvent.objects.all().delete()

    account_services.user_set_roles(user=user, roles=["Manager", "Viewer"], by=None)
    account_services.user_set_roles(user=user, roles=["Manager", "Viewer"], by=None)  # no change, no entry

    assert AuditEvent.objects.filter(action="role.change").count() == 1


def test_user_creation_is_recorded(make_user):
    user = make_user()

    assert AuditEvent.objects.filter(action="user.create", target_id=str(user.pk)).exists()


def test_password_change_is_recorded(client, make_user):
    from django.urls import reverse

    from tests.factories import DEFAULT_PASSWORD

    user = make_user("Viewer")
    client.force_login(user)
    new = "another-long-password-77"

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": new, "password2": new},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.password_changed")
    assert event.actor == user
    assert new not in str(event.data)


def test_totp_activation_and_removal_are_recorded(client, make_user, django_capture_on_commit_callbacks):
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.urls import reverse

    from tests.factories import DEFAULT_PASSWORD

    user = make_user("Viewer")
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))

    with django_capture_on_commit_callbacks(execute=True):  # allauth sends its signals after commit
        assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302
        assert client.post(reverse("mfa_deactivate_totp")).status_code == 302

    added = AuditEvent.objects.get(action="mfa.authenticator_added", data__type="totp")
    removed = AuditEvent.objects.get(action="mfa.authenticator_removed", data__type="totp")
    assert added.actor == user and removed.actor == user
    assert removed.data["type"] == "totp"
    assert secret not in str(added.data)


def test_prune_deletes_old_entries(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    audit_record(action="test.old")
    audit_record(action="test.recent")
    AuditEvent.objects.filter(action="test.old").update(created_at=timezone.now() - timedelta(days=31))

    deleted = audit_prune_task()

    assert deleted == 1
    assert not AuditEvent.objects.filter(action="test.old").exists()
    assert AuditEvent.objects.filter(action="test.recent").exists()
    assert AuditEvent.objects.get(action="audit.prune").data == {"deleted": 1, "retention_days": 30}
    assert audit_prune() == 0
