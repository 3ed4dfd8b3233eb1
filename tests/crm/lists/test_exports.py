"""CSV and XLSX exports write exactly what the list shows under its filters, sorting and columns: every page,
the shown columns in order, numbers as numbers, and text that a spreadsheet would run as a formula defused."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crm import listing
from tests.crm.factories import (
    ArtistFactory,
    DealFactory,
    GenreFactory,
    SponsorFactory,
    TagFactory,
    sponsorship,
    stage,
)

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets then read the accents right
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(body(response))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def shown_titles(client, url: str, params: dict) -> list[str]:
    """Every record name the list shows, page after page."""
    titles, page = [], 1
    while True:
        html = client.get(url, {**params, "page": page}, HTTP_HX_REQUEST="true").content.decode()
        titles += re.findall(r'class="cell-title"[^>]*>([^<]+)<', html)
        if 'rel="next"' not in html:
            return titles
        page += 1


@pytest.fixture
def artists():
    pop = GenreFactory(name="Pop", slug="pop")
    vip = TagFactory(name="VIP")
    made = []
    for index in range(32):
        made.append(
            ArtistFactory(
                stage_name=f"Artist {index:02d}",
                score=index * 3,
                audience_total=1000 * index,
                genres=[pop] if index % 2 else [],
                tags=[vip] if index % 4 == 0 else [],
                country="FR" if index % 3 else "BE",
            )
        )
    return made


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_every_shown_row_and_column_of_every_page(client_as, artists, fmt):
    client, _user = client_as("Viewer")
    params = {"q": "artist", "sort": "-score", "cols": "score,genres,country,audience"}
    shown = shown_titles(client, reverse("crm:artist-list"), params)
    assert len(shown) == 32  # two pages
    response = client.get(reverse("crm:artist-export"), {**params, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="artists-{date.today()}.{fmt}"')
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)

    assert rows[0] == ["Artist", "Score", "Audience", "Genres", "Country"]
    assert [row[0] for row in rows[1:]] == shown
    assert shown[:2] == ["Artist 31", "Artist 30"]
    first = rows[1]
    if fmt == "csv":
        assert first == ["Artist 31", "93", "31000", "Pop", "France"]
    else:
        assert first == ["Artist 31", 93, 31000, "Pop", "France"]  # numbers stay numbers


def test_export_is_not_limited_to_the_current_page(client_as, artists):
    client, _user = client_as("Viewer")
    rows = read_csv(client.get(reverse("crm:artist-export"), {"format": "csv", "page": 2, "per_page": 25}))
    assert len(rows) == 1 + 32
    assert [row[0] for row in rows[1:]] == [f"Artist {index:02d}" for index in range(32)]


def test_default_columns_and_lists_in_the_export(client_as, artists):
    client, _user = client_as("Viewer")
    rows = read_csv(
        client.get(reverse("crm:artist-export"), {"format": "csv", "tag": artists[0].tags.get().pk})
    )
    assert rows[0] == [str(c.label) for c in listing.ARTISTS.columns if c.default]
    assert [row[0] for row in rows[1:]] == [f"Artist {index:02d}" for index in range(0, 32, 4)]
    tags_column = rows[0].index("Tags")
    assert {row[tags_column] for row in rows[1:]} == {"VIP"}


def test_money_is_a_number_with_its_currency_in_xlsx_and_csv(client_as, make_user):
    client, user = client_as("Manager")
    rivage = SponsorFactory(name="Rivage")
    DealFactory(
        title="Summer",
        value=Decimal("45000.50"),
        currency="USD",
        sponsor=rivage,
        owner=user,
        stage=stage(sponsorship(), "Proposal"),
    )
    params = {"format": "xlsx", "cols": "value,stage,sponsor,owner,weighted"}
    rows = read_xlsx(client.get(reverse("crm:deal-export"), params))

    assert rows[0] == ["Deal", "Stage", "Sponsor", "Value", "Currency", "Weighted value", "Currency", "Owner"]
    assert rows[1] == ["Summer", "Proposal", "Rivage", 45000.5, "USD", 22500.25, "USD", str(user)]
    sheet = load_workbook(io.BytesIO(body(client.get(reverse("crm:deal-export"), params)))).active
    assert sheet["D2"].data_type == "n" and sheet["D2"].number_format == "#,##0.00"

    csv_rows = read_csv(client.get(reverse("crm:deal-export"), {**params, "format": "csv"}))
    assert csv_rows[1][3:5] == ["45000.50", "USD"]


def test_sponsor_budget_exports_as_two_numbers(client_as):
    client, _user = client_as("Viewer")
    SponsorFactory(name="Rivage", budget_min=Decimal(5000), budget_max=None)
    rows = read_xlsx(client.get(reverse("crm:sponsor-export"), {"format": "xlsx", "cols": "budget"}))
    assert rows[0] == ["Sponsor", "Budget from", "Budget up to", "Currency"]
    assert rows[1][:4] == ["Rivage", 5000, None, "EUR"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_are_defused(client_as, fmt):
    client, _user = client_as("Viewer")
    for name in ("=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@SUM(A1)", "Plain"):
        SponsorFactory(name=name, industry='=HYPERLINK("http://evil")')
    response = client.get(reverse("crm:sponsor-export"), {"format": fmt, "cols": "industry", "sort": "name"})
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(["'=cmd|' /C calc'!A0", "'+SUM(A1)", "'-2+3", "'@SUM(A1)", "Plain"])
    assert {row[1] for row in rows[1:]} == {'\'=HYPERLINK("http://evil")'}
    if fmt == "xlsx":
        sheet = load_workbook(
            io.BytesIO(body(client.get(reverse("crm:sponsor-export"), {"format": "xlsx"})))
        ).active
        assert all(
            cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row[:2] if cell.value
        )


def test_an_unknown_format_is_not_found(client_as):
    client, _user = client_as("Viewer")
    assert client.get(reverse("crm:contact-export"), {"format": "pdf"}).status_code == 404


def test_guard_formula_leaves_numbers_alone():
    assert listing.guard_formula(-3) == -3
    assert listing.guard_formula("-3") == "'-3"
    assert listing.guard_formula("ok = fine") == "ok = fine"
