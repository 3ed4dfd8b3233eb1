"""Role × URL permission matrix: every URL pattern of the project, asked by every kind of actor (signed out,
Viewer, Producer, Streamer, Manager, Admin), answers what tests/permission_matrix.py says. A new URL without a
row there fails the suite."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache as memoize
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import permission_matrix as matrix
from tests.conftest import enable_totp
from tests.factories import UserFactory


@dataclass(frozen=True)
class Pattern:
    key: str  # the namespaced URL name, or the full route when the pattern has none
    route: str  # the full route (regex parts kept as written)
    name: str | None


def _walk(resolver, prefix: str = "", namespaces: tuple[str, ...] = ()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            extra = (entry.namespace,) if entry.namespace else ()
            yield from _walk(entry, prefix + str(entry.pattern), namespaces + extra)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield Pattern(key=name or route, route=route, name=name)


def project_patterns() -> dict[str, Pattern]:
    patterns: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver()):
        # two patterns with one name: Django reverses to the last one; the first is keyed by its route
        key = pattern.key if pattern.key not in patterns else f"{pattern.key} {pattern.route}"
        patterns[key] = Pattern(key=key, route=pattern.route, name=pattern.name)
    return patterns


PATTERNS = project_patterns()
CASES = [(key, actor) for key in PATTERNS for actor in matrix.ACTORS]


def _fill(route: str, kwargs: dict) -> str:
    """A concrete path for an unnamed route: each <converter:name> and (?P<name>...) gets its argument."""

    def value(match: re.Match) -> str:
        return str(kwargs[match.group(1)])

    path = re.sub(r"<(?:\w+:)?(\w+)>", value, route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", value, path)
    return "/" + path.replace("^", "").replace("$", "")


def _url(pattern: Pattern, kwargs: dict | list) -> str:
    if pattern.name and pattern.key == pattern.name:
        if isinstance(kwargs, list):
            return reverse(pattern.name, args=kwargs)
        return reverse(pattern.name, kwargs=kwargs or None)
    return _fill(pattern.route, kwargs)


@memoize
def _login_paths() -> tuple[str, ...]:
    """allauth's sign-in page, and the admin's own (which sends on to allauth's)."""
    return (reverse("account_login"), reverse("admin:login"))


def outcome(response) -> str:
    """The response in the table's words (see tests/permission_matrix.py)."""
    code = response.status_code
    if code == 302:
        return "login" if urlsplit(response["Location"]).path in _login_paths() else "redirect"
    if code == 401:
        return "login"
    if 200 <= code < 300:
        return "ok"
    return {403: "forbidden", 404: "notfound", 405: "method"}.get(code, str(code))


def _matches(response, expected: matrix.Expect) -> bool:
    if isinstance(expected, int):
        return response.status_code == expected
    return outcome(response) == expected


def _request(client, method: str, url: str, data, *, api: bool):
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, data=json.dumps(data or {}), content_type="application/json")
    return getattr(client, method.lower())(url, data or {})


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits (allauth, API throttles) count per address: every case starts from zero."""
    cache.clear()


@dataclass
class Cast:
    users: dict  # actor name -> user
    sessions: dict  # actor name -> session key
    other: object  # somebody else (a Viewer)


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """The actors, made once for the module inside a transaction that is rolled back at its end (each case
    runs in a savepoint of it, as usual): users as tests/conftest.py's make_user makes them — Admin and Manager
    with 2FA on, only the Admin is staff (the back office's condition) — each signed in once."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            users, sessions = {}, {}
            for role in matrix.ROLES:
                user = UserFactory(roles=[role], is_staff=role == "Admin")
                if role in ("Admin", "Manager"):
                    user.totp_secret = enable_totp(user)
                client = Client()
                client.force_login(user)
                users[role], sessions[role] = user, client.cookies[settings.SESSION_COOKIE_NAME].value
            yield Cast(users=users, sessions=sessions, other=UserFactory(roles=["Viewer"]))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def actor(actor_name, cast, db):
    """The signed-in user of the case (None: signed out)."""
    return None if actor_name == "anon" else cast.users[actor_name]


def _signed_in_client(client, cast, actor_name):
    if actor_name != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = cast.sessions[actor_name]
    return client


def _still_signed_in(client, cast, actor_name) -> None:
    """A write may have signed the actor out (logout): sign in again for the next request."""
    if (
        actor_name != "anon"
        and client.cookies[settings.SESSION_COOKIE_NAME].value != cast.sessions[actor_name]
    ):
        client.force_login(cast.users[actor_name])


def test_every_pattern_has_a_row():
    missing = [key for key in PATTERNS if matrix.rows_for(key) is None]

    assert not missing, "\n".join(f"add a row for {key} to tests/permission_matrix.py" for key in missing)


def test_every_row_names_an_existing_pattern():
    stale = [key for key in matrix.ROWS if key not in PATTERNS]
    registered = {model._meta.label_lower for model in admin.site._registry}
    stale += [f"ADMIN_OBJECTS[{label!r}]" for label in matrix.ADMIN_OBJECTS if label not in registered]
    stale += [f"ADMIN_REFUSALS[{label!r}]" for label in matrix.ADMIN_REFUSALS if label not in registered]

    assert not stale, "\n".join(f"{key}: no such URL pattern or admin model, remove it" for key in stale)


@pytest.mark.parametrize(("key", "actor_name"), CASES, ids=[f"{k}-{a}" for k, a in CASES])
def test_matrix(client, cast, key, actor_name, actor):
    rows = matrix.rows_for(key)
    if rows is None:
        pytest.fail(f"add a row for {key} to tests/permission_matrix.py")
    pattern = PATTERNS[key]
    ctx = matrix.Ctx(actor, other=cast.other)
    client = _signed_in_client(client, cast, actor_name)
    wrong = []
    for row in rows:
        kwargs = row.kwargs(ctx) if row.kwargs else {}
        url = _url(pattern, kwargs)
        data = row.data(ctx) if callable(row.data) else row.data
        for method, expectations in row.methods.items():
            expected = expectations[actor_name]
            response = _request(client, method, url, data, api=url.startswith("/api/"))
            if not _matches(response, expected):
                where = f" -> {response['Location']}" if response.status_code in (301, 302) else ""
                label = f"[{row.label}] " if row.label else ""
                wrong.append(
                    f"{label}{method} {url}: expected {expected!r}, got {response.status_code} "
                    f"({outcome(response)}){where}"
                )
            elif row.check is not None:
                row.check(ctx, method, response)
            if method != "GET":
                _still_signed_in(client, cast, actor_name)
    assert not wrong, f"{key} as {actor_name}:\n" + "\n".join(wrong)


# --- every HTML page answers with a Content-Security-Policy ---------------------------------------------------


def _html_cases() -> list[tuple[str, str]]:
    """Per pattern: the first signed-in actor whose GET is "ok", and the signed-out visitor when theirs is."""
    cases = []
    for key in PATTERNS:
        rows = matrix.rows_for(key) or ()
        signed_in = next((a for row in rows for a in matrix.ROLES if row.get[a] == "ok"), None)
        cases += [(key, signed_in)] if signed_in else []
        cases += [(key, "anon")] if any(row.get["anon"] == "ok" for row in rows) else []
    return cases


HTML_CASES = _html_cases()


@pytest.mark.parametrize(("key", "actor_name"), HTML_CASES, ids=[f"{k}-{a}" for k, a in HTML_CASES])
def test_html_pages_send_a_content_security_policy(client, cast, key, actor_name, actor):
    pattern = PATTERNS[key]
    ctx = matrix.Ctx(actor, other=cast.other)
    row = next(r for r in matrix.rows_for(key) if r.get[actor_name] == "ok")
    client = _signed_in_client(client, cast, actor_name)

    response = client.get(_url(pattern, row.kwargs(ctx) if row.kwargs else {}))

    assert 200 <= response.status_code < 300
    if response["Content-Type"].startswith("text/html"):
        assert "Content-Security-Policy" in response, f"{key}: HTML page without a Content-Security-Policy"
