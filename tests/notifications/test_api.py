import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = "notifications-api:notification-list"


@pytest.fixture
def api():
    """A script's client: a real JWT bearer token, so every request authenticates as it would in production."""
    client = APIClient()
    client.user = UserFactory()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(client.user).access_token}")
    return client


def test_anonymous_gets_401():
    assert APIClient().get(reverse(LIST)).status_code == 401


def test_list_shows_only_my_in_app_notifications(api):
    mine = NotificationFactory(
        recipient=api.user, verb="Mine", actor=UserFactory(first_name="Ana", last_name="B")
    )
    NotificationFactory(verb="Theirs")
    Notification.objects.create(recipient=api.user, verb="Mail only", in_app=False)
    body = api.get(reverse(LIST)).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == mine.pk and row["verb"] == "Mine" and row["is_read"] is False
    assert row["actor"] == {"id": mine.actor_id, "name": "Ana B"}


def test_list_filters_unread(api):
    read = NotificationFactory(recipient=api.user, verb="Read")
    read.read_at = read.created_at
    read.save()
    NotificationFactory(recipient=api.user, verb="Unread")
    assert [r["verb"] for r in api.get(reverse(LIST), {"unread": "true"}).json()["results"]] == ["Unread"]
    assert [r["verb"] for r in api.get(reverse(LIST), {"unread": "false"}).json()["results"]] == ["Read"]


def test_list_query_count_is_constant(api, django_assert_num_queries):
    # the token's user, their roles (two-factor rule), the count, the page
    NotificationFactory.create_batch(3, recipient=api.user, actor=UserFactory())
    with django_assert_num_queries(4):
        api.get(reverse(LIST))
    NotificationFactory.create_batch(27, recipient=api.user, actor=UserFactory())
    with django_assert_num_queries(4):
        api.get(reverse(LIST))


def test_retrieve_someone_elses_is_404(api):
    theirs = NotificationFactory()
    assert api.get(reverse("notifications-api:notification-detail", args=[theirs.pk])).status_code == 404


def test_mark_read(api):
    notification = NotificationFactory(recipient=api.user)
    response = api.post(reverse("notifications-api:notification-mark-read", args=[notification.pk]))
    assert response.status_code == 200 and response.json()["is_read"] is True
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_on_someone_elses_is_404(api):
    theirs = NotificationFactory()
    response = api.post(reverse("notifications-api:notification-mark-read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(api):
    NotificationFactory.create_batch(2, recipient=api.user)
    theirs = NotificationFactory()
    response = api.post(reverse("notifications-api:notification-mark-all-read"))
    assert response.json() == {"marked": 2}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_preferences_list_and_update(api):
    rows = api.get(reverse("notifications-api:preference-list")).json()
    assert {"kind": "system", "label": "System messages", "channel": "both"} in rows
    url = reverse("notifications-api:preference-detail", args=["announcement"])
    response = api.patch(url, {"channel": "email"})
    assert response.status_code == 200 and response.json()["channel"] == "email"
    assert NotificationPreference.objects.get(user=api.user, kind="announcement").channel == "email"


def test_preferences_update_validates(api):
    url = reverse("notifications-api:preference-detail", args=["announcement"])
    assert api.put(url, {"channel": "pigeon"}).status_code == 400
    assert (
        api.put(
            reverse("notifications-api:preference-detail", args=["nope"]), {"channel": "email"}
        ).status_code
        == 404
    )
