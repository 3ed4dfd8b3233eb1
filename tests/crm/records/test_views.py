"""The record pages: full pages and their htmx partials (lazy tabs, timeline, quick-add, analytics), the create,
edit and delete forms with good and bad input, and what a read-only role sees."""

import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from crm.forms import amount_example
from crm.models import Artist, AudienceSnapshot, Campaign, Contact, Deal, Interaction, SocialProfile, Sponsor
from crm.registry import register_artist_tab, unregister_artist_tab
from tests.crm.factories import (
    ArtistFactory,
    AudienceSnapshotFactory,
    CampaignFactory,
    ContactFactory,
    DealFactory,
    InteractionFactory,
    signing,
    sponsorship,
    stage,
)
from tests.crm.records.data import png_bytes

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def artist_url(artist, tab: str = "") -> str:
    return reverse("crm:artist-detail", args=[artist.pk]) + (f"?tab={tab}" if tab else "")


# --- the artist page and its tabs --------------------------------------------------------------------------------


def test_artist_page_shows_the_header_and_lazy_tabs(manager_client, artist):
    client, _ = manager_client
    response = client.get(artist_url(artist))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nova Reyes" in html and "Prospect" in html and "Afrobeat" in html
    # Planning is installed: its tab takes the place of the "Activity" note
    for key in ("profile", "deals", "campaigns", "timeline", "analytics", "planning"):
        assert f'href="{artist_url(artist, key)}"' in html
    assert 'id="tab-activity"' not in html
    # the first tab loads on page load, the others when first shown
    assert f'hx-get="{artist_url(artist, "profile")}" hx-trigger="load"' in html
    assert f'hx-get="{artist_url(artist, "timeline")}" hx-trigger="crm-show once"' in html
    assert f"crm.artist.{artist.pk}" in html  # the live group of the page
    assert reverse("crm:artist-edit", args=[artist.pk]) in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_a_tab_in_the_address_opens_that_tab(manager_client, artist):
    client, _ = manager_client
    html = client.get(artist_url(artist, "timeline") + "&page=2").content.decode()
    assert 'id="tab-timeline" href' in html
    assert 'class="nav-link active" id="tab-timeline"' in html
    assert f'hx-get="{artist_url(artist)}?tab=timeline&amp;page=2" hx-trigger="load"' in html


def test_score_and_matches_tabs_show_only_when_their_urls_exist(manager_client, artist):
    client, _ = manager_client
    html = client.get(artist_url(artist)).content.decode()
    from crm.templatetags.crm_tags import crm_url

    for key, name in (("score", "crm:artist-score"), ("matches", "crm:artist-matches")):
        url = crm_url(name, artist.pk)
        assert (f'id="tab-{key}"' in html) == bool(url)
        if url:
            assert f'hx-get="{url}"' in html


def test_modules_add_artist_tabs_through_the_registry(manager_client, artist):
    client, _ = manager_client
    register_artist_tab("tasks", label="Tasks", icon="check2-square", url_name="crm:artist-photo", order=40)
    register_artist_tab(
        "secret", label="Hidden", icon="eye", url_name="crm:artist-photo", visible=lambda user: False
    )
    register_artist_tab("gone", label="Gone", icon="x", url_name="nothing:here")
    try:
        html = client.get(artist_url(artist)).content.decode()
    finally:
        for key in ("tasks", "secret", "gone"):
            unregister_artist_tab(key)
    assert 'id="tab-tasks"' in html and f'hx-get="{reverse("crm:artist-photo", args=[artist.pk])}"' in html
    assert 'id="tab-secret"' not in html and 'id="tab-gone"' not in html
    assert 'id="tab-activity"' not in html  # the note gives way to the real tabs
    with pytest.raises(ValueError):
        register_artist_tab("timeline", label="Mine", icon="x", url_name="crm:artist-photo")


def test_a_viewer_sees_no_edit_button_and_is_refused_the_forms(viewer_client, artist):
    client, _ = viewer_client
    html = client.get(artist_url(artist)).content.decode()
    assert reverse("crm:artist-edit", args=[artist.pk]) not in html and "New deal" not in html
    assert client.get(reverse("crm:artist-edit", args=[artist.pk])).status_code == 403
    assert client.post(reverse("crm:artist-delete", args=[artist.pk])).status_code == 403
    timeline = client.get(artist_url(artist, "timeline"), **HTMX).content.decode()
    assert 'id="crm-quick-add"' not in timeline
    analytics = client.get(artist_url(artist, "analytics"), **HTMX).content.decode()
    assert "Record an audience figure" not in analytics


def test_a_streamer_is_refused_and_a_missing_artist_is_404(client_as, artist):
    client, _ = client_as("Streamer")
    assert client.get(artist_url(artist)).status_code == 403
    client, _ = client_as("Viewer")
    assert client.get(reverse("crm:artist-detail", args=[999_999])).status_code == 404
    assert (
        client.get(reverse("crm:artist-detail", args=[999_999]) + "?tab=profile", **HTMX).status_code == 404
    )


