"""Event services and the occurrence selector: recurrence across daylight saving, counts and ends, skipped
dates, moves of one occurrence or of the series, never-ending rules, bad input, conflicts."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from planning.conflicts import find_conflicts
from planning.models import Event
from planning.permissions import can_view_planning
from planning.selectors.events import events_between, parse_occurrence_id
from planning.services.events import event_create, event_delete, event_move, event_update
from tests.crm.factories import ArtistFactory
from tests.planning.factories import EventFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def manager(make_user):
    return make_user("Manager", time_zone="Europe/Paris")


def weekly_20h(manager, **extra):
    """Every Thursday 20:00–22:00 in Paris, from 2 October 2025 (summer time)."""
    fields = {
        "title": "Rehearsal",
        "kind": Event.Kind.MEETING,
        "starts_at": paris(2025, 10, 2, 20, 0),
        "ends_at": paris(2025, 10, 2, 22, 0),
        "time_zone": "Europe/Paris",
        "recurrence": "FREQ=WEEKLY",
        **extra,
    }
    return event_create(by=manager, **fields)


def local_times(occurrences):
    return [
        (o.start.astimezone(PARIS).strftime("%m-%d %H:%M"), o.end.astimezone(PARIS).hour) for o in occurrences
    ]


def test_weekly_stays_at_20h_local_across_the_october_change(manager):
    event = weekly_20h(manager)
    found = events_between(user=manager, start=paris(2025, 10, 15), end=paris(2025, 11, 5), params={})
    assert local_times(found) == [("10-16 20:00", 22), ("10-23 20:00", 22), ("10-30 20:00", 22)]
    utc_hours = [o.start.astimezone(UTC).hour for o in found]
    assert utc_hours == [18, 18, 19]  # the instant moves, the wall clock does not
    assert found[0].id == f"{event.pk}@2025-10-16T18:00:00Z"
    assert parse_occurrence_id(found[0].id) == (event.pk, datetime(2025, 10, 16, 18, tzinfo=UTC))


def test_weekly_stays_at_20h_local_across_the_march_change(manager):
    weekly_20h(manager)
    found = events_between(user=manager, start=paris(2026, 3, 19), end=paris(2026, 4, 3), params={})
    assert local_times(found) == [("03-19 20:00", 22), ("03-26 20:00", 22), ("04-02 20:00", 22)]
    assert [o.start.astimezone(UTC).hour for o in found] == [19, 19, 18]  # clocks change on 29 March


def test_count_and_until_end_the_series(manager):
    counted = weekly_20h(manager, recurrence="FREQ=WEEKLY;COUNT=3")
    until = weekly_20h(manager, title="Until", recurrence="FREQ=WEEKLY;UNTIL=20251016")
    found = events_between(user=manager, start=paris(2025, 9, 1), end=paris(2026, 9, 1), params={})
    assert [o.start.astimezone(PARIS).day for o in found if o.event == counted] == [2, 9, 16]
    assert [o.start.astimezone(PARIS).day for o in found if o.event == until] == [2, 9, 16]
    assert until.recurrence == "FREQ=WEEKLY;UNTIL=20251016T215959Z"  # end of that day in Paris, in UTC


def test_never_ending_rule_is_expanded_per_window_only(manager):
    event = weekly_20h(manager, recurrence="FREQ=DAILY")
    far = events_between(user=manager, start=paris(2040, 1, 1), end=paris(2040, 1, 8), params={})
    assert len(far) == 7 and all(o.event == event for o in far)
    assert far[0].start.astimezone(PARIS).hour == 20


def test_skipped_dates_are_left_out_and_delete_one_occurrence(manager):
    event = weekly_20h(manager, recurrence="FREQ=WEEKLY;COUNT=4")
    second = paris(2025, 10, 9, 20, 0).astimezone(UTC)
    event_delete(event=event, by=manager, occurrence_start=second)
    event.refresh_from_db()
    assert event.exdates == [second]
    found = events_between(user=manager, start=paris(2025, 9, 1), end=paris(2025, 12, 1), params={})
    assert [o.start.astimezone(PARIS).day for o in found] == [2, 16, 23]
    assert AuditEvent.objects.filter(action="planning.event.skip").exists()
    with pytest.raises(ValidationError, match="not one of the event's occurrences"):
        event_delete(event=event, by=manager, occurrence_start=second + timedelta(hours=1))


def test_delete_the_whole_series(manager):
    event = weekly_20h(manager)
    event_delete(event=event, by=manager)
    assert not Event.objects.filter(pk=event.pk).exists()


def test_move_one_occurrence_detaches_it(manager):
    event = weekly_20h(manager, recurrence="FREQ=WEEKLY;COUNT=4")
    artist = ArtistFactory()
    event_update(event=event, by=manager, artists=[artist], members=[manager])
    third = paris(2025, 10, 16, 20, 0)
    moved = event_move(
        event=event,
        occurrence_start=third,
        start=paris(2025, 10, 17, 18, 0),
        end=paris(2025, 10, 17, 19, 0),
        scope="one",
        by=manager,
    )
    event.refresh_from_db()
    assert moved.pk != event.pk and moved.series_root == event and moved.recurrence == ""
    assert event.exdates == [third.astimezone(UTC)]
    assert list(moved.artists.all()) == [artist] and list(moved.members.all()) == [manager]
    found = events_between(user=manager, start=paris(2025, 9, 1), end=paris(2025, 12, 1), params={})
    assert [o.start.astimezone(PARIS).strftime("%d %H") for o in found] == [
        "02 20",
        "09 20",
        "17 18",
        "23 20",
    ]


def test_move_the_series_keeps_wall_clock_times(manager):
    event = weekly_20h(manager, recurrence="FREQ=WEEKLY;COUNT=10")
    event_delete(event=event, by=manager, occurrence_start=paris(2025, 11, 6, 20, 0))
    # drag the (winter) 30 October occurrence one hour later and make it 3 hours long
    moved = event_move(
        event=event,
        occurrence_start=paris(2025, 10, 30, 20, 0),
        start=paris(2025, 10, 30, 21, 0),
        end=paris(2025, 10, 31, 0, 0),
        scope="series",
        by=manager,
    )
    assert moved.pk == event.pk
    found = events_between(user=manager, start=paris(2025, 9, 1), end=paris(2026, 1, 1), params={})
    assert {o.start.astimezone(PARIS).strftime("%H:%M") for o in found} == {"21:00"}
    assert {o.end.astimezone(PARIS).strftime("%H:%M") for o in found} == {"00:00"}
    assert paris(2025, 11, 6, 21, 0) not in [o.start for o in found]  # the skipped date moved along
    assert len(found) == 9


def test_move_a_plain_event(manager):
    event = EventFactory()
    start = event.starts_at + timedelta(days=2)
    moved = event_move(event=event, start=start, end=start + timedelta(hours=1), by=manager)
    event.refresh_from_db()
    assert moved == event and event.starts_at == start and event.ends_at == start + timedelta(hours=1)


@pytest.mark.parametrize(
    "rule, message",
    [
        ("FREQ=HOURLY", "not more often"),
        ("FREQ=WEEKLY;BYDAY=XX", "not valid"),
        ("nonsense", "not valid"),
        ("FREQ=WEEKLY;COUNT=0", "between 1 and"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20260101", "not both"),
    ],
)
def test_malformed_rules_are_refused_with_a_message(manager, rule, message):
    with pytest.raises(ValidationError) as caught:
        weekly_20h(manager, recurrence=rule)
    assert message in " ".join(caught.value.message_dict["recurrence"])
    assert not Event.objects.exists()


def test_end_before_start_is_refused_everywhere(manager):
    with pytest.raises(ValidationError) as caught:
        event_create(
            by=manager, title="Backwards", starts_at=paris(2026, 1, 2, 10), ends_at=paris(2026, 1, 2, 9)
        )
    assert caught.value.message_dict == {"ends_at": ["The end is before the start."]}
    event = EventFactory()
    with pytest.raises(ValidationError, match="The end is before the start"):
        event_update(event=event, by=manager, ends_at=event.starts_at - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="The end is before the start"):
        event_move(event=event, start=event.starts_at, end=event.starts_at - timedelta(hours=1), by=manager)
    event.refresh_from_db()
    assert event.ends_at > event.starts_at


def test_all_day_runs_midnight_to_midnight_in_its_zone(manager):
    event = event_create(
        by=manager,
        title="Release day",
        all_day=True,
        starts_at=paris(2026, 3, 28, 15),
        ends_at=paris(2026, 3, 29, 9),
    )
    assert event.time_zone == "Europe/Paris"  # the author's
    assert event.starts_at == paris(2026, 3, 28) and event.ends_at == paris(2026, 3, 30)


def test_conflicts_with_artist_and_member(manager, make_user):
    artist, other = ArtistFactory(), make_user("Producer")
    busy = event_create(
        by=manager,
        title="Concert",
        starts_at=paris(2026, 5, 1, 20),
        ends_at=paris(2026, 5, 1, 23),
        artists=[artist],
        members=[other],
    )
    event_create(
        by=manager,
        title="Cancelled gig",
        starts_at=paris(2026, 5, 1, 20),
        ends_at=paris(2026, 5, 1, 23),
        artists=[artist],
        status=Event.Status.CANCELLED,
    )
    new = event_create(
        by=manager,
        title="Shoot",
        starts_at=paris(2026, 5, 1, 22),
        ends_at=paris(2026, 5, 2, 1),
        artists=[artist],
        members=[other, manager],
    )
    assert [(c.event, c.artists, c.members) for c in new.conflicts] == [(busy, [artist], [other])]
    assert not find_conflicts(
        start=paris(2026, 5, 1, 23),
        end=paris(2026, 5, 2),
        artist_ids=[artist.pk],
        member_ids=[],
        exclude_event_id=new.pk,
    )  # back to back is fine


def test_conflicts_with_a_recurring_event(manager, make_user):
    other = make_user("Producer")
    series = weekly_20h(
        manager, members=[other], starts_at=paris(2026, 1, 1, 20), ends_at=paris(2026, 1, 1, 22)
    )
    found = find_conflicts(
        start=paris(2026, 2, 12, 21), end=paris(2026, 2, 12, 23), artist_ids=[], member_ids=[other.pk]
    )
    assert [(c.event, c.start) for c in found] == [(series, paris(2026, 2, 12, 20).astimezone(UTC))]
    # and a new weekly event colliding with a one-off one on its third evening
    # (series are checked over their coming year: these dates are in the future)
    year = datetime.now(UTC).year + 1
    one_off = event_create(
        by=manager,
        title="Gala",
        starts_at=paris(year, 3, 17, 19),
        ends_at=paris(year, 3, 17, 21),
        members=[manager],
    )
    weekly = event_create(
        by=manager,
        title="Class",
        starts_at=paris(year, 3, 3, 20),
        ends_at=paris(year, 3, 3, 21),
        recurrence="FREQ=WEEKLY;COUNT=5",
        members=[manager],
        time_zone="Europe/Paris",
    )
    assert [c.event for c in weekly.conflicts] == [one_off]


def test_filters(manager):
    artist = ArtistFactory()
    concert = EventFactory(kind=Event.Kind.CONCERT, artists=[artist])
    meeting = EventFactory(kind=Event.Kind.MEETING, members=[manager], status=Event.Status.TENTATIVE)
    window = {"start": concert.starts_at - timedelta(days=1), "end": concert.starts_at + timedelta(days=2)}

    def pks(params):
        return [o.event.pk for o in events_between(user=manager, params=params, **window)]

    assert sorted(pks({})) == sorted([concert.pk, meeting.pk])
    assert pks({"kind": "concert"}) == [concert.pk]
    assert pks({"artist": str(artist.pk)}) == [concert.pk]
    assert pks({"member": "me"}) == [meeting.pk]
    assert pks({"status": "tentative"}) == [meeting.pk]


def test_events_between_query_count_is_constant(manager, django_assert_num_queries):
    artist = ArtistFactory()
    start = datetime(2026, 6, 1, tzinfo=UTC)

    def make(n):
        for i in range(n):
            EventFactory(
                starts_at=start + timedelta(hours=i),
                ends_at=start + timedelta(hours=i + 1),
                artists=[artist],
                members=[manager],
            )
            EventFactory(
                starts_at=start - timedelta(days=30),
                ends_at=start - timedelta(days=30, hours=-1),
                recurrence="FREQ=DAILY",
                members=[manager],
            )

    make(3)
    can_view_planning(manager)  # the roles, loaded once per request by the view guard
    with django_assert_num_queries(4):
        small = events_between(user=manager, start=start, end=start + timedelta(days=3), params={})
    make(27)
    with django_assert_num_queries(4):
        big = events_between(user=manager, start=start, end=start + timedelta(days=3), params={})
    assert len(small) == 3 + 3 * 3 and len(big) == 30 + 30 * 3
    assert all(o.event.members.all()[0] == manager for o in big)


def test_writes_tell_the_calendars_and_the_audit_trail(
    manager, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    import core.live

    monkeypatch.setattr(core.live, "publish", lambda group, **k: sent.append((group, k["data"])))
    with django_capture_on_commit_callbacks(execute=True):
        event = weekly_20h(manager, recurrence="FREQ=WEEKLY;COUNT=3")
        event_move(
            event=event,
            start=paris(2025, 10, 2, 21),
            end=paris(2025, 10, 2, 22),
            occurrence_start=paris(2025, 10, 2, 20),
            by=manager,
        )
        pk = event.pk
        event_delete(event=event, by=manager)
    assert sent == [("planning.calendar", {"source": "events", "id": str(pk), "by": manager.pk})] * 3
    actions = list(
        AuditEvent.objects.filter(action__startswith="planning.event").values_list("action", flat=True)
    )
    assert sorted(actions) == ["planning.event.create", "planning.event.delete", "planning.event.update"]


def test_events_between_as_rows_matches_the_models(manager, django_assert_num_queries):
    """``rows=True`` (the calendar's month feed: plain values, date-times read by psycopg's own loader) gives
    the same occurrences as the model instances: ids, instants, zones, skipped dates, all-day events."""
    series = weekly_20h(manager, exdates=[paris(2025, 10, 23, 20, 0)])
    EventFactory(
        title="Festival",
        all_day=True,
        time_zone="Europe/Paris",
        starts_at=paris(2025, 10, 25),
        ends_at=paris(2025, 10, 27),
        venue="Zénith",
    )
    EventFactory(title="Gig", starts_at=paris(2025, 10, 28, 21), ends_at=paris(2025, 10, 28, 23))
    window = {"start": paris(2025, 10, 15), "end": paris(2025, 11, 5), "params": {}}

    models = events_between(user=manager, **window)
    with django_assert_num_queries(2):  # plain events, series; no people
        rows = events_between(user=manager, rows=True, **window)

    def seen(found):
        return [
            (o.id, o.start, o.end, o.all_day, o.title, o.recurring, o.event.pk, o.event.venue, o.event.kind)
            for o in found
        ]

    assert seen(rows) == seen(models)
    assert [o.start.utcoffset() for o in rows] == [timedelta(0)] * len(rows)
    assert f"{series.pk}@2025-10-23T18:00:00Z" not in {o.id for o in rows}  # the skipped date
    assert {o.title for o in rows} == {"Rehearsal", "Festival", "Gig"}
