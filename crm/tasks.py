"""Celery tasks of the CRM: thin wrappers that load by id and call one service (enqueued after commit)."""

from celery import shared_task  # noqa: F401
