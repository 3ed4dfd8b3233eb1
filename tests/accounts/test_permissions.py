import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import permissions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "admin", "manager", "read_only", "manage_users", "view_audit"),
    [
        ("Admin", True, False, False, True, True),
        ("Manager", False, True, False, False, False),
        ("Producer", False, False, False, False, False),
        ("Streamer", False, False, False, False, False),
        ("Viewer", False, False, True, False, False),
    ],
)
def test_role_predicates(make_user, role, admin, manager, read_only, manage_users, view_audit):
    user = make_user(role)

    assert permissions.is_admin(user) is admin
    assert permissions.is_manager(user) is manager
    assert permissions.is_read_only(user) is read_only
    assert permissions.can_manage_users(user) is manage_users
    assert permissions.can_view_audit(user) is view_audit
    assert permissions.has_any_role(user, role)
    assert not permissions.has_any_role(user, "Nobody")


def test_anonymous_and_inactive_hold_no_role(make_user):
    anonymous = AnonymousUser()
    inactive = make_user("Admin", is_active=False)

    for user in (anonymous, inactive):
        assert not permissions.is_admin(user)
        assert not permissions.can_access_admin(user)
        assert not permissions.needs_two_factor_setup(user)


def test_viewer_with_another_role_is_not_read_only(make_user):
    from tests.factories import UserFactory

    assert not permissions.is_read_only(UserFactory(roles=["Viewer", "Producer"]))


def test_superuser_counts_as_admin(make_user):
    user = make_user(is_superuser=True)

    assert permissions.is_admin(user)
    assert permissions.needs_two_factor_setup(user)


@pytest.mark.parametrize(
    ("is_staff", "totp", "expected"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_can_access_admin(make_user, is_staff, totp, expected):
    assert permissions.can_access_admin(make_user("Producer", is_staff=is_staff, totp=totp)) is expected


def test_role_checks_are_cached_for_the_request(make_user, django_assert_num_queries):
    user = make_user("Manager")
    permissions.forget(user)

    with django_assert_num_queries(2):  # roles once, authenticator once
        for _ in range(3):
            assert permissions.is_manager(user)
            assert not permissions.needs_two_factor_setup(user)
            assert not permissions.is_admin(user)
