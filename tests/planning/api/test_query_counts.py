"""Planning's list endpoints cost a fixed number of queries whatever the number of rows (3 vs 30), with JWT
authentication as a script uses it: the token's user and their roles, then the page's count and rows, then one
query per prefetched relation (and the board roles of the page's boards in one)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.planning.factories import BoardFactory, EventFactory, LabelFactory, MembershipFactory, TaskFactory

pytestmark = pytest.mark.django_db

WINDOW = "start=2026-12-01&end=2027-01-01"


def _boards(n, ctx):
    for _ in range(n):
        board = BoardFactory()
        MembershipFactory(board=board, user=ctx["boss"], role="owner")


def _tasks(n, ctx):
    board = BoardFactory()
    for i in range(n):
        TaskFactory(
            board=board,
            assignees=[ctx["boss"]],
            labels=[ctx["tag"]],
            responsible=ctx["boss"],
            due_at=datetime(2026, 12, 1 + i % 28, 12, tzinfo=UTC),
        )


def _events(n, ctx):
    for i in range(n):
        start = datetime(2026, 12, 1 + i % 28, 18, tzinfo=UTC)
        EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), members=[ctx["boss"]])
    EventFactory(
        starts_at=datetime(2026, 11, 3, 18, tzinfo=UTC),
        ends_at=datetime(2026, 11, 3, 19, tzinfo=UTC),
        recurrence="FREQ=WEEKLY",
        members=[ctx["boss"]],
    )


CASES = [
    # url, maker, queries: the token's user and roles (2), then the page's count and rows, then prefetches
    ("/api/planning/boards/", _boards, 7),  # + columns, memberships (with people), board roles
    ("/api/planning/columns/", _boards, 4),
    ("/api/planning/tasks/", _tasks, 6),  # + assignees, labels
    ("/api/planning/events/", _events, 6),  # + artists, members
    (f"/api/planning/events/occurrences/?{WINDOW}", _events, 6),  # plain, series, artists, members
    (f"/api/planning/calendar/?{WINDOW}", _tasks, 7),  # the sources: tasks (+ people, tags), events
]


@pytest.mark.parametrize(("url", "maker", "expected"), CASES, ids=[c[0] for c in CASES])
def test_list_endpoints_cost_a_fixed_number_of_queries(url, maker, expected, api_for):
    client = api_for("Producer")
    ctx = {"boss": client.user, "tag": LabelFactory(name="video")}
    maker(3, ctx)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    maker(30, ctx)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]
    if expected is not None:
        assert len(many) == expected, [q["sql"][:200] for q in many.captured_queries]
