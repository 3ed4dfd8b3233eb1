import pytest

from notifications.tasks import notification_email_task


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """The e-mail tasks queued through ``.delay`` (recorded instead of sent to the broker)."""
    calls: list[dict] = []
    monkeypatch.setattr(notification_email_task, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.fixture
def broker_down(monkeypatch):
    """Queuing fails as it does when Redis (the Celery broker) is unreachable."""
    from kombu.exceptions import OperationalError

    def refuse(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(notification_email_task, "delay", refuse)
