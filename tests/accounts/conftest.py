import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps rate-limit counters and used TOTP codes in the cache (this worker's own Redis database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(client):
    """Signed-out pages follow the browser (French by default): these tests read the English texts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def run_invitation_tasks(monkeypatch):
    """Run the invitation e-mail task in-process instead of on a Celery worker (we mock `.delay` only)."""
    from accounts.tasks import user_send_invitation_task

    monkeypatch.setattr(
        user_send_invitation_task,
        "delay",
        lambda **kwargs: user_send_invitation_task.apply(kwargs=kwargs).get(),
    )


def sign_in(client, user, password: str = DEFAULT_PASSWORD, **headers):
    """Sign in through allauth's login form (as a browser would). Returns the response."""
    return client.post(reverse("account_login"), {"login": user.email, "password": password}, **headers)
