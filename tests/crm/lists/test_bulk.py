"""Bulk actions on the selected rows: add or remove a tag, assign a manager (artists) or an owner (sponsors,
deals). The services re-check permission, skip rows already in shape, audit each record, and leave the
artist score alone (tags and managers are not score inputs)."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from crm.models import Artist, Contact, Deal, Sponsor, Tag
from crm.services.views import bulk_assign, bulk_tag
from crm.signals import score_inputs_changed
from tests.crm.factories import ArtistFactory, ContactFactory, DealFactory, SponsorFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def score_signals():
    received = []

    def receiver(**kwargs):
        received.append(kwargs["artist_ids"])

    score_inputs_changed.connect(receiver, weak=False, dispatch_uid="lists-bulk")
    yield received
    score_inputs_changed.disconnect(dispatch_uid="lists-bulk")


# --- services --------------------------------------------------------------------------------------------


def test_bulk_tag_adds_once_audits_each_and_does_not_touch_the_score(
    manager, score_signals, django_capture_on_commit_callbacks
):
    vip = TagFactory(name="VIP")
    a, b, c = ArtistFactory(), ArtistFactory(tags=[vip]), ArtistFactory()
    with django_capture_on_commit_callbacks(execute=True):
        changed = bulk_tag(by=manager, model=Artist, ids=[a.pk, b.pk, str(c.pk)], tag=vip)

    assert changed == 2  # b had it already
    assert set(vip.artists.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}
    events = AuditEvent.objects.filter(action="crm.artist.tag_add")
    assert sorted(int(e.target_id) for e in events) == [a.pk, c.pk]
    assert events.first().data == {"tag": "VIP"}
    assert score_signals == []


def test_bulk_tag_by_name_reuses_a_tag_whatever_the_case_or_creates_it(manager):
    vip = TagFactory(name="VIP")
    sponsor = SponsorFactory()
    bulk_tag(by=manager, model=Sponsor, ids=[sponsor.pk], tag="  vip ")
    bulk_tag(by=manager, model=Sponsor, ids=[sponsor.pk], tag="Festival 2026")

    assert Tag.objects.count() == 2
    assert set(sponsor.tags.values_list("name", flat=True)) == {vip.name, "Festival 2026"}
    assert AuditEvent.objects.filter(action="crm.tag.create").count() == 1


def test_bulk_tag_removes(manager):
    vip = TagFactory(name="VIP")
    deals = [DealFactory(tags=[vip]), DealFactory(tags=[vip]), DealFactory()]
    assert bulk_tag(by=manager, model=Deal, ids=[d.pk for d in deals], tag=vip.pk, remove=True) == 2
    assert not vip.deals.exists()
    assert AuditEvent.objects.filter(action="crm.deal.tag_remove").count() == 2


def test_bulk_tag_on_contacts(manager):
    contacts = ContactFactory.create_batch(2)
    assert bulk_tag(by=manager, model=Contact, ids=[c.pk for c in contacts], tag="Press") == 2


def test_bulk_assign_a_manager_to_artists(
    manager, make_user, score_signals, django_capture_on_commit_callbacks
):
    other = make_user("Admin")
    a, b = ArtistFactory(managers=[other]), ArtistFactory(managers=[manager])
    with django_capture_on_commit_callbacks(execute=True):
        assert bulk_assign(by=manager, model=Artist, ids=[a.pk, b.pk], user=other) == 1
    assert set(a.managers.all()) == {other}  # added, nobody removed
    assert set(b.managers.all()) == {manager, other}
    assert AuditEvent.objects.filter(action="crm.artist.manager_add", target_id=str(b.pk)).exists()
    assert score_signals == []


def test_bulk_assign_an_owner_to_deals_and_sponsors_keeps_history(manager):
    deals = DealFactory.create_batch(2)
    sponsor = SponsorFactory(owner=manager)
    assert bulk_assign(by=manager, model=Deal, ids=[d.pk for d in deals], user=manager.pk) == 2
    assert bulk_assign(by=manager, model=Sponsor, ids=[sponsor.pk], user=manager) == 0  # already theirs
    assert set(Deal.objects.values_list("owner", flat=True)) == {manager.pk}
    assert deals[0].history.first().owner_id == manager.pk
    assert AuditEvent.objects.filter(action="crm.deal.owner_set").count() == 2


def test_bulk_actions_need_a_writer_and_valid_input(manager, make_user):
    artist = ArtistFactory()
    for role in ("Viewer", "Producer", "Streamer"):
        with pytest.raises(PermissionDenied):
            bulk_tag(by=make_user(role), model=Artist, ids=[artist.pk], tag="X")
        with pytest.raises(PermissionDenied):
            bulk_assign(by=make_user(role), model=Artist, ids=[artist.pk], user=manager)
    with pytest.raises(ValidationError, match="Select at least one row"):
        bulk_tag(by=manager, model=Artist, ids=["", "abc"], tag="X")
    with pytest.raises(ValidationError, match="Choose a tag"):
        bulk_tag(by=manager, model=Artist, ids=[artist.pk], tag="   ")
    with pytest.raises(ValidationError, match="no longer exists"):
        bulk_tag(by=manager, model=Artist, ids=[artist.pk], tag=999999)
    with pytest.raises(ValidationError, match="Manager or Admin"):
        bulk_assign(by=manager, model=Artist, ids=[artist.pk], user=make_user("Viewer"))
    with pytest.raises(ValidationError, match="at most"):
        bulk_tag(by=manager, model=Artist, ids=range(1, 600), tag="X")
    with pytest.raises(ValueError):
        bulk_assign(by=manager, model=Contact, ids=[1], user=manager)
    assert not Tag.objects.exists()


def test_unknown_ids_are_ignored(manager):
    artist = ArtistFactory()
    assert bulk_tag(by=manager, model=Artist, ids=[artist.pk, 987654], tag="X") == 1


# --- the endpoint ----------------------------------------------------------------------------------------


def test_bulk_endpoint_answers_htmx_with_a_toast_and_a_refresh(client_as):
    client, user = client_as("Manager")
    a, b = ArtistFactory(), ArtistFactory()
    response = client.post(
        reverse("crm:artist-bulk"),
        {"action": "tag_add", "tag_name": "VIP", "ids": [a.pk, b.pk], "return_query": "status=signed"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none" and json.loads(response["HX-Trigger"]) == {"crm-list-refresh": {}}
    assert 'id="toasts" hx-swap-oob="beforeend"' in html and "Tag “VIP” added to 2 records." in html
    assert set(Tag.objects.get(name="VIP").artists.all()) == {a, b}


def test_bulk_endpoint_assigns_and_explains_errors(client_as):
    client, user = client_as("Manager")
    deal = DealFactory()
    response = client.post(
        reverse("crm:deal-bulk"),
        {"action": "assign", "user": user.pk, "ids": [deal.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert f"{user} assigned to 1 record." in response.content.decode()
    deal.refresh_from_db()
    assert deal.owner == user

    error = client.post(reverse("crm:deal-bulk"), {"action": "tag_add", "ids": []}, HTTP_HX_REQUEST="true")
    assert "Select at least one row." in error.content.decode() and "HX-Trigger" not in error
    nothing = client.post(
        reverse("crm:contact-bulk"), {"action": "assign", "ids": [1]}, HTTP_HX_REQUEST="true"
    )
    assert "Choose what to do" in nothing.content.decode()  # contacts have no owner


def test_bulk_endpoint_without_htmx_goes_back_to_the_list(client_as):
    client, _user = client_as("Admin")
    sponsor = SponsorFactory()
    response = client.post(
        reverse("crm:sponsor-bulk"),
        {"action": "tag_add", "tag_name": "Food", "ids": [sponsor.pk], "return_query": "industry=Food"},
    )
    assert (
        response.status_code == 302 and response["Location"] == reverse("crm:sponsor-list") + "?industry=Food"
    )
    assert sponsor.tags.filter(name="Food").exists()


def test_bulk_endpoint_refuses_read_only_roles(client_as):
    artist = ArtistFactory()
    client, _user = client_as("Viewer")
    response = client.post(
        reverse("crm:artist-bulk"), {"action": "tag_add", "tag_name": "X", "ids": [artist.pk]}
    )
    assert response.status_code == 403
    assert not Tag.objects.exists()
