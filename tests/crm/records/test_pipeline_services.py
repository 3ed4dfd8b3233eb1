"""The pipeline settings services (crm.services.pipelines): pipelines, stages added, renamed, reordered, set won or
lost, and deleted only by moving their deals to another stage of the same pipeline."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from crm.models import Deal, Interaction, Pipeline, Stage
from crm.services import pipelines as services
from crm.timeline import describe
from tests.crm.factories import DealFactory, signing, sponsorship, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("Manager", first_name="Léa", last_name="Roussel")


def names(pipeline: Pipeline) -> list[str]:
    return list(Stage.objects.filter(pipeline=pipeline).order_by("position").values_list("name", flat=True))


def positions(pipeline: Pipeline) -> list[int]:
    return list(
        Stage.objects.filter(pipeline=pipeline).order_by("position").values_list("position", flat=True)
    )


# --- pipelines -------------------------------------------------------------------------------------------------


def test_pipeline_create_comes_last_with_starter_stages_and_is_audited(manager):
    pipeline = services.pipeline_create(by=manager, name="  Bookings  ", kind="other")

    assert pipeline.name == "Bookings"
    assert pipeline.position > sponsorship().position
    assert names(pipeline) == ["New", "In progress", "Won", "Lost"]
    assert list(pipeline.stages.values_list("outcome", flat=True).order_by("position")) == [
        "open",
        "open",
        "won",
        "lost",
    ]
    assert AuditEvent.objects.filter(action="crm.pipeline.create", actor=manager).exists()


def test_pipeline_create_refuses_a_taken_name_in_any_case_and_a_blank_one(manager):
    with pytest.raises(ValidationError) as taken:
        services.pipeline_create(by=manager, name="sponsorship")
    assert "already exists" in taken.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as blank:
        services.pipeline_create(by=manager, name="   ")
    assert "name" in blank.value.message_dict
    assert Pipeline.objects.count() == 2


def test_pipeline_update_renames_and_archives(manager):
    pipeline = services.pipeline_update(pipeline=signing(), by=manager, name="Signings", archived=True)

    pipeline.refresh_from_db()
    assert (pipeline.name, pipeline.archived) == ("Signings", True)
    event = AuditEvent.objects.get(action="crm.pipeline.update")
    assert event.data["name"] == ["Artist signing", "Signings"]
    with pytest.raises(ValidationError):
        services.pipeline_update(pipeline=pipeline, by=manager, name="Sponsorship")


# --- stages ----------------------------------------------------------------------------------------------------


def test_an_open_stage_is_added_before_the_won_and_lost_stages(manager):
    pipeline = sponsorship()
    stage_ = services.stage_create(pipeline=pipeline, by=manager, name="Contract sent", probability=90)

    assert names(pipeline) == ["Lead", "Qualified", "Proposal", "Negotiation", "Contract sent", "Won", "Lost"]
    assert positions(pipeline) == list(range(7))
    assert (stage_.probability, stage_.outcome) == (90, "open")
    assert stage_.color.startswith("#")


def test_a_closed_stage_is_added_last(manager):
    pipeline = sponsorship()
    services.stage_create(pipeline=pipeline, by=manager, name="Postponed", outcome="lost", color="#ABCDEF")

    assert names(pipeline)[-1] == "Postponed"
    assert Stage.objects.get(name="Postponed", pipeline=pipeline).color == "#abcdef"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "lead"}, "name"),  # taken, whatever the case
        ({"name": "Fine", "probability": 101}, "probability"),
        ({"name": "Fine", "probability": "a lot"}, "probability"),
        ({"name": "Fine", "outcome": "maybe"}, "outcome"),
        ({"name": "Fine", "color": "red"}, "color"),
    ],
)
def test_stage_create_refuses_bad_input_with_a_field_error(manager, fields, field):
    with pytest.raises(ValidationError) as error:
        services.stage_create(pipeline=sponsorship(), by=manager, **fields)
    assert field in error.value.message_dict
    assert len(names(sponsorship())) == 6


def test_stage_update_renames_sets_probability_colour_and_audits_the_change(manager):
    proposal = stage(sponsorship(), "Proposal")
    services.stage_update(stage=proposal, by=manager, name="Offer", probability=55, color="#112233")

    proposal.refresh_from_db()
    assert (proposal.name, proposal.probability, proposal.color) == ("Offer", 55, "#112233")
    event = AuditEvent.objects.get(action="crm.stage.update")
    assert event.data["name"] == ["Proposal", "Offer"] and event.data["probability"] == [50, 55]


def test_stage_update_refuses_the_name_of_another_stage_of_the_pipeline(manager):
    with pytest.raises(ValidationError) as error:
        services.stage_update(stage=stage(sponsorship(), "Proposal"), by=manager, name="Won")
    assert "already has a stage" in error.value.message_dict["name"][0]
    # the same name in another pipeline is fine
    services.stage_update(stage=stage(signing(), "Meeting"), by=manager, name="Proposal")


def test_a_stage_marked_won_closes_its_deals_and_back_to_open_reopens_them(manager):
    proposal = stage(sponsorship(), "Proposal")
    deal = DealFactory(stage=proposal)

    services.stage_update(stage=proposal, by=manager, outcome="won")
    deal.refresh_from_db()
    assert deal.closed_at is not None

    services.stage_update(stage=proposal, by=manager, outcome="open")
    deal.refresh_from_db()
    assert deal.closed_at is None


def test_stage_reorder_follows_the_given_ids(manager):
    pipeline = sponsorship()
    ids = list(Stage.objects.filter(pipeline=pipeline).order_by("position").values_list("pk", flat=True))
    new_order = [ids[2], ids[0], ids[1], *ids[3:]]

    services.stage_reorder(pipeline=pipeline, by=manager, order=[str(pk) for pk in new_order])

    assert names(pipeline)[:3] == ["Proposal", "Lead", "Qualified"]
    assert positions(pipeline) == list(range(6))
    assert AuditEvent.objects.get(action="crm.stage.reorder").data["to"][:3] == [
        "Proposal",
        "Lead",
        "Qualified",
    ]


@pytest.mark.parametrize("change", ["missing", "foreign", "garbage"])
def test_stage_reorder_refuses_an_order_that_is_not_exactly_the_pipelines_stages(manager, change):
    pipeline = sponsorship()
    ids = list(Stage.objects.filter(pipeline=pipeline).values_list("pk", flat=True))
    order = {
        "missing": ids[1:],
        "foreign": [*ids[1:], stage(signing(), "Meeting").pk],
        "garbage": [*ids[1:], "x"],
    }[change]
    with pytest.raises(ValidationError):
        services.stage_reorder(pipeline=pipeline, by=manager, order=order)
    assert names(pipeline) == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]


def test_stage_move_up_and_down_stops_at_the_ends(manager):
    pipeline = sponsorship()
    services.stage_move(stage=stage(pipeline, "Qualified"), by=manager, direction="up")
    assert names(pipeline)[:2] == ["Qualified", "Lead"]
    services.stage_move(stage=stage(pipeline, "Qualified"), by=manager, direction="up")  # already first
    assert names(pipeline)[:2] == ["Qualified", "Lead"]
    services.stage_move(stage=stage(pipeline, "Lost"), by=manager, direction="down")  # already last
    services.stage_move(stage=stage(pipeline, "Won"), by=manager, direction="down")
    assert names(pipeline)[-2:] == ["Lost", "Won"]
    with pytest.raises(ValidationError):
        services.stage_move(stage=stage(pipeline, "Won"), by=manager, direction="sideways")


def test_deleting_an_empty_stage_needs_no_target(manager):
    pipeline = sponsorship()
    assert services.stage_delete(stage=stage(pipeline, "Qualified"), by=manager) == 0
    assert names(pipeline) == ["Lead", "Proposal", "Negotiation", "Won", "Lost"]
    assert positions(pipeline) == list(range(5))
    assert AuditEvent.objects.get(action="crm.stage.delete").data["stage"] == "Qualified"


def test_deleting_a_stage_moves_its_deals_to_the_end_of_the_target_with_a_timeline_entry(manager):
    pipeline = sponsorship()
    proposal, negotiation = stage(pipeline, "Proposal"), stage(pipeline, "Negotiation")
    already = DealFactory(stage=negotiation)
    first, second = (
        DealFactory(stage=proposal, value=Decimal(1)),
        DealFactory(stage=proposal, value=Decimal(2)),
    )
    version = negotiation.version

    moved = services.stage_delete(stage=proposal, by=manager, move_to=negotiation)

    assert moved == 2
    assert not Stage.objects.filter(pk=proposal.pk).exists()
    order = list(Deal.objects.filter(stage=negotiation).order_by("position").values_list("pk", flat=True))
    assert order == [already.pk, first.pk, second.pk]
    negotiation.refresh_from_db()
    assert negotiation.version == version + 1
    entry = Interaction.objects.get(deal=first, kind=Interaction.Kind.SYSTEM)
    assert entry.data["event"] == "stage_changed" and entry.data["cause"] == "stage_deleted"
    assert describe(entry) == "Moved from Proposal to Negotiation by Léa Roussel"


def test_deals_moved_to_a_won_stage_are_closed(manager):
    pipeline = sponsorship()
    deal = DealFactory(stage=stage(pipeline, "Proposal"))
    services.stage_delete(stage=stage(pipeline, "Proposal"), by=manager, move_to=stage(pipeline, "Won"))
    deal.refresh_from_db()
    assert deal.stage.name == "Won" and deal.closed_at is not None


@pytest.mark.parametrize("target", [None, "itself", "other pipeline"])
def test_a_stage_with_deals_is_not_deleted_without_a_valid_target(manager, target):
    pipeline = sponsorship()
    proposal = stage(pipeline, "Proposal")
    deal = DealFactory(stage=proposal)
    move_to = {None: None, "itself": proposal, "other pipeline": stage(signing(), "Meeting")}[target]

    with pytest.raises(ValidationError) as error:
        services.stage_delete(stage=proposal, by=manager, move_to=move_to)

    assert "move_to" in error.value.message_dict
    assert Stage.objects.filter(pk=proposal.pk).exists()
    deal.refresh_from_db()
    assert deal.stage_id == proposal.pk  # nothing half-written


def test_the_last_stage_of_a_pipeline_cannot_be_deleted(manager):
    pipeline = services.pipeline_create(by=manager, name="Tiny", with_stages=False)
    only = services.stage_create(pipeline=pipeline, by=manager, name="Only")
    with pytest.raises(ValidationError):
        services.stage_delete(stage=only, by=manager)
    assert Stage.objects.filter(pk=only.pk).exists()


def test_structure_changes_tell_the_open_boards_to_reload(manager, django_capture_on_commit_callbacks):
    from crm.boards import PIPELINE_BOARD
    from tests.live.helpers import GroupListener

    pipeline = sponsorship()
    # a listener with its own layer and loop: the project's layer stays on the loop the code under test uses
    with GroupListener(PIPELINE_BOARD.group(pipeline.pk)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            services.stage_update(stage=stage(pipeline, "Lead"), by=manager, name="Leads")
        messages = listener.messages(wait=2)
    message = next(m for m in messages if m.get("event") == "board.reload")
    assert message["event"] == "board.reload" and message["data"]["board_id"] == pipeline.pk
