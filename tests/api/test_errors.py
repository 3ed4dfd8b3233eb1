import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.testapp.urls")]


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert {"status", "code", "message", "fields"} <= set(body["error"])
    assert body["error"]["status"] == response.status_code
    return body["error"]


def test_service_validation_error_is_400_with_fields(api_client):
    error = _error(api_client.post("/test-api/service-error/", {}))

    assert error["code"] == "invalid"
    assert error["fields"] == {"name": ["Already taken."], "non_field_errors": ["Dates overlap."]}
    assert error["message"] == "Dates overlap."


def test_serializer_validation_error_is_400_with_fields(api_client):
    response = api_client.post("/test-api/serializer-error/", {"name": "far too long"})

    error = _error(response)
    assert response.status_code == 400
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["name"]
    assert error["message"]


def test_not_authenticated_is_401_with_bearer_challenge(api_client):
    response = api_client.get("/test-api/staff-only/")

    error = _error(response)
    assert response.status_code == 401
    assert error["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    error = _error(api_client.get("/test-api/staff-only/"))

    assert error["status"] == 401
    assert error["code"] == "token_not_valid"


def test_permission_denied_is_403(api_client, make_user):
    api_client.force_authenticate(make_user("Viewer"))

    error = _error(api_client.get("/test-api/forbidden/"))

    assert error["status"] == 403
    assert error["code"] == "permission_denied"
    assert error["message"] == "Not for you."


def test_http404_is_404(api_client):
    error = _error(api_client.get("/test-api/missing/"))

    assert error["status"] == 404
    assert error["code"] == "not_found"
    assert error["fields"] == {}


def test_throttled_is_429_with_retry_after(api_client):
    assert api_client.get("/test-api/throttled/").status_code == 200

    response = api_client.get("/test-api/throttled/")

    error = _error(response)
    assert response.status_code == 429
    assert error["code"] == "throttled"
    assert 0 < error["retry_after"] <= 60
    assert int(response["Retry-After"]) == error["retry_after"]


def test_unexpected_error_is_not_swallowed(api_client):
    with pytest.raises(RuntimeError, match="boom"):
        api_client.get("/test-api/crash/")


def test_method_not_allowed_has_the_same_shape(api_client):
    error = _error(api_client.delete("/test-api/missing/"))

    assert error["status"] == 405
    assert error["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("role", "method", "owner_is_me", "expected"),
    [
        ("Viewer", "get", True, 200),
        ("Viewer", "get", False, 403),
        ("Admin", "get", False, 200),
        ("Viewer", "post", True, 403),
        ("Manager", "post", True, 201),
    ],
)
def test_predicate_permission_uses_the_predicates(api_client, make_user, role, method, owner_is_me, expected):
    user = make_user(role)
    api_client.force_authenticate(user)
    owner = user.pk if owner_is_me else user.pk + 1000

    response = getattr(api_client, method)(f"/test-api/things/{owner}/")

    assert response.status_code == expected


def test_predicate_permission_refuses_anonymous(api_client):
    assert api_client.get("/test-api/things/1/").status_code == 401
