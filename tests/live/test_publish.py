import json
import logging

import pytest

from core.live import publish, publish_many, render_fragment
from tests.live.helpers import REDIS_DOWN, GroupListener

pytestmark = pytest.mark.django_db


def test_publish_sends_only_after_commit(django_capture_on_commit_callbacks):
    with GroupListener("test.publish.1") as listener:
        with django_capture_on_commit_callbacks() as callbacks:
            publish("test.publish.1", html="<p id='x'>hi</p>")
        assert listener.messages(wait=0.2) == []  # not committed yet
        for callback in callbacks:
            callback()
        assert listener.messages() == [
            {"type": "live.message", "html": "<p id='x'>hi</p>", "event": "", "data": None}
        ]


def test_publish_many_sends_once_per_group(django_capture_on_commit_callbacks):
    with GroupListener("test.many.1") as first, GroupListener("test.many.2") as second:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            publish_many(["test.many.1", "test.many.2", "test.many.1", ""], event="x.changed", data={"n": 1})
        assert len(callbacks) == 1
        assert [m["data"] for m in first.messages()] == [{"n": 1}]
        assert [m["event"] for m in second.messages()] == ["x.changed"]


def test_publish_with_unreachable_redis_logs_and_does_not_raise(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.CHANNEL_LAYERS = REDIS_DOWN
    with (
        caplog.at_level(logging.WARNING, logger="core.live"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish("user.1", html="<p>lost</p>")
    assert any("live publish" in record.getMessage() for record in caplog.records)


def test_after_a_failure_publishes_pause_instead_of_waiting_for_redis_again(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.CHANNEL_LAYERS = REDIS_DOWN
    with caplog.at_level(logging.INFO, logger="core.live"), django_capture_on_commit_callbacks(execute=True):
        for pk in range(1, 51):  # an announcement to 50 people
            publish(f"user.{pk}", html="<p>lost</p>")
    messages = [record.getMessage() for record in caplog.records]
    assert sum("] failed" in message for message in messages) == 1
    assert sum("skipped" in message for message in messages) == 49


def test_a_new_channel_layer_configuration_resumes_publishing(settings, django_capture_on_commit_callbacks):
    real = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = REDIS_DOWN
    with django_capture_on_commit_callbacks(execute=True):
        publish("user.1", html="<p>lost</p>")
    settings.CHANNEL_LAYERS = real
    with GroupListener("test.resume.1") as listener:
        with django_capture_on_commit_callbacks(execute=True):
            publish("test.resume.1", html="<p>back</p>")
        assert listener.html() == ["<p>back</p>"]


def test_render_fragment_renders_one_partial():
    html = render_fragment("notifications/components/live.html#count", {"unread_count": 4})
    assert html == '<span id="notif-count" class="notif-count" hx-swap-oob="true">4</span>'
    assert json.dumps(html)  # a plain str, ready for the channel layer
