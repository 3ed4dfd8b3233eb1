import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from core.live.registry import user_group
from notifications import services
from notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory
from tests.live.helpers import GroupListener
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

Channel = NotificationPreference.Channel
EmailStatus = Notification.EmailStatus


@pytest.mark.parametrize(
    ("channel", "in_app", "email_status"),
    [
        (Channel.BOTH, True, EmailStatus.PENDING),
        (Channel.IN_APP, True, EmailStatus.NOT_WANTED),
        (Channel.EMAIL, False, EmailStatus.PENDING),
    ],
)
def test_notify_respects_the_preference(
    channel, in_app, email_status, queued, django_capture_on_commit_callbacks
):
    user = UserFactory()
    NotificationPreference.objects.create(user=user, kind="system", channel=channel)
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient=user, verb="Deal signed")
    notification.refresh_from_db()
    assert (notification.in_app, notification.email_status) == (in_app, email_status)
    assert queued == ([{"notification_id": notification.pk}] if email_status == EmailStatus.PENDING else [])


def test_notify_none_preference_creates_nothing(queued, django_capture_on_commit_callbacks):
    user = UserFactory()
    NotificationPreference.objects.create(user=user, kind="system", channel=Channel.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify(recipient=user, verb="Deal signed") is None
    assert not Notification.objects.exists()
    assert queued == []


def test_notify_defaults_to_both_and_the_preference_is_per_kind(queued, django_capture_on_commit_callbacks):
    user = UserFactory()
    NotificationPreference.objects.create(user=user, kind="announcement", channel=Channel.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient=user, verb="Server restarts tonight", level="warning")
    assert notification.in_app and notification.email_status == EmailStatus.PENDING
    assert notification.level == "warning"


def test_notify_email_only_is_not_shown_in_the_app(queued):
    user = UserFactory()
    NotificationPreference.objects.create(user=user, kind="system", channel=Channel.EMAIL)
    services.notify(recipient=user, verb="By mail only")
    assert services.selectors.notification_unread_count(user=user) == 0
    assert list(services.selectors.notification_list(user=user)) == []


def test_notify_stores_target_actor_and_link():
    user, actor = UserFactory(), UserFactory()
    notification = services.notify(
        recipient=user, verb="Look", actor=actor, target=actor, url="/accounts/profile/"
    )
    notification.refresh_from_db()
    assert notification.actor == actor
    assert notification.target == actor
    assert notification.url == "/accounts/profile/"


def test_notify_skips_inactive_recipients():
    assert services.notify(recipient=UserFactory(is_active=False), verb="Hello") is None


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "//evil.example/x", "ftp://files.example/x", "/" + "x" * 600]
)
def test_notify_refuses_unsafe_links(url):
    with pytest.raises(ValidationError) as error:
        services.notify(recipient=UserFactory(), verb="Hello", url=url)
    assert "url" in error.value.message_dict


def test_notify_refuses_unknown_kind_and_level():
    user = UserFactory()
    with pytest.raises(LookupError):
        services.notify(recipient=user, verb="Hello", kind="no-such-kind")
    with pytest.raises(ValidationError):
        services.notify(recipient=user, verb="Hello", level="purple")


