import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.kinds import all_kinds
from notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory
from tests.live.helpers import REDIS_DOWN
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def user_client(client):
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client


def login(client, user):
    client.force_login(user)
    return client


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("notifications:list", "get"),
        ("notifications:bell", "get"),
        ("notifications:preferences", "get"),
        ("notifications:announce", "get"),
        ("notifications:mark-all-read", "post"),
    ],
)
def test_pages_send_anonymous_visitors_to_login(client, name, method):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [("Admin", 200), ("Manager", 200), ("Producer", 403), ("Streamer", 403), ("Viewer", 403)],
)
def test_announce_page_is_for_admins_and_managers(client, make_user, role, status):
    assert login(client, make_user(role)).get(reverse("notifications:announce")).status_code == status


@pytest.mark.parametrize("name", ["notifications:mark-all-read"])
def test_writes_refuse_get(user_client, name):
    assert user_client.get(reverse(name)).status_code == 405


# --- list --------------------------------------------------------------------------------------------------


def test_list_shows_only_mine_with_the_unread_filter(user_client):
    mine_read = NotificationFactory(recipient=user_client.user, verb="Old news")
    mine_read.read_at = mine_read.created_at
    mine_read.save()
    NotificationFactory(recipient=user_client.user, verb="Fresh news")
    NotificationFactory(verb="Someone else's news")
    Notification.objects.create(recipient=user_client.user, verb="Mail only", in_app=False)

    page = user_client.get(reverse("notifications:list")).content.decode()
    assert "Old news" in page and "Fresh news" in page
    assert "Someone else" not in page and "Mail only" not in page

    unread = user_client.get(reverse("notifications:list"), {"filter": "unread"}).content.decode()
    assert "Fresh news" in unread and "Old news" not in unread


def test_list_htmx_returns_only_the_list_partial(user_client):
    NotificationFactory(recipient=user_client.user, verb="Fresh news")
    full = user_client.get(reverse("notifications:list")).content.decode()
    partial = user_client.get(reverse("notifications:list"), **HTMX).content.decode()
    assert "<html" in full and 'id="notification-list"' in full
    assert "<html" not in partial and 'id="notification-list"' not in partial
    assert "Fresh news" in partial and "notif-filter" in partial


def test_list_is_paginated_by_25(user_client):
    NotificationFactory.create_batch(30, recipient=user_client.user)
    first = user_client.get(reverse("notifications:list"))
    assert len(first.context["page_obj"].object_list) == 25
    second = user_client.get(reverse("notifications:list"), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 5


def _queries(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **extra).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["notifications:list", "notifications:bell", "dashboard:home"])
def test_query_count_is_constant(user_client, url_name, django_assert_num_queries):
    actor = UserFactory()
    NotificationFactory.create_batch(3, recipient=user_client.user, actor=actor)
    url = reverse(url_name)
    few = _queries(user_client, url)
    NotificationFactory.create_batch(27, recipient=user_client.user, actor=actor)
    assert _queries(user_client, url) == few
    expected = {"notifications:list": 8, "notifications:bell": 5, "dashboard:home": 5}[url_name]
    with django_assert_num_queries(expected):
        user_client.get(url)


# --- bell --------------------------------------------------------------------------------------------------


def test_bell_shows_the_latest_eight_and_the_links(user_client):
    NotificationFactory.create_batch(10, recipient=user_client.user)
    html = user_client.get(reverse("notifications:bell"), **HTMX).content.decode()
    assert html.count('class="dropdown-item notif-item') == 8
    assert "<html" not in html
    assert reverse("notifications:mark-all-read") in html and reverse("notifications:list") in html


def test_bell_empty_state(user_client):
    html = user_client.get(reverse("notifications:bell"), **HTMX).content.decode()
    assert 'id="notif-empty"' in html


# --- marking read ------------------------------------------------------------------------------------------


