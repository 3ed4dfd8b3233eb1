"""The audit trail pages (Admin only)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("Admin"))
    return client


@pytest.mark.parametrize(("role", "status"), [(None, 302), ("Viewer", 403), ("Manager", 403), ("Admin", 200)])
def test_detail_permission_matrix(client, make_user, role, status):
    audit_record(action="test.view")
    event = AuditEvent.objects.get(action="test.view")
    if role:
        client.force_login(make_user(role))

    assert client.get(reverse("audit:detail", args=[event.pk])).status_code == status


def test_list_and_filters(admin_client, make_user):
    alice = make_user("Viewer", first_name="Alice", last_name="Aubert")
    audit_record(action="deal.create", actor=alice, target=alice, data={"amount": 10})
    audit_record(action="deal.move", actor=alice)
    audit_record(action="content.publish")
    old = AuditEvent.objects.get(action="content.publish")
    old.created_at = timezone.now() - timedelta(days=10)
    old.save()

    def actions(**params):
        response = admin_client.get(reverse("audit:list"), params)
        assert response.status_code == 200
        return {e.action for e in response.context["events"]}

    assert {"deal.create", "deal.move", "content.publish"} <= actions()
    assert actions(action="deal.") == {"deal.create", "deal.move"}
    assert actions(actor=alice.pk) == {"deal.create", "deal.move"}
    assert actions(q="Aubert", action="deal") == {"deal.create", "deal.move"}
    assert "content.publish" not in actions(date_from=(timezone.localdate() - timedelta(days=2)).isoformat())
    assert actions(date_to=(timezone.localdate() - timedelta(days=5)).isoformat()) == {"content.publish"}


def test_invalid_dates_are_reported(admin_client):
    response = admin_client.get(reverse("audit:list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"})

    assert response.status_code == 200
    assert "before the start date" in response.content.decode()


def test_htmx_returns_only_the_table(admin_client):
    audit_record(action="test.partial")

    response = admin_client.get(reverse("audit:list"), {"action": "test."}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="audit-table">')
    assert "<html" not in body
    assert "test.partial" in body
    assert response["Vary"].count("HX-Request") == 1


def test_pagination_50_per_page(admin_client):
    AuditEvent.objects.bulk_create([AuditEvent(action=f"bulk.n{i}") for i in range(120)])

    first = admin_client.get(reverse("audit:list"), {"action": "bulk."})
    third = admin_client.get(reverse("audit:list"), {"action": "bulk.", "page": 3})

    assert len(first.context["events"]) == 50
    assert len(third.context["events"]) == 20
    assert "action=bulk." in first.content.decode()  # page links keep the filters


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("audit:list")).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_constant(admin_client, make_user, django_assert_num_queries):
    AuditEvent.objects.all().delete()
    people = [make_user("Viewer") for _ in range(3)]
    AuditEvent.objects.all().delete()
    for person in people:
        audit_record(action="test.row", actor=person, target=person)
    baseline = _queries(admin_client)  # 3 rows

    for i in range(27):
        person = make_user("Producer")
        audit_record(action=f"test.row{i}", actor=person, target=person, data={"i": i})
    with django_assert_num_queries(baseline):  # 30 rows and more people in the filter
        response = admin_client.get(reverse("audit:list"))
    assert len(response.context["events"]) >= 30


def test_detail_shows_data(admin_client, make_user):
    person = make_user("Viewer")
    audit_record(
        action="role.change", actor=person, target=person, data={"before": ["Viewer"], "token": "abc"}
    )
    event = AuditEvent.objects.filter(action="role.change", actor=person).latest("pk")

    response = admin_client.get(reverse("audit:detail", args=[event.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "&quot;before&quot;" in body and "[redacted]" in body
    assert "abc" not in body


def test_detail_404(admin_client):
    assert admin_client.get(reverse("audit:detail", args=[999999])).status_code == 404


def test_page_links_swap_the_whole_table_and_keep_the_filters(admin_client):
    AuditEvent.objects.bulk_create([AuditEvent(action=f"bulk.n{i}") for i in range(60)])

    body = admin_client.get(reverse("audit:list"), {"action": "bulk."}).content.decode()
    assert 'hx-get="?action=bulk.&amp;page=2" hx-target="#audit-table" hx-push-url="true" hx-swap="outerHTML"' in body

    partial = admin_client.get(reverse("audit:list"), {"action": "bulk.", "page": 2}, HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="audit-table">')  # the element it replaces
