"""Reading cells (numbers, money, countries, languages, statuses, social links) and guessing the mapping."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.importing import values
from crm.importing.fields import check_mapping, guess_mapping
from crm.importing.values import CellError


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12500", 12500), ("12 500", 12500), ("12,500", 12500), ("12.5k", 12500), ("12,5k", 12500),
     ("1.2M", 1_200_000), ("1\u202f234\u202f567", 1_234_567), ("1.234.567", 1_234_567), ("0", 0)],
)  # fmt: skip
def test_counts_read_every_usual_spelling(text, expected):
    assert values.count(text) == expected


@pytest.mark.parametrize("text", ["lots", "-5", "12 abc", "∞"])
def test_counts_refuse_what_is_not_a_number(text):
    with pytest.raises(CellError):
        values.count(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10 000 €", "10000.00"), ("$10,000.50", "10000.50"), ("10.000,50", "10000.50"), ("15k", "15000.00"),
     ("2 500,5 EUR", "2500.50"), ("1234.5", "1234.50")],
)  # fmt: skip
def test_money(text, expected):
    assert values.money(text) == Decimal(expected)


def test_money_refuses_negative_and_words():
    for text in ("-10", "ten euros", "1e999"):
        with pytest.raises(CellError):
            values.money(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [("France", "FR"), ("fr", "FR"), ("FRA", "FR"), ("Allemagne", "DE"), ("Germany", "DE"), ("Côte d'Ivoire", "CI"),
     ("UK", "GB"), ("États-Unis", "US"), ("Royaume-Uni", "GB"), ("Belgique", "BE")],
)  # fmt: skip
def test_countries_by_code_or_name_in_english_or_french(text, code):
    assert values.country(text) == code


def test_unknown_country_says_how_to_write_it():
    with pytest.raises(CellError, match="ISO code"):
        values.country("Atlantis")


def test_languages_statuses_and_age_bands():
    assert values.languages("French; anglais | es") == ["fr", "en", "es"]
    assert values.status("Signé") == "signed"
    assert values.status("in talks") == "in_talks"
    assert values.status("En discussion") == "in_talks"
    assert values.age_bands("18–24, 25-34; 55+") == ["18-24", "25-34", "55+"]
    with pytest.raises(CellError, match="Prospect"):
        values.status("famous")
    with pytest.raises(CellError):
        values.languages("Klingon")


@pytest.mark.parametrize(
    ("platform", "text", "handle", "url"),
    [
        ("instagram", "@Lea.Music", "lea.music", "https://www.instagram.com/Lea.Music/"),
        ("instagram", "https://www.instagram.com/Lea.Music/?hl=fr", "lea.music", "https://www.instagram.com/Lea.Music/?hl=fr"),
        ("tiktok", "tiktok.com/@lea_music", "lea_music", "https://tiktok.com/@lea_music"),
        ("spotify", "https://open.spotify.com/artist/4Z8W4fKeB5YxbusRsdQVPb", "4Z8W4fKeB5YxbusRsdQVPb",
         "https://open.spotify.com/artist/4Z8W4fKeB5YxbusRsdQVPb"),
        ("youtube", "https://www.youtube.com/channel/UCabcDEF123", "UCabcDEF123", "https://www.youtube.com/channel/UCabcDEF123"),
        ("youtube", "https://youtube.com/@LeaMusic", "leamusic", "https://youtube.com/@LeaMusic"),
    ],
)  # fmt: skip
def test_social_handles_and_links(platform, text, handle, url):
    assert values.social(platform)(text) == {"handle": handle, "url": url}


def test_a_link_to_another_platform_is_an_error():
    with pytest.raises(CellError, match="not a Instagram link|not an? Instagram link"):
        values.social("instagram")("https://www.tiktok.com/@lea")


def test_emails_urls_phones_and_lengths():
    assert values.email(" <lea@example.com> ") == "lea@example.com"
    assert values.url("lea-music.fr") == "https://lea-music.fr"
    assert values.phone("+33 6 12 34 56 78") == "+33 6 12 34 56 78"
    for parse, text in [(values.email, "lea@"), (values.email, "lea at example.com"), (values.url, "not a url"),
                        (values.phone, "call me"), (values.text(10), "x" * 11)]:  # fmt: skip
        with pytest.raises(CellError):
            parse(text)
    assert values.aliases("Lou N.; LN | Lou, the Singer") == ["Lou N.", "LN", "Lou, the Singer"]
    assert values.genre_names("Pop, R&B; pop") == ["Pop", "R&B"]


def test_mapping_guess_recognises_french_and_english_headers():
    headers = ["Nom de scène", "E-mail", "Pays", "Téléphone", "Instagram", "Abonnés Instagram", "Genres musicaux",
               "Artist website", "Auditeurs mensuels", "Statut", "Notes internes", "Aliases"]  # fmt: skip

    mapping = guess_mapping(headers, "artists")

    assert mapping == {
        "Nom de scène": "stage_name",
        "E-mail": "email",
        "Pays": "country",
        "Téléphone": "phone",
        "Instagram": "instagram",
        "Abonnés Instagram": "instagram_followers",
        "Genres musicaux": "genres",
        "Artist website": "website",
        "Auditeurs mensuels": "spotify_listeners",
        "Statut": "status",
        "Aliases": "aliases",
    }


def test_mapping_guess_for_contacts_and_sponsors():
    assert guess_mapping(["Prénom", "Nom", "Courriel", "Fonction", "Marque"], "contacts") == {
        "Prénom": "first_name",
        "Nom": "last_name",
        "Courriel": "email",
        "Fonction": "role",
        "Marque": "sponsor",
    }
    assert guess_mapping(["Brand", "Secteur", "Budget min", "Budget max", "Devise"], "sponsors") == {
        "Brand": "name",
        "Secteur": "industry",
        "Budget min": "budget_min",
        "Budget max": "budget_max",
        "Devise": "currency",
    }


def test_each_field_goes_to_one_column_only():
    mapping = guess_mapping(["Email", "E-mail (2)", "Stage name"], "artists")

    assert list(mapping.values()).count("email") == 1


def test_check_mapping_names_the_required_field_without_column():
    with pytest.raises(ValidationError) as error:
        check_mapping(["Email"], {"Email": "email"}, "artists")

    assert "Stage name" in str(error.value) and "no column" in str(error.value)


def test_check_mapping_refuses_a_field_on_two_columns_and_accepts_contacts_full_name():
    with pytest.raises(ValidationError, match="two columns"):
        check_mapping(["A", "B"], {"A": "stage_name", "B": "stage_name"}, "artists")
    assert check_mapping(["Name"], {"Name": "full_name"}, "contacts") == {"Name": "full_name"}
    with pytest.raises(ValidationError, match="“Last name” or “Full name” is required"):
        check_mapping(["Email"], {"Email": "email"}, "contacts")
