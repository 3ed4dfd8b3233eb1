"""The import wizard in Chromium against the real daphne and Celery worker: upload a CSV with a bad row, see the
error on that row in the preview, change decisions, import, watch the progress reach 100 % live, read the log.
Screenshots of every step on a desktop and a phone."""

import re

import pytest
from playwright.sync_api import expect

from crm.models import Artist, ImportJob
from tests.crm.factories import ArtistFactory
from tests.crm.imports.conftest import csv_bytes
from tests.harness.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ROWS = 3000  # enough for the progress to be seen moving, quick enough for a test


def the_file() -> bytes:
    rows = [
        ["Nom de scène", "E-mail", "Genres", "Pays", "Instagram", "Abonnés Instagram"],
        ["Léa Nova", "lea@example.com", "Pop; Électro", "France", "@leanova", "12,5k"],
        ["Max Bad", "max@@example", "Rock", "Belgique", "", ""],  # the bad row: its e-mail
        ["Zoé Duval", "zoe@example.com", "Jazz", "FR", "", "900"],
    ]  # already in the CRM
    rows += [[f"Artiste {n}", f"a{n}@example.com", "Pop", "FR", f"@a{n}", str(n)] for n in range(ROWS - 3)]
    return csv_bytes(rows)  # fmt: skip


def no_sideways_scroll(page, what: str) -> None:
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{what}: the page is {scroll}px wide on a {client}px screen"


def test_import_with_a_bad_row_decisions_live_progress_and_log(signed_in_page, make_user, celery_worker):
    manager = make_user("Manager", first_name="Léa", last_name="Roussel")
    zoe = ArtistFactory(stage_name="Zoé Duval", email="zoe@example.com", city="Paris")
    page = signed_in_page(manager)
    phone = signed_in_page(manager, viewport=PHONE)

    # 1. upload
    page.goto("/crm/imports/")
    expect(page.locator(".empty-state")).to_contain_text("No imports yet")
    page.get_by_role("link", name="New import").first.click()
    expect(page.locator(".import-kind.is-checked")).to_contain_text("Artists")
    screenshot(page, "crm-import-1-upload-desktop")
    phone.goto("/crm/imports/new/")
    no_sideways_scroll(phone, "upload")
    screenshot(phone, "crm-import-1-upload-phone")
    page.set_input_files(
        "input[type=file]", {"name": "artistes.csv", "mimeType": "text/csv", "buffer": the_file()}
    )
    page.get_by_role("button", name="Upload and choose columns").click()

    # 2. columns: guessed from the French headers
    expect(page.locator(".import-steps-item.is-current")).to_contain_text("Columns")
    expect(page.locator("#col-0")).to_have_value("stage_name")
    expect(page.locator("#col-5")).to_have_value("instagram_followers")
    screenshot(page, "crm-import-2-columns-desktop")
    job = ImportJob.objects.get()
    phone.goto(f"/crm/imports/{job.pk}/")
    no_sideways_scroll(phone, "columns")
    screenshot(phone, "crm-import-2-columns-phone")
    page.get_by_role("button", name="Check the rows").click()

    # 3. check: the error is on row 3, the duplicate on row 4
    expect(page.locator(".import-steps-item.is-current")).to_contain_text("Check")
    bad = page.locator("#issue-3")
    expect(bad).to_contain_text("Max Bad")
    expect(bad).to_contain_text("Not a valid e-mail address: “max@@example”.")
    expect(page.locator(".import-preview-row.is-error")).to_contain_text("Not a valid e-mail address")
    expect(page.locator("#issue-4")).to_contain_text("Already in the CRM: Zoé Duval")
    expect(page.locator("#import-summary .is-error .import-stat-value")).to_have_text("1")
    screenshot(page, "crm-import-3-check-desktop")
    phone.goto(f"/crm/imports/{job.pk}/")
    no_sideways_scroll(phone, "check")
    screenshot(phone, "crm-import-3-check-phone")

    # decisions: the bad row goes in without its e-mail; the duplicate updates Zoé (htmx, counts follow)
    bad.locator("select[name=decision]").select_option("create")
    expect(page.locator("#issue-3")).to_contain_text("The invalid values are left out.")
    expect(page.locator(".import-preview-row").nth(1)).to_contain_text("New")  # the first rows follow
    expect(page.locator("#import-summary .is-error .import-stat-value")).to_have_text("0")
    page.locator("#issue-4 select[name=decision]").select_option("update")
    expect(page.locator("#import-summary .is-update .import-stat-value")).to_have_text("1")
    expect(page.locator("[data-import-commit]")).to_contain_text(f"Import {ROWS:,} rows")

    # 4. import (a plain POST, then the wizard page again): record every progress value it shows, live or polled
    page.locator("[data-import-commit]").click()
    page.wait_for_url(f"**/crm/imports/{job.pk}/")
    page.evaluate(
        """() => {
            window.__progress = [];
            const note = () => document.querySelectorAll('#import-progress').forEach((bar) => {
                const value = Number(bar.getAttribute('value'));
                if (window.__progress.at(-1) !== value) window.__progress.push(value);
            });
            note();
            new MutationObserver(note).observe(document.body, {childList: true, subtree: true, attributes: true});
        }"""
    )
    expect(page.locator(".import-progress-card, .import-result").first).to_be_visible()
    screenshot(page, "crm-import-4-progress-desktop")
    expect(page.locator(".import-result")).to_contain_text("Import finished.", timeout=60_000)
    expect(page.locator("#import-progress")).to_have_attribute("value", "100")
    seen = page.evaluate("() => window.__progress")
    assert seen and seen[-1] == 100, seen
    assert any(0 < value < 100 for value in seen), f"no progress shown between 0 and 100: {seen}"
    assert seen == sorted(seen), f"progress went backwards: {seen}"

    # the log: counts, outcomes, links
    expect(page.locator(".import-summary .is-create .import-stat-value")).to_have_text(f"{ROWS - 1:,}")
    expect(page.locator(".import-summary .is-update .import-stat-value")).to_have_text("1")
    log = page.locator("#import-log")
    expect(log.locator("tbody tr").first).to_contain_text("Léa Nova")
    page.get_by_role("link", name="Updated").click()
    expect(log.locator("tbody tr")).to_have_count(1)
    expect(log).to_contain_text("Zoé Duval")
    screenshot(page, "crm-import-5-log-desktop")
    phone.goto(f"/crm/imports/{job.pk}/")
    no_sideways_scroll(phone, "log")
    screenshot(phone, "crm-import-5-log-phone")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the log (CSV)").click()
    assert download.value.suggested_filename == f"artistes-log-{job.pk}.csv"

    max_bad = Artist.objects.get(stage_name="Max Bad")
    zoe.refresh_from_db()
    assert max_bad.email == "" and max_bad.country == "BE"
    assert zoe.city == "Paris" and sorted(zoe.genres.values_list("name", flat=True)) == ["Jazz"]
    assert Artist.objects.count() == ROWS

    # the history lists it
    page.goto("/crm/imports/")
    expect(page.locator(".import-history tbody tr")).to_have_count(1)
    expect(page.locator(".import-history")).to_contain_text(re.compile(r"artistes\.csv.*Artists.*Done", re.S))
    screenshot(page, "crm-import-6-history-desktop")
    phone.goto("/crm/imports/")
    no_sideways_scroll(phone, "history")
    screenshot(phone, "crm-import-6-history-phone")
