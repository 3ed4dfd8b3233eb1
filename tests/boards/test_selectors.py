"""The board page's reads (core.boards.selectors.board_view) on the CRM pipeline board: each column's first page
(``page_size``, or the spec's ``column_limit`` for that column), the cards joined for the template."""

import dataclasses

import pytest

from core.boards.selectors import board_view
from tests.boards.helpers import SPEC, fill, stages
from tests.crm.factories import sponsorship

pytestmark = pytest.mark.django_db


def test_column_limit_gives_a_column_its_own_first_page(make_user):
    user = make_user("Manager")
    pipeline = sponsorship()
    lead, proposal = stages(pipeline)["Lead"], stages(pipeline)["Proposal"]
    leads, proposals = fill(lead, 4), fill(proposal, 3)
    spec = dataclasses.replace(
        SPEC, page_size=3, column_limit=lambda stage: 2 if stage.pk == lead.pk else None
    )

    view = board_view(spec=spec, board=pipeline, user=user, params={})
    shown = {column.pk: column for column in view.columns}
    assert [c.pk for c in shown[lead.pk].cards] == [d.pk for d in leads[:2]] and shown[lead.pk].has_more
    assert [c.pk for c in shown[proposal.pk].cards] == [d.pk for d in proposals]  # page_size
    assert not shown[proposal.pk].has_more
    html = shown[lead.pk].cards_html
    assert html.count('class="board-card"') == 2 and html.index(str(leads[0].pk)) < html.index(
        str(leads[1].pk)
    )

    # an explicit limit is the same for every column
    view = board_view(spec=spec, board=pipeline, user=user, params={}, limit=1)
    assert [len(column.cards) for column in view.columns if column.pk in (lead.pk, proposal.pk)] == [1, 1]
    # without the hook: page_size everywhere
    view = board_view(spec=dataclasses.replace(SPEC, page_size=3), board=pipeline, user=user, params={})
    assert len(next(c for c in view.columns if c.pk == lead.pk).cards) == 3
