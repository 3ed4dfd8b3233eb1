"""Reads of imports, scoped to who may see them (their owner; Admins see all)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from crm.models import ImportJob
from crm.permissions import imports_visible_to

HEAVY_FIELDS = ("log", "headers", "mapping", "decisions")


def import_list(*, user: Any) -> QuerySet[ImportJob]:
    """The history, newest first, without the logs (a 50,000-row log is megabytes)."""
    return (
        imports_visible_to(user).select_related("owner").defer(*HEAVY_FIELDS).order_by("-created_at", "-pk")
    )


def import_get(*, user: Any, pk: int, light: bool = False) -> ImportJob:
    """One import (404 when it is not the user's to see); ``light`` leaves the log and mapping unloaded."""
    queryset = imports_visible_to(user).select_related("owner")
    if light:
        queryset = queryset.defer(*HEAVY_FIELDS)
    return get_object_or_404(queryset, pk=pk)
