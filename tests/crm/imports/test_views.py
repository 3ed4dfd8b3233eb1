"""The import pages: upload (and its limits), the wizard's steps, decisions over htmx, commit, progress, the
log download, and constant query counts."""

import csv
import io

import pytest
from django.urls import reverse

from crm.models import Artist, ImportJob
from crm.services.imports import import_commit, import_run, import_set_decisions
from tests.crm.factories import ArtistFactory
from tests.crm.imports.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db

HEADER = ["Stage name", "Email", "Country"]


@pytest.fixture
def client_for(client):
    def _login(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return _login


@pytest.fixture
def manager_client(client_for, manager):
    return client_for(manager)


def detail(job):
    return reverse("crm:import-detail", args=[job.pk])


# --- upload ----------------------------------------------------------------------------------------------


def test_upload_page_and_a_good_upload(manager_client):
    page = manager_client.get(reverse("crm:import-new"))
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content and b'data-max-bytes="104857600"' in page.content

    response = manager_client.post(
        reverse("crm:import-new"),
        {"kind": "artists", "file": upload(csv_bytes([HEADER, ["Léa", "l@example.com", "FR"]]))},
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(job)
    assert job.kind == "artists" and job.total_rows == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.5 ...", "This is a PDF file, not a spreadsheet."),
        (b"Stage name,Email\n", "no rows to import"),
    ],
)
def test_bad_uploads_come_back_with_a_clear_message(manager_client, content, message):
    response = manager_client.post(
        reverse("crm:import-new"), {"kind": "artists", "file": upload(content, "x.csv")}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused_while_streaming_and_never_stored(manager_client, settings):
    settings.CRM_IMPORT_MAX_BYTES = 10_000
    content = csv_bytes([HEADER] + [[f"Artist {n}", "", "FR"] for n in range(2000)])  # ~30 kB

    response = manager_client.post(reverse("crm:import-new"), {"kind": "artists", "file": upload(content)})

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "The file is larger than 9.8\xa0KB. Split it into smaller files" in html
    )  # the real limit, in words
    assert "This field is required" not in html
    assert not ImportJob.objects.exists()
    assert not (settings.MEDIA_ROOT / "crm").exists()


def test_upload_needs_a_kind_and_a_file(manager_client):
    response = manager_client.post(reverse("crm:import-new"), {"kind": "planets"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"kind", "file"}


def test_upload_checks_csrf(client_for, manager):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)

    response = strict.post(
        reverse("crm:import-new"), {"kind": "artists", "file": upload(csv_bytes([HEADER, ["A", "", ""]]))}
    )

    assert response.status_code == 403 and not ImportJob.objects.exists()


# --- mapping -----------------------------------------------------------------------------------------------


def test_mapping_step_shows_columns_samples_and_guesses(uploaded, manager_client):
    job = uploaded([["Nom de scène", "Courriel", "Inconnue"], ["Léa", "lea@example.com", "x"]])

    page = manager_client.get(detail(job)).content.decode()

    assert 'name="col-0"' in page and '<option value="stage_name" selected>' in page
    assert '<option value="email" selected>' in page
    assert "lea@example.com" in page  # a sample value


def test_mapping_without_the_required_column_names_it(uploaded, manager_client):
    job = uploaded([["Nom de scène", "Courriel"], ["Léa", "lea@example.com"]])

    response = manager_client.post(
        reverse("crm:import-mapping", args=[job.pk]), {"col-0": "", "col-1": "email"}
    )

    assert response.status_code == 200
    assert "“Stage name” is required but no column is mapped to it" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


def test_mapping_then_preview_shows_the_bad_row_and_the_duplicate(uploaded, manager_client):
    ArtistFactory(stage_name="Zoé", email="zoe@example.com")
    job = uploaded(
        [HEADER, ["Léa", "lea@", "FR"], ["Zoé", "zoe@example.com", "BE"], ["Ok", "ok@example.com", "FR"]]
    )

    response = manager_client.post(
        reverse("crm:import-mapping", args=[job.pk]),
        {"col-0": "stage_name", "col-1": "email", "col-2": "country"},
    )
    assert response.status_code == 302

    page = manager_client.get(detail(job)).content.decode()
    assert "Not a valid e-mail address: “lea@”." in page
    assert 'id="issue-2"' in page and 'id="issue-3"' in page
    assert "Already in the CRM:" in page and "same e-mail" in page
    assert "Import 1 row" in page


