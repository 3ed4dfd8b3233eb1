"""Per-request context the audit trail reads (client address, user agent, signed-in user), and muting.

`AuditContextMiddleware` binds it for every request; code running outside a request (Celery, shell) simply has
none, so its events carry no address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

USER_AGENT_MAX = 400


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str
    request: HttpRequest | None = None


_current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)
_muted: ContextVar[frozenset[str]] = ContextVar("audit_muted_actions", default=frozenset())


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[::1]:1234"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "1.2.3.4:5678"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. X-Forwarded-For is trusted only when settings.USE_X_FORWARDED_FOR is on, and then
    only its last entry (the address our own reverse proxy saw: earlier entries are whatever the client sent)."""
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            ip = _valid_ip(forwarded.split(",")[-1])
            if ip:
                return ip
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def context_for(request: HttpRequest) -> RequestContext:
    return RequestContext(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        request=request,
    )


def current() -> RequestContext | None:
    return _current.get()


@contextmanager
def bound(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextmanager
def muted(*actions: str) -> Iterator[None]:
    """Tell the generic signal receivers not to record `actions` here, because the caller records them itself
    (e.g. user_set_roles records one "role.change" with before/after instead of one per m2m signal)."""
    token = _muted.set(_muted.get() | frozenset(actions))
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted(action: str) -> bool:
    return action in _muted.get()
