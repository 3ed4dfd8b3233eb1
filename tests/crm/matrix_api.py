"""Permission rows of the CRM's REST API (/api/crm/) and the objects of the CRM's back-office pages.

The API follows the web: Viewer, Producer, Manager and Admin read; Manager and Admin write; the Streamer gets
403; signed-out callers 401 ("login"). Writes send an empty JSON body: permission is decided first, then the
writers meet the validation (400) or, where every field is optional, succeed."""

from tests.permission_matrix import MISSING, Row, admin_site, roles_ok, signed_in

readers = roles_ok("Viewer", "Producer", "Manager", "Admin")


def writers(ok="ok"):
    return roles_ok("Manager", "Admin", ok=ok)


method = signed_in("method")  # a method the endpoint does not have (405 for anyone signed in)
missing = roles_ok("Viewer", "Producer", "Manager", "Admin", ok="notfound")


# --- objects (one per case: a write may delete it) ---------------------------------------------------------------


def _artist(ctx):
    from tests.crm.factories import ArtistFactory

    return ArtistFactory()


def _sponsor(ctx):
    from tests.crm.factories import SponsorFactory

    return SponsorFactory()


def _contact(ctx):
    from tests.crm.factories import ContactFactory

    return ContactFactory(sponsor=_sponsor(ctx))


def _deal(ctx):
    from tests.crm.factories import DealFactory

    return DealFactory()


def _campaign(ctx):
    from tests.crm.factories import CampaignFactory

    return CampaignFactory()


def _note(ctx):
    from tests.crm.factories import InteractionFactory

    return InteractionFactory(kind="note")


def _social(ctx):
    from tests.crm.factories import SocialProfileFactory

    return SocialProfileFactory()


def _snapshot(ctx):
    from tests.crm.factories import AudienceSnapshotFactory

    return AudienceSnapshotFactory()


def _tag(ctx):
    from tests.crm.factories import TagFactory

    return TagFactory()


def _genre(ctx):
    from tests.crm.factories import GenreFactory

    return GenreFactory()


def _pipeline(ctx):
    from crm.models import Pipeline

    return Pipeline.objects.get(kind="sponsorship")


def _empty_stage(ctx):
    from crm.models import Stage

    pipeline = _pipeline(ctx)
    count = Stage.objects.filter(pipeline=pipeline).count()
    return Stage.objects.create(pipeline=pipeline, name=f"Matrix {count}", position=count)


def _empty_pipeline(ctx):
    from crm.models import Pipeline

    return Pipeline.objects.create(name=f"Matrix {Pipeline.objects.count()}")


def _saved_view(ctx):
    from crm.models import SavedView

    return SavedView.objects.create(owner=ctx.other, list_key="artists", name="Signed", query="status=signed")


def _scoring_config(ctx):
    from crm.models import ScoringConfig

    return ScoringConfig.objects.order_by("pk").first() or ScoringConfig.objects.create()


def _import_job(ctx):
    from crm.models import ImportJob

    return ImportJob.objects.create(
        owner=ctx.other, kind="artists", file="crm/imports/matrix.csv", original_name="artists.csv"
    )


def pk_of(maker):
    return lambda ctx: {"pk": maker(ctx).pk}


def history_of(maker):
    def kwargs(ctx):
        obj = maker(ctx)
        return [obj.pk, obj.history.latest().pk]

    return kwargs


# --- the API -----------------------------------------------------------------------------------------------------


def _crud(maker, *, put="400"):
    """Rows of a full-CRUD resource: list (create: 400 on an empty body), detail (PUT, PATCH, DELETE), missing."""
    put_outcome = 400 if put == "400" else put
    return {
        "list": Row(readers, post=writers(400)),
        "detail": (
            Row(
                readers,
                post=method,
                other_methods={"PUT": writers(put_outcome), "PATCH": writers(), "DELETE": writers()},
                kwargs=pk_of(maker),
            ),
            Row(missing, kwargs=lambda ctx: MISSING, label="missing"),
        ),
    }


ROWS = {}
for _name, _maker in (
    ("artist", _artist),
    ("sponsor", _sponsor),
    ("contact", _contact),
    ("deal", _deal),
    ("campaign", _campaign),
):
    _rows = _crud(_maker)
    ROWS[f"crm-api:{_name}-list"] = _rows["list"]
    ROWS[f"crm-api:{_name}-detail"] = _rows["detail"]

