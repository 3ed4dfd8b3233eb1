import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _isolated(fresh_cache, english_client):
    """Every test here starts with an empty cache and reads the English texts."""


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
