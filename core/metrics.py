"""Celery task metrics for Prometheus.

Worker processes count their tasks in one Redis hash (signal handlers below); the web process exposes them on
/metrics through :class:`CeleryTaskCollector`, next to django-prometheus' request, latency and database metrics:

    celery_tasks_total{task="notifications.tasks.x",state="success"}   started | success | failure | retry
    celery_task_runtime_seconds_sum{task="..."}  celery_task_runtime_seconds_count{task="..."}

A worker never fails a task because Redis is away: the counters are then lost (and logged at most once a minute).
Wiring: ``core.apps.CoreConfig.ready()`` calls :func:`connect_celery_signals` (the worker loads Django apps) and
:func:`register_collector`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis
from celery import signals
from django.conf import settings
from prometheus_client.core import REGISTRY, CounterMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

STATES = ("started", "success", "failure", "retry")
_SEP = "|"
_client_lock = threading.Lock()
_clients: dict[str, redis.Redis] = {}
_started: dict[str, float] = {}  # task_id → perf_counter at prerun (per worker process)
_last_error_log = 0.0


def metrics_key() -> str:
    return f"{settings.REDIS_PREFIX}:metrics:celery"


def _redis() -> redis.Redis:
    url = settings.REDIS_URL
    with _client_lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return _clients[url]


def _log_redis_error(exc: Exception) -> None:
    global _last_error_log
    now = time.monotonic()
    if now - _last_error_log > 60:
        _last_error_log = now
        logger.warning("Celery metrics: Redis unavailable (%s); counters not recorded.", type(exc).__name__)


# --- worker side ---------------------------------------------------------------------------------------------


def record_task_state(task_name: str, state: str) -> None:
    try:
        _redis().hincrby(metrics_key(), _SEP.join(("total", task_name, state)), 1)
    except Exception as exc:  # never fail the task for a metric
        _log_redis_error(exc)


def record_task_runtime(task_name: str, seconds: float) -> None:
    try:
        pipe = _redis().pipeline(transaction=False)
        pipe.hincrbyfloat(metrics_key(), _SEP.join(("runtime_sum", task_name)), seconds)
        pipe.hincrby(metrics_key(), _SEP.join(("runtime_count", task_name)), 1)
        pipe.execute()
    except Exception as exc:
        _log_redis_error(exc)


def _name(sender: Any = None, task: Any = None) -> str:
    task = task or sender
    return str(getattr(task, "name", None) or task or "unknown")


def on_task_prerun(sender=None, task_id=None, task=None, **kwargs) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()
    record_task_state(_name(sender, task), "started")


def on_task_postrun(sender=None, task_id=None, task=None, **kwargs) -> None:
    started = _started.pop(task_id, None) if task_id else None
    if started is not None:
        record_task_runtime(_name(sender, task), time.perf_counter() - started)


def on_task_success(sender=None, **kwargs) -> None:
    record_task_state(_name(sender), "success")


def on_task_failure(sender=None, **kwargs) -> None:
    record_task_state(_name(sender), "failure")


def on_task_retry(sender=None, **kwargs) -> None:
    record_task_state(_name(sender), "retry")


def connect_celery_signals() -> None:
    signals.task_prerun.connect(on_task_prerun, weak=False, dispatch_uid="core.metrics.prerun")
    signals.task_postrun.connect(on_task_postrun, weak=False, dispatch_uid="core.metrics.postrun")
    signals.task_success.connect(on_task_success, weak=False, dispatch_uid="core.metrics.success")
    signals.task_failure.connect(on_task_failure, weak=False, dispatch_uid="core.metrics.failure")
    signals.task_retry.connect(on_task_retry, weak=False, dispatch_uid="core.metrics.retry")


# --- web side ------------------------------------------------------------------------------------------------


def read_task_metrics() -> dict[str, dict]:
    """{"total": {(task, state): n}, "runtime_sum": {task: s}, "runtime_count": {task: n}} from Redis."""
    raw = _redis().hgetall(metrics_key())
    result: dict[str, dict] = {"total": {}, "runtime_sum": {}, "runtime_count": {}}
    for field, value in raw.items():
        kind, _, rest = field.decode().partition(_SEP)
        if kind == "total":
            task, _, state = rest.rpartition(_SEP)
            result["total"][(task, state)] = int(value)
        elif kind == "runtime_sum":
            result["runtime_sum"][rest] = float(value)
        elif kind == "runtime_count":
            result["runtime_count"][rest] = int(value)
    return result


class CeleryTaskCollector(Collector):
    def collect(self):
        try:
            data = read_task_metrics()
        except Exception as exc:  # a scrape still returns the web metrics when Redis is away
            _log_redis_error(exc)
            return
        total = CounterMetricFamily(
            "celery_tasks", "Celery tasks by task name and state (all workers).", labels=["task", "state"]
        )
        for (task, state), count in sorted(data["total"].items()):
            total.add_metric([task, state], count)
        yield total
        runtime = SummaryMetricFamily(
            "celery_task_runtime_seconds", "Celery task run time (all workers).", labels=["task"]
        )
        for task in sorted(data["runtime_count"]):
            runtime.add_metric(
                [task], count_value=data["runtime_count"][task], sum_value=data["runtime_sum"].get(task, 0.0)
            )
        yield runtime

    def describe(self):
        return []  # collected lazily: nothing to read at registration time


_collector: CeleryTaskCollector | None = None


def register_collector() -> None:
    global _collector
    if _collector is None:
        _collector = CeleryTaskCollector()
        REGISTRY.register(_collector)
