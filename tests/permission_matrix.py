"""The role × URL permission matrix: what every URL of the project answers to each kind of visitor.

tests/test_permission_matrix.py walks every URL pattern of the project and looks its key up here (the
namespaced URL name, or the route string when the pattern has no name). A pattern without a row fails the
suite ("add a row for <key> to tests/permission_matrix.py"), and so does a row whose pattern is gone: every
issue that adds a URL adds its row.

A row (:class:`Row`) gives, per HTTP method, the outcome expected for each actor:

    anon      signed out
    Viewer, Producer, Streamer                       one role each, no 2FA, not staff
    Manager   2FA on, not staff
    Admin     2FA on and is_staff (the back office's condition)

Outcomes: "ok" (2xx), "login" (302 to the sign-in page — allauth's or the admin's own — or 401 from the API),
"forbidden" (403), "notfound" (404), "redirect" (any other 302), "method" (405), or an exact status code.

URL arguments come from ``kwargs=lambda ctx: {...}``; ``ctx.actor`` is the signed-in user (None when signed
out), ``ctx.other`` another person (a Viewer), ``ctx.owner`` the actor or, when signed out, the other person.
A key may hold several rows (variants, each with a ``label``), e.g. the actor's own notification and somebody
else's.

Back office (``admin:`` and the admin's unnamed routes) rows follow a rule (:func:`admin_rule`): only the
Admin actor (active staff with 2FA) gets in, everybody else is sent to the admin's sign-in URL. Every model
registered with the admin is covered automatically; object pages use ``ADMIN_OBJECTS[app_label.model]`` (or
any existing row of the model). What a model admin refuses the Admin (no "add", read-only…) goes in
``ADMIN_REFUSALS``; an explicit row in ``ROWS`` wins over the rule.

Writes send ``data`` (form-encoded; JSON under /api/), by default an empty body: permission must be decided
before validation. ``check=`` adds assertions on the response (e.g. ``to("accounts:profile")``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib import admin

ACTORS = ("anon", "Viewer", "Producer", "Streamer", "Manager", "Admin")
ROLES = ACTORS[1:]

Expect = str | int
Expectations = Mapping[str, Expect]
OUTCOMES = ("ok", "login", "forbidden", "notfound", "redirect", "method")


# --- who gets what ---------------------------------------------------------------------------------------


def everyone(outcome: Expect = "ok") -> dict[str, Expect]:
    return dict.fromkeys(ACTORS, outcome)


def signed_in(outcome: Expect = "ok", *, anon: Expect = "login") -> dict[str, Expect]:
    """Signed-in people (any role) get `outcome`, visitors are sent to sign in."""
    return {"anon": anon, **dict.fromkeys(ROLES, outcome)}


def roles_ok(*roles: str, ok: Expect = "ok", others: Expect = "forbidden", anon: Expect = "login"):
    """The listed roles get `ok`, the other roles `others`, visitors are sent to sign in."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {"anon": anon, **{role: ok if role in roles else others for role in ROLES}}


def but(base: Expectations, **changes: Expect) -> dict[str, Expect]:
    """`base` with some actors changed: but(signed_in(), Admin="redirect")."""
    unknown = set(changes) - set(ACTORS)
    assert not unknown, f"unknown actors {unknown}"
    return {**base, **changes}


public = everyone("ok")
not_allowed = everyone("method")  # the view refuses the method before anything else (require_GET/POST first)
admin_only = roles_ok("Admin")
admin_site = roles_ok("Admin", others="login")  # the back office: everybody else meets the admin's sign-in


# --- rows ------------------------------------------------------------------------------------------------


class Ctx:
    """What a row's ``kwargs``/``data``/``check`` callables get: the actor, and other people made on demand."""

    def __init__(self, actor, *, other=None):
        self.actor = actor
        if other is not None:
            self.other = other

    @cached_property
    def other(self):
        from tests.factories import UserFactory

        return UserFactory(roles=["Viewer"])

    @property
    def owner(self):
        return self.actor if self.actor is not None else self.other


@dataclass(frozen=True)
class Row:
    get: Expectations
    post: Expectations | None = None
    other_methods: Mapping[str, Expectations] = field(default_factory=dict)  # {"PATCH": {...}}
    kwargs: Callable[[Ctx], dict[str, Any] | list] | None = None  # a list: positional arguments
    data: Mapping[str, Any] | Callable[[Ctx], Mapping[str, Any]] | None = None  # body of the writes
    label: str = ""
    check: Callable[[Ctx, str, Any], None] | None = None  # (ctx, method, response) extra assertions
    note: str = ""

    @property
    def methods(self) -> dict[str, Expectations]:
        methods = {"GET": self.get}
        if self.post is not None:
            methods["POST"] = self.post
        methods.update(self.other_methods)
        for method, expected in methods.items():
            assert set(expected) == set(ACTORS), f"{method}: expectations for {set(ACTORS) ^ set(expected)}"
            for outcome in expected.values():
                assert isinstance(outcome, int) or outcome in OUTCOMES, f"unknown outcome {outcome!r}"
        return methods


