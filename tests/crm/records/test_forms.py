"""The record forms with bad input: amounts in the reader's language, a stage of another pipeline, dates in the
wrong order, photos that are not images or too big, a social profile someone else has, KPIs without a name."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from crm.forms import (
    MAX_PHOTO_BYTES,
    ArtistForm,
    CampaignForm,
    DealForm,
    InteractionForm,
    KpiFormSet,
    SocialFormSet,
    SponsorForm,
    parse_amount,
    split_list,
)
from crm.models import Artist, SocialProfile
from tests.crm.factories import ArtistFactory, signing, sponsorship, stage
from tests.crm.records.data import png_bytes

pytestmark = pytest.mark.django_db


# --- amounts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "amount"),
    [
        ("fr", "12 500,50", "12500.50"),
        ("fr", "12\u202f500,50", "12500.50"),
        ("fr", "12\u00a0500", "12500"),
        ("fr", "12.500,50", "12500.50"),
        ("fr", "12500.50", "12500.50"),
        ("fr", "12,5", "12.5"),
        ("fr", "12 500,50 €", "12500.50"),
        ("en", "12,500.50", "12500.50"),
        ("en", "12,500", "12500"),
        ("en", "1,234,567.8", "1234567.8"),
        ("en", "€12,500", "12500"),
        ("en", "0.5", "0.5"),
        ("en", "1'250.75", "1250.75"),
    ],
)
def test_parse_amount_reads_how_people_write_numbers(language, text, amount):
    with translation.override(language):
        assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text", ["abc", "12,50,3", "1.2.3,4,5", "12 500 EUR 3", "--5", ",", "12..5", "1,2345,678"]
)
def test_parse_amount_refuses_what_is_not_an_amount(text):
    with translation.override("fr"), pytest.raises(ValueError):
        parse_amount(text)


def deal_data(**overrides) -> dict:
    pipeline = sponsorship()
    data = {
        "title": "Summer tour",
        "pipeline": pipeline.pk,
        "stage": stage(pipeline, "Proposal").pk,
        "value": "12 500,50",
        "currency": "EUR",
    }
    data.update(overrides)
    return data


def test_a_french_value_is_read_in_french():
    with translation.override("fr"):
        form = DealForm(deal_data())
        assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == Decimal("12500.50")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12 500 euros et 50", "Enter an amount such as 12,500.50."),
        ("-300", "The amount cannot be negative."),
    ],
)
def test_a_value_in_the_wrong_format_is_a_clear_field_error(value, message):
    with translation.override("en"):
        form = DealForm(deal_data(value=value))
        assert not form.is_valid()
    assert form.errors["value"] == [message]


def test_the_amount_error_gives_a_french_example_in_french():
    with translation.override("fr"):
        form = DealForm(deal_data(value="douze mille"))
        assert not form.is_valid()
        assert "12\u202f500,50" in form.errors["value"][0] or "12\u00a0500,50" in form.errors["value"][0]


def test_an_amount_shows_grouped_in_the_form():
    with translation.override("en"):
        form = SponsorForm(
            instance=None, initial={"budget_min": Decimal("48500"), "budget_max": Decimal("1250.5")}
        )
        assert 'value="48,500"' in str(form["budget_min"])
        assert 'value="1,250.50"' in str(form["budget_max"])


# --- deals: the stage must be of the chosen pipeline ------------------------------------------------------------


def test_a_stage_of_another_pipeline_is_refused_with_a_clear_error():
    form = DealForm(deal_data(stage=stage(signing(), "Meeting").pk))
    assert not form.is_valid()
    assert form.errors["stage"] == [
        "The stage “Meeting” belongs to the pipeline “Artist signing”, not to “Sponsorship”."
    ]


def test_the_stage_options_are_those_of_the_chosen_pipeline():
    form = DealForm(initial={"pipeline": signing().pk})
    labels = [label for value, label in form.fields["stage"].widget.choices if value]
    assert labels[0].startswith("Discovered") and len(labels) == 6
    assert not any(label.startswith("Qualified") for label in labels)


def test_a_lost_stage_needs_a_reason():
    form = DealForm(deal_data(stage=stage(sponsorship(), "Lost").pk))
    assert not form.is_valid()
    assert form.errors["lost_reason"] == ["Say why the deal was lost."]
    assert DealForm(deal_data(stage=stage(sponsorship(), "Lost").pk, lost_reason="Budget cut")).is_valid()


def test_no_stage_means_the_first_open_stage_later():
    form = DealForm(deal_data(stage=""))
    assert form.is_valid(), form.errors
    assert "stage" not in form.service_fields()


# --- artists ---------------------------------------------------------------------------------------------------


def artist_data(**overrides) -> dict:
    data = {"stage_name": "Zoé Lune", "status": Artist.Status.PROSPECT, "aliases": "ZL, Zoé\nZoe Moon, ZL"}
    data.update(overrides)
    return data


def test_aliases_are_split_on_lines_and_commas_without_repeats():
    assert split_list("ZL, Zoé\nZoe Moon; ZL\n\n") == ["ZL", "Zoé", "Zoe Moon"]
    form = ArtistForm(artist_data())
    assert form.is_valid(), form.errors
    assert form.service_fields()["aliases"] == ["ZL", "Zoé", "Zoe Moon"]


def test_a_contract_ending_before_it_starts_is_refused():
    form = ArtistForm(artist_data(contract_start="2026-05-01", contract_end="2026-04-01"))
    assert not form.is_valid()
    assert form.errors["contract_end"] == ["The contract cannot end before it starts."]


def photo(content: bytes, name: str = "photo.png", content_type: str = "image/png") -> dict:
    return {"photo": SimpleUploadedFile(name, content, content_type=content_type)}


def test_a_photo_that_is_not_an_image_is_refused():
    form = ArtistForm(artist_data(), photo(b"%PDF-1.4 not an image", "photo.png"))
    assert not form.is_valid()
    assert "photo" in form.errors and "image" in form.errors["photo"][0].lower()


def test_a_photo_over_the_size_limit_is_refused():
    image = Image.effect_noise((1400, 1400), 120).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="BMP")
    big = buffer.getvalue()
    assert len(big) > MAX_PHOTO_BYTES
    form = ArtistForm(artist_data(), photo(big, "photo.bmp", "image/bmp"))
    assert not form.is_valid()
    assert form.errors["photo"] == ["The photo is too large: 5 MB at most."]


def test_a_photo_in_another_image_format_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="TIFF")
    form = ArtistForm(artist_data(), photo(buffer.getvalue(), "photo.tiff", "image/tiff"))
    assert not form.is_valid()
    assert form.errors["photo"] == ["Upload a JPEG, PNG, WebP or GIF image."]


def test_a_good_photo_is_kept_for_the_service():
    form = ArtistForm(artist_data(), photo(png_bytes((64, 64))))
    assert form.is_valid(), form.errors
    assert form.service_fields()["photo"].name == "photo.png"


def socials_data(rows: list[tuple[str, str]]) -> dict:
    data = {"socials-TOTAL_FORMS": str(len(rows)), "socials-INITIAL_FORMS": "0"}
    for i, (platform, handle) in enumerate(rows):
        data[f"socials-{i}-platform"] = platform
        data[f"socials-{i}-handle"] = handle
    return data


def test_a_social_profile_of_another_artist_is_refused_on_its_row():
    SocialProfile.objects.create(
        artist=ArtistFactory(stage_name="Other"), platform="instagram", handle="taken"
    )
    formset = SocialFormSet(socials_data([("instagram", "@Taken"), ("tiktok", "free")]), prefix="socials")
    assert not formset.is_valid()
    assert formset.forms[0].errors["handle"] == ["This profile already belongs to Other."]
    assert not formset.forms[1].errors


def test_a_social_row_needs_both_platform_and_handle_and_blank_rows_are_ignored():
    formset = SocialFormSet(socials_data([("instagram", ""), ("", ""), ("tiktok", "ok")]), prefix="socials")
    assert not formset.is_valid()
    assert formset.forms[0].errors["handle"] == ["Give the handle."]
    fine = SocialFormSet(socials_data([("", ""), ("tiktok", "@ok")]), prefix="socials")
    assert fine.is_valid()
    assert fine.rows() == [{"id": None, "platform": "tiktok", "handle": "ok", "url": ""}]


# --- campaigns, sponsors, quick-add -------------------------------------------------------------------------------


def test_a_campaign_ending_before_it_starts_is_refused():
    form = CampaignForm(
        {
            "name": "Push",
            "artist": ArtistFactory().pk,
            "status": "planned",
            "currency": "EUR",
            "start_date": "2026-06-10",
            "end_date": "2026-06-01",
        }
    )
    assert not form.is_valid()
    assert form.errors["end_date"] == ["The campaign cannot end before it starts."]


def test_kpis_need_a_name_and_read_localised_numbers():
    data = {
        "kpis-TOTAL_FORMS": "3",
        "kpis-INITIAL_FORMS": "0",
        "kpis-0-name": "Streams",
        "kpis-0-target": "2,000,000",
        "kpis-0-actual": "1,420,000",
        "kpis-1-name": "",
        "kpis-1-target": "30",
        "kpis-2-name": "",
    }
    with translation.override("en"):
        formset = KpiFormSet(data, prefix="kpis")
        assert not formset.is_valid()
        assert formset.forms[1].errors["name"] == ["Name this KPI."]
        data["kpis-1-DELETE"] = "on"
        formset = KpiFormSet(data, prefix="kpis")
        assert formset.is_valid(), formset.errors
    assert formset.kpis() == [{"name": "Streams", "target": Decimal("2000000"), "actual": Decimal("1420000")}]


def test_a_sponsor_budget_upside_down_is_refused():
    form = SponsorForm({"name": "Brand", "currency": "EUR", "budget_min": "50 000", "budget_max": "5 000"})
    assert not form.is_valid()
    assert form.errors["budget_max"] == ["The upper budget cannot be below the lower one."]


def test_the_quick_add_needs_a_record_and_refuses_system_events():
    form = InteractionForm({"kind": "note", "summary": "Hello", "occurred_at": "2026-05-01T10:30"})
    assert not form.is_valid()
    assert "not linked to any record" in form.non_field_errors()[0]
    form = InteractionForm(
        {
            "kind": "system",
            "summary": "Hello",
            "occurred_at": "2026-05-01T10:30",
            "artist": ArtistFactory().pk,
        }
    )
    assert not form.is_valid()
    assert "kind" in form.errors
