"""The calendar page (planning:calendar): its configuration for the script (zone, language, first day, URLs),
the filters kept from the URL, the live group, and the dashboard's "Coming up" widget."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.live import registry
from planning.calendar import LIVE_GROUP
from planning.selectors.calendar import coming_up
from tests.crm.factories import ArtistFactory
from tests.planning.factories import EventFactory, TaskFactory

pytestmark = pytest.mark.django_db


def config_of(html: str) -> dict:
    found = re.search(r'<script id="calendar-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_page_configures_the_calendar_for_the_viewer(client_as):
    client, _user = client_as("Producer", time_zone="America/New_York")
    ArtistFactory(stage_name="Zoé Lune")

    response = client.get(reverse("planning:calendar"))

    html = response.content.decode()
    assert response.status_code == 200
    config = config_of(html)
    assert config["timeZone"] == "America/New_York" and config["locale"] == "en" and config["firstDay"] == 0
    assert config["feedUrl"] == reverse("planning:calendar-feed")
    assert config["moveUrl"] == reverse("planning:calendar-move")
    assert config["createUrl"] == reverse("planning:event-create") and config["canCreate"] is True
    assert config["texts"]["buttonText"]["today"] == "Today"
    assert f'ws-connect="/ws/live/?groups={LIVE_GROUP}"' in html
    assert 'name="sources" value="tasks" id="calendar-source-1" checked' in html
    assert 'name="sources" value="events" id="calendar-source-2" checked' in html
    assert 'data-color="#d63384"' in html  # the concert swatch of the legend
    assert "vendor/fullcalendar/index.global.min.js" in html and "js/planning-calendar.js" in html
    assert "Zoé Lune" not in html  # the artist filter lists artists that have events only
    assert "<style" not in html and ' style="' not in html  # strict CSP


def test_french_speakers_get_monday_first_and_french_texts(client, make_user):
    user = make_user("Viewer", language="fr")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    config = config_of(client.get(reverse("planning:calendar")).content.decode())

    assert config["locale"] == "fr" and config["firstDay"] == 1
    assert config["texts"]["buttonText"]["today"] == "Aujourd’hui"
    assert config["canCreate"] is False and config["createUrl"] == ""


def test_filters_come_back_from_the_url(client_as):
    client, _user = client_as("Manager")
    zoe = ArtistFactory(stage_name="Zoé Lune")
    EventFactory(artists=[zoe])

    html = client.get(
        reverse("planning:calendar"),
        {
            "sources": "events",
            "kind": "shoot",
            "artist": str(zoe.pk),
            "member": "me",
            "view": "timeGridWeek",
            "date": "2026-07-06",
        },
    ).content.decode()

    assert 'value="tasks" id="calendar-source-1">' in html  # unchecked
    assert 'value="events" id="calendar-source-2" checked' in html
    assert '<option value="shoot" selected>' in html
    assert f'<option value="{zoe.pk}" selected>Zoé Lune</option>' in html
    assert '<option value="me" selected>' in html
    config = config_of(html)
    assert config["initialView"] == "timeGridWeek" and config["initialDate"] == "2026-07-06"
    assert (
        config_of(client.get(reverse("planning:calendar"), {"view": "bogus"}).content.decode())["initialView"]
        == ""
    )


def test_every_planning_reader_may_join_the_live_group(make_user):
    assert registry.can_join(make_user("Viewer"), LIVE_GROUP)
    assert registry.can_join(make_user("Streamer"), LIVE_GROUP)
    assert not registry.can_join(make_user(), LIVE_GROUP)  # no role
    assert not registry.can_join(make_user("Viewer"), LIVE_GROUP + ".42")


def test_coming_up_lists_my_next_seven_days(make_user):
    me = make_user("Producer")
    now = timezone.now().replace(second=0, microsecond=0)
    mine = EventFactory(title="My shoot", starts_at=now + timedelta(days=2), members=[me])
    EventFactory(title="Not mine", starts_at=now + timedelta(days=2))
    EventFactory(title="Too far", starts_at=now + timedelta(days=9), members=[me])
    due = TaskFactory(title="My deadline", due_at=now + timedelta(days=1), assignees=[me])
    TaskFactory(
        title="Started, due later",
        start_at=now + timedelta(days=1),
        due_at=now + timedelta(days=20),
        assignees=[me],
    )
    TaskFactory(title="Done already", due_at=now + timedelta(days=1), assignees=[me], completed_at=now)

    items = coming_up(user=me)

    assert [item.title for item in items] == ["My deadline", "My shoot"]
    assert items[1].url == reverse("planning:event-detail", args=[mine.pk])
    assert items[0].source == "tasks" and items[0].url == reverse("planning:task-detail", args=[due.pk])


def test_the_dashboard_shows_coming_up(client_as):
    client, me = client_as("Producer")
    EventFactory(title="Olympia", kind="concert", starts_at=timezone.now() + timedelta(days=3), members=[me])

    html = client.get(reverse("dashboard:home")).content.decode()

    assert 'id="widget-planning-coming-up"' in html and "Coming up" in html
    assert "Olympia" in html and 'fill="#d63384"' in html
