"""The CRM in the back office: every model's pages open, and saves go through the CRM's services (normalised
names, audit trail, timeline, live board), with history on artists, sponsors and deals."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from crm.models import (
    Artist,
    AudienceSnapshot,
    Contact,
    Deal,
    Interaction,
    Pipeline,
    SocialProfile,
    Sponsor,
    Stage,
)
from crm.services.records import timeline_event
from tests.crm.factories import (
    ArtistFactory,
    AudienceSnapshotFactory,
    CampaignFactory,
    ContactFactory,
    DealFactory,
    InteractionFactory,
    SocialProfileFactory,
    SponsorFactory,
    sponsorship,
    stage,
)
from tests.permission_matrix import ADMIN_OBJECTS, Ctx  # the merged table (it loads tests/crm/matrix_api.py)

pytestmark = pytest.mark.django_db

CRM_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "crm"),
    key=lambda m: m._meta.model_name,
)


@pytest.fixture
def boss(client, make_user):
    user = make_user("Admin", is_staff=True, first_name="Claire", last_name="Moreau")
    client.force_login(user)
    return user


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, int]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


ARTIST_INLINES = {**management("socials"), **management("audience_snapshots"), **management("team")}


def test_every_crm_model_is_in_the_back_office():
    names = {model._meta.model_name for model in CRM_MODELS}
    assert names == {
        "tag", "genre", "artist", "socialprofile", "audiencesnapshot", "sponsor", "contact", "pipeline", "stage",
        "campaign", "deal", "interaction", "savedview", "scoringconfig", "importjob",
    }  # fmt: skip


@pytest.mark.parametrize("model", CRM_MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_and_add_pages_open_with_rows(client, boss, model):
    artist = ArtistFactory(genres=[], score=55)
    Artist.objects.filter(pk=artist.pk).update(score_breakdown={"version": 0})
    SocialProfileFactory(artist=artist)
    AudienceSnapshotFactory(artist=artist)
    sponsor = SponsorFactory(owner=boss)
    ContactFactory(sponsor=sponsor)
    deal = DealFactory(sponsor=sponsor, artists=[artist], owner=boss)
    InteractionFactory(artist=artist, author=boss)
    timeline_event(by=boss, deal=deal, data={"event": "deal_created", "stage": "Lead"})
    CampaignFactory(artist=artist)
    name = f"admin:crm_{model._meta.model_name}"
    assert client.get(reverse(f"{name}_changelist")).status_code == 200
    assert client.get(reverse(f"{name}_changelist"), {"q": "a"}).status_code == 200
    add = client.get(reverse(f"{name}_add"))
    assert add.status_code == (403 if model._meta.model_name in ("scoringconfig", "importjob") else 200)
    obj = ADMIN_OBJECTS[model._meta.label_lower](Ctx(boss, other=boss))
    assert client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200


def test_artist_change_page_explains_the_score(client, boss):
    from crm.services.scoring import artist_score_recompute

    artist = ArtistFactory(stage_name="Kalia")
    AudienceSnapshotFactory(artist=artist, followers=250_000)
    artist_score_recompute(artist_ids=[artist.pk])
    body = client.get(reverse("admin:crm_artist_change", args=[artist.pk])).content.decode()
    assert "score explanation" in body.lower() and "<table>" in body
    assert "250" in body  # the measured audience


def test_adding_an_artist_goes_through_the_service(client, boss):
    response = client.post(
        reverse("admin:crm_artist_add"),
        {
            "stage_name": "  Ninä Saint-Clair",
            "status": "prospect",
            "country": "FR",
            "aliases": "Nina SC",
            "languages": "fr,en",
            "audience_age_bands": "18-24,25-34",
            **ARTIST_INLINES,
            "socials-TOTAL_FORMS": 1,
            "socials-0-platform": "instagram",
            "socials-0-handle": "@Nina.SC",
            "socials-0-url": "",
        },
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    artist = Artist.objects.get()
    assert artist.normalized_name == "nina saint clair" and artist.aliases == ["Nina SC"]
    assert [s.handle for s in artist.socials.all()] == ["nina.sc"]  # the service normalised it
    assert AuditEvent.objects.filter(action="crm.artist.create", actor=boss).exists()
    assert artist.history.count() == 1


def test_changing_an_artist_and_its_audience(client, boss):
    artist = ArtistFactory(stage_name="Kalia", status="prospect")
    url = reverse("admin:crm_artist_change", args=[artist.pk])
    today = timezone.localdate().isoformat()
    response = client.post(
        url,
        {
            "stage_name": "Kalia Nova",
            "status": "signed",
            "country": "FR",
            "city": "Paris",
            "email": artist.email,
            "legal_name": artist.legal_name,
            **ARTIST_INLINES,
            "audience_snapshots-TOTAL_FORMS": 1,
            "audience_snapshots-0-platform": "spotify",
            "audience_snapshots-0-date": today,
            "audience_snapshots-0-followers": 12000,
            "team-TOTAL_FORMS": 1,
            "team-0-first_name": "Léo",
            "team-0-last_name": "Booker",
            "team-0-role": "Booker",
        },
    )
    assert response.status_code == 302
    artist.refresh_from_db()
    assert artist.normalized_name == "kalia nova" and artist.status == "signed"
    assert artist.audience_total == 12000  # the service refreshed it
    assert Contact.objects.get(artist=artist).normalized_name == "leo booker"
    assert artist.history.count() == 2
    assert client.get(reverse("admin:crm_artist_history", args=[artist.pk])).status_code == 200


def test_an_artist_with_deals_cannot_be_deleted_from_the_back_office(client, boss):
    artist = ArtistFactory()
    DealFactory(artists=[artist])
    assert client.get(reverse("admin:crm_artist_delete", args=[artist.pk])).status_code == 403
    free = ArtistFactory()
    response = client.post(reverse("admin:crm_artist_delete", args=[free.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Artist.objects.filter(pk=free.pk).exists()
    assert AuditEvent.objects.filter(action="crm.artist.delete").exists()


def _deal_form(deal: Deal, **changes) -> dict:
    data = {
        "title": deal.title,
        "pipeline": deal.pipeline_id,
        "stage": deal.stage_id,
        "value": str(deal.value),
        "currency": deal.currency,
        "deliverables": "",
        "lost_reason": "",
    }
    return {**data, **changes}


def test_a_stage_change_in_the_back_office_is_a_board_move(client, boss):
    lead, won = stage(sponsorship(), "Lead"), stage(sponsorship(), "Won")
    deal = DealFactory(stage=lead, title="Pulse × Kalia")
    response = client.post(
        reverse("admin:crm_deal_change", args=[deal.pk]), _deal_form(deal, stage=won.pk, value="15000")
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == won and deal.value == Decimal("15000") and deal.closed_at is not None
    entry = Interaction.objects.get(deal=deal, data__event="stage_changed")
    assert (entry.data["from"], entry.data["to"], entry.author) == ("Lead", "Won", boss)
    assert deal.history.count() >= 2


def test_lost_needs_a_reason_in_the_back_office(client, boss):
    deal = DealFactory(stage=stage(sponsorship(), "Proposal"))
    lost = stage(sponsorship(), "Lost")
    response = client.post(reverse("admin:crm_deal_change", args=[deal.pk]), _deal_form(deal, stage=lost.pk))
    assert response.status_code == 200
    assert "lost_reason" in response.context["adminform"].form.errors
    deal.refresh_from_db()
    assert deal.stage.name == "Proposal"


def test_a_stage_of_another_pipeline_is_refused(client, boss):
    deal = DealFactory(stage=stage(sponsorship(), "Lead"))
    other = Pipeline.objects.get(kind="signing").stages.first()
    response = client.post(reverse("admin:crm_deal_change", args=[deal.pk]), _deal_form(deal, stage=other.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    deal.refresh_from_db()
    assert deal.stage.name == "Lead"


def test_adding_a_deal_puts_it_at_the_bottom_with_a_timeline_entry(client, boss):
    first = DealFactory(stage=stage(sponsorship(), "Lead"))
    response = client.post(
        reverse("admin:crm_deal_add"),
        _deal_form(first, title="New deal", value="1000"),
    )
    assert response.status_code == 302
    new = Deal.objects.get(title="New deal")
    assert new.position > first.position
    assert Interaction.objects.filter(deal=new, data__event="deal_created").exists()


def test_sponsor_contacts_inline_goes_through_the_services(client, boss):
    sponsor = SponsorFactory(name="Pulse")
    kept = ContactFactory(sponsor=sponsor, first_name="Anne", last_name="Morel")
    gone = ContactFactory(sponsor=sponsor, first_name="Old", last_name="Contact")
    response = client.post(
        reverse("admin:crm_sponsor_change", args=[sponsor.pk]),
        {
            "name": "Pulse Énergie",
            "currency": "EUR",
            "budget_min": "1000",
            "budget_max": "5000",
            **management("contacts", total=3, initial=2),
            "contacts-0-id": kept.pk,
            "contacts-0-first_name": "Anne",
            "contacts-0-last_name": "Morel-Petit",
            "contacts-1-id": gone.pk,
            "contacts-1-first_name": "Old",
            "contacts-1-last_name": "Contact",
            "contacts-1-DELETE": "on",
            "contacts-2-first_name": "Sam",
            "contacts-2-last_name": "Nouveau",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    sponsor.refresh_from_db()
    assert sponsor.normalized_name == "pulse energie"
    assert sorted(sponsor.contacts.values_list("normalized_name", flat=True)) == [
        "anne morel petit",
        "sam nouveau",
    ]
    assert AuditEvent.objects.filter(action="crm.contact.delete").exists()
    assert sponsor.history.count() == 2


def test_pipeline_with_its_stages(client, boss):
    response = client.post(
        reverse("admin:crm_pipeline_add"),
        {
            "name": "Booking",
            "kind": "other",
            **management("stages", total=2),
            "stages-0-name": "Option",
            "stages-0-probability": 30,
            "stages-0-outcome": "open",
            "stages-0-color": "#0d6efd",
            "stages-1-name": "Confirmed",
            "stages-1-probability": 100,
            "stages-1-outcome": "won",
            "stages-1-color": "#198754",
        },
    )
    assert response.status_code == 302
    pipeline = Pipeline.objects.get(name="Booking")
    assert list(pipeline.stages.order_by("position").values_list("name", "position")) == [
        ("Option", 0),
        ("Confirmed", 1),
    ]
    assert AuditEvent.objects.filter(action="crm.pipeline.create").exists()


def test_stage_with_deals_is_protected_and_an_empty_one_is_deleted(client, boss):
    lead = stage(sponsorship(), "Lead")
    DealFactory(stage=lead)
    response = client.post(reverse("admin:crm_stage_delete", args=[lead.pk]), {"post": "yes"})
    assert response.status_code == 200 and Stage.objects.filter(pk=lead.pk).exists()  # "protected" page
    from crm.services.pipelines import stage_create

    extra = stage_create(pipeline=sponsorship(), by=boss, name="Extra")
    assert client.post(reverse("admin:crm_stage_delete", args=[extra.pk]), {"post": "yes"}).status_code == 302
    assert list(sponsorship().stages.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
        3,
        4,
        5,
    ]


def test_interactions_are_added_through_the_service_and_events_are_read_only(client, boss):
    artist = ArtistFactory()
    now = timezone.localtime()
    response = client.post(
        reverse("admin:crm_interaction_add"),
        {
            "kind": "call",
            "summary": "Called the manager",
            "occurred_at_0": now.date().isoformat(),
            "occurred_at_1": now.strftime("%H:%M:%S"),
            "artist": artist.pk,
        },
    )
    assert response.status_code == 302
    entry = Interaction.objects.get(summary="Called the manager")
    assert entry.author == boss
    artist.refresh_from_db()
    assert artist.last_interaction_at is not None

    event = timeline_event(by=boss, artist=artist, data={"event": "imported"})
    assert (
        client.get(reverse("admin:crm_interaction_change", args=[event.pk])).status_code == 200
    )  # view only
    assert client.post(reverse("admin:crm_interaction_change", args=[event.pk]), {}).status_code == 403
    assert client.get(reverse("admin:crm_interaction_delete", args=[event.pk])).status_code == 403


def test_social_and_snapshot_admins_keep_the_denormalised_columns(client, boss):
    artist = ArtistFactory()
    response = client.post(
        reverse("admin:crm_socialprofile_add"),
        {"artist": artist.pk, "platform": "tiktok", "handle": "@KaliaOff"},
    )
    assert response.status_code == 302
    assert SocialProfile.objects.get().handle == "kaliaoff"
    response = client.post(
        reverse("admin:crm_audiencesnapshot_add"),
        {"artist": artist.pk, "platform": "tiktok", "date": "2026-01-05", "followers": 777},
    )
    assert response.status_code == 302
    artist.refresh_from_db()
    assert artist.audience_total == 777
    snapshot = AudienceSnapshot.objects.get()
    assert (
        client.post(
            reverse("admin:crm_audiencesnapshot_delete", args=[snapshot.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    artist.refresh_from_db()
    assert artist.audience_total == 0


def test_sponsor_history_page(client, boss):
    sponsor = SponsorFactory()
    Sponsor.objects.get(pk=sponsor.pk).save()  # a historical record
    assert client.get(reverse("admin:crm_sponsor_history", args=[sponsor.pk])).status_code == 200


def test_scoring_settings_save_through_the_service(client, boss):
    from crm.models import ScoringConfig

    config = ScoringConfig.objects.get()
    url = reverse("admin:crm_scoringconfig_change", args=[config.pk])
    response = client.post(url, {"weights": "", "focus_countries": "FR"})
    assert response.status_code == 200 and "weights" in response.context["adminform"].form.errors
    response = client.post(url, {"weights": '{"audience": 40, "growth": 10}', "focus_countries": "FR,BE"})
    assert response.status_code == 302
    config.refresh_from_db()
    assert (
        config.weights["audience"] == 40
        and sorted(config.focus_countries) == ["BE", "FR"]
        and config.updated_by == boss
    )
    assert AuditEvent.objects.filter(action="crm.scoring.update", actor=boss).exists()
