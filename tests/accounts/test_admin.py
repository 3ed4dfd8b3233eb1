"""The back office opens only to active staff with two-factor authentication; users are historised and
role changes made there are audited."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_with_2fa_opens_the_admin(client, make_user):
    client.force_login(make_user("Admin", is_staff=True))

    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_without_2fa_is_refused(client, make_user):
    client.force_login(make_user("Producer", is_staff=True))  # no role that forces 2FA, no TOTP

    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_non_staff_is_refused_even_with_2fa(client, make_user):
    client.force_login(make_user("Admin", is_staff=False))

    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 403


def test_anonymous_is_sent_to_allauth_sign_in(client):
    response = client.get(reverse("admin:index"))
    login = client.get(response["Location"])

    assert login.status_code == 302
    assert login["Location"].startswith(reverse("account_login") + "?next=")


def test_admin_login_redirects_staff_with_2fa_to_next(client, make_user):
    client.force_login(make_user("Admin", is_staff=True))

    response = client.get(reverse("admin:login") + "?next=" + reverse("admin:accounts_user_changelist"))

    assert response["Location"] == reverse("admin:accounts_user_changelist")


def test_user_admin_pages(client, make_user):
    admin = make_user("Admin", is_staff=True)
    member = make_user("Viewer")
    client.force_login(admin)

    changelist = client.get(
        reverse("admin:accounts_user_changelist"), {"role": "Viewer", "is_active__exact": "1"}
    )
    assert changelist.status_code == 200
    assert member.email in changelist.content.decode()
    assert client.get(reverse("admin:accounts_user_changelist"), {"q": member.last_name}).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[member.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_user_history", args=[member.pk])).status_code == 200
    assert (
        client.get(reverse("admin:accounts_user_add")).status_code == 403
    )  # invitations go through the Team page


def _change_form_data(user, **overrides):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "job_title": user.job_title,
        "phone": user.phone,
        "language": user.language,
        "time_zone": user.time_zone,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_role_change_in_admin_is_audited_once_with_before_and_after(client, make_user):
    admin = make_user("Admin", is_staff=True)
    member = make_user("Viewer")
    client.force_login(admin)
    AuditEvent.objects.all().delete()
    producer = Group.objects.get(name="Producer")

    response = client.post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        _change_form_data(member, groups=[producer.pk]),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert member.role_names == ["Producer"]
    event = AuditEvent.objects.get(action="role.change")
    assert event.actor == admin
    assert event.data["before"] == ["Viewer"] and event.data["after"] == ["Producer"]
    assert member.history.count() >= 2  # created + changed


def test_admin_cannot_remove_the_last_admin(client, make_user):
    admin = make_user("Admin", is_staff=True)
    client.force_login(admin)
    viewer = Group.objects.get(name="Viewer")

    response = client.post(
        reverse("admin:accounts_user_change", args=[admin.pk]), _change_form_data(admin, groups=[viewer.pk])
    )

    assert response.status_code == 200  # the form is shown again with the error
    assert "last active Admin" in response.content.decode()
    assert admin.role_names == ["Admin"]


def test_sign_ins_do_not_write_user_history(client, make_user):
    from .conftest import sign_in

    user = make_user("Viewer")
    before = user.history.count()

    sign_in(client, user)

    assert user.history.count() == before
    user.first_name = "Changed"
    user.save()
    assert user.history.count() == before + 1
    assert "password" not in [f.name for f in user.history.model._meta.fields]


def test_audit_admin_is_read_only(client, make_user):
    admin = make_user("Admin", is_staff=True)
    client.force_login(admin)
    event = AuditEvent.objects.filter(action="user.create").first()

    assert client.get(reverse("admin:audit_auditevent_changelist"), {"family": "user."}).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_resetting_somebodys_2fa_in_admin_is_audited(client, make_user):
    admin = make_user("Admin", is_staff=True)
    member = make_user("Manager")
    client.force_login(admin)
    authenticator = Authenticator.objects.get(user=member, type=Authenticator.Type.TOTP)

    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert page.status_code == 200
    assert authenticator.data["secret"] not in page.content.decode()
    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    assert AuditEvent.objects.filter(
        action="mfa.authenticator_removed", target_id=str(member.pk), actor=admin
    ).exists()
