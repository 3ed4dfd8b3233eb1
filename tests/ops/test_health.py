import pytest
from django.urls import reverse

from core import metrics
from tests.testapp import tasks

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def test_healthz_needs_nothing(client):
    response = client.get("/healthz")  # no django_db mark: any query would fail the test

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert reverse("healthz") == "/healthz"


@pytest.mark.django_db
def test_readyz_checks_postgres_and_redis(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"postgres": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = UNREACHABLE_REDIS

    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["postgres"] == "ok"
    assert body["redis"] == "error: ConnectionError"  # the kind only: no host or port for the public


@pytest.mark.django_db
def test_ops_urls_are_open_to_signed_out_visitors(client):
    for url in ("/healthz", "/readyz", "/metrics"):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.fixture
def clean_task_metrics():
    redis, key = metrics._redis(), metrics.metrics_key()
    redis.delete(key)
    yield
    redis.delete(key)


@pytest.mark.django_db
def test_metrics_has_request_and_celery_task_metrics(client, clean_task_metrics):
    client.get("/healthz")
    assert tasks.add.apply(kwargs={"a": 1, "b": 2}).get() == 3
    tasks.add.apply(kwargs={"a": 2, "b": 2})
    tasks.fail.apply()

    response = client.get("/metrics")

    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "django_http_requests_total_by_method_total" in text
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text
    assert 'celery_tasks_total{state="success",task="testapp.add"} 2.0' in text
    assert 'celery_tasks_total{state="started",task="testapp.add"} 2.0' in text
    assert 'celery_tasks_total{state="failure",task="testapp.fail"} 1.0' in text
    assert 'celery_task_runtime_seconds_count{task="testapp.add"} 2.0' in text
    assert 'celery_task_runtime_seconds_sum{task="testapp.add"}' in text


@pytest.mark.django_db
def test_tasks_run_and_metrics_still_answer_when_redis_is_down(client, settings, clean_task_metrics):
    settings.REDIS_URL = UNREACHABLE_REDIS

    assert tasks.add.apply(kwargs={"a": 1, "b": 1}).get() == 2
    response = client.get("/metrics")

    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in response.content.decode()


@pytest.mark.django_db
def test_metrics_token(client, settings):
    settings.METRICS_TOKEN = "scrape-me-123"

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me-123").status_code == 200


def test_metrics_are_off_in_production_until_a_token_is_set(client, settings):
    settings.METRICS_REQUIRE_TOKEN = True
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404

    settings.METRICS_TOKEN = "scrape-me-123"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me-123").status_code == 200
