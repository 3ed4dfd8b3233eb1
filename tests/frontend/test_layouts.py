"""The signed-in shell (layouts/app.html) and the signed-out layout (layouts/auth.html)."""

import json
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.frontend.markup import csp_nonce, csp_problems, parse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.frontend.urls")]

SHELL = "/__frontend__/shell/"


@pytest.fixture
def signed_in(client, make_user):
    def _login(role="Producer", **kwargs):
        user = make_user(role, **kwargs)  # Admins and Managers get TOTP, as they must
        client.force_login(user)
        return user

    return _login


def test_app_layout_renders_with_strict_csp(client, signed_in):
    signed_in()

    response = client.get(SHELL)

    assert response.status_code == 200
    header = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    nonce = csp_nonce(header)
    assert nonce
    markup = parse(response.content)
    assert csp_problems(markup, nonce) == []
    assert [s.attrs["src"] for s in markup.all("script")] == [
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/htmx-ext-ws/ws.js",
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        reverse("javascript-catalog"),
        "/static/js/app.js",
    ]
    assert all("defer" in s.attrs and s.attrs["nonce"] == nonce for s in markup.all("script"))
    assert {
        link.attrs["href"].rsplit("/", 1)[-1]
        for link in markup.all("link")
        if link.attrs.get("rel") == "stylesheet"
    } == {
        "bootstrap.min.css",
        "bootstrap-icons.min.css",
        "app.css",
    }


def test_app_layout_has_search_bell_toasts_and_live_socket(client, signed_in):
    signed_in()

    markup = parse(client.get(SHELL).content)

    search = markup.by_id("global-search")
    assert search.tag == "input" and search.attrs["type"] == "search" and search.attrs["name"] == "q"
    assert search.attrs["hx-get"] == reverse("dashboard:search")
    assert search.attrs["hx-trigger"] == "input changed delay:200ms, search"
    assert search.attrs["hx-target"] == "#search-results"
    assert search.attrs["placeholder"] == "Search… (/)"
    assert markup.by_id("search-results") is not None
    assert markup.by_id("notif-count") is not None
    dropdown = markup.by_id("notif-dropdown")
    assert dropdown.attrs["hx-get"] == reverse("notifications:bell")
    assert dropdown.attrs["hx-trigger"] == "show.bs.dropdown from:closest .dropdown"
    toasts = markup.by_id("toasts")
    assert {"toast-container", "position-fixed", "bottom-0", "end-0"} <= set(toasts.attrs["class"].split())
    live = next(e for e in markup.elements if "ws-connect" in e.attrs)
    assert live.attrs["hx-ext"] == "ws"
    assert live.attrs["ws-connect"] == "/ws/live/?groups=test.group.1,test.other"
    assert markup.by_id("live-status").attrs["data-state"] == "connecting"
    assert markup.by_id("main") is not None
    assert markup.by_id("page-body") is not None


def test_toasts_and_bell_sit_inside_the_live_socket_element(client, signed_in):
    signed_in()

    html = client.get(SHELL).content.decode()

    start = html.index("ws-connect=")
    for element_id in ('id="toasts"', 'id="notif-count"', 'id="page-body"'):
        assert html.index(element_id) > start


def test_body_sends_csrf_token_and_htmx_is_locked_down(client, signed_in):
    signed_in()

    markup = parse(client.get(SHELL).content)

    body = markup.all("body")[0]
    assert json.loads(body.attrs["hx-headers"])["X-CSRFToken"]
    assert body.attrs["data-login-url"] == reverse("account_login")
    config = next(m for m in markup.all("meta") if m.attrs.get("name") == "htmx-config")
    assert json.loads(config.attrs["content"]) == {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
        "selfRequestsOnly": True,
    }


@pytest.mark.parametrize(("unread", "hidden", "text"), [(0, True, "0"), (7, False, "7")])
def test_unread_count_is_hidden_at_zero(client, signed_in, unread, hidden, text):
    signed_in()

    html = client.get(SHELL, {"unread": unread}).content.decode()

    badge = parse(html).by_id("notif-count")
    assert ("hidden" in badge.attrs) is hidden
    assert f">{text}</span>" in html


def test_django_messages_render_as_toasts(client, signed_in):
    signed_in()

    html = client.get(SHELL, {"message": "Profile saved."}).content.decode()

    toasts = html[html.index('id="toasts"') :]
    assert 'class="toast ms-toast toast-success"' in toasts
    assert "Profile saved." in toasts


def test_user_menu_links_and_post_forms(client, signed_in):
    signed_in(first_name="Paula", last_name="Prod")

    response = client.get(SHELL)
    markup = parse(response.content)
    html = response.content.decode()

    hrefs = {e.attrs.get("href") for e in markup.all("a")}
    assert {reverse("accounts:profile"), reverse("notifications:preferences"), reverse("mfa_index")} <= hrefs
    forms = {f.attrs["action"]: f for f in markup.all("form")}
    assert forms[reverse("account_logout")].attrs["method"] == "post"
    assert forms[reverse("accounts:language")].attrs["method"] == "post"
    assert '<input type="hidden" name="next" value="/__frontend__/shell/">' in html
    assert {b.attrs.get("value") for b in markup.all("button") if b.attrs.get("name") == "language"} == {
        "fr",
        "en",
    }
    assert ">PP</span>" in html  # initials avatar
    assert "Paula Prod" in html


@pytest.mark.parametrize(("role", "sees_admin"), [("Admin", True), ("Manager", False), ("Viewer", False)])
def test_admin_links_only_for_admins(client, signed_in, role, sees_admin):
    signed_in(role)

    hrefs = {e.attrs.get("href") for e in parse(client.get(SHELL).content).all("a")}

    admin_links = {reverse("accounts:team"), reverse("audit:list"), reverse("admin:index")}
    assert (admin_links <= hrefs) is sees_admin
    assert not (admin_links & hrefs) or sees_admin


def test_sidebar_links_installed_modules_and_mutes_the_others(rf, make_user):
    from django.template.loader import render_to_string

    request = rf.get(SHELL)
    request.user = make_user("Viewer")
    modules = [
        SimpleNamespace(key="dash", label="Dashboard", icon="grid", url="/", active=True, available=True),
        SimpleNamespace(key="crm", label="CRM", icon="people", url=None, active=False, available=False),
    ]

    html = render_to_string("layouts/app.html", {"shell_modules": modules}, request=request)
    markup = parse(html)

    link = next(
        a for a in markup.all("a") if a.attrs.get("href") == "/" and "nav-link" in a.attrs.get("class", "")
    )
    assert "active" in link.attrs["class"] and link.attrs["aria-current"] == "page"
    muted = [e for e in markup.elements if e.tag == "span" and "disabled" in e.attrs.get("class", "").split()]
    assert len(muted) == 1 and muted[0].attrs["aria-disabled"] == "true"
    assert "badge-soon" in html and "CRM" in html


def test_auth_layout_for_anonymous_visitors(client):
    response = client.get("/__frontend__/auth/")

    assert response.status_code == 200
    markup = parse(response.content)
    assert csp_problems(markup, csp_nonce(response.headers["Content-Security-Policy"])) == []
    assert markup.by_id("auth-body") is not None
    form = next(f for f in markup.all("form") if f.attrs["action"] == reverse("accounts:language"))
    assert form.attrs["method"] == "post"
    assert "MONA" in response.content.decode() and "SPARK" in response.content.decode()
    assert markup.by_id("global-search") is None  # no app chrome on signed-out pages
