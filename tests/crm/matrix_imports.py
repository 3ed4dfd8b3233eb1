"""Permission rows for the import pages (crm/views/imports.py): Managers and Admins only; an import is seen by
its owner and by Admins (another Manager gets 404)."""

from tests.permission_matrix import MISSING, Row, but, not_allowed, roles_ok

writers = roles_ok("Manager", "Admin")
writers_redirect = roles_ok("Manager", "Admin", ok="redirect")
missing = but(writers, Manager="notfound", Admin="notfound")


def _job(owner) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from crm.services.imports import import_upload

    file = SimpleUploadedFile("artists.csv", "Nom de scène,E-mail\nLéa,lea@example.com\n".encode())
    return {"pk": import_upload(by=owner, kind="artists", file=file).pk}


def own_job(ctx) -> dict:
    return _job(ctx.owner)


def others_job(ctx) -> dict:
    return _job(ctx.other)


def job_rows(get, post=None) -> tuple[Row, ...]:
    """The actor's own import; somebody else's (Admins see every import); one that does not exist."""
    others_get = but(get, Manager="notfound") if get["Manager"] != "method" else get
    others_post = but(post, Manager="notfound") if post and post["Manager"] != "method" else post
    return (
        Row(get, post=post, kwargs=own_job),
        Row(others_get, post=others_post, kwargs=others_job, label="others"),
        Row(
            but(get, Manager="notfound", Admin="notfound") if get["Manager"] != "method" else get,
            post=but(post, Manager="notfound", Admin="notfound")
            if post and post["Manager"] != "method"
            else post,
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    )


ROWS = {
    "crm:import-list": Row(writers, post=not_allowed),
    "crm:import-new": Row(writers, post=writers),  # empty body: the form comes back with its errors
    "crm:import-template": (
        Row(writers, post=not_allowed, kwargs=lambda ctx: {"kind": "artists"}),
        Row(missing, kwargs=lambda ctx: {"kind": "planets"}, label="unknown kind"),
    ),
    "crm:import-detail": job_rows(writers, not_allowed),
    "crm:import-progress": job_rows(writers, not_allowed),
    "crm:import-log": job_rows(writers, not_allowed),
    # the job is at the mapping step: an empty mapping comes back with "Stage name is required…" (200)
    "crm:import-mapping": job_rows(not_allowed, writers),
    # not possible at the mapping step: back to the wizard with a message
    "crm:import-decide": job_rows(not_allowed, writers_redirect),
    "crm:import-commit": job_rows(not_allowed, writers_redirect),
    "crm:import-recheck": job_rows(not_allowed, writers_redirect),
    "crm:import-discard": job_rows(not_allowed, writers_redirect),  # discarded, back to the history
}
