"""The Team page: who may see it, what it shows, role changes, deactivation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import User
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["accounts:team", "audit:list"])
@pytest.mark.parametrize(
    ("role", "status"), [(None, 302), ("Viewer", 403), ("Manager", 403), ("Producer", 403), ("Admin", 200)]
)
def test_admin_pages_permission_matrix(client, make_user, url_name, role, status):
    if role:
        client.force_login(make_user(role))

    response = client.get(reverse(url_name))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("accounts:team-invite", "post"),
        ("accounts:team-member-roles", "get"),
        ("accounts:team-member-roles", "post"),
        ("accounts:team-member-deactivate", "post"),
        ("accounts:team-member-reactivate", "post"),
        ("accounts:team-member-resend", "post"),
        ("accounts:team-member", "get"),
    ],
)
def test_team_actions_refused_to_non_admins(client, make_user, url_name, method):
    target = make_user("Viewer")
    client.force_login(make_user("Manager"))
    args = [] if url_name == "accounts:team-invite" else [target.pk]

    response = getattr(client, method)(reverse(url_name, args=args))

    assert response.status_code == 403


def test_htmx_request_of_anonymous_gets_hx_redirect_to_login(client):
    response = client.get(
        reverse("accounts:team"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/accounts/team/",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login") + "?next=")


def test_team_page_lists_people_with_roles_2fa_and_status(client, make_user):
    admin = make_user("Admin")
    invited = User.objects.create_user("invited@example.com", first_name="Ivy")
    gone = make_user("Viewer", is_active=False, first_name="Gus")
    client.force_login(admin)

    response = client.get(reverse("accounts:team"))

    body = response.content.decode()
    assert response.status_code == 200
    for member in (admin, invited, gone):
        assert f'id="member-{member.pk}"' in body
    assert "Invited" in body and "Deactivated" in body and "Active" in body
    assert "role-admin" in body and "role-viewer" in body
    assert 'id="invite-form"' in body


def _team_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("accounts:team")).status_code == 200
    return len(ctx.captured_queries)


def test_team_page_query_count_is_constant(client, make_user, django_assert_num_queries):
    admin = make_user("Admin")
    client.force_login(admin)
    for _ in range(2):
        UserFactory(roles=["Viewer", "Producer"])
    baseline = _team_queries(client)  # 3 people

    for _ in range(27):
        make_user("Manager")  # with TOTP and a role: 30 people
    with django_assert_num_queries(baseline):
        client.get(reverse("accounts:team"))


def test_set_roles_records_before_and_after(client, make_user):
    admin = make_user("Admin")
    member = make_user("Viewer")
    client.force_login(admin)
    AuditEvent.objects.all().delete()  # the factory's own role assignment

    response = client.post(
        reverse("accounts:team-member-roles", args=[member.pk]),
        {"roles": ["Producer", "Streamer"]},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#member-{member.pk}"
    assert sorted(member.role_names) == ["Producer", "Streamer"]
    events = AuditEvent.objects.filter(action="role.change", target_id=str(member.pk))
    assert events.count() == 1  # the m2m signal receiver is muted: one entry, not one per add/remove
    event = events.get()
    assert event.actor == admin
    assert event.data == {
        "before": ["Viewer"],
        "after": ["Producer", "Streamer"],
        "added": ["Producer", "Streamer"],
        "removed": ["Viewer"],
    }


def test_roles_form_partial_and_validation(client, make_user):
    admin = make_user("Admin")
    member = make_user("Viewer")
    client.force_login(admin)

    partial = client.get(reverse("accounts:team-member-roles", args=[member.pk]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith(f'<form id="roles-form-{member.pk}"')
    page = client.get(reverse("accounts:team-member-roles", args=[member.pk]))
    assert "<html" in page.content.decode()

    response = client.post(
        reverse("accounts:team-member-roles", args=[member.pk]), {}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Choose at least one role" in response.content.decode()
    assert member.role_names == ["Viewer"]


def test_last_admin_cannot_lose_the_admin_role(make_user):
    admin = make_user("Admin")

    with pytest.raises(ValidationError):
        services.user_set_roles(user=admin, roles=["Viewer"], by=admin)

    other = make_user("Admin")
    services.user_set_roles(user=admin, roles=["Viewer"], by=other)
    assert admin.role_names == ["Viewer"]


def test_deactivating_the_last_admin_is_refused(make_user):
    admin = make_user("Admin")
    make_user("Admin", is_active=False)  # an inactive Admin does not count

    with pytest.raises(ValidationError, match="last active Admin"):
        services.user_deactivate(user=admin, by=None)

    admin.refresh_from_db()
    assert admin.is_active


def test_last_admin_cannot_drop_the_admin_role_from_the_team_page(client, make_user):
    admin = make_user("Admin")
    client.force_login(admin)

    response = client.post(
        reverse("accounts:team-member-roles", args=[admin.pk]), {"roles": ["Viewer"]}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "last active Admin" in response.content.decode()
    assert admin.role_names == ["Admin"]


def test_admin_cannot_deactivate_themselves_from_the_team_page(client, make_user):
    admin = make_user("Admin")
    make_user("Admin")
    client.force_login(admin)

    response = client.post(
        reverse("accounts:team-member-deactivate", args=[admin.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "cannot deactivate your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_deactivate_and_reactivate_from_the_team_page(client, make_user):
    admin = make_user("Admin")
    member = make_user("Producer")
    client.force_login(admin)

    response = client.post(
        reverse("accounts:team-member-deactivate", args=[member.pk]), HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="member-{member.pk}"')
    assert 'hx-swap-oob="beforeend"' in body and "can no longer sign in" in body
    member.refresh_from_db()
    assert not member.is_active
    assert AuditEvent.objects.filter(action="user.deactivate", target_id=str(member.pk), actor=admin).exists()

    response = client.post(reverse("accounts:team-member-reactivate", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active


def test_deactivated_user_is_signed_out(client, make_user):
    admin = make_user("Admin")
    member = make_user("Producer")
    client.force_login(member)
    assert client.get(reverse("accounts:profile")).status_code == 200

    services.user_deactivate(user=member, by=admin)

    assert client.get(reverse("accounts:profile")).status_code == 302


def test_cannot_deactivate_yourself(make_user):
    admin = make_user("Admin")
    make_user("Admin")

    with pytest.raises(ValidationError, match="your own account"):
        services.user_deactivate(user=admin, by=admin)


def test_people_search_provider(make_user):
    from accounts.search import search_people

    admin = make_user("Admin")
    viewer = make_user("Viewer")
    person = make_user("Producer", first_name="Zoé", last_name="Quintal", job_title="Sound engineer")

    for_admin = search_people(admin, "sound", 5)
    for_viewer = search_people(viewer, "quintal", 5)

    assert [r.title for r in for_admin] == ["Zoé Quintal"]
    assert for_admin[0].url == reverse("accounts:team") + f"#member-{person.pk}"
    assert for_viewer[0].url == f"mailto:{person.email}"
    assert search_people(viewer, "nobody-like-this", 5) == []