def test_profile_tab_is_a_fragment_with_every_field(manager_client, artist):
    client, _ = manager_client
    response = client.get(artist_url(artist, "profile"), **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "About" in html
    for text in (
        "N.R.",
        "French",
        "English",
        "Belgium",
        "Explicit lyrics",
        "18–24",
        "@novareyes",
        "Jo Booker",
        "priority",
        "Singer from Lyon.",
    ):
        assert text in html, text
    assert 'href="https://www.instagram.com/novareyes/"' in html


def test_deals_tab_groups_deals_by_pipeline_with_values(manager_client, artist, deal):
    client, _ = manager_client
    DealFactory(
        title="Signing Nova", stage=stage(signing(), "Meeting"), artists=[artist], value=Decimal("2000")
    )
    DealFactory(title="Not hers", value=Decimal("999"))
    html = client.get(artist_url(artist, "deals"), **HTMX).content.decode()
    assert "<html" not in html
    assert html.index("Artist signing") < html.index("Sponsorship")
    assert "Summer tour sponsorship" in html and "Signing Nova" in html and "Not hers" not in html
    assert "2 deals" in html and "€10,000" in html and "€5,000" in html  # open and weighted (50 %)


def test_campaigns_tab_lists_the_artists_campaigns(manager_client, artist):
    client, _ = manager_client
    CampaignFactory(artist=artist, name="Album launch", budget=Decimal("15000"))
    CampaignFactory(name="Someone else's")
    html = client.get(artist_url(artist, "campaigns"), **HTMX).content.decode()
    assert "Album launch" in html and "€15,000" in html and "Someone else" not in html


def test_timeline_shows_the_artist_and_its_deals_newest_first(manager_client, artist, deal):
    client, _ = manager_client
    now = timezone.now()
    InteractionFactory(artist=artist, summary="Older call", occurred_at=now - timedelta(days=2))
    InteractionFactory(artist=None, deal=deal, summary="Deal meeting", occurred_at=now - timedelta(days=1))
    Interaction.objects.create(
        kind="system",
        occurred_at=now,
        summary="",
        deal=deal,
        data={"event": "stage_changed", "from": "Lead", "to": "Proposal"},
    )
    InteractionFactory(summary="Another artist's note")
    html = client.get(artist_url(artist, "timeline"), **HTMX).content.decode()
    assert 'id="crm-quick-add"' in html and 'name="artist"' in html
    assert html.index("Moved from Lead to Proposal") < html.index("Deal meeting") < html.index("Older call")
    assert "Another artist" not in html
    assert "is-system" in html  # events look different
    assert "Summer tour sponsorship" in html  # a deal's entry links to its deal


def test_timeline_pages_through_the_feed(manager_client, artist):
    client, _ = manager_client
    now = timezone.now()
    for i in range(25):
        InteractionFactory(artist=artist, summary=f"Entry {i:02d}", occurred_at=now - timedelta(hours=i))
    first = client.get(artist_url(artist, "timeline"), **HTMX).content.decode()
    assert "Entry 00" in first and "Entry 19" in first and "Entry 20" not in first
    assert "Page 1 of 2" in first
    feed = client.get(artist_url(artist, "timeline") + "&feed=1&page=2", **HTMX).content.decode()
    assert 'id="crm-timeline-feed"' in feed and 'id="crm-quick-add"' not in feed
    assert "Entry 20" in feed and "Entry 24" in feed and "Entry 19" not in feed


def test_an_empty_timeline_says_so(manager_client):
    client, _ = manager_client
    html = client.get(artist_url(ArtistFactory(), "timeline"), **HTMX).content.decode()
    assert "Nothing on the timeline yet" in html and 'id="crm-timeline-empty"' in html


def test_analytics_tab_shows_growth_and_the_chart_data(manager_client, artist):
    client, _ = manager_client
    today = timezone.localdate()
    AudienceSnapshotFactory(
        artist=artist, platform="instagram", date=today - timedelta(days=120), followers=100_000
    )
    AudienceSnapshotFactory(
        artist=artist, platform="instagram", date=today - timedelta(days=90), followers=120_000
    )
    AudienceSnapshotFactory(artist=artist, platform="instagram", date=today, followers=150_000)
    AudienceSnapshotFactory(
        artist=artist, platform="spotify", date=today - timedelta(days=30), followers=10_000
    )
    AudienceSnapshotFactory(artist=artist, platform="spotify", date=today, followers=9_000)
    html = client.get(artist_url(artist, "analytics"), **HTMX).content.decode()
    assert "150,000" in html and "+30,000 (+25.0 %)" in html and "in 90 days" in html
    assert "−1,000 (−10.0 %)" in html and "in 30 days" in html
    assert "data-audience-chart=" in html and "&quot;labels&quot;" in html and "<script" not in html
    assert "Record an audience figure" in html


def test_analytics_with_no_figure_has_an_empty_state(manager_client, artist):
    client, _ = manager_client
    html = client.get(artist_url(artist, "analytics"), **HTMX).content.decode()
    assert "No audience figures yet" in html and "data-audience-chart" not in html


def test_recording_an_audience_figure_refreshes_the_tab(manager_client, artist):
    client, user = manager_client
    url = reverse("crm:artist-snapshot-create", args=[artist.pk])
    response = client.post(
        url,
        {
            "platform": "tiktok",
            "date": timezone.localdate().isoformat(),
            "followers": "4200",
            "engagement_rate": "5,5",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "4,200" in response.content.decode()
    snapshot = AudienceSnapshot.objects.get(artist=artist, platform="tiktok")
    assert snapshot.followers == 4200 and snapshot.engagement_rate == Decimal("5.50")
    artist.refresh_from_db()
    assert artist.audience_total == 4200
    assert AuditEvent.objects.filter(action="crm.artist.audience", actor=user).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"followers": "-5"}, "followers", "greater than or equal to 0"),
        ({"date": "2099-01-01"}, "date", "cannot be in the future"),
        ({"engagement_rate": "lots"}, "engagement_rate", "percentage such as 4.5"),
        ({"platform": ""}, "platform", "required"),
    ],
)
def test_a_bad_audience_figure_comes_back_with_its_error(manager_client, artist, data, field, message):
    client, _ = manager_client
    payload = {"platform": "tiktok", "date": timezone.localdate().isoformat(), "followers": "10", **data}
    html = client.post(
        reverse("crm:artist-snapshot-create", args=[artist.pk]), payload, **HTMX
    ).content.decode()
    assert message in html
    assert not AudienceSnapshot.objects.filter(artist=artist).exists()