def test_notify_pushes_toast_count_and_bell_item_to_the_recipients_pages(django_capture_on_commit_callbacks):
    user = UserFactory()
    NotificationFactory(recipient=user)  # one unread already
    with GroupListener(user_group(user)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            notification = services.notify(recipient=user, verb="Contract ready", url="/deals/4/")
        [html] = listener.html()
    assert '<span id="notif-count" class="notif-count" hx-swap-oob="true">2</span>' in html
    assert '<div id="toasts" hx-swap-oob="beforeend">' in html and "Contract ready" in html
    assert '<div id="notif-dropdown-list" hx-swap-oob="afterbegin">' in html
    assert f'id="notif-item-{notification.pk}"' in html


def test_notify_with_the_broker_down_still_stores_and_logs(
    broker_down, caplog, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with (
        caplog.at_level(logging.WARNING, logger="notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = services.notify(recipient=user, verb="Still here")
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.PENDING  # the sweep sends it later
    assert "sweep" in caplog.text


def test_mark_read_once_audits_and_publishes_the_new_count(django_capture_on_commit_callbacks):
    user = UserFactory()
    notification, _other = NotificationFactory(recipient=user), NotificationFactory(recipient=user)
    with GroupListener(user_group(user)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            services.notification_mark_read(notification=notification, user=user)
            services.notification_mark_read(notification=notification, user=user)  # no-op
        assert listener.html() == ['<span id="notif-count" class="notif-count" hx-swap-oob="true">1</span>']
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert AuditEvent.objects.filter(action="notification.mark_read", actor=user).count() == 1


def test_mark_read_of_someone_elses_notification_is_refused():
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(notification=NotificationFactory(), user=UserFactory())


def test_mark_all_read_marks_only_mine_and_publishes_zero(django_capture_on_commit_callbacks):
    user = UserFactory()
    NotificationFactory.create_batch(3, recipient=user)
    theirs = NotificationFactory()
    with GroupListener(user_group(user)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            assert services.notification_mark_all_read(user=user) == 3
            assert services.notification_mark_all_read(user=user) == 0
        assert listener.html() == [
            '<span id="notif-count" class="notif-count" hx-swap-oob="true" hidden>0</span>'
        ]
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert AuditEvent.objects.get(action="notification.mark_all_read").data == {"count": 3}


def test_preference_set_creates_then_updates_and_audits():
    user = UserFactory()
    services.preference_set(user=user, kind="system", channel="email")
    services.preference_set(user=user, kind="system", channel="none")
    assert NotificationPreference.objects.get(user=user, kind="system").channel == "none"
    assert AuditEvent.objects.filter(action="notification.preference_set").count() == 2


@pytest.mark.parametrize(("kind", "channel"), [("no-such-kind", "email"), ("system", "pigeon")])
def test_preference_set_validates(kind, channel):
    with pytest.raises(ValidationError):
        services.preference_set(user=UserFactory(), kind=kind, channel=channel)


def test_preferences_update_changes_only_what_changed():
    user = UserFactory()
    changed = services.preferences_update(
        user=user, channels={"system": "both", "announcement": "in_app", "mention": "both"}
    )
    assert changed == ["announcement"]
    assert list(NotificationPreference.objects.values_list("kind", "channel")) == [("announcement", "in_app")]


def test_announcement_reaches_roles_and_people_once_but_not_the_sender(
    make_user, queued, django_capture_on_commit_callbacks
):
    manager = make_user("Manager")
    producers = [make_user("Producer"), make_user("Producer")]
    viewer, inactive = make_user("Viewer"), make_user("Producer", is_active=False)
    picked = make_user("Streamer")
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.announcement_send(
            sender=manager,
            message="Team meeting at 10",
            url="/",
            roles=["Producer", "Manager"],
            recipients=[picked, producers[0]],
        )
    assert sorted(n.recipient_id for n in sent) == sorted([producers[0].pk, producers[1].pk, picked.pk])
    assert {(n.kind, n.actor_id, n.verb) for n in sent} == {
        ("announcement", manager.pk, "Team meeting at 10")
    }
    assert not Notification.objects.filter(recipient__in=[manager, viewer, inactive]).exists()
    assert len(queued) == 3
    event = AuditEvent.objects.get(action="notification.announce")
    assert event.data["recipients"] == 3 and event.actor == manager


def test_announcement_is_bulk(make_user, django_capture_on_commit_callbacks):
    """Sending to 12 people takes as many queries as sending to 2."""
    manager = make_user("Manager")
    few = [make_user("Producer") for _ in range(2)]

    def send(people):
        with django_capture_on_commit_callbacks(execute=True):
            services.announcement_send(sender=manager, message="Hi", recipients=people)

    send(few)  # warm up: the sender's permissions are loaded once, then cached on the user
    with CaptureQueriesContext(connection) as small:
        send(few)
    many = [make_user("Producer") for _ in range(12)]
    with CaptureQueriesContext(connection) as large:
        send(many)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_announcement_needs_the_permission(make_user):
    with pytest.raises(PermissionDenied):
        services.announcement_send(sender=make_user("Producer"), message="Hi", roles=["Viewer"])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"message": "  ", "roles": ["Viewer"]}, "message"),
        ({"message": "x" * 1001, "roles": ["Viewer"]}, "message"),
        ({"message": "Hi", "roles": ["Pirate"]}, "roles"),
        ({"message": "Hi", "roles": ["Streamer"]}, "recipients"),  # nobody holds it
    ],
)
def test_announcement_validates(make_user, kwargs, field):
    with pytest.raises(ValidationError) as error:
        services.announcement_send(sender=make_user("Admin"), **kwargs)
    assert field in error.value.message_dict
