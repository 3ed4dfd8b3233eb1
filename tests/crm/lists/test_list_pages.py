"""The list pages: full page vs htmx partial, sorting, pagination, column choice, chips, empty states, who sees
what (read-only roles get no checkboxes), and query counts that do not grow with the number of rows."""

import re

import pytest
from django.urls import reverse

from crm import listing
from crm.models import Artist
from tests.crm.factories import (
    ArtistFactory,
    ContactFactory,
    DealFactory,
    GenreFactory,
    SponsorFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

URL = {key: reverse(spec.url_name) for key, spec in listing.SPECS.items()}


def row_titles(response) -> list[str]:
    """The record names in the table, in order."""
    html = response.content.decode()
    return re.findall(r'class="cell-title"[^>]*>([^<]+)<', html)


def headers(response) -> list[str]:
    html = response.content.decode()
    return [h.strip() for h in re.findall(r'<th scope="col" class="col-([\w-]+)', html)]


@pytest.fixture
def artists():
    pop = GenreFactory(name="Pop", slug="pop")
    return [
        ArtistFactory(stage_name=name, score=score, audience_total=audience, genres=[pop])
        for name, score, audience in (("Bravo", 50, 300), ("Alpha", 90, 100), ("Charlie", 10, 200))
    ]


# --- full page, partial ----------------------------------------------------------------------------------


def test_full_page_has_the_shell_filters_and_the_table(client_as, artists):
    client, _user = client_as("Viewer")
    response = client.get(URL["artists"])

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form id="list-form"' in html and 'id="list-filters"' in html  # the toolbar and filter panel
    assert 'class="app-shell"' in html
    assert '<div id="list-table"' in html
    assert row_titles(response) == ["Alpha", "Bravo", "Charlie"]
    assert response["Vary"].count("HX-Request") == 1


def test_htmx_gets_only_the_table_partial(client_as, artists):
    client, _user = client_as("Viewer")
    response = client.get(URL["artists"], {"q": "alp"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="list-table"')
    assert "app-shell" not in html and "list-form" not in html.split('form="list-form"')[0]
    assert row_titles(response) == ["Alpha"]
    assert 'id="list-filter-count" class="list-filter-count" hx-swap-oob="true"' in html


@pytest.mark.parametrize("list_key", list(listing.SPECS))
def test_every_list_renders_for_a_reader_and_as_a_partial(client_as, list_key):
    client, _user = client_as("Producer")
    full = client.get(URL[list_key])
    partial = client.get(URL[list_key], HTTP_HX_REQUEST="true")
    assert full.status_code == partial.status_code == 200
    assert "empty-state" in partial.content.decode()  # nothing yet: an empty state, not an empty table


# --- sorting ---------------------------------------------------------------------------------------------


def test_sorting_by_a_header_both_ways_with_aria_sort(client_as, artists):
    client, _user = client_as("Viewer")

    by_score = client.get(URL["artists"], {"sort": "score"}, HTTP_HX_REQUEST="true")
    assert row_titles(by_score) == ["Charlie", "Bravo", "Alpha"]
    html = by_score.content.decode()
    assert re.search(r'class="col-score text-end is-sorted" aria-sort="ascending"', html)
    assert 'href="/crm/artists/?sort=-score"' in html  # the next click sorts descending

    by_score_desc = client.get(URL["artists"], {"sort": "-score"}, HTTP_HX_REQUEST="true")
    assert row_titles(by_score_desc) == ["Alpha", "Bravo", "Charlie"]
    assert 'aria-sort="descending"' in by_score_desc.content.decode()

    by_audience = client.get(URL["artists"], {"sort": "-audience"}, HTTP_HX_REQUEST="true")
    assert row_titles(by_audience) == ["Bravo", "Charlie", "Alpha"]


def test_an_unknown_or_unsortable_sort_falls_back_to_the_default(client_as, artists):
    client, _user = client_as("Viewer")
    for sort in ("nope", "-genres", "tags"):
        response = client.get(URL["artists"], {"sort": sort}, HTTP_HX_REQUEST="true")
        assert row_titles(response) == ["Alpha", "Bravo", "Charlie"]


def test_first_click_on_a_number_column_sorts_descending(client_as, artists):
    client, _user = client_as("Viewer")
    html = client.get(URL["artists"], HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/crm/artists/?sort=-score"' in html
    assert 'href="/crm/artists/?sort=-name"' in html  # the current sort's header flips it


# --- pagination ------------------------------------------------------------------------------------------


def test_pagination_and_page_size_keep_the_filters(client_as):
    client, _user = client_as("Viewer")
    vip = TagFactory(name="VIP")
    for index in range(30):
        ArtistFactory(stage_name=f"Artist {index:02d}", tags=[vip] if index % 2 == 0 else [])

    first = client.get(URL["artists"], {"tag": vip.pk}, HTTP_HX_REQUEST="true")
    assert len(row_titles(first)) == 15

    response = client.get(URL["artists"], HTTP_HX_REQUEST="true")
    assert len(row_titles(response)) == 25
    html = response.content.decode()
    assert "1–25 of 30" in html
    assert 'href="?page=2"' in html

    second = client.get(URL["artists"], {"page": 2}, HTTP_HX_REQUEST="true")
    assert row_titles(second) == [f"Artist {index}" for index in range(25, 30)]

    fifty = client.get(URL["artists"], {"per_page": 50}, HTTP_HX_REQUEST="true")
    assert len(row_titles(fifty)) == 30
    assert 'name="per_page" form="list-form"' in fifty.content.decode()
    odd = client.get(URL["artists"], {"per_page": 7}, HTTP_HX_REQUEST="true")
    assert len(row_titles(odd)) == 25  # only 25, 50, 100


# --- columns ---------------------------------------------------------------------------------------------


def test_default_columns_and_chosen_columns(client_as, artists):
    client, _user = client_as("Viewer")
    default = headers(client.get(URL["artists"], HTTP_HX_REQUEST="true"))
    assert default == [c.key for c in listing.ARTISTS.columns if c.default]

    chosen = headers(client.get(URL["artists"], {"cols": "city,score,nope"}, HTTP_HX_REQUEST="true"))
    assert chosen == ["name", "score", "city"]  # the name is always there; the list's order; unknown dropped
    repeated = headers(client.get(URL["artists"] + "?cols=city&cols=score", HTTP_HX_REQUEST="true"))
    assert repeated == ["name", "score", "city"]


def test_the_column_menu_shows_what_is_on(client_as, artists):
    client, _user = client_as("Viewer")
    html = client.get(URL["artists"], {"cols": "city"}).content.decode()
    assert re.search(r'<input type="checkbox" name="cols" value="city" checked>', html)
    assert re.search(r'<input type="checkbox" name="cols" value="score">', html)


def test_only_the_shown_columns_related_rows_are_fetched(client_as, artists, django_assert_num_queries):
    client, _user = client_as("Viewer")
    client.get(URL["artists"], HTTP_HX_REQUEST="true")
    with django_assert_num_queries(6):  # session, user, roles, count, rows, unread count: no related rows
        client.get(URL["artists"], {"cols": "score"}, HTTP_HX_REQUEST="true")


# --- chips, errors, empty states -------------------------------------------------------------------------


def test_active_filters_show_as_removable_chips(client_as, artists):
    client, user = client_as("Viewer")
    html = client.get(
        URL["artists"],
        {"q": "a", "genre": "pop", "status": ["signed", "prospect"], "page": 2},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    chips = re.findall(
        r'<a class="filter-chip" href="([^"]+)" data-chip-name="(\w+)" data-chip-value="([^"]*)"', html
    )
    assert [(name, value) for _href, name, value in chips] == [
        ("q", "a"),
        ("status", "signed"),
        ("status", "prospect"),
        ("genre", "pop"),
    ]
    # removing one value keeps the others, and goes back to page 1
    assert chips[1][0] == "/crm/artists/?q=a&amp;genre=pop&amp;status=prospect"
    assert "Genre:</span> Pop" in html and "Status:</span> Signed" in html


def test_a_wrong_filter_value_is_explained(client_as, artists):
    client, _user = client_as("Viewer")
    response = client.get(URL["artists"], {"score_min": "high"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a number." in html and "ignored until it is corrected" in html
    assert len(row_titles(response)) == 3


def test_no_match_offers_to_clear_the_filters(client_as, artists):
    client, _user = client_as("Viewer")
    html = client.get(URL["artists"], {"q": "zzz"}, HTTP_HX_REQUEST="true").content.decode()
    assert "No artist matches these filters." in html and "Clear filters" in html


# --- roles -----------------------------------------------------------------------------------------------


def test_read_only_roles_see_no_checkboxes_or_bulk_actions(client_as, artists):
    client, _user = client_as("Viewer")
    html = client.get(URL["artists"]).content.decode()
    assert 'name="ids"' not in html and "bulk-form" not in html
    assert "New artist" not in html


def test_managers_see_checkboxes_bulk_actions_and_the_create_button(client_as, artists):
    client, _user = client_as("Manager")
    html = client.get(URL["artists"]).content.decode()
    assert html.count('name="ids"') == 3 and 'id="bulk-form"' in html and "data-select-all" in html
    assert "Assign a manager" in html and reverse("crm:artist-create") in html


def test_streamers_are_refused_and_visitors_sent_to_sign_in(client_as, client):
    assert client.get(URL["deals"]).status_code == 302
    streamer, _user = client_as("Streamer")
    assert streamer.get(URL["deals"]).status_code == 403


# --- query counts: constant whatever the number of rows ----------------------------------------------------


def _make(list_key: str, count: int, user) -> None:
    tag, genre = TagFactory(name="T"), GenreFactory(name="G", slug="g")
    for index in range(count):
        if list_key == "artists":
            ArtistFactory(genres=[genre], tags=[tag], managers=[user], status=Artist.Status.SIGNED)
        elif list_key == "sponsors":
            sponsor = SponsorFactory(tags=[tag], owner=user)
            DealFactory(sponsor=sponsor)
        elif list_key == "contacts":
            contact = ContactFactory(sponsor=SponsorFactory() if index % 2 else None)
            contact.tags.add(tag)
        else:
            DealFactory(
                artists=[ArtistFactory(), ArtistFactory()], tags=[tag], sponsor=SponsorFactory(), owner=user
            )


# full page / htmx partial, for a Manager (bulk choices and create button included)
QUERIES = {"artists": (15, 10), "sponsors": (12, 8), "contacts": (10, 8), "deals": (14, 9)}


@pytest.mark.parametrize("list_key", list(listing.SPECS))
@pytest.mark.parametrize("rows", [3, 30])
def test_query_counts_are_pinned_and_constant(client_as, django_assert_num_queries, list_key, rows):
    client, user = client_as("Manager")
    _make(list_key, rows, user)
    url = URL[list_key] + "?per_page=50"
    client.get(url)  # warm caches (content types, sessions)
    full, partial = QUERIES[list_key]
    with django_assert_num_queries(full):
        response = client.get(url)
    assert len(row_titles(response)) == rows
    with django_assert_num_queries(partial):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert len(row_titles(response)) == rows
