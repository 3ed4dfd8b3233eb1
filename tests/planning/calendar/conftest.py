"""Fixtures of the calendar tests: a signed-in client per role (English pages), the feed and move calls."""

import json
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.fixture
def client_as(client, make_user):
    def _login(role: str, **kwargs):
        user = make_user(role, **kwargs)
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client, user

    return _login


@pytest.fixture
def feed():
    """feed(client, start, end, **params) -> (status, JSON)."""

    def _feed(client, start: str, end: str, **params):
        response = client.get(reverse("planning:calendar-feed"), {"start": start, "end": end, **params})
        return response.status_code, response.json()

    return _feed


@pytest.fixture
def move(django_capture_on_commit_callbacks):
    """move(client, **body) -> (status, JSON); the commit hooks (live publish) run."""

    def _move(client, **body):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("planning:calendar-move"), json.dumps(body), content_type="application/json"
            )
        return response.status_code, response.json()

    return _move


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
