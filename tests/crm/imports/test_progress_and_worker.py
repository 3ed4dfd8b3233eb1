"""Progress of a commit is visible while its transaction is still open (from other connections and over the
live socket), and a 5,000-row file goes through the real Celery worker."""

import threading
import time

import pytest
from django.db import connections, transaction

from crm.importing import live
from crm.importing.progress import ProgressReporter
from crm.models import Artist, ImportJob
from crm.services.imports import import_commit, import_run, import_set_mapping, import_upload
from tests.crm.imports.conftest import csv_bytes, upload
from tests.harness.browser import in_thread

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["Stage name", "Email", "Genres", "Country", "Instagram", "Instagram followers", "Tags"]


def rows(n: int, prefix: str = "Artist") -> list[list]:
    return [HEADER] + [
        [f"{prefix} {i}", f"{prefix.lower()}{i}@example.com", "Pop; Rock" if i % 2 else "Jazz", "FR", f"@{prefix.lower()}{i}",
         str(1000 + i), "imported"]
        for i in range(n)
    ]  # fmt: skip


def outside(function):
    """Run a read on another connection (what another page, or the polling, sees)."""
    return in_thread(function)


def test_reported_progress_is_committed_while_the_import_transaction_is_open(manager):
    job = ImportJob.objects.create(
        owner=manager, kind="artists", original_name="x.csv", file="x.csv", total_rows=100
    )

    with transaction.atomic():
        Artist.objects.create(
            stage_name="Inside", normalized_name="inside"
        )  # not visible outside until commit
        with ProgressReporter(job_id=job.pk, interval=0.05) as reporter:
            reporter.report(42)
            deadline = time.monotonic() + 5
            while outside(lambda: ImportJob.objects.get(pk=job.pk).processed_rows) != 42:
                assert time.monotonic() < deadline, "progress never became visible"
                time.sleep(0.05)
            artist_seen_outside = outside(lambda: Artist.objects.filter(stage_name="Inside").exists())

    assert artist_seen_outside is False
    assert ImportJob.objects.get(pk=job.pk).processed_rows == 42


def test_a_running_import_shows_its_progress_and_no_record_before_the_end(manager, monkeypatch):
    from crm.importing import writing
    from crm.services import imports

    monkeypatch.setattr(writing, "CHUNK", 50)  # many small chunks: many progress reports,
    monkeypatch.setattr(imports, "PROGRESS_INTERVAL", 0.01)  # each written at once
    # and each one stays visible a moment, so the polling below sees one even on a loaded machine
    publish = imports._publish_progress

    def publish_and_pause(job_id: int) -> None:
        publish(job_id)
        time.sleep(0.05)

    monkeypatch.setattr(imports, "_publish_progress", publish_and_pause)
    # this test runs the import itself, in a thread: the session's real Celery worker must not take it too
    monkeypatch.setattr("crm.tasks.import_run_task.delay", lambda **kwargs: None)
    job = import_upload(by=manager, kind="artists", file=upload(csv_bytes(rows(2000))))
    job = import_set_mapping(job=job, by=manager, mapping=job.mapping)
    job = import_commit(job=job, by=manager)
    seen: list[tuple[str, int, int]] = []

    def work():
        try:
            import_run(job_id=job.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        status, processed = ImportJob.objects.filter(pk=job.pk).values_list("status", "processed_rows").get()
        seen.append((status, processed, Artist.objects.count()))
        time.sleep(0.02)
    worker.join()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 2000
    midway = [s for s in seen if s[0] == "running" and 0 < s[1] < 2000]
    assert midway, f"no intermediate progress seen in {seen[:5]}…{seen[-5:]}"
    assert all(
        count == 0 for _status, _processed, count in midway
    )  # all or nothing: nothing visible before the end


def test_live_group_join_and_resync(manager, make_user):
    job = ImportJob.objects.create(owner=manager, kind="artists", original_name="x.csv", file="x.csv", total_rows=8,
                                   status="running", processed_rows=2)  # fmt: skip

    assert live.can_join(manager, str(job.pk))
    assert live.can_join(make_user("Admin"), str(job.pk))
    assert not live.can_join(make_user("Manager"), str(job.pk))  # another Manager's import
    assert not live.can_join(make_user("Viewer"), str(job.pk))
    assert not live.can_join(manager, "nope")
    html = live.resync(manager, str(job.pk))
    assert html.startswith('<div id="import-step"') and 'value="25"' in html
    ImportJob.objects.filter(pk=job.pk).update(status="done")
    assert live.resync(manager, str(job.pk)) == ""  # a page opened on a finished import is already right


def test_progress_is_pushed_on_the_live_socket(asgi_server, manager):
    """What the worker publishes reaches the page's socket (joined to crm.import.<pk>)."""
    import asyncio

    import websockets

    from tests.harness.sessions import session_cookie

    job = ImportJob.objects.create(owner=manager, kind="artists", original_name="x.csv", file="x.csv", total_rows=4,
                                   status="running", processed_rows=1)  # fmt: skip
    cookie = session_cookie(manager)

    async def listen() -> list[str]:
        headers = {"Origin": asgi_server.url, "Cookie": f"{cookie['name']}={cookie['value']}"}
        url = f"{asgi_server.ws_url}/ws/live/?groups={live.group(job.pk)}"
        async with websockets.connect(url, additional_headers=headers, open_timeout=10) as socket:
            frames = []
            while not any('id="import-step"' in f for f in frames):  # the resync on joining
                frames.append(await asyncio.wait_for(socket.recv(), timeout=10))

            def progress():  # what the import's reporter thread does
                ImportJob.objects.filter(pk=job.pk).update(processed_rows=3)
                live.publish_step(ImportJob.objects.select_related("owner").get(pk=job.pk))

            await asyncio.to_thread(in_thread, progress)
            while True:
                frame = await asyncio.wait_for(socket.recv(), timeout=10)
                if 'id="import-step"' in frame:
                    return frame

    frame = asyncio.run(listen())
    assert 'value="75"' in frame and "3 of 4 rows" in frame


def test_5000_rows_through_the_real_celery_worker(celery_worker, manager):
    job = import_upload(by=manager, kind="artists", file=upload(csv_bytes(rows(5000, "Worker"))))
    job = import_set_mapping(job=job, by=manager, mapping=job.mapping)
    started = time.monotonic()

    import_commit(job=job, by=manager)  # queues import_run_task on commit (autocommit here: at once)

    statuses = set()
    while True:
        job.refresh_from_db()
        statuses.add(job.status)
        if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
            break
        assert time.monotonic() - started < 90, f"still {job.status} after 90 s"
        time.sleep(0.2)
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.created_count == 5000 and job.processed_rows == 5000
    assert Artist.objects.filter(stage_name__startswith="Worker ").count() == 5000
    assert Artist.objects.get(stage_name="Worker 7").socials.get().handle == "worker7"
    assert "running" in statuses or "queued" in statuses