def test_mark_read_htmx_returns_the_row_and_the_new_count(user_client):
    notification, _other = NotificationFactory.create_batch(2, recipient=user_client.user)
    response = user_client.post(reverse("notifications:mark-read", args=[notification.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in html and "is-unread" not in html
    assert '<span id="notif-count" class="notif-count" hx-swap-oob="true">1</span>' in html
    assert "<html" not in html
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_without_htmx_redirects_to_the_list(user_client):
    notification = NotificationFactory(recipient=user_client.user)
    response = user_client.post(reverse("notifications:mark-read", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")


def test_mark_read_of_someone_elses_notification_is_404(user_client):
    theirs = NotificationFactory()
    assert user_client.post(reverse("notifications:mark-read", args=[theirs.pk])).status_code == 404
    assert user_client.get(reverse("notifications:mark-read", args=[theirs.pk])).status_code == 405
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_marks_read_and_goes_to_the_link(user_client):
    notification = NotificationFactory(recipient=user_client.user, url="/accounts/profile/")
    response = user_client.post(reverse("notifications:open", args=[notification.pk]), **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == "/accounts/profile/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    plain = NotificationFactory(recipient=user_client.user)
    response = user_client.post(reverse("notifications:open", args=[plain.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read_from_the_bell_returns_the_bell(user_client):
    NotificationFactory.create_batch(3, recipient=user_client.user)
    response = user_client.post(
        reverse("notifications:mark-all-read"), HTTP_HX_TARGET="notif-dropdown", **HTMX
    )
    html = response.content.decode()
    assert "notif-menu-head" in html and "notif-filter" not in html
    assert not Notification.objects.filter(recipient=user_client.user, read_at__isnull=True).exists()


def test_mark_all_read_from_the_list_returns_the_list(user_client):
    NotificationFactory.create_batch(3, recipient=user_client.user)
    response = user_client.post(
        reverse("notifications:mark-all-read"),
        HTTP_HX_TARGET="notification-list",
        HTTP_HX_CURRENT_URL="http://testserver/notifications/?filter=unread",
        **HTMX,
    )
    html = response.content.decode()
    assert "notif-filter" in html and "No unread notifications" in html
    assert user_client.post(reverse("notifications:mark-all-read")).status_code == 302


# --- preferences -------------------------------------------------------------------------------------------


def test_preferences_page_has_a_row_per_kind(user_client):
    html = user_client.get(reverse("notifications:preferences")).content.decode()
    for key in ("system", "announcement", "mention"):
        assert f'name="{key}"' in html


def test_preferences_save_with_htmx_returns_the_form(user_client):
    # the form shows every registered kind (later modules add theirs): the others keep their default
    data = {kind.key: kind.default_channel for kind in all_kinds()}
    data.update({"system": "email", "announcement": "none", "mention": "both"})
    response = user_client.post(reverse("notifications:preferences"), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="preferences-form"' in html and "<html" not in html
    assert "Saved." in html
    assert dict(NotificationPreference.objects.values_list("kind", "channel")) == {
        "system": "email",
        "announcement": "none",
    }


def test_preferences_invalid_choice_rerenders_with_200(user_client):
    response = user_client.post(reverse("notifications:preferences"), {"system": "pigeon"}, **HTMX)
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not NotificationPreference.objects.exists()


# --- announcements -----------------------------------------------------------------------------------------


def test_manager_sends_an_announcement_to_a_role(client, make_user, queued):
    manager = make_user("Manager")
    producers = [make_user("Producer"), make_user("Producer")]
    response = login(client, manager).post(
        reverse("notifications:announce"),
        {"roles": ["Producer"], "message": "Studio closed Friday", "url": "/"},
    )
    assert response.status_code == 302
    received = Notification.objects.filter(kind="announcement", verb="Studio closed Friday")
    assert sorted(received.values_list("recipient_id", flat=True)) == sorted(p.pk for p in producers)


def test_producer_cannot_send_announcements(client, make_user):
    make_user("Viewer")
    response = login(client, make_user("Producer")).post(
        reverse("notifications:announce"), {"roles": ["Viewer"], "message": "Hi"}
    )
    assert response.status_code == 403
    assert not Notification.objects.exists()


def test_announcement_form_errors_rerender_the_partial(client, make_user):
    response = login(client, make_user("Admin")).post(
        reverse("notifications:announce"), {"message": "Hi"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="announcement-form"' in html and "<html" not in html
    assert "Choose at least one role or one person." in html


def test_announcement_service_errors_show_on_the_form(client, make_user):
    response = login(client, make_user("Admin")).post(
        reverse("notifications:announce"), {"roles": ["Streamer"], "message": "Hi"}
    )
    assert response.status_code == 200
    assert "Nobody to send it to" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_announcement_still_works_with_redis_down(client, make_user, settings, broker_down, caplog):
    """Channel layer and Celery broker unreachable: the request succeeds, the failures are logged.
    (A transactional test: real commits, so the after-commit side effects run inside the request.)"""
    settings.CHANNEL_LAYERS = REDIS_DOWN
    manager, viewer = make_user("Manager"), make_user("Viewer")
    with caplog.at_level(logging.WARNING):
        response = login(client, manager).post(
            reverse("notifications:announce"), {"recipients": [viewer.pk], "message": "Fire drill at 3"}
        )
        assert response.status_code == 302
    assert Notification.objects.filter(recipient=viewer, verb="Fire drill at 3").exists()
    logged = [record.getMessage() for record in caplog.records]
    assert any("live publish" in message for message in logged)
    assert any("sweep" in message for message in logged)
