"""Signed-in sessions without the login form, for tests (and benchmarks) that are not about signing in."""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client


def create_session(user) -> str:
    """Store a session for `user` and return its key. The session records a password sign-in, plus a TOTP step
    when the user has two-factor on, as a real sign-in through allauth would.

    Other processes (daphne, Celery) only see it once committed: use `transactional_db` in their tests.
    """
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        records.append({"method": "mfa", "at": now, "id": totp.pk, "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return session.session_key


def session_cookie(user) -> dict[str, str]:
    """{"name": "sessionid", "value": "<key>"} for `user`: put it in a Cookie header or a browser context."""
    return {"name": settings.SESSION_COOKIE_NAME, "value": create_session(user)}