# --- decisions -----------------------------------------------------------------------------------------------


def test_a_decision_over_htmx_answers_with_the_row_and_the_new_counts(checked, manager_client):
    ArtistFactory(stage_name="Zoé", email="zoe@example.com")
    job = checked([HEADER, ["Zoé", "zoe@example.com", "BE"]])

    response = manager_client.post(
        reverse("crm:import-decide", args=[job.pk]),
        {"row": "2", "decision": "update"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="import-issues">')  # a div: the out-of-band parts parse with it
    assert '<tr id="issue-2" class="import-issue is-update">' in html
    assert 'id="import-summary" class="import-summary" hx-swap-oob="true"' in html
    assert 'id="import-commit" class="import-commit" hx-swap-oob="true"' in html
    assert 'id="import-first-rows" class="table-card" hx-swap-oob="true"' in html
    assert '<option value="update" selected>' in html
    job.refresh_from_db()
    assert job.decisions == {"2": "update"}


def test_apply_to_all_duplicates_answers_with_the_whole_step(checked, manager_client):
    ArtistFactory(stage_name="Zoé", email="zoe@example.com")
    job = checked([HEADER, ["Zoé", "zoe@example.com", "BE"], ["zoe", "", ""]])

    response = manager_client.post(
        reverse("crm:import-decide", args=[job.pk]),
        {"all_duplicates": "create"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="import-step",
    )

    assert response.content.decode().lstrip().startswith('<div id="import-step"')
    job.refresh_from_db()
    assert job.decisions == {"*": "create"}


def test_a_refused_decision_sends_the_page_back_with_a_message(checked, manager_client):
    job = checked([HEADER, ["Solo", "", ""]])

    response = manager_client.post(
        reverse("crm:import-decide", args=[job.pk]),
        {"row": "2", "decision": "update"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200 and response["HX-Redirect"] == detail(job)


# --- commit, progress, log -----------------------------------------------------------------------------------


def test_commit_queues_the_task_after_the_commit(
    checked, manager_client, monkeypatch, django_capture_on_commit_callbacks
):
    from crm import tasks

    queued = []
    monkeypatch.setattr(tasks.import_run_task, "delay", lambda **kwargs: queued.append(kwargs))
    job = checked([HEADER, ["Solo", "", ""]])

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("crm:import-commit", args=[job.pk]))

    assert response.status_code == 302 and queued == [{"job_id": job.pk}]
    page = manager_client.get(detail(job)).content.decode()
    assert "Waiting for a worker…" in page
    assert f'hx-get="{reverse("crm:import-progress", args=[job.pk])}" hx-trigger="every 2s"' in page


def test_a_broker_outage_fails_the_job_with_a_clear_message(
    checked, manager, monkeypatch, django_capture_on_commit_callbacks
):
    from crm import tasks

    def broker_down(**kwargs):
        raise ConnectionError("redis is away")

    monkeypatch.setattr(tasks.import_run_task, "delay", broker_down)
    job = checked([HEADER, ["Solo", "", ""]])

    with django_capture_on_commit_callbacks(execute=True):
        import_commit(job=job, by=manager)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "task queue is unavailable" in job.error


def test_progress_fragment_while_running(checked, manager_client):
    job = checked([HEADER] + [[f"A{n}", "", ""] for n in range(40)])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, processed_rows=10)

    html = manager_client.get(reverse("crm:import-progress", args=[job.pk])).content.decode()

    assert '<progress class="import-progress" id="import-progress" max="100" value="25"' in html
    assert "10 of 40 rows · 25%" in html


def test_done_step_log_and_csv_download(checked, manager, manager_client):
    ArtistFactory(stage_name="Zoé", email="zoe@example.com")
    job = checked(
        [HEADER, ["Léa", "lea@example.com", "FR"], ["Zoé", "zoe@example.com", "BE"], ["Bad", "bad@", ""]]
    )
    job = import_commit(job=job, by=manager)
    job = import_run(job_id=job.pk)
    lea = Artist.objects.get(stage_name="Léa")

    page = manager_client.get(detail(job)).content.decode()
    assert "Import finished." in page and "Import log" in page
    assert f'href="/crm/artists/{lea.pk}/"' in page
    errors_only = manager_client.get(detail(job) + "?outcome=error").content.decode()
    assert "bad@" in errors_only and "Léa" not in errors_only.split("Import log")[1]

    response = manager_client.get(reverse("crm:import-log", args=[job.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Row", "Outcome", "Name", "Message", "Record"]
    assert rows[1] == ["2", "Created", "Léa", "", f"http://testserver/crm/artists/{lea.pk}/"]
    assert rows[2][:3] == ["3", "Skipped", "Zoé"] and "Already in the CRM: Zoé (same e-mail" in rows[2][3]
    assert rows[3][:3] == ["4", "Error", "Bad"] and "Not a valid e-mail address" in rows[3][3]
    assert response["Content-Disposition"] == f'attachment; filename="file-log-{job.pk}.csv"'


def test_failed_step_explains_and_offers_to_check_again(checked, manager, manager_client):
    job = checked([HEADER, ["Solo", "", ""]])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error="Row 2 broke.")

    page = manager_client.get(detail(job)).content.decode()
    assert "Nothing was imported." in page and "Row 2 broke." in page

    manager_client.post(reverse("crm:import-recheck", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPED and job.error == ""


def test_sample_files_map_back_onto_every_field(manager_client, manager):
    from crm.importing.fields import KINDS, guess_mapping

    for kind, spec in KINDS.items():
        response = manager_client.get(reverse("crm:import-template", args=[kind]))
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert set(guess_mapping(header, kind).values()) == {f.name for f in spec.fields} - {"full_name"}, (
            kind
        )


def test_another_managers_import_is_not_found_but_an_admin_sees_it(uploaded, client_for, make_user):
    job = uploaded([HEADER, ["Solo", "", ""]])

    assert client_for(make_user("Manager")).get(detail(job)).status_code == 404
    assert client_for(make_user("Admin")).get(detail(job)).status_code == 200


# --- query counts ---------------------------------------------------------------------------------------------


def _jobs(owner, n):
    for i in range(n):
        ImportJob.objects.create(owner=owner, kind="artists", original_name=f"f{i}.csv", file=f"crm/imports/f{i}.csv",
                                 status="done", total_rows=10, created_count=10, log=[{"row": 2, "outcome": "created"}] * 500)  # fmt: skip


def test_history_query_count_is_constant(manager, manager_client, django_assert_num_queries):
    _jobs(manager, 3)
    # session, user, roles, 2FA check, count, page of imports (owners joined), unread notifications
    with django_assert_num_queries(7) as few:
        assert manager_client.get(reverse("crm:import-list")).status_code == 200
    _jobs(manager, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        manager_client.get(reverse("crm:import-list"))


def test_detail_query_counts_are_constant(checked, manager, manager_client, django_assert_num_queries):
    small = checked([HEADER] + [[f"A{n}", "bad@" if n % 2 else "", ""] for n in range(3)])
    big = checked([HEADER] + [[f"B{n}", "bad@" if n % 2 else "", ""] for n in range(30)])
    # session, user, roles, 2FA check, the import, genres, tags (to name the new ones), unread notifications
    with django_assert_num_queries(8) as few:
        manager_client.get(detail(small))
    with django_assert_num_queries(len(few.captured_queries)):
        manager_client.get(detail(big))

    for job in (small, big):
        import_set_decisions(job=job, by=manager, decisions={})
        import_run(job_id=import_commit(job=job, by=manager).pk)
    with django_assert_num_queries(6) as few:  # the finished step: session, user, roles, 2FA, import, unread
        manager_client.get(detail(small))
    with django_assert_num_queries(len(few.captured_queries)):
        manager_client.get(detail(big))
