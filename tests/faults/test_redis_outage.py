"""Redis stops while people work (private Redis + private daphne, see conftest.py): pages and actions keep working
(sessions live in PostgreSQL), /readyz says 503, the live dot says so; once Redis is back the sockets reconnect
by themselves and live updates flow again; an e-mail that could not be queued is sent by the sweep."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.live import PAUSE_AFTER_FAILURE
from notifications.models import Notification
from notifications.services import notify, preference_set
from notifications.tasks import SWEEP_AFTER, notification_email_sweep_task
from tests.faults.conftest import channel_layer_on
from tests.harness.browser import in_thread, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough for htmx-ext-ws's full-jitter backoff (a random wait of up to 2**attempt seconds, 64 s at most)
# to come round to another attempt after an outage of a few seconds.
RECONNECT_TIMEOUT_MS = 70_000
# Queuing the e-mail while Redis is away must not hold the request: the broker publish gives up after one quick
# retry (CELERY_TASK_PUBLISH_RETRY_POLICY) and no result backend is touched (CELERY_TASK_IGNORE_RESULT). Before
# that, Celery's result backend retried 20 times, 1 s apart: a ~19 s hang. A hang now fails this request.
POST_DURING_OUTAGE_TIMEOUT = 10


def watch_server_errors(*pages) -> list[str]:
    """A list that collects every 5xx answer the pages receive."""
    errors: list[str] = []
    for page in pages:
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return errors


def test_readyz_reports_redis_down_then_ready_again(fault_server, fault_redis):
    assert httpx.get(f"{fault_server.url}/readyz").status_code == 200

    fault_redis.stop()
    down = httpx.get(f"{fault_server.url}/readyz")

    assert down.status_code == 503
    assert down.json()["postgres"] == "ok"
    assert down.json()["redis"].startswith("error: ConnectionError")
    assert httpx.get(f"{fault_server.url}/healthz").status_code == 200  # the process itself is fine

    fault_redis.start()
    up = httpx.get(f"{fault_server.url}/readyz")
    assert up.status_code == 200, up.text
    assert up.json() == {"postgres": "ok", "redis": "ok"}


@pytest.mark.browser
def test_people_keep_working_through_a_redis_outage_and_live_updates_come_back(
    fault_page, fault_server, fault_redis, make_user
):
    viewer = make_user("Viewer", first_name="Victor")
    for verb in ("Soundcheck at 5 pm", "Contract signed"):
        in_thread(notify, recipient=viewer, verb=verb)
    page = fault_page(viewer)
    other_tab = page.context.new_page()  # stays open, never reloaded, through the whole outage
    errors = watch_server_errors(page, other_tab)
    page.goto("/")
    other_tab.goto("/notifications/")
    for tab in (page, other_tab):
        expect(tab.locator("#live-status")).to_have_attribute("data-state", "connected")
        expect(tab.locator("#notif-count")).to_have_text("2")

    # --- Redis goes away
    fault_redis.stop()
    log_offset = fault_server.process.log_size()

    for tab in (page, other_tab):  # the open sockets lose the channel layer and say so
        expect(tab.locator("#live-status")).to_have_attribute("data-state", "reconnecting")
    expect(page.locator("#live-status")).to_have_attribute("title", "Reconnecting to live updates…")
    page.wait_for_timeout(300)  # only for the picture: let the dot's colour transition end
    screenshot(page, "faults-redis-down-dot", full_page=False)

    # pages still open (sessions are in PostgreSQL), still signed in
    for path in ("/notifications/", "/accounts/profile/", "/"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert urlsplit(page.url).path == path
        expect(page.locator(".user-menu-toggle")).to_be_visible()

    # an action that publishes live still succeeds
    page.goto("/notifications/")
    page.locator(".notif-row.is-unread .notif-row-action button").first.click()
    expect(page.locator(".notif-row.is-unread")).to_have_count(1)
    expect(page.locator("#notif-count")).to_have_text("1")
    assert viewer.notifications.filter(read_at__isnull=True).count() == 1
    expect(page.locator("#live-status")).not_to_have_attribute("data-state", "connected")
    screenshot(page, "faults-redis-down-notifications")
    # it did try, and logged the failure
    assert "live publish to" in fault_server.process.log_since(log_offset, max_chars=10_000_000)

    # --- Redis is back (same port, empty): every page reconnects by itself
    fault_redis.start()
    for tab in (page, other_tab):
        expect(tab.locator("#live-status")).to_have_attribute(
            "data-state", "connected", timeout=RECONNECT_TIMEOUT_MS
        )
    screenshot(page, "faults-redis-back-dot", full_page=False)

    with channel_layer_on(fault_redis.url):
        in_thread(notify, recipient=viewer, verb="Redis is back, so is this toast")
    for tab in (other_tab, page):
        expect(
            tab.locator("#toasts .toast.show:not(.showing)", has_text="Redis is back, so is this toast")
        ).to_be_visible()
    expect(page.locator("#toasts .toast.show").last).to_have_css("opacity", "1")  # faded in, for the picture
    screenshot(page, "faults-redis-back-toast", full_page=False)
    for tab in (page, other_tab):
        expect(tab.locator("#notif-count")).to_have_text("2")

    # daphne's own live messages flow again too, once its pause after a failed publish is over
    time.sleep(max(0.0, fault_redis.started_at + PAUSE_AFTER_FAILURE - time.monotonic()))
    page.locator(".notif-bell > button").click()
    expect(page.locator("#notif-dropdown-list .notif-item")).to_have_count(3)  # read ones are listed too
    page.locator(".notif-mark-all").click()
    for tab in (page, other_tab):
        expect(tab.locator("#notif-count")).to_be_hidden()

    assert errors == []


def test_an_email_not_queued_during_the_outage_is_sent_by_the_sweep(
    fault_server, fault_redis, fault_cookies, celery_worker, mailbox, make_user
):
    manager, viewer = make_user("Manager"), make_user("Viewer")
    preference_set(user=viewer, kind="announcement", channel="both")
    with httpx.Client(base_url=fault_server.url, cookies=fault_cookies(manager)) as client:
        assert client.get("/notifications/announce/").status_code == 200
        token = client.cookies["csrftoken"]

        fault_redis.stop()
        log_offset = fault_server.process.log_size()
        sent = client.post(
            "/notifications/announce/",
            data={
                "recipients": str(viewer.pk),
                "message": "Office closed on Monday",
                "csrfmiddlewaretoken": token,
            },
            follow_redirects=True,
            timeout=POST_DURING_OUTAGE_TIMEOUT,
        )

        assert sent.status_code == 200
        assert "Announcement sent to 1 person." in sent.text
    notification = Notification.objects.get(recipient=viewer, verb="Office closed on Monday")
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert "could not queue notification e-mails" in fault_server.process.log_since(
        log_offset, max_chars=10_000_000
    )

    fault_redis.start()
    # the sweep (Celery beat) picks up e-mails still pending SWEEP_AFTER their notification
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - SWEEP_AFTER - timedelta(seconds=1)
    )
    assert notification_email_sweep_task() == 1

    [message] = mailbox.wait_for(to=viewer.email, timeout=30)
    assert "Office closed on Monday" in mailbox.body(message)
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