ROWS.update(
    {
        # the board's move: writers meet the validation (no stage given)
        "crm-api:deal-move": (
            Row(method, post=writers(400), kwargs=pk_of(_deal)),
            Row(
                method,
                post=roles_ok("Manager", "Admin", ok="notfound"),
                kwargs=lambda ctx: MISSING,
                label="missing",
            ),
        ),
        # socials: add and remove, no change
        "crm-api:social-list": Row(readers, post=writers(400)),
        "crm-api:social-detail": Row(
            readers, post=method, other_methods={"PATCH": method, "DELETE": writers()}, kwargs=pk_of(_social)
        ),
        # audience: recorded (a day's value again replaces it), never changed or deleted here
        "crm-api:audience-snapshot-list": Row(readers, post=writers(400)),
        "crm-api:audience-snapshot-detail": Row(
            readers, post=method, other_methods={"PATCH": method, "DELETE": method}, kwargs=pk_of(_snapshot)
        ),
        # the timeline: added and deleted (system events refuse), never changed
        "crm-api:interaction-list": Row(readers, post=writers(400)),
        "crm-api:interaction-detail": Row(
            readers, post=method, other_methods={"PATCH": method, "DELETE": writers()}, kwargs=pk_of(_note)
        ),
        # pipelines: every field of a change is optional (an empty change is fine); no delete
        "crm-api:pipeline-list": Row(readers, post=writers(400)),
        "crm-api:pipeline-detail": (
            Row(
                readers,
                post=method,
                other_methods={"PUT": writers(), "PATCH": writers(), "DELETE": method},
                kwargs=pk_of(_pipeline),
            ),
            Row(missing, kwargs=lambda ctx: MISSING, label="missing"),
        ),
        "crm-api:pipeline-reorder-stages": Row(method, post=writers(400), kwargs=pk_of(_pipeline)),
        "crm-api:stage-list": Row(readers, post=writers(400)),
        "crm-api:stage-detail": Row(
            readers,
            post=method,
            other_methods={"PUT": writers(), "PATCH": writers(), "DELETE": writers()},
            kwargs=pk_of(_empty_stage),
        ),
        # reference lists: read-only
        "crm-api:tag-list": Row(readers, post=method),
        "crm-api:tag-detail": Row(readers, post=method, kwargs=pk_of(_tag)),
        "crm-api:genre-list": Row(readers, post=method),
        "crm-api:genre-detail": Row(readers, post=method, kwargs=pk_of(_genre)),
        # back office: the object history pages of the historised models
        "admin:crm_artist_simple_history": Row(admin_site, kwargs=history_of(_artist)),
        "admin:crm_sponsor_simple_history": Row(admin_site, kwargs=history_of(_sponsor)),
        "admin:crm_deal_simple_history": Row(admin_site, kwargs=history_of(_deal)),
    }
)

# --- the back office ---------------------------------------------------------------------------------------------

ADMIN_OBJECTS = {
    "crm.tag": _tag,
    "crm.genre": _genre,
    "crm.artist": _artist,  # without deals: deletable
    "crm.socialprofile": _social,
    "crm.audiencesnapshot": _snapshot,
    "crm.sponsor": _sponsor,
    "crm.contact": _contact,
    "crm.pipeline": _empty_pipeline,
    "crm.stage": _empty_stage,
    "crm.campaign": _campaign,
    "crm.deal": _deal,
    "crm.interaction": _note,
    "crm.savedview": _saved_view,
    "crm.scoringconfig": _scoring_config,
    "crm.importjob": _import_job,
}

_refused = "forbidden"
ADMIN_REFUSALS = {
    # one row, made by the migration: never added again nor deleted
    "crm.scoringconfig": {
        ("add", "GET"): _refused,
        ("add", "POST"): _refused,
        ("delete", "GET"): _refused,
        ("delete", "POST"): _refused,
    },
    # imports come from the import page: looked at and deleted here, never added or changed
    "crm.importjob": {("add", "GET"): _refused, ("add", "POST"): _refused, ("change", "POST"): _refused},
    # timeline entries are added (through the service) and deleted, never changed
    "crm.interaction": {("change", "POST"): _refused},
}
