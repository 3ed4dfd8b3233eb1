"""Operations endpoints, open without signing in (core/urls.py):

- ``/healthz``: the process answers (no database, no Redis) — for the container HEALTHCHECK / liveness probe.
- ``/readyz``: PostgreSQL answers ``SELECT 1`` and Redis answers PING, each within about a second — for the
  load balancer. 200 or 503, with ``{"postgres": "ok" | "error: <kind>", "redis": ...}`` (details in the log).
- ``/metrics``: Prometheus text (django-prometheus + Celery task metrics); ``Authorization: Bearer
  <METRICS_TOKEN>`` when settings.METRICS_TOKEN is set; with METRICS_REQUIRE_TOKEN (production) and no token,
  404.
"""

from __future__ import annotations

import hmac
import logging

import psycopg
import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

CHECK_TIMEOUT_SECONDS = 1
logger = logging.getLogger("core.health")


def _error(exc: Exception) -> str:
    """The public answer names the kind of failure only; the detail (hosts, ports, users) goes to the log."""
    logger.warning("readiness check failed: %s", exc, exc_info=True)
    return f"error: {type(exc).__name__}"


def check_postgres() -> str:
    params = {**connection.get_connection_params(), "connect_timeout": CHECK_TIMEOUT_SECONDS}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    try:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f"SET statement_timeout = {CHECK_TIMEOUT_SECONDS * 1000}")
            conn.execute("SELECT 1").fetchone()
    except Exception as exc:
        return _error(exc)
    return "ok"


def check_redis() -> str:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except Exception as exc:
        return _error(exc)
    finally:
        client.close()
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"postgres": check_postgres(), "redis": check_redis()}
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if ready else 503)


@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token and settings.METRICS_REQUIRE_TOKEN:
        # production: off until a token is configured, so the figures never leak by default
        return HttpResponse("Not found\n", status=404, content_type="text/plain")
    if token:
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    return ExportToDjangoView(request)
