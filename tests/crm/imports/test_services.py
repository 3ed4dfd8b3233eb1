"""The import services end to end in one process: upload, mapping, preview findings, decisions, the commit's
writes (create, update, skip, errors), all-or-nothing, the audit entry and the batched score signal."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from crm.importing.reading import FileProblem
from crm.models import Artist, AudienceSnapshot, Contact, Genre, ImportJob, SocialProfile, Sponsor, Tag
from crm.services.imports import (
    import_commit,
    import_discard,
    import_run,
    import_set_decisions,
    import_set_mapping,
    import_upload,
    preview_issues,
    preview_summary,
)
from crm.signals import score_inputs_changed
from tests.crm.factories import ArtistFactory, GenreFactory, SocialProfileFactory, SponsorFactory
from tests.crm.imports.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db

HEADER = ["Nom de scène", "E-mail", "Genres", "Pays", "Instagram", "Abonnés Instagram", "Alias", "Tags"]


def run(job, manager, django_capture_on_commit_callbacks=None):
    """Commit and run the job here (the task's body), as the worker would."""
    job = import_commit(job=job, by=manager)
    return import_run(job_id=job.pk)


def issue_for(job, row):
    return next(i for i in preview_issues(job) if i["row"] == row)


# --- upload and mapping ------------------------------------------------------------------------------------


def test_upload_recognises_the_file_and_guesses_the_mapping(uploaded):
    job = uploaded([HEADER, ["Léa", "lea@example.com", "Pop", "FR", "@lea", "12k", "", ""]])

    assert job.status == ImportJob.Status.UPLOADED
    assert (job.file_format, job.encoding, job.delimiter, job.total_rows) == ("csv", "utf-8", ",", 1)
    assert (
        job.mapping["Nom de scène"] == "stage_name"
        and job.mapping["Abonnés Instagram"] == "instagram_followers"
    )
    assert job.file.storage.exists(job.file.name)


def test_a_bad_file_leaves_no_job_and_no_file(manager, settings):
    with pytest.raises(FileProblem):
        import_upload(by=manager, kind="artists", file=upload(b"%PDF-1.4 ...", "artists.csv"))

    assert not ImportJob.objects.exists()
    media = settings.MEDIA_ROOT / "crm" / "imports"
    assert not media.exists() or not any(media.iterdir())


def test_a_file_over_the_limit_is_refused_before_reading(manager, settings, tmp_path):
    settings.CRM_IMPORT_MAX_BYTES = 1000

    with pytest.raises(ValidationError, match="larger than"):
        import_upload(by=manager, kind="artists", file=upload(b"Name\n" + b"x\n" * 1000))

    assert not ImportJob.objects.exists()


def test_a_100_mb_file_is_refused_with_a_clear_message(manager, tmp_path):
    from django.core.files import File

    big = tmp_path / "big.csv"
    with open(big, "wb") as stream:  # sparse: 100 MB + 1 byte on paper, nothing on disk
        stream.truncate(100 * 1024 * 1024 + 1)
    with open(big, "rb") as stream, pytest.raises(ValidationError) as error:
        import_upload(by=manager, kind="artists", file=File(stream, name="big.csv"))

    assert "larger than 100\xa0MB" in error.value.messages[0]


def test_mapping_without_the_required_column_says_which(uploaded, manager):
    job = uploaded([["E-mail", "Pays"], ["a@example.com", "FR"]])

    with pytest.raises(ValidationError, match="Stage name"):
        import_set_mapping(job=job, by=manager, mapping=job.mapping)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


# --- preview: errors and duplicates ------------------------------------------------------------------------


def test_preview_flags_row_errors_and_blocked_rows(checked):
    job = checked(
        [
            HEADER,
            ["Léa", "lea@", "Pop", "FR", "", "", "", ""],  # bad e-mail: an error, the row can still go in
            ["", "empty@example.com", "", "", "", "", "", ""],  # no stage name: blocked
            ["Zoé", "zoe@example.com", "Pop", "Atlantis", "", "lots", "", ""],  # two errors
            ["Ok", "ok@example.com", "Pop", "BE", "", "", "", ""],
        ]
    )

    assert job.status == ImportJob.Status.MAPPED
    assert issue_for(job, 2)["errors"] == {"email": "Not a valid e-mail address: “lea@”."}
    assert not issue_for(job, 2)["blocked"]
    assert issue_for(job, 3)["blocked"]
    assert set(issue_for(job, 4)["errors"]) == {"country", "instagram_followers"}
    assert preview_summary(job).items() >= {"total": 4, "create": 1, "error": 3, "skip": 0}.items()


@pytest.mark.parametrize(
    ("row", "keys"),
    [
        (["Someone Else", "lea@example.com", "", "", "", "", "", ""], ["email"]),
        (["LÉA  nova", "", "", "", "", "", "", ""], ["name"]),
        (["Other", "", "", "", "https://instagram.com/Lea.Nova", "", "", ""], ["handle"]),
        (["Lou N", "", "", "", "", "", "", ""], ["alias"]),  # the stage name is an existing alias
        (["New Name", "", "", "", "", "", "Léa Nova", ""], ["alias"]),  # an alias is an existing name
    ],
)
def test_duplicates_of_existing_artists_by_each_key(checked, row, keys):
    lea = ArtistFactory(stage_name="Léa Nova", email="Lea@Example.com", aliases=["Lou N."])
    SocialProfileFactory(artist=lea, platform="instagram", handle="lea.nova")

    job = checked([HEADER, row])

    [issue] = preview_issues(job)
    assert issue["match"]["id"] == lea.pk and issue["match"]["label"] == "Léa Nova"
    assert issue["match"]["keys"] == keys
    assert preview_summary(job)["skip"] == 1  # duplicates are skipped unless decided otherwise


def test_duplicate_handles_are_per_platform(checked):
    SocialProfileFactory(platform="tiktok", handle="lea")

    job = checked([HEADER, ["Léa", "", "", "", "@lea", "", "", ""]])  # Instagram @lea is someone else

    assert preview_issues(job) == []


def test_duplicates_within_the_file(checked):
    job = checked(
        [
            HEADER,
            ["Léa", "lea@example.com", "", "", "", "", "", ""],
            ["Zoé", "LEA@example.com", "", "", "", "", "", ""],
            ["léa", "", "", "", "", "", "", ""],
        ]
    )

    assert issue_for(job, 3)["twin"] == {"row": 2, "label": "Léa", "keys": ["email"]}
    assert issue_for(job, 4)["twin"]["keys"] == ["name"]


def test_sponsor_and_contact_duplicates(checked):
    brand = SponsorFactory(name="Maison Sucre", website="https://www.maisonsucre.fr")
    Contact.objects.create(first_name="Claire", last_name="Martin", email="claire@example.com", sponsor=brand,
                           normalized_name="claire martin")  # fmt: skip

    sponsors = checked(
        [["Brand", "Website"], ["MAISON SUCRE", ""], ["Other", "maisonsucre.fr/about"]], kind="sponsors"
    )
    contacts = checked(
        [["First name", "Last name", "Email", "Sponsor"],
         ["C.", "Dupont", "claire@example.com", ""],  # same e-mail
         ["Claire", "Martin", "", "Maison Sucre"],  # same name, same brand
         ["Claire", "Martin", "", "Other"]],  # same name at another brand: another person
        kind="contacts",
    )  # fmt: skip

    assert [i["match"]["keys"] for i in preview_issues(sponsors)] == [["name"], ["website"]]
    assert issue_for(contacts, 2)["match"]["keys"] == ["email"]
    assert issue_for(contacts, 3)["match"]["keys"] == ["name"]
    assert issue_for(contacts, 4)["match"] is None  # and its own error: no sponsor named Other


# --- decisions ---------------------------------------------------------------------------------------------


def test_decisions_per_row_and_for_all_duplicates(checked, manager):
    ArtistFactory(stage_name="Léa", email="lea@example.com")
    job = checked(
        [HEADER, ["Léa", "lea@example.com", "", "", "", "", "", ""], ["Léa", "", "", "", "", "", "", ""],
         ["Bad", "bad@", "", "", "", "", "", ""], ["", "x@example.com", "", "", "", "", "", ""]]
    )  # fmt: skip

    job = import_set_decisions(job=job, by=manager, decisions={2: "update", "4": "create"})
    assert preview_summary(job).items() >= {"update": 1, "create": 1, "skip": 1, "error": 1}.items()

    job = import_set_decisions(job=job, by=manager, all_duplicates="create")
    assert job.decisions == {"*": "create", "4": "create"}  # the duplicates' own choices are replaced
    assert preview_summary(job).items() >= {"update": 0, "create": 3, "error": 1}.items()

    with pytest.raises(ValidationError):  # the blocked row has no choice
        import_set_decisions(job=job, by=manager, decisions={5: "create"})
    with pytest.raises(ValidationError):  # update needs a record to update
        import_set_decisions(job=job, by=manager, decisions={4: "update"})
    with pytest.raises(
        ValidationError
    ):  # row 3 is not an issue row... row 3 is the in-file twin: fine; 9 is not
        import_set_decisions(job=job, by=manager, decisions={9: "skip"})


# --- the commit --------------------------------------------------------------------------------------------


def test_commit_creates_artists_with_everything(checked, manager):
    GenreFactory(name="Hip-Hop")
    Tag.objects.create(name="Festival")
    job = checked(
        [HEADER,
         ["Léa Nova", "lea@example.com", "hip hop; Électro", "France", "@Lea.Nova", "12,5k", "Lou N.; LN", "festival | VIP"],
         ["Zoé", "zoe@example.com", "Pop", "BE", "", "", "", ""]]
    )  # fmt: skip

    job = run(job, manager)

    assert job.status == ImportJob.Status.DONE, job.error
    assert (job.created_count, job.updated_count, job.skipped_count, job.error_count) == (2, 0, 0, 0)
    lea = Artist.objects.get(stage_name="Léa Nova")
    assert lea.normalized_name == "lea nova" and lea.aliases == ["Lou N.", "LN"] and lea.country == "FR"
    assert sorted(lea.genres.values_list("name", flat=True)) == ["Hip-Hop", "Électro"]  # existing one reused
    assert sorted(lea.tags.values_list("name", flat=True)) == ["Festival", "VIP"]
    assert lea.socials.get().handle == "lea.nova"
    assert AudienceSnapshot.objects.get(artist=lea).followers == 12500 and lea.audience_total == 12500
    assert lea.history.count() == 1 and lea.history.get().history_user == manager
    assert Genre.objects.filter(name="Électro").exists() and Genre.objects.count() == 3
    assert [e["outcome"] for e in job.log] == ["created", "created"] and job.log[0]["id"] == lea.pk


def test_update_overwrites_with_the_files_values_and_merges_lists(checked, manager):
    lea = ArtistFactory(
        stage_name="Léa",
        email="lea@example.com",
        city="Paris",
        aliases=["L"],
        genres=[GenreFactory(name="Pop")],
    )
    job = checked([["Stage name", "Email", "City", "Genres", "Aliases", "Bio", "Instagram followers"],
                   ["Léa", "lea@example.com", "Lyon", "Jazz", "LN", "", "900"]])  # fmt: skip
    job = import_set_decisions(job=job, by=manager, decisions={2: "update"})

    job = run(job, manager)

    lea.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.updated_count == 1
    assert lea.city == "Lyon" and lea.aliases == ["L", "LN"]
    assert sorted(lea.genres.values_list("name", flat=True)) == ["Jazz", "Pop"]
    assert lea.bio == "" and lea.legal_name  # empty cells erase nothing
    assert lea.audience_total == 900
    assert job.log[0]["message"] == "Changed: city, aliases, genres, Instagram followers."


def test_skipped_and_error_rows_are_logged_and_error_rows_can_go_in_without_bad_values(checked, manager):
    ArtistFactory(stage_name="Dup", email="dup@example.com")
    job = checked(
        [HEADER, ["Dup", "dup@example.com", "", "", "", "", "", ""], ["Bad mail", "bad@", "", "", "", "", "", ""],
         ["Kept", "kept@", "", "FR", "", "", "", ""], ["", "nobody@example.com", "", "", "", "", "", ""]]
    )  # fmt: skip
    job = import_set_decisions(job=job, by=manager, decisions={4: "create"})

    job = run(job, manager)

    assert (job.created_count, job.skipped_count, job.error_count) == (1, 1, 2)
    outcomes = {e["row"]: e["outcome"] for e in job.log}
    assert outcomes == {2: "skipped", 3: "error", 4: "created", 5: "error"}
    kept = Artist.objects.get(stage_name="Kept")
    assert kept.email == "" and kept.country == "FR"
    assert "E-mail: Not a valid e-mail address" in next(e for e in job.log if e["row"] == 3)["message"]


def test_create_anyway_keeps_a_taken_social_handle_with_its_owner(checked, manager):
    owner = ArtistFactory(stage_name="Owner")
    SocialProfileFactory(artist=owner, platform="instagram", handle="taken")
    job = checked([HEADER, ["Newcomer", "", "", "", "@taken", "", "", ""]])
    job = import_set_decisions(job=job, by=manager, decisions={2: "create"})

    job = run(job, manager)

    assert job.status == ImportJob.Status.DONE
    assert not SocialProfile.objects.filter(artist__stage_name="Newcomer").exists()
    assert "already belongs to another artist" in job.log[0]["message"]


def test_sponsors_and_contacts_are_created(checked, manager):
    brand = SponsorFactory(name="Maison Sucre")
    sponsors = run(
        checked([["Marque", "Secteur", "Budget min", "Budget max", "Devise", "Genres cibles", "Pays cibles"],
                 ["Fizz", "Drinks", "5 000", "25k", "€", "Pop", "France; Belgique"]], kind="sponsors"),
        manager,
    )  # fmt: skip
    contacts = run(
        checked([["Nom complet", "Courriel", "Marque", "Fonction"],
                 ["Claire Anne Martin", "claire@example.com", "maison sucre", "Brand manager"]], kind="contacts"),
        manager,
    )  # fmt: skip

    fizz = Sponsor.objects.get(name="Fizz")
    assert sponsors.status == contacts.status == ImportJob.Status.DONE
    assert (fizz.budget_min, fizz.budget_max, fizz.currency) == (
        Decimal("5000.00"),
        Decimal("25000.00"),
        "EUR",
    )
    assert fizz.target_regions == ["FR", "BE"] and fizz.target_genres.get().name == "Pop"
    claire = Contact.objects.get(email="claire@example.com")
    assert (claire.first_name, claire.last_name, claire.sponsor, claire.role) == (
        "Claire Anne",
        "Martin",
        brand,
        "Brand manager",
    )


def test_one_audit_entry_per_import_and_one_batched_score_signal(
    checked, manager, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, artist_ids, **kwargs):
        received.append(sorted(artist_ids))

    score_inputs_changed.connect(listener)
    try:
        job = checked(
            [HEADER] + [[f"Artist {n}", f"a{n}@example.com", "", "", "", "", "", ""] for n in range(30)]
        )
        with django_capture_on_commit_callbacks(execute=True):
            job = run(job, manager)
    finally:
        score_inputs_changed.disconnect(listener)

    assert AuditEvent.objects.filter(action="crm.import").count() == 1
    assert AuditEvent.objects.filter(action__startswith="crm.artist").count() == 0
    assert received == [sorted(Artist.objects.values_list("pk", flat=True))]


# --- all or nothing ----------------------------------------------------------------------------------------


def test_a_row_that_cannot_be_written_at_commit_time_rolls_everything_back(checked, manager):
    target = ArtistFactory(stage_name="Target", email="t@example.com")
    job = checked([HEADER] + [[f"New {n}", "", "Brand new genre", "", "", "", "", "new tag"] for n in range(1500)]
                  + [["Target", "t@example.com", "", "", "", "", "", ""]])  # fmt: skip
    job = import_set_decisions(job=job, by=manager, decisions={1502: "update"})
    target.delete()  # someone deletes the record to update between the preview and the commit
    before = (Artist.objects.count(), Genre.objects.count(), Tag.objects.count(), Artist.history.count())

    job = run(job, manager)

    assert job.status == ImportJob.Status.FAILED
    assert "Row 1502" in job.error and "deleted since the preview" in job.error
    assert (
        Artist.objects.count(),
        Genre.objects.count(),
        Tag.objects.count(),
        Artist.history.count(),
    ) == before
    assert AuditEvent.objects.filter(action="crm.import").count() == 0
    assert AuditEvent.objects.filter(action="crm.import.failed").count() == 1


def test_a_database_refusal_fails_the_job_and_writes_nothing(checked, manager):
    from django.db import connection

    job = checked([HEADER] + [[f"A{n}", "", "", "", f"@h{n}", "", "", ""] for n in range(1200)])
    with connection.cursor() as cursor:  # the database refuses one row of the second chunk (a real refusal)
        cursor.execute(
            """CREATE FUNCTION test_refuse() RETURNS trigger AS $$ BEGIN
                 IF NEW.handle = 'h1150' THEN
                   RAISE EXCEPTION 'duplicate key value violates unique constraint "x"' USING ERRCODE = '23505';
                 END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
               CREATE TRIGGER test_refuse BEFORE INSERT ON crm_socialprofile
                 FOR EACH ROW EXECUTE FUNCTION test_refuse();"""
        )
    counts = (Artist.objects.count(), SocialProfile.objects.count(), Artist.history.count())

    job = run(job, manager)

    assert job.status == ImportJob.Status.FAILED and "nothing was written" in job.error
    assert "duplicate key value" in job.error
    assert (Artist.objects.count(), SocialProfile.objects.count(), Artist.history.count()) == counts


def test_commit_refuses_when_nothing_would_be_written_and_states_are_guarded(checked, manager):
    ArtistFactory(stage_name="Dup")
    job = checked([HEADER, ["Dup", "", "", "", "", "", "", ""]])

    with pytest.raises(ValidationError, match="Nothing to import"):
        import_commit(job=job, by=manager)

    job = import_set_decisions(job=job, by=manager, decisions={2: "create"})
    import_commit(job=job, by=manager)
    with pytest.raises(ValidationError, match="no longer possible"):
        import_commit(job=job, by=manager)
    with pytest.raises(ValidationError):
        import_discard(job=job, by=manager)


def test_run_is_idempotent(checked, manager):
    job = checked([HEADER, ["Solo", "", "", "", "", "", "", ""]])
    job = run(job, manager)

    again = import_run(job_id=job.pk)

    assert again.status == ImportJob.Status.DONE and Artist.objects.filter(stage_name="Solo").count() == 1


def test_discard_deletes_the_job_and_its_file(uploaded, manager, django_capture_on_commit_callbacks):
    job = uploaded([HEADER, ["Solo", "", "", "", "", "", "", ""]])
    storage, name = job.file.storage, job.file.name

    with django_capture_on_commit_callbacks(execute=True):
        import_discard(job=job, by=manager)

    assert not ImportJob.objects.exists() and not storage.exists(name)


def test_xlsx_import_goes_through(uploaded, manager):
    from crm.services.imports import import_set_mapping

    job = uploaded(
        [["Stage name", "Followers Instagram", "Phone"], ["Xl", 12500, 33612345678]], name="a.xlsx"
    )
    job = import_set_mapping(job=job, by=manager, mapping=job.mapping)

    job = run(job, manager)

    artist = Artist.objects.get(stage_name="Xl")
    assert job.file_format == "xlsx" and artist.phone == "33612345678" and artist.audience_total == 12500


def test_semicolon_windows_1252_file_with_bom_free_accents(uploaded, manager):
    content = csv_bytes([["Nom de scène", "Ville"], ["Éloïse", "Besançon"]], delimiter=";", encoding="cp1252")
    job = import_upload(by=manager, kind="artists", file=upload(content))
    job = import_set_mapping(job=job, by=manager, mapping=job.mapping)

    job = run(job, manager)

    assert (job.encoding, job.delimiter) == ("cp1252", ";")
    assert Artist.objects.get(stage_name="Éloïse").city == "Besançon"


def test_a_huge_cell_is_a_row_error_not_a_crash(checked, manager):
    job = checked(
        [["Stage name", "Bio", "City"], ["Verbose", "la " * 20_000, "Paris"], ["Fine", "Short bio.", "Lyon"]]
    )

    [issue] = preview_issues(job)
    assert issue["row"] == 2 and issue["errors"] == {"bio": "Too long: 59,999 characters, at most 10,000."}
    job = import_set_decisions(job=job, by=manager, decisions={2: "create"})
    job = run(job, manager)
    assert (
        Artist.objects.get(stage_name="Verbose").bio == ""
        and Artist.objects.get(stage_name="Fine").city == "Lyon"
    )
