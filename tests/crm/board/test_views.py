"""The pipeline board pages (crm/views/board.py): the page, its htmx partial, filters, read-only for readers,
the artist suggestions, and a constant number of queries whatever the number of deals."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from crm.models import Pipeline
from tests.boards.helpers import fill, stages
from tests.crm.factories import ArtistFactory, DealFactory, TagFactory, signing, sponsorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(client, make_user):
    def _login(role: str, **kwargs):
        user = make_user(role, **kwargs)
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client, user

    return _login


def board_url(pipeline=None, **params) -> str:
    return reverse("crm:pipeline-board", args=[(pipeline or sponsorship()).pk])


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-card="(\d+)"', html)]


def test_board_redirects_to_the_first_open_pipeline(client_as):
    client, _user = client_as("Viewer")
    first = Pipeline.objects.filter(archived=False).order_by("position", "name").first()
    response = client.get(reverse("crm:board"))
    assert response.status_code == 302 and response.url == board_url(first)

    Pipeline.objects.update(archived=True)
    response = client.get(reverse("crm:board"))
    assert response.status_code == 200
    assert "No pipeline yet" in response.content.decode()


def test_the_board_shows_stages_cards_and_totals_for_a_manager(client_as):
    client, manager = client_as("Manager")
    board = stages()
    deal = DealFactory(
        stage=board["Proposal"],
        title="Nike × Zoé",
        value=Decimal("12000"),
        owner=manager,
        artists=[ArtistFactory(stage_name="Zoé Lune")],
        tags=[TagFactory(name="priority", color="#d63384")],
    )
    DealFactory(stage=board["Won"], value=Decimal("5000"))

    response = client.get(board_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-board="crm.pipeline"' in html and 'data-board-editable="true"' in html
    assert f'ws-connect="/ws/live/?groups=board.crm.pipeline.{sponsorship().pk}"' in html
    for name in ("Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"):
        assert f'data-column-name="{name}"' in html
    assert "Nike × Zoé" in html and "Zoé Lune" in html and "priority" in html and "€12,000" in html
    assert "€6,000" in html  # weighted at Proposal's 50%
    assert f'data-f-owner="{manager.pk}"' in html
    assert "Why was this deal lost?" in html  # the Lost column asks for a reason (data-board-prompt)
    assert 'id="board-prompt"' in html
    assert card_ids(html) == [deal.pk, *card_ids(html)[1:]]


def test_readers_get_a_read_only_board(client_as):
    client, _user = client_as("Producer")
    DealFactory(stage=stages()["Lead"])
    html = client.get(board_url()).content.decode()
    assert 'data-board-editable="false"' in html
    assert "Read only" in html
    assert "New deal" not in html


def test_streamers_are_refused_and_unknown_pipelines_are_404(client_as):
    client, _user = client_as("Streamer")
    assert client.get(board_url()).status_code == 403
    client, _user = client_as("Viewer")
    assert client.get(reverse("crm:pipeline-board", args=[10**9])).status_code == 404


def test_filters_narrow_the_cards_and_the_totals(client_as):
    client, manager = client_as("Manager")
    board = stages()
    mine = DealFactory(stage=board["Lead"], owner=manager, value=Decimal("900"))
    DealFactory(stage=board["Lead"], value=Decimal("50000"))
    tagged = DealFactory(stage=board["Qualified"], tags=[TagFactory(name="festival")], value=Decimal("3000"))

    html = client.get(board_url(), {"owner": "me"}).content.decode()
    assert card_ids(html) == [mine.pk]
    assert "Filtered" in html and "Clear filters" in html
    assert 'data-board-query="owner=me"' in html

    tag = tagged.tags.get()
    assert card_ids(client.get(board_url(), {"tag": tag.pk}).content.decode()) == [tagged.pk]
    assert card_ids(
        client.get(board_url(), {"value_min": "1000", "value_max": "10000"}).content.decode()
    ) == [tagged.pk]

    # a bad range is said, and ignored
    html = client.get(board_url(), {"value_min": "500", "value_max": "10"}).content.decode()
    assert "The upper value cannot be below the lower one." in html
    assert len(card_ids(html)) == 3


def test_an_htmx_request_gets_the_board_area_only(client_as):
    client, _user = client_as("Viewer")
    DealFactory(stage=stages()["Lead"])
    response = client.get(board_url(), {"owner": "none"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board-area"')
    assert "data-board=" in html and "<html" not in html
    assert response["Vary"] and "HX-Request" in response["Vary"]

    # Back in the browser: htmx asks for the page again (the live board is never restored from a snapshot)
    html = client.get(
        board_url(), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()
    assert "<html" in html and 'hx-history="false"' in html


def test_artist_suggestions_list_artists_with_deals_on_the_pipeline(client_as):
    client, _user = client_as("Viewer")
    DealFactory(
        stage=stages()["Lead"],
        artists=[ArtistFactory(stage_name="Zoé Lune"), ArtistFactory(stage_name="Ali")],
    )
    DealFactory(stage=stages(signing())["Meeting"], artists=[ArtistFactory(stage_name="Zora")])
    url = reverse("crm:pipeline-board-artists", args=[sponsorship().pk])
    assert client.get(url, {"artist": "zo"}).content.decode() == '<option value="Zoé Lune"></option>'
    assert client.get(url).content.decode().count("<option") == 2


@pytest.mark.parametrize("role", ["Manager", "Viewer"])
def test_the_board_page_takes_a_constant_number_of_queries(client_as, django_assert_num_queries, role):
    client, _user = client_as(role)
    board = stages()
    tags = [TagFactory(name="a"), TagFactory(name="b")]
    artists = [ArtistFactory(), ArtistFactory()]

    def add(count: int) -> None:
        for index in range(count):
            stage = list(board.values())[index % 6]
            DealFactory(stage=stage, tags=tags, artists=artists, owner=_user if index % 2 else None)

    add(3)
    url = board_url()
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(QUERIES[role]) as few:
        client.get(url, {"tag": tags[0].pk})
    add(27)
    with django_assert_num_queries(QUERIES[role]) as many:
        response = client.get(url, {"tag": tags[0].pk})
    assert len(card_ids(response.content.decode())) == 30
    assert len(few.captured_queries) == len(many.captured_queries)


# session, user, roles, (2FA check: Admin/Manager), notification count; pipelines, filter owners, the tag
# filter's value and choices, stages, the first cards of each column + their artists + their tags, the column
# totals, every card id of the board (for live updates)
QUERIES = {"Manager": 15, "Viewer": 14}


def test_a_column_shows_its_first_cards_then_show_more(client_as, settings):
    client, _user = client_as("Viewer")
    lead = stages()["Lead"]
    deals = fill(lead, 23)
    html = client.get(board_url()).content.decode()
    assert card_ids(html) == [d.pk for d in deals[:20]]
    column = re.search(
        rf'<section class="board-column" data-board-column="{lead.pk}".*?</section>', html, re.S
    )
    assert 'data-count="23"' in column.group(0)
    assert re.search(r"data-board-more\s*>", column.group(0))  # the button is not hidden
    assert f'data-board-known="{" ".join(str(d.pk) for d in deals)}"' in html
