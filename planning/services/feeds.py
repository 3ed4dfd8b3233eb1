"""The private iCal feed of each person: a secret token in the URL (``planning:ical-feed``). Only its SHA-256 is
looked up; the token itself is kept encrypted so the settings page can show the URL again. Revoking makes a new
token: the old URL answers 404 from then on."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from planning.models import CalendarFeed

TOUCH_EVERY = timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_create_or_get(*, user: Any) -> CalendarFeed:
    """The person's feed, made on first use (``feed.token.reveal()`` is the secret)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    token = _new_token()
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, token=token, token_hash=token_digest(token))
    except IntegrityError:  # made by a concurrent request
        return CalendarFeed.objects.get(user=user)


@transaction.atomic
def feed_revoke(*, user: Any, by: Any) -> CalendarFeed:
    """A new token for ``user``'s feed; the old URL stops working."""
    token = _new_token()
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=user, token=token, token_hash=token_digest(token))
    else:
        feed.token, feed.token_hash, feed.last_used_at = token, token_digest(token), None
        feed.save(update_fields=["token", "token_hash", "last_used_at"])
    audit_record(action="planning.feed.revoke", actor=by, target=feed, data={"user": user.pk})
    return feed


def feed_touch(*, feed: CalendarFeed, now=None) -> None:
    """Note the fetch, at most once a minute (no write at all when the last one is recent)."""
    now = now or timezone.now()
    if feed.last_used_at is not None and now - feed.last_used_at < TOUCH_EVERY:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    CalendarFeed.objects.filter(stale, pk=feed.pk).update(last_used_at=now)
    feed.last_used_at = now