# --- objects the rows need -------------------------------------------------------------------------------


def own_notification(ctx: Ctx) -> dict:
    from tests.notifications.factories import NotificationFactory

    return {"pk": NotificationFactory(recipient=ctx.owner).pk}


def others_notification(ctx: Ctx) -> dict:
    from tests.notifications.factories import NotificationFactory

    return {"pk": NotificationFactory(recipient=ctx.other).pk}


def audit_event(ctx: Ctx) -> dict:
    from audit.models import AuditEvent
    from audit.services import audit_record

    audit_record(action="test.matrix", actor=ctx.other, target=ctx.other, data={"x": 1})
    return {"pk": AuditEvent.objects.latest("pk").pk}


def other_member(ctx: Ctx) -> dict:
    return {"pk": ctx.other.pk}


MISSING = {"pk": 2_000_000_000}


def reset_key(user) -> dict:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    return {"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}


def to(url_name: str) -> Callable[[Ctx, str, Any], None]:
    """A row `check`: a redirect goes to `url_name` (other answers are not looked at)."""

    def check(ctx: Ctx, method: str, response) -> None:
        from urllib.parse import urlsplit

        from django.urls import reverse

        if response.status_code == 302 and ctx.actor is not None:
            assert urlsplit(response["Location"]).path == reverse(url_name), response["Location"]

    return check


def admin_sent_to(url_name: str) -> Callable[[Ctx, str, Any], None]:
    """A row `check`: the Admin's redirect goes to `url_name` (the others meet the admin's sign-in)."""
    inner = to(url_name)

    def check(ctx: Ctx, method: str, response) -> None:
        if ctx.actor is not None and "Admin" in ctx.actor.role_names:
            inner(ctx, method, response)

    return check


def signup_stays_closed(ctx: Ctx, method: str, response) -> None:
    from accounts.models import User

    if ctx.actor is None:
        assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert not User.objects.filter(email="intruder@example.com").exists()


# --- the table -------------------------------------------------------------------------------------------

ROWS: dict[str, Row | tuple[Row, ...]] = {
    # dashboard
    "dashboard:home": Row(signed_in(), post=not_allowed),
    "dashboard:search": Row(signed_in(), post=not_allowed),
    # accounts (profile, language, Team page)
    "accounts:profile": Row(signed_in(), post=signed_in()),  # empty body: the form comes back with errors
    # shadows allauth's e-mail management (the address is the identity an Admin invited): to the profile
    "accounts:email": Row(signed_in("redirect"), post=signed_in("redirect"), check=to("accounts:profile")),
    "accounts:language": Row(
        not_allowed,
        # anonymous: back to the sign-in page (no `next`), which is where a visitor switches language
        post=signed_in("redirect", anon=302),
        data={"language": "en"},
    ),
    "accounts:team": Row(admin_only, post=not_allowed),
    "accounts:team-invite": Row(not_allowed, post=admin_only),  # empty body: the invitation form, with errors
    "accounts:team-member": (
        # a whole page asking for one row: back to the Team page (htmx gets the row)
        Row(roles_ok("Admin", ok="redirect"), post=not_allowed, kwargs=other_member),
        Row(roles_ok("Admin", ok="notfound"), kwargs=lambda ctx: MISSING, label="missing"),
    ),
    "accounts:team-member-roles": (
        Row(admin_only, post=admin_only, kwargs=other_member),  # empty body: the form, with errors
        Row(
            roles_ok("Admin", ok="notfound"),
            post=roles_ok("Admin", ok="notfound"),
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    ),
    "accounts:team-member-deactivate": Row(
        not_allowed, post=roles_ok("Admin", ok="redirect"), kwargs=other_member
    ),
    "accounts:team-member-reactivate": Row(
        not_allowed, post=roles_ok("Admin", ok="redirect"), kwargs=other_member
    ),
    "accounts:team-member-resend": Row(
        not_allowed, post=roles_ok("Admin", ok="redirect"), kwargs=other_member
    ),
    # allauth: signing in and resetting a password are public; signed-in people are sent on to the dashboard
    "account_login": Row(signed_in("redirect", anon="ok"), post=signed_in("redirect", anon="ok")),
    "account_logout": Row(signed_in(), post=everyone("login")),  # signed out, back to the sign-in page
    "account_inactive": Row(public, post=not_allowed),
    "account_signup": Row(
        signed_in("redirect", anon="ok"),  # the "sign-up is closed" page
        post=signed_in("redirect", anon="ok"),
        data={
            "email": "intruder@example.com",
            "password1": "Sup3r-secret-pw",
            "password2": "Sup3r-secret-pw",
        },
        check=signup_stays_closed,
    ),
    "account_reauthenticate": Row(signed_in(), post=signed_in()),
    "account_email": Row(  # unreachable: its URL is accounts:email's
        signed_in("redirect"), post=signed_in("redirect"), check=to("accounts:profile")
    ),
    "account_email_verification_sent": Row(public),
    "account_change_password": Row(signed_in(), post=signed_in()),
    "account_set_password": Row(signed_in("redirect"), post=signed_in("redirect")),  # they all have one
    "account_reset_password": Row(public, post=public),
    "account_reset_password_done": Row(public),
    "account_reset_password_from_key_done": Row(public),
    "account_reset_password_from_key": (
        # a valid link: the key goes into the session and the browser on to the form's key-less URL
        Row(everyone("redirect"), kwargs=lambda ctx: reset_key(ctx.other), label="valid"),
        Row(public, kwargs=lambda ctx: {"uidb36": "zz", "key": "bad-key"}, label="bad"),
    ),
    "account_confirm_email": Row(public, kwargs=lambda ctx: {"key": "no-such-key"}),
    "account_confirm_login_code": Row(signed_in("redirect")),  # login by code is off; signed in: to the home
    # allauth two-factor. A session made by force_login has no recent authentication: pages that change 2FA
    # send to re-authentication first ("redirect"). The actors' TOTP comes without recovery codes (404).
    "mfa_index": Row(signed_in(), post=signed_in("method")),
    "mfa_authenticate": Row(signed_in("redirect")),  # only in the middle of signing in; signed in: the home
    "mfa_reauthenticate": Row(  # needs 2FA on
        but(signed_in("redirect"), Manager="ok", Admin="ok"),
        post=but(signed_in("redirect"), Manager="ok", Admin="ok"),
    ),
    # re-authenticate first (Manager, Admin: already on)
    "mfa_activate_totp": Row(signed_in("redirect"), post=signed_in("redirect")),
    "mfa_deactivate_totp": Row(
        but(signed_in("notfound"), Manager="redirect", Admin="redirect"),
        post=but(signed_in("notfound"), Manager="redirect", Admin="redirect"),
    ),
    "mfa_view_recovery_codes": Row(signed_in("notfound")),
    "mfa_generate_recovery_codes": Row(signed_in("redirect"), post=signed_in("redirect")),
    "mfa_download_recovery_codes": Row(signed_in("notfound")),
    # notifications
    "notifications:list": Row(signed_in(), post=not_allowed),
    "notifications:bell": Row(signed_in(), post=not_allowed),
    "notifications:mark-all-read": Row(not_allowed, post=signed_in("redirect")),
    "notifications:mark-read": (
        Row(not_allowed, post=signed_in("redirect"), kwargs=own_notification, label="own"),
        Row(not_allowed, post=signed_in("notfound"), kwargs=others_notification, label="other"),
    ),
    "notifications:open": (
        Row(not_allowed, post=signed_in("redirect"), kwargs=own_notification, label="own"),
        Row(not_allowed, post=signed_in("notfound"), kwargs=others_notification, label="other"),
    ),
    "notifications:preferences": Row(signed_in(), post=signed_in()),
    "notifications:announce": Row(roles_ok("Admin", "Manager"), post=roles_ok("Admin", "Manager")),
    # audit trail
    "audit:list": Row(admin_only, post=not_allowed),
    "audit:detail": (
        Row(admin_only, post=not_allowed, kwargs=audit_event),
        Row(roles_ok("Admin", ok="notfound"), kwargs=lambda ctx: MISSING, label="missing"),
    ),
    # API: signed-out callers get 401; every signed-in member of staff may use it
    "api-root": Row(public, post=everyone("method")),
    "api-token": Row(everyone("method"), post=everyone(400)),
    "api-token-refresh": Row(everyone("method"), post=everyone(400)),
    "api-token-verify": Row(everyone("method"), post=everyone(400)),
    "api-me": Row(signed_in(), post=signed_in("method")),
    "api-schema": Row(signed_in()),
    "api-docs": Row(signed_in()),
    "api-redoc": Row(signed_in()),
    # read-only endpoints answer writes with 405 (core.api.permissions lets unimplemented methods through)
    "notifications-api:notification-list": Row(signed_in(), post=signed_in("method")),
    "notifications-api:notification-mark-all-read": Row(signed_in("method"), post=signed_in()),
    "notifications-api:notification-detail": (
        Row(signed_in(), post=signed_in("method"), kwargs=own_notification, label="own"),
        Row(signed_in("notfound"), kwargs=others_notification, label="other"),
    ),
    "notifications-api:notification-mark-read": (
        Row(signed_in("method"), post=signed_in(), kwargs=own_notification, label="own"),
        Row(signed_in("method"), post=signed_in("notfound"), kwargs=others_notification, label="other"),
    ),
    "notifications-api:preference-list": Row(signed_in(), post=signed_in("method")),
    "notifications-api:preference-detail": (
        Row(
            signed_in("method"),
            other_methods={"PATCH": signed_in(400)},
            kwargs=lambda ctx: {"kind": "system"},
        ),
        Row(
            signed_in("method"),
            other_methods={"PATCH": signed_in("notfound")},
            kwargs=lambda ctx: {"kind": "no-such-kind"},
            data={"channel": "none"},
            label="unknown-kind",
        ),
    ),
    # operations and the JavaScript catalogue
    "javascript-catalog": Row(public, post=everyone("method")),
    "healthz": Row(public, post=everyone("method")),
    "readyz": Row(public, post=everyone("method")),
    "metrics": Row(public, post=everyone("method")),  # settings.METRICS_TOKEN is empty in tests
    # back office: the site's own pages (model pages follow admin_rule below)
    "admin:index": Row(admin_site),
    "admin:login": Row(roles_ok("Admin", ok="redirect")),  # allauth's sign-in; 403 for non-staff
    # GET is refused (POST signs out); anybody else is sent back to the index (and from there to sign in)
    "admin:logout": Row(
        roles_ok("Admin", ok="method", others="redirect", anon="redirect"),
        post=roles_ok("Admin", others="redirect", anon="redirect"),
    ),
    # the admin's own form is replaced by a redirect to allauth's (rate limits, e-mail notice, audit)
    "admin:password_change": Row(
        but(admin_site, Admin="redirect"),
        post=but(admin_site, Admin="redirect"),
        check=admin_sent_to("account_change_password"),
    ),
    "admin:password_change_done": Row(admin_site),
    # no model admin has autocomplete fields: 403 without app_label/model_name/field_name
    "admin:autocomplete": Row(but(admin_site, Admin="forbidden")),
    "admin:jsi18n": Row(admin_site),
    "admin:view_on_site": Row(
        but(admin_site, Admin="notfound"),  # users have no page of their own on the site
        kwargs=lambda ctx: {"content_type_id": _content_type_id("accounts.user"), "object_id": ctx.other.pk},
    ),
    "admin:app_list": tuple(  # every app with a model in the back office
        Row(admin_site, kwargs=lambda ctx, label=label: {"app_label": label}, label=label)
        for label in sorted({model._meta.app_label for model in admin.site._registry})
    ),
    "admin/(?P<url>.*)$": Row(but(admin_site, Admin="notfound"), kwargs=lambda ctx: {"url": "no/such/page/"}),
    "admin:accounts_user_simple_history": Row(
        admin_site,
        kwargs=lambda ctx: [ctx.other.pk, ctx.other.history.latest().pk],  # positional groups
    ),
}


# --- the back office, by rule ----------------------------------------------------------------------------

ADMIN_MODEL_PAGE = re.compile(r"^admin:(?P<model>\w+)_(?P<page>changelist|add|history|delete|change)$")
ADMIN_OLD_CHANGE_URL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$")

# One object per model for the admin's object pages: "app_label.model_name" -> ctx -> instance.
ADMIN_OBJECTS: dict[str, Callable[[Ctx], Any]] = {
    "accounts.user": lambda ctx: ctx.other,
    "auth.group": lambda ctx: _group("Viewer"),
    "account.emailaddress": lambda ctx: _email_address(ctx.other),
    "mfa.authenticator": lambda ctx: _authenticator(ctx.other),
    "audit.auditevent": lambda ctx: _audit_event_object(ctx),
    "notifications.notification": lambda ctx: _notification(ctx.other),
    "notifications.notificationpreference": lambda ctx: _preference(ctx.other),
}

# What the Admin actor meets on a model's pages where the model admin refuses something (the rest: "ok").
# (page, method) -> outcome, per model.
ADMIN_REFUSALS: dict[str, dict[tuple[str, str], Expect]] = {
    # people are invited from the Team page; nobody deletes their own account (the rule uses somebody else)
    "accounts.user": {("add", "GET"): "forbidden", ("add", "POST"): "forbidden"},
    # authenticators: viewable and deletable (reset somebody's 2FA), never added or edited
    "mfa.authenticator": {
        ("add", "GET"): "forbidden",
        ("add", "POST"): "forbidden",
        ("change", "POST"): "forbidden",
    },
    # the audit trail is read-only
    "audit.auditevent": {
        ("add", "GET"): "forbidden",
        ("add", "POST"): "forbidden",
        ("change", "POST"): "forbidden",
        ("delete", "GET"): "forbidden",
        ("delete", "POST"): "forbidden",
    },
}


def _registered_models() -> dict[str, Any]:
    """ "<app_label>_<model_name>" (as in admin URL names) -> model, for every model the admin knows."""
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def admin_object(model, ctx: Ctx):
    label = model._meta.label_lower
    maker = ADMIN_OBJECTS.get(label)
    if maker is not None:
        return maker(ctx)
    existing = model._default_manager.order_by("pk").first()
    assert existing is not None, (
        f"the admin pages of {label} need an object: add an ADMIN_OBJECTS entry to tests/permission_matrix.py"
    )
    return existing


def admin_rule(key: str) -> Row | None:
    """The row of a back-office model page, or None when `key` is not one."""
    models = _registered_models()
    match = ADMIN_MODEL_PAGE.match(key)
    if match and match["model"] in models:
        model, page = models[match["model"]], match["page"]
        refusals = ADMIN_REFUSALS.get(model._meta.label_lower, {})

        def expect(method: str) -> dict[str, Expect]:
            return but(admin_site, Admin=refusals.get((page, method), "ok"))

        kwargs = None
        if page not in ("changelist", "add"):
            kwargs = lambda ctx: {"object_id": admin_object(model, ctx).pk}  # noqa: E731
        # writes (empty body): add/change show the form with errors, delete shows the confirmation again
        post = expect("POST") if page in ("add", "change", "delete") else None
        return Row(expect("GET"), post=post, kwargs=kwargs, note="admin_rule")
    match = ADMIN_OLD_CHANGE_URL.match(key)
    if match and f"{match['app']}_{match['model']}" in models:
        model = models[f"{match['app']}_{match['model']}"]
        # the pre-1.9 change URL: a redirect to the change page, behind the admin's sign-in like the rest
        return Row(
            roles_ok("Admin", ok="redirect", others="login"),
            kwargs=lambda ctx: {"object_id": admin_object(model, ctx).pk},
            note="admin_rule",
        )
    return None


def _load_feature_tables() -> None:
    """Feature tables live beside their tests: every ``tests/**/matrix_*.py`` module may define ``ROWS``,
    ``ADMIN_OBJECTS`` and ``ADMIN_REFUSALS``, merged here (a key defined twice is a mistake)."""
    import importlib
    from pathlib import Path

    tests_dir = Path(__file__).resolve().parent
    for path in sorted(tests_dir.rglob("matrix_*.py")):
        module = importlib.import_module(".".join(("tests", *path.relative_to(tests_dir).with_suffix("").parts)))
        for name, table in (("ROWS", ROWS), ("ADMIN_OBJECTS", ADMIN_OBJECTS), ("ADMIN_REFUSALS", ADMIN_REFUSALS)):
            extra = getattr(module, name, {})
            clash = set(extra) & set(table)
            assert not clash, f"{path.name}: {name} keys already defined elsewhere: {sorted(clash)}"
            table.update(extra)


_load_feature_tables()


def rows_for(key: str) -> tuple[Row, ...] | None:
    row = ROWS.get(key) or admin_rule(key)
    if row is None:
        return None
    return row if isinstance(row, tuple) else (row,)


# --- helpers for the objects -----------------------------------------------------------------------------


def _content_type_id(label: str) -> int:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(apps.get_model(label)).pk


def _group(name: str):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


def _email_address(user):
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True})[0]


def _authenticator(user):
    from allauth.mfa.models import Authenticator

    from tests.conftest import enable_totp

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return existing
    enable_totp(user)
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)


def _audit_event_object(ctx: Ctx):
    from audit.models import AuditEvent

    return AuditEvent.objects.get(pk=audit_event(ctx)["pk"])


def _notification(user):
    from tests.notifications.factories import NotificationFactory

    return NotificationFactory(recipient=user)


def _preference(user):
    from notifications.models import NotificationPreference

    return NotificationPreference.objects.get_or_create(
        user=user, kind="system", defaults={"channel": "none"}
    )[0]
