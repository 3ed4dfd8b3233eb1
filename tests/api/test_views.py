import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_me_returns_the_current_user(api_client, make_user, django_assert_max_num_queries):
    user = make_user("Manager", language="fr", time_zone="Europe/Berlin", job_title="A&R")
    api_client.force_authenticate(user)

    with django_assert_max_num_queries(3):
        response = api_client.get("/api/me/")

    body = response.json()
    assert response.status_code == 200
    assert body["email"] == user.email
    assert body["roles"] == ["Manager"]
    assert body["language"] == "fr"
    assert body["time_zone"] == "Europe/Berlin"
    assert body["job_title"] == "A&R"
    assert body["two_factor_enabled"] is True
    assert body["full_name"] == user.get_full_name()


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_api_root_lists_every_endpoint(api_client):
    response = api_client.get("/api/")

    body = response.json()
    assert response.status_code == 200
    for name, path in {
        "api-me": "/api/me/",
        "api-token": "/api/auth/token/",
        "api-token-refresh": "/api/auth/token/refresh/",
        "api-token-verify": "/api/auth/token/verify/",
        "api-schema": "/api/schema/",
        "api-docs": "/api/docs/",
        "api-redoc": "/api/redoc/",
    }.items():
        assert body[name] == f"http://testserver{path}"
    # router entries of the apps' APIs are listed too (detail routes need an id: left out)
    assert any(url.endswith("/api/notifications/") for url in body.values())
    assert not any("{" in url or "<" in url for url in body.values())
    assert "api-root" not in body


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stdout=StringIO())

    text = out.read_text()
    assert "/api/auth/token/" in text
    assert "/api/me/" in text


def test_schema_needs_a_signed_in_user(api_client, make_user):
    assert api_client.get("/api/schema/").status_code == 401
    api_client.force_authenticate(make_user("Viewer"))
    assert api_client.get("/api/schema/").status_code == 200


def _csp_nonce(response) -> str:
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src")).split()
    assert "'unsafe-inline'" not in script_src
    assert "'self'" in script_src
    nonces = [s for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1
    return nonces[0].removeprefix("'nonce-").rstrip("'")


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_work_under_the_strict_csp(client, make_user, url):
    client.force_login(make_user("Producer"))

    response = client.get(url)

    assert response.status_code == 200
    nonce = _csp_nonce(response)
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    for attrs, body in scripts:
        assert body.strip() == ""  # no inline code at all
        assert f'nonce="{nonce}"' in attrs
        assert re.search(r'src="/(static|api)/', attrs)  # same origin (sidecar files), no CDN
    for attrs in re.findall(r"<style\b([^>]*)>", html):
        assert f'nonce="{nonce}"' in attrs
    assert "style=" not in html.replace("stylesheet", "")
    assert "fonts.googleapis" not in html


def test_swagger_init_script_is_served_as_javascript(client, make_user):
    client.force_login(make_user("Producer"))
    page = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*)"', page).group(1).replace("&amp;", "&")

    response = client.get(script_url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
    assert "/api/schema/" in response.content.decode()


def test_docs_send_signed_out_visitors_to_login(client):
    response = client.get("/api/docs/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
