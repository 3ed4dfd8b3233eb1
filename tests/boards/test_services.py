"""The shared move service (core.boards.services.card_move) on the CRM pipeline board: ordering, anchors,
conflicts, the CRM's rules (lost reason, closed_at, timeline), versions, audit and the one live frame."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from core.boards import services
from core.boards.exceptions import CardElsewhere, CardGone, StaleMove
from crm.models import Deal, Interaction
from crm.services.deals import deal_move
from crm.timeline import describe
from tests.boards.helpers import SPEC, fill, order, stages, version
from tests.crm.factories import DealFactory, signing, sponsorship
from tests.live.helpers import GroupListener

pytestmark = pytest.mark.django_db


def move(deal, stage, by, **kwargs):
    return services.card_move(
        spec=SPEC, card_id=deal.pk, board_id=stage.pipeline_id, to_column_id=stage.pk, by=by, **kwargs
    )


# --- positions (pure) --------------------------------------------------------------------------------------


def test_position_takes_the_middle_of_the_gap_or_extends_the_ends():
    siblings = [(1, 100), (2, 200), (3, 300)]
    assert services._position(siblings, 0) == (100 - services.GAP, None)
    assert services._position(siblings, 1) == (150, None)
    assert services._position(siblings, 3) == (300 + services.GAP, None)
    assert services._position([], 0) == (0, None)


def test_position_renumbers_the_column_when_the_gap_is_used_up():
    siblings = [(1, 10), (2, 11), (3, 11)]
    position, renumbered = services._position(siblings, 1)
    gap = services.GAP
    assert renumbered == [(1, gap), (2, 3 * gap), (3, 4 * gap)]
    assert position == 2 * gap


# --- moves -------------------------------------------------------------------------------------------------


def test_move_within_a_column_after_an_anchor(manager, pipeline_stages):
    lead = pipeline_stages["Lead"]
    a, b, c, d = fill(lead, 4)

    outcome = move(a, lead, manager, after_id=c.pk, before_id=d.pk)

    assert order(lead) == [b.pk, c.pk, a.pk, d.pk]
    assert outcome.changed is True
    assert outcome.data["columns"] == [
        {
            "id": lead.pk,
            "version": 1,
            "order": [b.pk, c.pk, a.pk, d.pk],
            "count": 4,
            "header": outcome.data["columns"][0]["header"],
        }
    ]
    assert version(lead) == 1
    assert not Interaction.objects.filter(deal=a).exists()  # a reorder is not a timeline event


def test_move_to_the_top_with_only_a_before_anchor(manager, pipeline_stages):
    lead = pipeline_stages["Lead"]
    a, b, c = fill(lead, 3)
    move(c, lead, manager, after_id=None, before_id=a.pk)
    assert order(lead) == [c.pk, a.pk, b.pk]


def test_move_between_columns_writes_the_timeline_and_bumps_both_versions(manager, pipeline_stages):
    lead, proposal = pipeline_stages["Lead"], pipeline_stages["Proposal"]
    (deal,) = fill(lead, 1)
    x, y = fill(proposal, 2)

    outcome = move(deal, proposal, manager, after_id=x.pk, before_id=y.pk)

    deal.refresh_from_db()
    assert deal.stage == proposal
    assert order(proposal) == [x.pk, deal.pk, y.pk]
    assert order(lead) == []
    assert (version(lead), version(proposal)) == (1, 1)
    assert [c["id"] for c in outcome.data["columns"]] == [lead.pk, proposal.pk]
    assert outcome.data["columns"][0]["order"] == []
    entry = Interaction.objects.get(deal=deal)
    assert entry.kind == Interaction.Kind.SYSTEM
    assert entry.data["event"] == "stage_changed"
    assert describe(entry) == "Moved from Lead to Proposal by Léa Martin"
    audit = AuditEvent.objects.get(action="crm.deal.move")
    assert audit.actor == manager
    assert audit.data["from"]["name"] == "Lead" and audit.data["to"]["name"] == "Proposal"


def test_move_without_anchors_goes_to_the_end(manager, pipeline_stages):
    lead, proposal = pipeline_stages["Lead"], pipeline_stages["Proposal"]
    (deal,) = fill(lead, 1)
    x, y = fill(proposal, 2)
    move(deal, proposal, manager)
    assert order(proposal) == [x.pk, y.pk, deal.pk]


def test_a_stale_after_anchor_falls_back_on_the_before_anchor(manager, pipeline_stages):
    lead, proposal = pipeline_stages["Lead"], pipeline_stages["Proposal"]
    deal, elsewhere = fill(lead, 2)
    x, y = fill(proposal, 2)
    move(deal, proposal, manager, after_id=elsewhere.pk, before_id=y.pk)  # `elsewhere` is not in Proposal
    assert order(proposal) == [x.pk, deal.pk, y.pk]


def test_both_anchors_stale_is_refused_and_nothing_changes(manager, pipeline_stages):
    lead, proposal = pipeline_stages["Lead"], pipeline_stages["Proposal"]
    deal, other1, other2 = fill(lead, 3)
    fill(proposal, 1)

    with pytest.raises(StaleMove) as caught:
        move(deal, proposal, manager, after_id=other1.pk, before_id=other2.pk)

    assert "changed while you were dragging" in str(caught.value)
    assert Deal.objects.get(pk=deal.pk).stage == lead
    assert (version(lead), version(proposal)) == (0, 0)


def test_a_deleted_card_is_gone_with_a_clear_message(manager, pipeline_stages):
    lead = pipeline_stages["Lead"]
    (deal,) = fill(lead, 1)
    pk = deal.pk
    deal.delete()
    deal.pk = pk
    with pytest.raises(CardGone) as caught:
        move(deal, lead, manager)
    assert str(caught.value) == "This deal was deleted by someone else; the board has been refreshed."


def test_a_card_now_on_another_pipeline_is_refused(manager, pipeline_stages):
    lead = pipeline_stages["Lead"]
    other = stages(signing())["Meeting"]
    deal = DealFactory(stage=other)  # the browser still shows it on Sponsorship
    with pytest.raises(CardElsewhere) as caught:
        services.card_move(
            spec=SPEC, card_id=deal.pk, board_id=lead.pipeline_id, to_column_id=lead.pk, by=manager
        )
    assert "another pipeline" in str(caught.value)


def test_a_stage_of_another_pipeline_is_a_validation_error(manager, pipeline_stages):
    (deal,) = fill(pipeline_stages["Lead"], 1)
    foreign = stages(signing())["Meeting"]
    with pytest.raises(ValidationError) as caught:
        services.card_move(
            spec=SPEC, card_id=deal.pk, board_id=sponsorship().pk, to_column_id=foreign.pk, by=manager
        )
    assert caught.value.message_dict == {"column": ["This stage belongs to another pipeline."]}
    with pytest.raises(ValidationError):
        services.card_move(spec=SPEC, card_id=deal.pk, board_id=sponsorship().pk, to_column_id=0, by=manager)
    assert Deal.objects.get(pk=deal.pk).stage == pipeline_stages["Lead"]


def test_lost_needs_a_reason_then_keeps_it_and_closes_the_deal(manager, pipeline_stages):
    negotiation, lost = pipeline_stages["Negotiation"], pipeline_stages["Lost"]
    (deal,) = fill(negotiation, 1)

    with pytest.raises(ValidationError) as caught:
        move(deal, lost, manager, extra={"lost_reason": "   "})
    assert caught.value.message_dict == {"lost_reason": ["Say why this deal was lost."]}
    assert Deal.objects.get(pk=deal.pk).stage == negotiation
    assert not AuditEvent.objects.filter(action="crm.deal.move").exists()

    move(deal, lost, manager, extra={"lost_reason": "Budget cut", "ignored": "x"})
    deal.refresh_from_db()
    assert deal.stage == lost and deal.lost_reason == "Budget cut" and deal.closed_at is not None
    entry = Interaction.objects.get(deal=deal)
    assert describe(entry) == "Moved from Negotiation to Lost by Léa Martin (reason: Budget cut)"


def test_won_sets_closed_at_and_an_open_stage_clears_it(manager, pipeline_stages):
    won, lead, lost = pipeline_stages["Won"], pipeline_stages["Lead"], pipeline_stages["Lost"]
    (deal,) = fill(lead, 1)
    move(deal, won, manager)
    deal.refresh_from_db()
    assert deal.closed_at is not None and timezone.now() - deal.closed_at < timedelta(minutes=1)
    move(deal, lost, manager, extra={"lost_reason": "Changed their mind"})
    move(deal, lead, manager)
    deal.refresh_from_db()
    assert deal.closed_at is None and deal.lost_reason == ""


def test_dropping_a_card_where_it_already_is_changes_nothing(manager, pipeline_stages):
    lead = pipeline_stages["Lead"]
    a, b, c = fill(lead, 3)
    with GroupListener(SPEC.group(lead.pipeline_id)) as listener:
        outcome = move(b, lead, manager, after_id=a.pk, before_id=c.pk)
        assert listener.messages(wait=0.2) == []
    assert outcome.changed is False
    assert outcome.data["columns"][0]["order"] == [a.pk, b.pk, c.pk]
    assert version(lead) == 0


def test_a_used_up_gap_renumbers_the_column(manager, pipeline_stages):
    lead = pipeline_stages["Lead"]
    a, b, c, d = fill(lead, 4)
    Deal.objects.filter(pk=a.pk).update(position=5)
    Deal.objects.filter(pk=b.pk).update(position=6)
    Deal.objects.filter(pk=c.pk).update(position=6)  # equal positions: ties broken by pk

    move(d, lead, manager, after_id=a.pk, before_id=b.pk)

    assert order(lead) == [a.pk, d.pk, b.pk, c.pk]
    positions = list(Deal.objects.filter(stage=lead).order_by("position").values_list("position", flat=True))
    assert positions == [services.GAP, 2 * services.GAP, 3 * services.GAP, 4 * services.GAP]


def test_many_moves_into_the_same_spot_stay_ordered(manager, pipeline_stages):
    """Halving the same gap again and again runs out of room and renumbers, without losing the order."""
    lead = pipeline_stages["Lead"]
    first, last = fill(lead, 2)
    movers = fill(pipeline_stages["Qualified"], 25)
    for deal in movers:
        move(deal, lead, manager, after_id=first.pk)
    assert order(lead) == [first.pk, *reversed([d.pk for d in movers]), last.pk]


def test_only_people_who_may_move_cards_can(viewer, pipeline_stages):
    (deal,) = fill(pipeline_stages["Lead"], 1)
    with pytest.raises(PermissionDenied):
        move(deal, pipeline_stages["Proposal"], viewer)
    assert Deal.objects.get(pk=deal.pk).stage == pipeline_stages["Lead"]


def test_one_live_frame_after_commit_with_cards_headers_and_orders(
    manager, pipeline_stages, django_capture_on_commit_callbacks
):
    lead, proposal = pipeline_stages["Lead"], pipeline_stages["Proposal"]
    deal = DealFactory(stage=lead, title="Red Bull × Zoé", value=12000)
    DealFactory(stage=proposal, value=3000)
    with GroupListener(SPEC.group(lead.pipeline_id)) as listener:
        with django_capture_on_commit_callbacks() as callbacks:
            move(deal, proposal, manager)
        assert listener.messages(wait=0.2) == []  # nothing before the commit
        for callback in callbacks:
            callback()
        (frame,) = listener.messages()
    assert frame["event"] == "board.changed"
    data = frame["data"]
    assert data["board"] == "crm.pipeline" and data["board_id"] == lead.pipeline_id
    assert data["card"]["id"] == deal.pk and data["card"]["column"] == proposal.pk
    assert set(data["card"]["html"]) == {"en", "fr"}
    assert "Red Bull × Zoé" in data["card"]["html"]["en"]
    assert data["card"]["attrs"] == {"owner": "", "tags": "", "artists": "", "value": "12000.00"}
    header = {c["id"]: c for c in data["columns"]}[proposal.pk]
    assert header["count"] == 2
    assert "€15,000" in header["header"]["en"]  # 12,000 + 3,000
    assert "15\u202f000\xa0€" in header["header"]["fr"] or "15\xa0000\xa0€" in header["header"]["fr"]
    assert "€7,500" in header["header"]["en"]  # weighted at the stage's 50%


def test_deal_move_wrapper_uses_the_deal_pipeline(manager, pipeline_stages):
    (deal,) = fill(pipeline_stages["Lead"], 1)
    moved = deal_move(deal_id=deal.pk, stage_id=pipeline_stages["Won"].pk, by=manager)
    assert moved.stage == pipeline_stages["Won"] and moved.closed_at is not None
    with pytest.raises(CardGone):
        deal_move(deal_id=10**9, stage_id=pipeline_stages["Won"].pk, by=manager)
