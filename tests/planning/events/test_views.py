"""Event pages: the page, the form (full page and the calendar's htmx modal), bad input kept, conflicts asked
about, delete of one occurrence or a series, the list, the global search."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dashboard.search import search_all
from planning.models import Event
from planning.services.events import event_create
from tests.crm.factories import ArtistFactory
from tests.planning.factories import EventFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NEXT_YEAR = datetime.now(UTC).year + 1


@pytest.fixture
def manager(make_user):
    return make_user("Manager", time_zone="Europe/Paris")


@pytest.fixture
def client_in(client, manager):
    client.force_login(manager)
    return client


def form_data(**changes):
    data = {
        "title": "Rehearsal",
        "kind": "meeting",
        "status": "confirmed",
        "start_date": f"{NEXT_YEAR}-03-02",
        "start_time": "20:00",
        "end_date": f"{NEXT_YEAR}-03-02",
        "end_time": "22:00",
        "time_zone": "Europe/Paris",
        "venue": "Studio B",
        "location": "",
        "notes": "",
        "repeat": "none",
        "interval": "1",
        "monthly_by": "day",
        "ends": "never",
    }
    data.update(changes)
    return data


def test_create_a_weekly_event_through_the_form(client_in):
    data = form_data(repeat="weekly", weekdays=["MO", "TH"], ends="count", count="10")
    response = client_in.post(reverse("planning:event-create"), data)
    event = Event.objects.get()
    assert response.status_code == 302 and response.url == reverse("planning:event-detail", args=[event.pk])
    assert event.recurrence == "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10"
    assert event.starts_at == datetime(NEXT_YEAR, 3, 2, 20, tzinfo=PARIS)
    page = client_in.get(response.url)
    assert "Every week on Monday and Thursday, 10 times" in page.content.decode()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"end_time": "19:00"}, "end_time", "The end is before the start."),
        ({"repeat": "custom", "rrule": "FREQ=MINUTELY"}, "rrule", "not more often"),
        ({"repeat": "custom", "rrule": "FREQ=WEEKLY;BYDAY=ZZ"}, "rrule", "not valid"),
        ({"repeat": "weekly", "ends": "count", "count": ""}, "count", "Say how many times."),
    ],
)
def test_bad_input_is_refused_and_kept(client_in, changes, field, message):
    data = form_data(title="Keep me", **changes)
    response = client_in.post(reverse("planning:event-create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert 'value="Keep me"' in response.content.decode()
    assert not Event.objects.exists()


def test_api_like_post_with_end_before_start_dates(client_in):
    data = form_data(end_date=f"{NEXT_YEAR}-03-01", end_time="23:00")
    response = client_in.post(reverse("planning:event-create"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "The end is before the start." in response.content.decode()
    assert not Event.objects.exists()


def test_never_ending_rule_is_allowed(client_in):
    response = client_in.post(
        reverse("planning:event-create"), form_data(repeat="custom", rrule="FREQ=DAILY")
    )
    assert response.status_code == 302
    assert Event.objects.get().recurrence == "FREQ=DAILY"


def test_conflict_warns_then_save_anyway(client_in, manager, make_user):
    other = make_user("Producer")
    artist = ArtistFactory()
    event_create(
        by=manager,
        title="Concert",
        starts_at=datetime(NEXT_YEAR, 3, 2, 21, tzinfo=PARIS),
        ends_at=datetime(NEXT_YEAR, 3, 2, 23, tzinfo=PARIS),
        artists=[artist],
        members=[other],
    )
    data = form_data(artists=[artist.pk], members=[other.pk])
    response = client_in.post(reverse("planning:event-create"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "Double booking" in body and "Save anyway" in body
    assert artist.stage_name in body and "Concert" in body
    assert Event.objects.count() == 1
    response = client_in.post(reverse("planning:event-create"), {**data, "confirm": "1"})
    assert response.status_code == 302
    new = Event.objects.get(title="Rehearsal")
    page = client_in.get(reverse("planning:event-detail", args=[new.pk])).content.decode()
    assert 'data-testid="event-conflicts"' in page


def test_create_from_a_calendar_range_as_a_modal_fragment(client_in):
    url = (
        reverse("planning:event-create")
        + f"?start={NEXT_YEAR}-05-04T09:30:00%2B02:00&end={NEXT_YEAR}-05-04T11:00:00%2B02:00"
    )
    response = client_in.get(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="event-form"' in body
    form = response.context["form"]
    assert form.initial["start_time"].strftime("%H:%M") == "09:30"
    assert form.initial["end_time"].strftime("%H:%M") == "11:00"
    response = client_in.post(reverse("planning:event-create"), form_data(), HTTP_HX_REQUEST="true")
    assert "planning-event-saved" in response["HX-Trigger"]
    assert "<html" not in response.content.decode()


def test_all_day_range_from_the_calendar(client_in):
    url = reverse("planning:event-create") + f"?start={NEXT_YEAR}-05-04&end={NEXT_YEAR}-05-06&all_day=true"
    form = client_in.get(url).context["form"]
    assert form.initial["all_day"] is True
    assert (form.initial["start_date"].day, form.initial["end_date"].day) == (4, 5)  # the end is exclusive


def test_edit_keeps_the_recurrence_in_the_builder(client_in, manager):
    first = datetime(NEXT_YEAR, 3, 1, 10, tzinfo=PARIS)
    tuesday = first + timedelta(days=(1 - first.weekday()) % 7 + 7)  # the second Tuesday of March
    event = event_create(
        by=manager,
        title="Monthly",
        starts_at=tuesday,
        ends_at=tuesday + timedelta(hours=1),
        recurrence="FREQ=MONTHLY;BYDAY=2TU;UNTIL=" + f"{NEXT_YEAR}1231",
    )
    form = client_in.get(reverse("planning:event-edit", args=[event.pk])).context["form"]
    assert form.initial["repeat"] == "monthly" and form.initial["monthly_by"] == "weekday"
    assert form.initial["ends"] == "until"
    data = form_data(
        title="Monthly",
        start_date=tuesday.date().isoformat(),
        end_date=tuesday.date().isoformat(),
        start_time="10:00",
        end_time="12:00",
        repeat="monthly",
        monthly_by="weekday",
        ends="until",
        until=f"{NEXT_YEAR}-12-31",
    )
    response = client_in.post(reverse("planning:event-edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.recurrence.startswith("FREQ=MONTHLY;BYDAY=2TU;UNTIL=")
    assert event.ends_at - event.starts_at == timedelta(hours=2)


def test_detail_page(client_in, manager):
    artist = ArtistFactory(stage_name="Nova")
    event = event_create(
        by=manager,
        title="Album release",
        kind=Event.Kind.RELEASE,
        starts_at=datetime(NEXT_YEAR, 6, 1, 18, tzinfo=UTC),
        ends_at=datetime(NEXT_YEAR, 6, 1, 20, tzinfo=UTC),
        venue="La Cigale",
        notes="**Bring** the <script>alert(1)</script> merch",
        artists=[artist],
        members=[manager],
    )
    body = client_in.get(reverse("planning:event-detail", args=[event.pk])).content.decode()
    assert "Release" in body and "La Cigale" in body and "Nova" in body
    assert reverse("crm:artist-detail", args=[artist.pk]) in body
    assert "<strong>Bring</strong>" in body and "<script>alert" not in body
    assert "20:00" in body  # 18:00 UTC read in Paris (summer)


def test_delete_one_occurrence_then_the_series(client_in, manager):
    event = event_create(
        by=manager,
        title="Weekly",
        starts_at=datetime(NEXT_YEAR, 3, 2, 20, tzinfo=PARIS),
        ends_at=datetime(NEXT_YEAR, 3, 2, 21, tzinfo=PARIS),
        recurrence="FREQ=WEEKLY;COUNT=5",
    )
    at = datetime(NEXT_YEAR, 3, 9, 20, tzinfo=PARIS).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    url = reverse("planning:event-delete", args=[event.pk])
    page = client_in.get(url + f"?at={at}").content.decode()
    assert "This occurrence only" in page and "The whole series" in page
    response = client_in.post(url, {"at": at, "scope": "one"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert len(event.exdates) == 1
    client_in.post(url, {"scope": "series"})
    assert not Event.objects.exists()


def test_missing_event_is_404(client_in):
    assert client_in.get(reverse("planning:event-detail", args=[999999])).status_code == 404


def test_list_upcoming_past_and_filters(client_in, django_assert_num_queries):
    now = datetime.now(UTC)
    artist = ArtistFactory()
    coming = EventFactory(title="Coming concert", kind=Event.Kind.CONCERT, artists=[artist])
    EventFactory(
        title="Old shoot",
        kind=Event.Kind.SHOOT,
        starts_at=now - timedelta(days=9),
        ends_at=now - timedelta(days=9) + timedelta(hours=1),
    )
    url = reverse("planning:event-list")
    body = client_in.get(url).content.decode()
    assert "Coming concert" in body and "Old shoot" not in body
    assert "Old shoot" in client_in.get(url + "?when=past").content.decode()
    assert "Coming concert" not in client_in.get(url + "?kind=shoot").content.decode()
    filtered = client_in.get(url + f"?artist={artist.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert "Coming concert" in filtered and "<html" not in filtered
    for index in range(30):
        EventFactory(
            title=f"More {index}", artists=[artist], members=[coming.created_by] if coming.created_by else []
        )
    client_in.get(url)
    with django_assert_num_queries(9):
        response = client_in.get(url + "?page=2")
    assert response.status_code == 200 and response.context["page_obj"].number == 2


def test_events_in_the_global_search(manager):
    EventFactory(title="Shoot at Olympia", venue="Olympia")
    EventFactory(title="Meeting")
    groups = search_all(manager, "olympia")
    events = [g for g in groups if g.key == "planning-events"][0]
    assert [r.title for r in events.results] == ["Shoot at Olympia"]


def test_an_occurrence_page_shows_its_own_time(client_in, manager):
    event = event_create(
        by=manager,
        title="Weekly",
        starts_at=datetime(NEXT_YEAR, 3, 2, 20, tzinfo=PARIS),
        ends_at=datetime(NEXT_YEAR, 3, 2, 21, tzinfo=PARIS),
        recurrence="FREQ=WEEKLY",
    )
    at = datetime(NEXT_YEAR, 4, 6, 20, tzinfo=PARIS).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = client_in.get(reverse("planning:event-detail", args=[event.pk]) + f"?at={at}")
    assert response.context["occurrence"][0] == datetime(NEXT_YEAR, 4, 6, 20, tzinfo=PARIS)
    assert f"?at={at}" in response.content.decode()  # the delete link keeps the occurrence
    wrong = client_in.get(reverse("planning:event-detail", args=[event.pk]) + "?at=2000-01-01T00:00:00Z")
    assert wrong.context["occurrence"] is None