# --- the quick-add ---------------------------------------------------------------------------------------------


def test_quick_add_answers_with_the_entry_and_a_fresh_form(
    manager_client, artist, django_capture_on_commit_callbacks
):
    client, user = manager_client
    contact = artist.team.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("crm:interaction-create"),
            {
                "kind": "meeting",
                "occurred_at": "2026-05-04T10:30",
                "summary": "Studio visit",
                "artist": artist.pk,
                "participants": [user.pk],
                "people": [contact.pk],
            },
            **HTMX,
        )
    assert response.status_code == 200
    entry = Interaction.objects.get(summary="Studio visit")
    assert (entry.kind, entry.artist_id, entry.author_id) == ("meeting", artist.pk, user.pk)
    assert list(entry.participants.all()) == [user] and list(entry.people.all()) == [contact]
    html = response.content.decode()
    assert f'id="interaction-{entry.pk}"' in html and "Studio visit" in html and "Jo Booker" in html
    assert 'id="crm-quick-add" hx-swap-oob="true"' in html  # the form, reset
    assert 'id="crm-timeline-empty" hx-swap-oob="delete"' in html
    artist.refresh_from_db()
    assert artist.last_interaction_at == entry.occurred_at


def test_quick_add_reads_the_date_in_the_users_time_zone(client_as, artist):
    client, user = client_as("Manager", time_zone="America/New_York")
    client.post(
        reverse("crm:interaction-create"),
        {"kind": "call", "occurred_at": "2026-05-04T10:30", "summary": "NY call", "artist": artist.pk},
        **HTMX,
    )
    entry = Interaction.objects.get(summary="NY call")
    assert entry.occurred_at == datetime(2026, 5, 4, 10, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    form = client.get(artist_url(artist, "timeline"), **HTMX).content.decode()
    now_there = timezone.now().astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert f'value="{now_there:%Y-%m-%dT%H:}' in form  # "now" by default, in their time


def test_quick_add_errors_come_back_in_the_form_in_place(manager_client, artist):
    client, _ = manager_client
    response = client.post(
        reverse("crm:interaction-create"),
        {"kind": "call", "occurred_at": "2026-05-04T10:30", "summary": "", "artist": artist.pk},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#crm-quick-add" and response["HX-Reswap"] == "outerHTML"
    assert "This field is required." in response.content.decode()
    assert not Interaction.objects.exists()


def test_quick_add_without_htmx_goes_back_to_the_timeline(manager_client, deal):
    client, _ = manager_client
    response = client.post(
        reverse("crm:interaction-create"),
        {"kind": "note", "occurred_at": "2026-05-04T10:30", "summary": "From the deal", "deal": deal.pk},
    )
    assert (
        response.status_code == 302
        and response["Location"] == reverse("crm:deal-detail", args=[deal.pk]) + "?tab=timeline"
    )
    assert Interaction.objects.filter(deal=deal, summary="From the deal").exists()


def test_quick_add_is_refused_to_a_viewer(viewer_client, artist):
    client, _ = viewer_client
    response = client.post(
        reverse("crm:interaction-create"),
        {"kind": "note", "occurred_at": "2026-05-04T10:30", "summary": "x", "artist": artist.pk},
        **HTMX,
    )
    assert response.status_code == 403 and not Interaction.objects.exists()


def test_one_entry_as_a_fragment_for_live_pages(viewer_client, artist, deal):
    client, _ = viewer_client
    entry = InteractionFactory(artist=None, deal=deal, summary="Live one")
    html = client.get(
        reverse("crm:interaction-detail", args=[entry.pk]) + f"?on=deal-{deal.pk}"
    ).content.decode()
    assert f'id="interaction-{entry.pk}"' in html and "Live one" in html
    assert reverse("crm:deal-detail", args=[deal.pk]) not in html  # the page's own record is not linked
    html = client.get(
        reverse("crm:interaction-detail", args=[entry.pk]) + f"?on=artist-{artist.pk}"
    ).content.decode()
    assert reverse("crm:deal-detail", args=[deal.pk]) in html


# --- artist forms ----------------------------------------------------------------------------------------------


def artist_post(**overrides) -> dict:
    data = {
        "stage_name": "Zoé Lune",
        "status": "prospect",
        "aliases": "ZL\nZoe Moon",
        "country": "FR",
        "languages": ["fr", "en"],
        "audience_regions": ["FR", "BE"],
        "audience_age_bands": ["18-24"],
        "brand_safety_flags": ["alcohol"],
        "socials-TOTAL_FORMS": "2",
        "socials-INITIAL_FORMS": "0",
        "socials-0-platform": "instagram",
        "socials-0-handle": "@ZoeLune",
        "socials-1-platform": "",
        "socials-1-handle": "",
    }
    data.update(overrides)
    return data


def test_create_an_artist_with_socials_and_a_photo(manager_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, user = manager_client
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = artist_post(
        photo=SimpleUploadedFile("zoe.png", png_bytes((40, 40)), content_type="image/png"), managers=[user.pk]
    )
    response = client.post(reverse("crm:artist-create"), data)
    artist = Artist.objects.get(stage_name="Zoé Lune")
    assert response.status_code == 302 and response["Location"] == artist_url(artist)
    assert (
        artist.aliases == ["ZL", "Zoe Moon"]
        and artist.languages == ["fr", "en"]
        and artist.audience_regions == ["FR", "BE"]
    )
    assert list(artist.socials.values_list("platform", "handle")) == [("instagram", "zoelune")]
    assert list(artist.managers.all()) == [user]
    assert artist.photo.name.startswith("crm/artists/zoe")
    photo = client.get(reverse("crm:artist-photo", args=[artist.pk]))
    assert (
        photo.status_code == 200
        and photo["Content-Type"] == "image/png"
        and b"".join(photo.streaming_content).startswith(b"\x89PNG")
    )
    assert AuditEvent.objects.filter(action="crm.artist.create", actor=user).exists()


def test_an_artist_form_with_errors_keeps_everything_typed(manager_client):
    client, _ = manager_client
    data = artist_post(stage_name="", contract_start="2026-06-01", contract_end="2026-05-01", bio="Keep me")
    response = client.post(reverse("crm:artist-create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html and "The contract cannot end before it starts." in html
    assert "Keep me" in html and 'value="zoelune"' not in html and 'value="@ZoeLune"' in html
    assert "Nothing was saved." in html
    assert not Artist.objects.exists()


def test_a_taken_social_profile_blocks_the_save_with_the_row_error(manager_client):
    client, _ = manager_client
    SocialProfile.objects.create(
        artist=ArtistFactory(stage_name="Owner"), platform="instagram", handle="zoelune"
    )
    html = client.post(reverse("crm:artist-create"), artist_post()).content.decode()
    assert "This profile already belongs to Owner." in html
    assert not Artist.objects.filter(stage_name="Zoé Lune").exists()


def test_edit_an_artist_replaces_changed_socials(manager_client, artist):
    client, _ = manager_client
    keep = artist.socials.get()
    gone = SocialProfile.objects.create(artist=artist, platform="tiktok", handle="old")
    edit = reverse("crm:artist-edit", args=[artist.pk])
    page = client.get(edit).content.decode()
    assert 'value="novareyes"' in page and "Nova\nN.R." in page
    data = artist_post(
        stage_name="Nova R.",
        **{
            "socials-TOTAL_FORMS": "3",
            "socials-INITIAL_FORMS": "2",
            "socials-0-id": str(keep.pk),
            "socials-0-platform": "instagram",
            "socials-0-handle": "novareyes",
            "socials-1-id": str(gone.pk),
            "socials-1-platform": "tiktok",
            "socials-1-handle": "old",
            "socials-1-DELETE": "on",
            "socials-2-platform": "youtube",
            "socials-2-handle": "NovaReyesTV",
        },
    )
    response = client.post(edit, data)
    assert response.status_code == 302
    artist.refresh_from_db()
    assert artist.stage_name == "Nova R."
    assert sorted(artist.socials.values_list("platform", "handle")) == [
        ("instagram", "novareyes"),
        ("youtube", "novareyestv"),
    ]
    assert artist.socials.filter(pk=keep.pk).exists()  # untouched rows are kept as they are


def test_delete_an_artist_behind_a_confirm_and_refused_with_deals(manager_client, artist, deal):
    client, user = manager_client
    edit = client.get(reverse("crm:artist-edit", args=[artist.pk])).content.decode()
    assert "data-confirm=" in edit and reverse("crm:artist-delete", args=[artist.pk]) in edit
    response = client.post(reverse("crm:artist-delete", args=[artist.pk]), follow=True)
    assert Artist.objects.filter(pk=artist.pk).exists()
    assert "still has deals" in response.content.decode()
    deal.delete()
    response = client.post(reverse("crm:artist-delete", args=[artist.pk]))
    assert response.status_code == 302 and not Artist.objects.filter(pk=artist.pk).exists()
    assert AuditEvent.objects.filter(action="crm.artist.delete", actor=user).exists()


def test_the_photo_is_404_without_one(viewer_client, artist):
    client, _ = viewer_client
    assert client.get(reverse("crm:artist-photo", args=[artist.pk])).status_code == 404


# --- sponsors and contacts ---------------------------------------------------------------------------------------


def test_sponsor_page_and_tabs(manager_client, sponsor, deal):
    client, _ = manager_client
    ContactFactory(sponsor=sponsor, first_name="Camille", last_name="Durand", role="Brand manager")
    url = reverse("crm:sponsor-detail", args=[sponsor.pk])
    page = client.get(url).content.decode()
    assert "Brasserie Lumière" in page and f"crm.sponsor.{sponsor.pk}" in page
    profile = client.get(url + "?tab=profile", **HTMX).content.decode()
    assert "Camille Durand" in profile and "France" in profile and f"?sponsor={sponsor.pk}" in profile
    deals = client.get(url + "?tab=deals", **HTMX).content.decode()
    assert "Summer tour sponsorship" in deals and "Nova Reyes" in deals
    InteractionFactory(artist=None, sponsor=sponsor, summary="Brand call")
    InteractionFactory(artist=None, deal=deal, summary="Deal call")
    timeline = client.get(url + "?tab=timeline", **HTMX).content.decode()
    assert "Brand call" in timeline and "Deal call" in timeline and 'name="sponsor"' in timeline


def test_create_edit_delete_a_sponsor_with_a_french_budget(client_as):
    client, user = client_as("Manager", language="fr")
    client.cookies["django_language"] = "fr"
    response = client.post(
        reverse("crm:sponsor-create"),
        {
            "name": "Lumière",
            "currency": "EUR",
            "budget_min": "5 000",
            "budget_max": "12 500,50",
            "target_regions": ["FR"],
        },
    )
    sponsor = Sponsor.objects.get(name="Lumière")
    assert response.status_code == 302
    assert (sponsor.budget_min, sponsor.budget_max) == (Decimal("5000"), Decimal("12500.50"))
    edit = reverse("crm:sponsor-edit", args=[sponsor.pk])
    with translation.override("fr"):
        example = amount_example()  # 12 500,50 with the French thousands space
    assert f'value="{example}"' in client.get(edit).content.decode()
    bad = client.post(edit, {"name": "Lumière", "currency": "EUR", "budget_min": "beaucoup"})
    assert bad.status_code == 200 and example in bad.content.decode()
    sponsor.refresh_from_db()
    assert sponsor.budget_min == Decimal("5000")
    client.post(reverse("crm:sponsor-delete", args=[sponsor.pk]))
    assert not Sponsor.objects.exists()
    assert AuditEvent.objects.filter(action="crm.sponsor.delete", actor=user).exists()


def test_add_a_contact_from_the_sponsor_page_comes_back_to_it(manager_client, sponsor):
    client, _ = manager_client
    url = reverse("crm:contact-create") + f"?sponsor={sponsor.pk}"
    form = client.get(url).content.decode()
    assert f'<option value="{sponsor.pk}" selected>Brasserie Lumière</option>' in form
    response = client.post(
        url,
        {
            "first_name": "Yanis",
            "last_name": "Benali",
            "sponsor": sponsor.pk,
            "email": "yanis@lumiere.example",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "crm:sponsor-detail", args=[sponsor.pk]
    )
    assert Contact.objects.get(last_name="Benali").sponsor == sponsor


def test_a_contact_cannot_belong_to_a_sponsor_and_an_artist(manager_client, sponsor, artist):
    client, _ = manager_client
    response = client.post(
        reverse("crm:contact-create"), {"last_name": "Both", "sponsor": sponsor.pk, "artist": artist.pk}
    )
    assert "not both" in response.content.decode()
    assert not Contact.objects.filter(last_name="Both").exists()


def test_contact_page_with_its_timeline(manager_client, artist):
    client, _ = manager_client
    contact = artist.team.get()
    met = InteractionFactory(artist=artist, summary="Met Jo at the show")
    met.people.add(contact)
    url = reverse("crm:contact-detail", args=[contact.pk])
    page = client.get(url).content.decode()
    assert "Jo Booker" in page and "Nova Reyes" in page and f"crm.contact.{contact.pk}" in page
    timeline = client.get(url + "?tab=timeline", **HTMX).content.decode()
    assert "Met Jo at the show" in timeline and 'name="contact"' in timeline


# --- deals -----------------------------------------------------------------------------------------------------


def test_deal_page_shows_figures_stages_and_history(manager_client, deal):
    client, _ = manager_client
    deal.probability = 80
    deal.save()
    Interaction.objects.create(
        kind="system",
        occurred_at=timezone.now(),
        summary="",
        deal=deal,
        data={"event": "stage_changed", "from": "Lead", "to": "Proposal"},
    )
    InteractionFactory(artist=None, deal=deal, summary="Not a stage move")
    html = client.get(reverse("crm:deal-detail", args=[deal.pk])).content.decode()
    assert "€10,000" in html and "80 %" in html and "set on the deal" in html and "€8,000" in html
    assert 'aria-current="step"' in html and "Negotiation" in html
    history = html[html.index("Stage history") :]
    assert "Moved from Lead to Proposal" in history and "Not a stage move" not in history
    assert f"crm.deal.{deal.pk}" in html


def test_create_a_deal_prefilled_from_an_artist(manager_client, artist):
    client, user = manager_client
    form = client.get(reverse("crm:deal-create") + f"?artist={artist.pk}").content.decode()
    assert f'<option value="{artist.pk}" selected>Nova Reyes</option>' in form
    pipeline = sponsorship()
    response = client.post(
        reverse("crm:deal-create"),
        {
            "title": "Tour",
            "pipeline": pipeline.pk,
            "stage": "",
            "value": "48,500",
            "currency": "EUR",
            "artists": [artist.pk],
        },
    )
    deal = Deal.objects.get(title="Tour")
    assert response.status_code == 302 and response["Location"] == reverse("crm:deal-detail", args=[deal.pk])
    assert (
        deal.stage.name == "Lead" and deal.value == Decimal("48500") and list(deal.artists.all()) == [artist]
    )
    assert Interaction.objects.filter(deal=deal, data__event="deal_created").exists()


def test_choosing_another_pipeline_reloads_the_stage_options(manager_client):
    client, _ = manager_client
    response = client.get(
        reverse("crm:deal-create") + f"?pipeline={signing().pk}", HTTP_HX_TRIGGER_NAME="pipeline", **HTMX
    )
    html = response.content.decode()
    assert html.strip().startswith('<div id="deal-stage-field"')
    assert "Discovered" in html and "Qualified" not in html


def test_the_server_refuses_a_stage_of_another_pipeline(manager_client):
    client, _ = manager_client
    response = client.post(
        reverse("crm:deal-create"),
        {
            "title": "Mixed",
            "pipeline": sponsorship().pk,
            "stage": stage(signing(), "Meeting").pk,
            "value": "10",
            "currency": "EUR",
        },
    )
    assert response.status_code == 200
    assert "belongs to the pipeline “Artist signing”" in response.content.decode()
    assert not Deal.objects.filter(title="Mixed").exists()


def test_a_deal_value_in_the_wrong_format_is_refused(manager_client):
    client, _ = manager_client
    response = client.post(
        reverse("crm:deal-create"),
        {"title": "Bad value", "pipeline": sponsorship().pk, "value": "12.500,50,1", "currency": "EUR"},
    )
    html = response.content.decode()
    assert "Enter an amount such as 12,500.50." in html and 'value="12.500,50,1"' in html
    assert not Deal.objects.filter(title="Bad value").exists()


def test_editing_a_deals_stage_writes_the_move_on_its_timeline(manager_client, deal):
    client, user = manager_client
    pipeline = sponsorship()
    data = {
        "title": deal.title,
        "pipeline": pipeline.pk,
        "stage": stage(pipeline, "Won").pk,
        "value": "20 000",
        "currency": "EUR",
        "artists": [a.pk for a in deal.artists.all()],
        "sponsor": deal.sponsor_id,
    }
    response = client.post(reverse("crm:deal-edit", args=[deal.pk]), data)
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage.name == "Won" and deal.value == Decimal("20000") and deal.closed_at is not None
    move = Interaction.objects.get(deal=deal, data__event="stage_changed")
    assert (move.data["from"], move.data["to"]) == ("Proposal", "Won")


def test_delete_a_deal(manager_client, deal):
    client, _ = manager_client
    response = client.post(reverse("crm:deal-delete", args=[deal.pk]))
    assert response.status_code == 302 and not Deal.objects.filter(pk=deal.pk).exists()


# --- campaigns -------------------------------------------------------------------------------------------------


def test_campaign_list_filters_and_pages_as_a_partial(manager_client, artist):
    client, _ = manager_client
    CampaignFactory(artist=artist, name="Album launch", status=Campaign.Status.ACTIVE)
    CampaignFactory(name="Old tour", status=Campaign.Status.DONE)
    page = client.get(reverse("crm:campaign-list")).content.decode()
    assert "Album launch" in page and "Old tour" in page
    partial = client.get(reverse("crm:campaign-list") + "?status=active", **HTMX).content.decode()
    assert partial.strip().startswith('<div id="campaign-table">')
    assert "Album launch" in partial and "Old tour" not in partial
    search = client.get(reverse("crm:campaign-list") + "?q=nova", **HTMX).content.decode()
    assert "Album launch" in search and "Old tour" not in search
    nothing = client.get(reverse("crm:campaign-list") + "?q=zzz", **HTMX).content.decode()
    assert "No campaign matches" in nothing


def test_create_a_campaign_with_kpis_and_see_the_progress(manager_client, artist):
    client, _ = manager_client
    data = {
        "name": "Summer push",
        "artist": artist.pk,
        "status": "active",
        "currency": "EUR",
        "budget": "25,000",
        "start_date": "2026-06-01",
        "end_date": "2026-08-31",
        "kpis-TOTAL_FORMS": "2",
        "kpis-INITIAL_FORMS": "0",
        "kpis-0-name": "Streams",
        "kpis-0-target": "2,000,000",
        "kpis-0-actual": "1,420,000",
        "kpis-1-name": "",
    }
    response = client.post(reverse("crm:campaign-create") + f"?artist={artist.pk}", data)
    campaign = Campaign.objects.get(name="Summer push")
    assert response.status_code == 302
    assert campaign.budget == Decimal("25000") and campaign.kpis == [
        {"name": "Streams", "target": 2000000.0, "actual": 1420000.0}
    ]
    DealFactory(title="Linked deal", campaign=campaign)
    html = client.get(reverse("crm:campaign-detail", args=[campaign.pk])).content.decode()
    assert "Streams" in html and "71 %" in html and 'data-progress="71"' in html and "Linked deal" in html
    edit = client.get(reverse("crm:campaign-edit", args=[campaign.pk])).content.decode()
    assert 'value="Streams"' in edit and 'value="2,000,000"' in edit


def test_a_campaign_ending_before_it_starts_comes_back_with_the_error(manager_client, artist):
    client, _ = manager_client
    data = {
        "name": "Backwards",
        "artist": artist.pk,
        "status": "planned",
        "currency": "EUR",
        "start_date": "2026-06-10",
        "end_date": "2026-06-01",
        "kpis-TOTAL_FORMS": "0",
        "kpis-INITIAL_FORMS": "0",
    }
    html = client.post(reverse("crm:campaign-create"), data).content.decode()
    assert "The campaign cannot end before it starts." in html and 'value="Backwards"' in html
    assert not Campaign.objects.exists()


def test_delete_a_campaign_keeps_its_deals(manager_client, artist):
    client, _ = manager_client
    campaign = CampaignFactory(artist=artist)
    deal = DealFactory(campaign=campaign)
    client.post(reverse("crm:campaign-delete", args=[campaign.pk]))
    deal.refresh_from_db()
    assert deal.campaign is None and not Campaign.objects.exists()


# --- pickers ---------------------------------------------------------------------------------------------------


def test_record_picker_searches_names_without_accents(viewer_client, artist, sponsor):
    client, _ = viewer_client
    ArtistFactory(stage_name="Someone Else")
    found = client.get(reverse("crm:record-picker", args=["artist"]) + "?q=reyes").json()["results"]
    assert [r["label"] for r in found] == ["Nova Reyes"]
    found = client.get(reverse("crm:record-picker", args=["sponsor"]) + "?q=lumiere").json()["results"]
    assert [r["label"] for r in found] == ["Brasserie Lumière"]
    found = client.get(reverse("crm:record-picker", args=["contact"]) + "?q=booker").json()["results"]
    assert found[0]["label"] == "Jo Booker" and "Nova Reyes" in found[0]["hint"]


# --- read-only roles -------------------------------------------------------------------------------------------


def test_read_only_roles_see_no_edit_or_delete_anywhere(client_as, artist, sponsor, deal):
    client, _ = client_as("Producer")
    campaign = CampaignFactory(artist=artist)
    pages = {
        reverse("crm:sponsor-detail", args=[sponsor.pk]): reverse("crm:sponsor-edit", args=[sponsor.pk]),
        reverse("crm:deal-detail", args=[deal.pk]): reverse("crm:deal-edit", args=[deal.pk]),
        reverse("crm:campaign-detail", args=[campaign.pk]): reverse("crm:campaign-edit", args=[campaign.pk]),
        reverse("crm:contact-detail", args=[artist.team.get().pk]): reverse(
            "crm:contact-edit", args=[artist.team.get().pk]
        ),
    }
    for page, edit in pages.items():
        html = client.get(page).content.decode()
        assert edit not in html and "data-confirm" not in html, page
        assert client.get(edit).status_code == 403
    profile = client.get(
        reverse("crm:sponsor-detail", args=[sponsor.pk]) + "?tab=profile", **HTMX
    ).content.decode()
    assert "Add a contact" not in profile
    assert "New campaign" not in client.get(reverse("crm:campaign-list")).content.decode()


# --- pipeline settings -----------------------------------------------------------------------------------------


def settings_card(client, response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_pipeline_settings_lists_pipelines_with_their_stages(manager_client):
    client, _ = manager_client
    DealFactory(stage=stage(sponsorship(), "Proposal"))
    html = client.get(reverse("crm:pipeline-settings")).content.decode()
    assert "Artist signing" in html and "Sponsorship" in html and "1 deal" in html
    assert "data-stage-sortable" in html and reverse("crm:stage-reorder", args=[sponsorship().pk]) in html


def test_add_a_stage_answers_with_the_pipeline_card(manager_client):
    client, _ = manager_client
    pipeline = sponsorship()
    data = {
        f"new-{pipeline.pk}-name": "Contract sent",
        f"new-{pipeline.pk}-probability": "90",
        f"new-{pipeline.pk}-outcome": "open",
        f"new-{pipeline.pk}-color": "#123456",
    }
    html = settings_card(client, client.post(reverse("crm:stage-create", args=[pipeline.pk]), data, **HTMX))
    assert html.strip().startswith(f'<section class="card pipeline-card" id="pipeline-{pipeline.pk}"')
    assert html.index('value="Negotiation"') < html.index('value="Contract sent"') < html.index('value="Won"')


def test_a_stage_error_shows_on_the_card_and_keeps_the_input(manager_client):
    client, _ = manager_client
    pipeline = sponsorship()
    lead = stage(pipeline, "Lead")
    data = {
        f"stage-{lead.pk}-name": "Won",
        f"stage-{lead.pk}-probability": "150",
        f"stage-{lead.pk}-outcome": "open",
        f"stage-{lead.pk}-color": "#123456",
    }
    html = settings_card(client, client.post(reverse("crm:stage-edit", args=[lead.pk]), data, **HTMX))
    assert "less than or equal to 100" in html and 'value="150"' in html
    lead.refresh_from_db()
    assert lead.probability == 10
    data[f"stage-{lead.pk}-probability"] = "20"
    html = settings_card(client, client.post(reverse("crm:stage-edit", args=[lead.pk]), data, **HTMX))
    assert "This pipeline already has a stage with this name." in html


def test_reorder_and_move_stages_through_the_views(manager_client):
    client, _ = manager_client
    pipeline = sponsorship()
    ids = list(pipeline.stages.order_by("position").values_list("pk", flat=True))
    order = ",".join(str(pk) for pk in [ids[1], ids[0], *ids[2:]])
    settings_card(
        client, client.post(reverse("crm:stage-reorder", args=[pipeline.pk]), {"order": order}, **HTMX)
    )
    assert list(pipeline.stages.order_by("position").values_list("name", flat=True))[:2] == [
        "Qualified",
        "Lead",
    ]
    settings_card(client, client.post(reverse("crm:stage-move", args=[ids[0]]), {"direction": "up"}, **HTMX))
    assert list(pipeline.stages.order_by("position").values_list("name", flat=True))[:2] == [
        "Lead",
        "Qualified",
    ]
    stale = settings_card(
        client, client.post(reverse("crm:stage-reorder", args=[pipeline.pk]), {"order": order[:-2]}, **HTMX)
    )
    assert "reload the page" in stale


def test_delete_a_stage_by_moving_its_deals(manager_client):
    client, _ = manager_client
    pipeline = sponsorship()
    proposal, negotiation = stage(pipeline, "Proposal"), stage(pipeline, "Negotiation")
    deal = DealFactory(stage=proposal)
    url = reverse("crm:stage-delete", args=[proposal.pk])
    refused = settings_card(client, client.post(url, {}, **HTMX))
    assert "Choose the stage its deals move to." in refused
    html = settings_card(client, client.post(url, {f"delete-{proposal.pk}-move_to": negotiation.pk}, **HTMX))
    assert "its deal moved to Negotiation" in html  # the toast
    deal.refresh_from_db()
    assert deal.stage == negotiation


def test_add_a_pipeline_from_the_settings(manager_client):
    client, _ = manager_client
    html = client.post(
        reverse("crm:pipeline-create"), {"name": "Bookings", "kind": "other"}, **HTMX
    ).content.decode()
    assert html.strip().startswith('<div id="pipeline-list"') and "Bookings" in html
    again = client.post(
        reverse("crm:pipeline-create"), {"name": "bookings", "kind": "other"}, **HTMX
    ).content.decode()
    assert "A pipeline with this name already exists." in again


def test_a_contact_prefilled_for_an_artists_team(manager_client, artist):
    client, _ = manager_client
    form = client.get(reverse("crm:contact-create") + f"?artist={artist.pk}").content.decode()
    assert f'<option value="{artist.pk}" selected>Nova Reyes</option>' in form
    response = client.post(
        reverse("crm:contact-create") + f"?artist={artist.pk}", {"last_name": "Agent", "artist": artist.pk}
    )
    assert response["Location"] == reverse("crm:artist-detail", args=[artist.pk])
