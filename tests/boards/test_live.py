"""What open boards receive when deals are created, edited, deleted or sent to another pipeline (through the
CRM's record services and their board hooks), when stages change, and when a socket (re)joins a board."""

import json
from decimal import Decimal

import pytest
from django.db import transaction

from core.live import registry
from crm.models import Deal, Stage
from crm.services import pipelines, records
from crm.services.views import bulk_tag
from tests.boards.helpers import SPEC, fill, order, stages, version
from tests.crm.factories import TagFactory, signing, sponsorship
from tests.live.helpers import GroupListener

pytestmark = pytest.mark.django_db


def frames(listener) -> list[dict]:
    return [m for m in listener.messages() if m["event"]]


def test_a_created_deal_reaches_open_boards_with_its_card_and_the_new_header(
    manager, pipeline_stages, django_capture_on_commit_callbacks
):
    lead = pipeline_stages["Lead"]
    (first,) = fill(lead, 1)
    with GroupListener(SPEC.group(lead.pipeline_id)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            deal = records.deal_create(
                by=manager,
                pipeline=sponsorship(),
                title="Festival tie-in",
                value=Decimal("2500"),
                tags=[TagFactory()],
            )
        (frame,) = frames(listener)
    data = frame["data"]
    assert frame["event"] == "board.changed"
    assert data["card"]["id"] == deal.pk and "Festival tie-in" in data["card"]["html"]["en"]
    assert data["card"]["attrs"]["tags"] == str(deal.tags.get().pk)
    (column,) = data["columns"]
    assert column["id"] == lead.pk and column["order"] == [first.pk, deal.pk] == order(lead)
    assert column["version"] == version(lead) == 1
    assert column["count"] == 2


def test_a_value_edit_updates_the_header_totals_live(
    manager, pipeline_stages, django_capture_on_commit_callbacks
):
    proposal = pipeline_stages["Proposal"]
    (deal,) = fill(proposal, 1, value=Decimal("1000"))
    with GroupListener(SPEC.group(proposal.pipeline_id)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            records.deal_update(deal=deal, by=manager, value=Decimal("40000"))
        (frame,) = frames(listener)
    (column,) = frame["data"]["columns"]
    assert "€40,000" in column["header"]["en"] and "€20,000" in column["header"]["en"]  # total, weighted 50%
    assert "€40,000" in frame["data"]["card"]["html"]["en"]
    assert column["version"] == 1


def test_a_stage_change_from_the_edit_form_goes_through_the_board_move(
    manager, pipeline_stages, django_capture_on_commit_callbacks
):
    lead, won = pipeline_stages["Lead"], pipeline_stages["Won"]
    (deal,) = fill(lead, 1)
    with GroupListener(SPEC.group(lead.pipeline_id)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            records.deal_update(deal=deal, by=manager, stage=won)
        received = frames(listener)
    deal.refresh_from_db()
    assert deal.stage == won and deal.closed_at is not None
    newest = {}
    for frame in received:
        for column in frame["data"]["columns"]:
            if column["version"] > newest.get(column["id"], {"version": -1})["version"]:
                newest[column["id"]] = column
    assert newest[lead.pk]["order"] == [] and newest[won.pk]["order"] == [deal.pk]


def test_a_deleted_deal_leaves_open_boards(manager, pipeline_stages, django_capture_on_commit_callbacks):
    lead = pipeline_stages["Lead"]
    keep, gone = fill(lead, 2)
    with GroupListener(SPEC.group(lead.pipeline_id)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            records.deal_delete(deal=gone, by=manager)
        (frame,) = frames(listener)
    (column,) = frame["data"]["columns"]
    assert column["order"] == [keep.pk] and column["count"] == 1 and column["version"] == 1


def test_a_deal_sent_to_another_pipeline_leaves_one_board_and_joins_the_other(
    manager, pipeline_stages, django_capture_on_commit_callbacks
):
    lead = pipeline_stages["Lead"]
    (deal,) = fill(lead, 1)
    target = stages(signing())["Meeting"]
    with (
        GroupListener(SPEC.group(lead.pipeline_id)) as old,
        GroupListener(SPEC.group(target.pipeline_id)) as new,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            records.deal_update(deal=deal, by=manager, pipeline=signing(), stage=target)
        (left,) = frames(old)
        arrived = frames(new)
    assert left["data"]["card"] == {"id": deal.pk, "removed": True}
    assert left["data"]["columns"][0]["order"] == []
    assert arrived[-1]["data"]["card"]["id"] == deal.pk
    assert arrived[-1]["data"]["columns"][0]["order"] == [deal.pk]


def test_stage_changes_tell_open_boards_to_reload(
    manager, pipeline_stages, django_capture_on_commit_callbacks
):
    pipeline = sponsorship()
    with GroupListener(SPEC.group(pipeline.pk)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            pipelines.stage_update(stage=pipeline_stages["Lead"], by=manager, name="Leads")
        (frame,) = frames(listener)
    assert frame["event"] == "board.reload"
    assert frame["data"] == {"board": "crm.pipeline", "board_id": pipeline.pk}


def test_joining_a_board_needs_crm_read_access_and_resyncs_with_the_column_versions(
    make_user, pipeline_stages
):
    pipeline = sponsorship()
    group = SPEC.group(pipeline.pk)
    viewer, streamer = make_user("Viewer"), make_user("Streamer")
    Stage.objects.filter(pk=pipeline_stages["Lead"].pk).update(version=7)

    assert registry.can_join(viewer, group)
    assert not registry.can_join(streamer, group)
    assert not registry.can_join(viewer, SPEC.group(10**9))
    assert not registry.can_join(viewer, "board.crm.pipeline.abc")
    assert not registry.can_join(viewer, "board.no.such.board.1")

    (html,) = registry.resync_html(viewer, [group])
    frame = json.loads(html)
    assert frame["event"] == "board.resync"
    assert frame["data"]["board"] == "crm.pipeline" and frame["data"]["board_id"] == pipeline.pk
    assert frame["data"]["versions"][str(pipeline_stages["Lead"].pk)] == 7
    assert set(frame["data"]["versions"]) == {str(s.pk) for s in pipeline.stages.all()}


def test_changes_in_one_transaction_go_out_as_one_frame(
    manager, pipeline_stages, django_capture_on_commit_callbacks
):
    lead, won = pipeline_stages["Lead"], pipeline_stages["Won"]
    first, second = fill(lead, 2)
    with GroupListener(SPEC.group(lead.pipeline_id)) as listener:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            records.deal_update(deal=first, by=manager, value=Decimal("111"))
            records.deal_update(deal=second, by=manager, value=Decimal("222"))
        (frame,) = frames(listener)
    assert sorted(card["id"] for card in frame["data"]["cards"]) == [first.pk, second.pk]
    assert frame["data"]["columns"][0]["version"] == 1 == version(lead)
    assert version(won) == 0


def test_a_bulk_change_makes_open_boards_fetch_themselves_again(
    manager, pipeline_stages, django_capture_on_commit_callbacks
):
    lead, proposal = pipeline_stages["Lead"], pipeline_stages["Proposal"]
    deals = fill(lead, 15) + fill(proposal, 10)
    with GroupListener(SPEC.group(lead.pipeline_id)) as listener:
        with django_capture_on_commit_callbacks(execute=True):
            bulk_tag(by=manager, model=Deal, ids=[d.pk for d in deals], tag="festival")
        (frame,) = frames(listener)
    assert frame["event"] == "board.reload"
    assert (version(lead), version(proposal)) == (
        1,
        1,
    )  # a page that missed the frame resyncs on the versions
