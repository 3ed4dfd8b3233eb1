import pytest
from django.contrib.auth.models import AnonymousUser

from core.live.consumers import requested_groups
from core.live.registry import can_join, register_group, user_group
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

calls = []


def _deal_rule(user, key):
    calls.append(key)
    return key == "42"


def _broken_rule(user, key):
    raise RuntimeError("boom")


register_group("testreg.deal", _deal_rule)
register_group("testreg.deal.notes", lambda user, key: key == "7")
register_group("testreg.broken", _broken_rule)


def test_user_group_accepts_user_or_pk():
    user = UserFactory()
    assert user_group(user) == user_group(user.pk) == f"user.{user.pk}"


def test_can_join_own_user_group_only():
    user, other = UserFactory(), UserFactory()
    assert can_join(user, user_group(user))
    assert not can_join(user, user_group(other))


def test_can_join_asks_the_registered_predicate_with_the_key():
    user = UserFactory()
    assert can_join(user, "testreg.deal.42")
    assert not can_join(user, "testreg.deal.43")
    assert calls[-2:] == ["42", "43"]


def test_can_join_uses_the_longest_registered_prefix():
    user = UserFactory()
    assert can_join(user, "testreg.deal.notes.7")
    assert not can_join(user, "testreg.deal.notes.42")


@pytest.mark.parametrize("group", ["unknown.1", "testreg", "", "testreg.deal.42/../x", "a" * 120])
def test_can_join_refuses_unknown_or_invalid_groups(group):
    assert not can_join(UserFactory(), group)


def test_can_join_refuses_anonymous_inactive_and_failing_predicates():
    assert not can_join(AnonymousUser(), "testreg.deal.42")
    assert not can_join(UserFactory(is_active=False), "testreg.deal.42")
    assert not can_join(UserFactory(), "testreg.broken.1")


def test_register_group_rejects_invalid_prefix():
    with pytest.raises(ValueError):
        register_group("bad prefix", lambda user, key: True)


def test_requested_groups_parses_dedupes_and_caps():
    assert requested_groups(b"groups=a.b.1,c.d,,a.b.1") == ["a.b.1", "c.d"]
    assert requested_groups(b"") == []
    assert len(requested_groups(("groups=" + ",".join(f"g.{i}" for i in range(100))).encode())) == 30
