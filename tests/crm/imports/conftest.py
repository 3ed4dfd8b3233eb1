"""Fixtures of the import tests: uploads built from text or rows, and a job taken to a given step."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def csv_bytes(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, formulas: dict[str, str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "artists.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the project's default language is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def manager(make_user):
    return make_user("Manager", first_name="Léa", last_name="Martin")


SHARED_MEDIA_FIXTURES = {"celery_worker", "asgi_server", "page", "signed_in_page", "browser"}


@pytest.fixture(autouse=True)
def _media(request, settings, tmp_path):
    """Uploaded files go to a folder of their own per test — except where a worker or a server process reads
    them (they use the test settings' MEDIA_ROOT too)."""
    if not SHARED_MEDIA_FIXTURES.intersection(request.fixturenames):
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def uploaded(manager):
    """uploaded(rows, kind="artists", name=…) → a job at the mapping step."""
    from crm.services.imports import import_upload

    def _make(rows: list[list], *, kind: str = "artists", name: str = "file.csv", by=None, **options):
        content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows, **options)
        return import_upload(by=by or manager, kind=kind, file=upload(content, name))

    return _make


@pytest.fixture
def checked(uploaded, manager):
    """checked(rows, kind=…) → a job at the preview step (mapping as guessed)."""
    from crm.services.imports import import_set_mapping

    def _make(rows: list[list], *, kind: str = "artists", **options):
        job = uploaded(rows, kind=kind, **options)
        return import_set_mapping(job=job, by=manager, mapping=job.mapping)

    return _make
