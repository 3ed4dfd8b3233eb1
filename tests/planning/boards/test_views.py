"""The board pages: index, board (filters, swimlanes, quick-add, pinned query counts), settings; the shared move
endpoint with board roles."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models import Board, BoardMembership, Column, Task
from tests.planning.factories import (
    BoardFactory,
    ChecklistItemFactory,
    CommentFactory,
    LabelFactory,
    TaskFactory,
)

from .conftest import columns, member

pytestmark = pytest.mark.django_db


def board_url(board, **params) -> str:
    return reverse("planning:board", args=[board.pk])


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-card="(\d+)"', html)]


def move_url(board) -> str:
    return reverse("boards-api:move", args=["planning.kanban", board.pk])


# --- index --------------------------------------------------------------------------------------------------


def test_the_index_lists_boards_with_their_figures(client_as, board):
    client, user = client_as("Producer")
    cols = columns(board)
    TaskFactory(board=board, column=cols["To do"], due_at=timezone.now() - timedelta(days=1))
    TaskFactory(board=board, column=cols["Doing"])
    member(board, user)
    BoardFactory(name="Old", archived=True)
    html = client.get(reverse("planning:home")).content.decode()
    assert "Shoots" in html and "Old" not in html
    assert "New board" in html and "1 archived board" in html
    figures = re.search(r'<dl class="board-index-figures">(.*?)</dl>', html, re.S).group(1)
    assert re.findall(r"<dd[^>]*>(\d+)</dd>", figures) == ["2", "1", "3", "1"]
    archived = client.get(reverse("planning:home"), {"archived": "1"}).content.decode()
    assert "Old" in archived and "Shoots" not in archived


def test_a_viewer_gets_no_create_button_and_members_only_boards_stay_hidden(client_as, board):
    client, _user = client_as("Viewer")
    BoardFactory(name="Secret plans", visibility=Board.Visibility.MEMBERS)
    html = client.get(reverse("planning:home")).content.decode()
    assert "New board" not in html and "Secret plans" not in html and "Shoots" in html


def test_the_index_takes_a_constant_number_of_queries(client_as, django_assert_num_queries):
    client, _user = client_as("Producer")
    BoardFactory()
    client.get(reverse("planning:home"))
    with django_assert_num_queries(6) as few:
        client.get(reverse("planning:home"))
    for _ in range(5):
        TaskFactory(board=BoardFactory())
    with django_assert_num_queries(6) as many:
        client.get(reverse("planning:home"))
    assert len(few.captured_queries) == len(many.captured_queries)


# --- create -------------------------------------------------------------------------------------------------


def test_a_producer_creates_a_board_and_becomes_its_owner(client_as):
    client, user = client_as("Producer")
    response = client.post(
        reverse("planning:board-create"),
        {
            "name": "Tour",
            "description": "",
            "color": "#123456",
            "visibility": "members",
            "wip_policy": "warn",
        },
    )
    board = Board.objects.get(name="Tour")
    assert response.status_code == 302 and response["Location"] == board_url(board)
    assert BoardMembership.objects.get(board=board).user == user
    assert client.post(reverse("planning:board-create"), {"name": ""}).status_code == 200


# --- the board page -----------------------------------------------------------------------------------------


def test_the_board_shows_cards_with_their_details(client_as, board):
    client, user = client_as("Producer")
    cols = columns(board)
    cols["Doing"].wip_limit = 1
    cols["Doing"].save()
    tag = LabelFactory(name="video", color="#d63384")
    task = TaskFactory(
        board=board,
        column=cols["Doing"],
        title="Cut <the> teaser",
        priority=Task.Priority.URGENT,
        due_at=timezone.now() - timedelta(hours=2),
        assignees=[user],
        labels=[tag],
    )
    ChecklistItemFactory(task=task, done=True)
    ChecklistItemFactory(task=task)
    CommentFactory(task=task)
    html = client.get(board_url(board)).content.decode()
    card = re.search(rf'<article class="board-card" data-card="{task.pk}".*?</article>', html, re.S).group(0)
    assert "Cut &lt;the&gt; teaser" in card
    assert "task-priority-urgent" in card and ">Urgent<" in card
    assert ">video<" in card and "is-overdue" in card
    assert "1/2" in card and "bi-chat-left-text" in card
    assert f'data-f-assignees="{user.pk}"' in card and f'data-lane-assignee="{user.pk}"' in card
    assert 'data-lane-priority="3"' in card
    assert f'href="?task={task.pk}"' in card
    assert 'data-wip="1/1"' in html and "is-full" in html  # WIP "1/1", at its limit
    assert 'id="task-panel"' in html and "board.planning.kanban." in html
    assert 'name="title"' in html  # quick-add for editors


def test_a_board_viewer_sees_a_read_only_board(client_as, board):
    client, user = client_as("Producer")
    board.visibility = Board.Visibility.MEMBERS
    board.save()
    member(board, user, BoardMembership.Role.VIEWER)
    TaskFactory(board=board)
    html = client.get(board_url(board)).content.decode()
    assert 'data-board-editable="false"' in html and "Read only" in html
    assert 'name="title"' not in html  # no quick-add


def test_a_members_only_board_is_404_for_others(client_as):
    client, _user = client_as("Producer")
    board = BoardFactory(visibility=Board.Visibility.MEMBERS)
    assert client.get(board_url(board)).status_code == 404
    task = TaskFactory(board=board)
    response = client.post(
        move_url(board),
        {"card": task.pk, "column": columns(board)["Doing"].pk},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_move_api_refuses_a_board_viewer_with_403(client_as, board):
    client, user = client_as("Producer")
    board.visibility = Board.Visibility.MEMBERS
    board.save()
    member(board, user, BoardMembership.Role.VIEWER)
    task = TaskFactory(board=board)
    response = client.post(
        move_url(board),
        {"card": task.pk, "column": columns(board)["Doing"].pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).column.name == "To do"


def test_the_move_api_refuses_a_full_column_with_the_message(client_as, board):
    client, _user = client_as("Producer")
    cols = columns(board)
    cols["Doing"].wip_limit = 1
    cols["Doing"].save()
    TaskFactory(board=board, column=cols["Doing"])
    task = TaskFactory(board=board)
    response = client.post(
        move_url(board), {"card": task.pk, "column": cols["Doing"].pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "“Doing” is full (1/1)" in response.content.decode()


def test_a_move_into_a_deleted_column_is_a_400_with_a_clear_message(client_as, board):
    client, _user = client_as("Producer")
    task = TaskFactory(board=board)
    gone = columns(board)["Doing"].pk
    Column.objects.filter(pk=gone).delete()
    response = client.post(
        move_url(board), {"card": task.pk, "column": gone}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "This column is gone" in response.content.decode()


def test_the_filters(client_as, board, make_user):
    client, user = client_as("Producer", time_zone="Europe/Paris")
    other = make_user("Producer")
    tag = LabelFactory(name="press")
    now = timezone.now()
    mine = TaskFactory(board=board, assignees=[user], title="mine")
    theirs = TaskFactory(
        board=board, assignees=[other], labels=[tag], priority=Task.Priority.HIGH, title="theirs"
    )
    nobody = TaskFactory(board=board, title="nobody", due_at=now - timedelta(days=2))
    today = TaskFactory(board=board, title="today", due_at=now + timedelta(minutes=1))
    far = TaskFactory(board=board, title="far", due_at=now + timedelta(days=30))
    url = board_url(board)

    def shown(**params):
        return set(card_ids(client.get(url, params).content.decode()))

    assert shown(assignee="me") == {mine.pk}
    assert shown(assignee=str(other.pk)) == {theirs.pk}
    assert shown(assignee="unassigned") == {nobody.pk, today.pk, far.pk}
    assert shown(tag=tag.pk) == {theirs.pk}
    assert shown(priority=2) == {theirs.pk}
    assert shown(due="overdue") == {nobody.pk}
    assert today.pk in shown(due="today") and far.pk not in shown(due="week")
    html = client.get(url, {"assignee": "me"}).content.decode()
    assert '"attr": "assignees"' in html.replace("&quot;", '"')


def test_due_windows_follow_the_users_time_zone():
    from datetime import UTC, datetime

    from planning.boards import due_window

    class Person:
        time_zone = "Pacific/Auckland"

    now = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)  # Wednesday 11 March, 09:00 in Auckland
    low, high = due_window(Person(), "today", now=now)
    assert (low.isoformat(), high.isoformat()) == ("2026-03-11T00:00:00+13:00", "2026-03-12T00:00:00+13:00")
    low, high = due_window(Person(), "week", now=now)
    assert low.date().isoformat() == "2026-03-09" and high.date().isoformat() == "2026-03-16"


def test_an_htmx_request_gets_the_board_area_only(client_as, board):
    client, _user = client_as("Producer")
    html = client.get(board_url(board), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="board-area"') and "<html" not in html


def test_swimlanes_by_assignee_put_a_task_in_its_first_assignees_lane(client_as, board, make_user):
    client, user = client_as("Producer", first_name="Zed")
    anna = make_user("Producer", first_name="Anna")
    both = TaskFactory(board=board, assignees=[user, anna])
    alone = TaskFactory(board=board)
    html = client.get(board_url(board), {"lanes": "assignee"}).content.decode()
    assert 'data-board-lane="assignee"' in html
    lanes = re.findall(r'<section class="board-lane" data-lane="([^"]+)"', html)
    assert lanes == [str(anna.pk), str(user.pk), "none"]
    anna_lane = re.search(
        rf'<section class="board-lane" data-lane="{anna.pk}".*?</section>', html, re.S
    ).group(0)
    assert card_ids(anna_lane) == [both.pk]
    assert html.count(f'data-card="{both.pk}"') == 1 and f'data-card="{alone.pk}"' in html


def test_swimlanes_by_priority(client_as, board):
    client, _user = client_as("Producer")
    TaskFactory(board=board, priority=Task.Priority.HIGH)
    html = client.get(board_url(board), {"lanes": "priority"}).content.decode()
    assert re.findall(r'<section class="board-lane" data-lane="([^"]+)"', html) == ["3", "2", "1", "0"]
    assert "Swimlanes: drag tasks between columns within their lane." in html


@pytest.mark.parametrize("role", ["Producer", "Viewer"])
def test_the_board_page_takes_a_constant_number_of_queries(
    client_as, django_assert_num_queries, board, role, make_user
):
    client, user = client_as(role)
    tags = [LabelFactory(name="a"), LabelFactory(name="b")]
    people = [user, make_user("Producer")]
    cols = list(columns(board).values())

    def add(count: int) -> None:
        for index in range(count):
            task = TaskFactory(board=board, column=cols[index % 3], labels=tags, assignees=people)
            ChecklistItemFactory(task=task)
            CommentFactory(task=task)

    add(3)
    url = board_url(board)
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(QUERIES[role]) as few:
        client.get(url, {"tag": tags[0].pk})
    add(27)
    with django_assert_num_queries(QUERIES[role]) as many:
        response = client.get(url, {"tag": tags[0].pk})
    assert len(card_ids(response.content.decode())) == 30
    assert len(few.captured_queries) == len(many.captured_queries)


# session, user, roles, (2FA check), notifications count; the board, the board role (membership); filter
# assignees, the tag filter's value and choices; columns; the first cards of each column (with their counts,
# assignees, tags and link kinds in the same query); column stats; every card id of the board
QUERIES = {"Producer": 13, "Viewer": 13}


def test_the_move_endpoint_takes_a_constant_number_of_queries(
    client_as, django_assert_num_queries, board, make_user
):
    client, user = client_as("Producer")
    cols = columns(board)
    tags = [LabelFactory(name="a")]
    tasks = [TaskFactory(board=board, column=cols["To do"], labels=tags, assignees=[user]) for _ in range(3)]
    url = move_url(board)
    client.post(url, {"card": tasks[0].pk, "column": cols["Doing"].pk}, content_type="application/json")
    with django_assert_num_queries(MOVE_QUERIES) as few:
        client.post(url, {"card": tasks[1].pk, "column": cols["Doing"].pk}, content_type="application/json")
    for _ in range(20):
        TaskFactory(board=board, column=cols["Doing"], labels=tags, assignees=[user])
    with django_assert_num_queries(MOVE_QUERIES) as many:
        client.post(url, {"card": tasks[2].pk, "column": cols["Doing"].pk}, content_type="application/json")
    assert len(few.captured_queries) == len(many.captured_queries)


# session, user, roles; the board, the board role; (savepoint) the card's column, the column locks (the target
# column checked with its lock), the card lock, the target column's order, the move (with ``completed_at`` when it
# enters or leaves a done column), its history row, the versions, the audit entry, the source column's order
# (release); the card again (its counts, assignees, tags and link kinds in the same query), the headers' figures.
# No query for the board during the move: the endpoint hands over the one it read (archived, can_move_task)
MOVE_QUERIES = 18


# --- quick-add ----------------------------------------------------------------------------------------------


def test_quick_add_creates_the_task_at_the_top_of_the_column(client_as, board):
    client, _user = client_as("Producer")
    cols = columns(board)
    first = TaskFactory(board=board, column=cols["Doing"])
    url = reverse("planning:board-quick-add", args=[board.pk])
    response = client.post(url, {"column": cols["Doing"].pk, "title": "Book the studio"})
    assert response.status_code == 200 and 'name="title"' in response.content.decode()
    order = list(
        Task.objects.filter(column=cols["Doing"]).order_by("position").values_list("title", flat=True)
    )
    assert order == ["Book the studio", first.title]


def test_quick_add_into_a_full_column_says_why(client_as, board):
    client, _user = client_as("Producer")
    cols = columns(board)
    cols["Doing"].wip_limit = 1
    cols["Doing"].save()
    TaskFactory(board=board, column=cols["Doing"])
    url = reverse("planning:board-quick-add", args=[board.pk])
    html = client.post(url, {"column": cols["Doing"].pk, "title": "One more"}).content.decode()
    assert "is full (1/1)" in html and 'value="One more"' in html
    assert Task.objects.filter(column=cols["Doing"]).count() == 1


def test_quick_add_is_refused_to_a_board_viewer(client_as, board):
    client, user = client_as("Producer")
    board.visibility = Board.Visibility.MEMBERS
    board.save()
    member(board, user, BoardMembership.Role.VIEWER)
    url = reverse("planning:board-quick-add", args=[board.pk])
    assert client.post(url, {"column": columns(board)["To do"].pk, "title": "x"}).status_code == 403


# --- settings -----------------------------------------------------------------------------------------------


def test_settings_are_for_owners(client_as, board):
    client, user = client_as("Producer")
    url = reverse("planning:board-settings", args=[board.pk])
    assert client.get(url).status_code == 403  # a team board: editor by default
    member(board, user, BoardMembership.Role.OWNER)
    from planning.permissions import forget_board_roles

    forget_board_roles(user)
    html = client.get(url).content.decode()
    assert "Move its tasks to" not in html  # no column holds tasks
    assert "Columns" in html and "Members" in html


def test_the_settings_forms(client_as, board, make_user):
    client, user = client_as("Producer")
    member(board, user, BoardMembership.Role.OWNER)
    cols = columns(board)
    back = reverse("planning:board-settings", args=[board.pk])
    response = client.post(
        back,
        {
            "name": "Shoots 2",
            "description": "x",
            "color": "#000000",
            "visibility": "team",
            "wip_policy": "warn",
        },
    )
    assert response["Location"] == back
    assert Board.objects.get(pk=board.pk).wip_policy == "warn"
    client.post(
        reverse("planning:board-column-add", args=[board.pk]),
        {"new-name": "Review", "new-color": "#ff0000", "new-wip_limit": "2"},
    )
    review = Column.objects.get(board=board, name="Review")
    assert review.wip_limit == 2
    client.post(
        reverse("planning:board-column-edit", args=[review.pk]),
        {f"c{review.pk}-name": "QA", f"c{review.pk}-color": "#00ff00", f"c{review.pk}-wip_limit": ""},
    )
    review.refresh_from_db()
    assert (review.name, review.wip_limit) == ("QA", None)
    client.post(reverse("planning:board-column-move", args=[review.pk]), {"direction": "left"})
    assert list(board.columns.order_by("position").values_list("name", flat=True)) == [
        "To do",
        "Doing",
        "QA",
        "Done",
    ]
    TaskFactory(board=board, column=review)
    response = client.post(reverse("planning:board-column-delete", args=[review.pk]), follow=True)
    assert "Choose the column its tasks move to" in response.content.decode()
    client.post(
        reverse("planning:board-column-delete", args=[review.pk]), {f"d{review.pk}-move_to": cols["Done"].pk}
    )
    assert not Column.objects.filter(pk=review.pk).exists()
    other = make_user("Producer")
    client.post(
        reverse("planning:board-member-add", args=[board.pk]), {"m-user": other.pk, "m-role": "viewer"}
    )
    theirs = BoardMembership.objects.get(board=board, user=other)
    mine = BoardMembership.objects.get(board=board, user=user)
    response = client.post(
        reverse("planning:board-member-role", args=[mine.pk]), {"role": "editor"}, follow=True
    )
    assert "at least one owner" in response.content.decode()
    client.post(reverse("planning:board-member-role", args=[theirs.pk]), {"role": "editor"})
    client.post(reverse("planning:board-member-remove", args=[theirs.pk]))
    assert not BoardMembership.objects.filter(pk=theirs.pk).exists()
    client.post(reverse("planning:board-archive", args=[board.pk]), {"archived": "1"})
    assert Board.objects.get(pk=board.pk).archived
    client.post(reverse("planning:board-delete", args=[board.pk]), {"confirm": "nope"})
    assert Board.objects.filter(pk=board.pk).exists()
    client.post(reverse("planning:board-delete", args=[board.pk]), {"confirm": "Shoots 2"})
    assert not Board.objects.filter(pk=board.pk).exists()


def test_the_nav_lists_the_planning_pages_that_exist(client_as):
    client, _user = client_as("Viewer")
    html = client.get(reverse("planning:home")).content.decode()
    nav = re.search(r'<nav class="crm-nav planning-nav.*?</nav>', html, re.S).group(0)
    assert reverse("planning:home") in nav and 'aria-current="page"' in nav


def test_quick_add_on_a_warn_board_lets_the_task_in_with_a_warning_toast(client_as, board):
    client, _user = client_as("Producer")
    Board.objects.filter(pk=board.pk).update(wip_policy=Board.WipPolicy.WARN)
    cols = columns(board)
    cols["Doing"].wip_limit = 1
    cols["Doing"].save()
    TaskFactory(board=board, column=cols["Doing"])
    url = reverse("planning:board-quick-add", args=[board.pk])
    html = client.post(url, {"column": cols["Doing"].pk, "title": "One more"}).content.decode()
    assert 'hx-swap-oob="beforeend"' in html and "is over its limit (2/1)" in html
    assert Task.objects.filter(column=cols["Doing"]).count() == 2


def test_an_archived_board_is_read_only(client_as, board):
    client, _user = client_as("Producer")
    Board.objects.filter(pk=board.pk).update(archived=True)
    html = client.get(board_url(board)).content.decode()
    assert 'data-board-editable="false"' in html and "archived" in html
    url = reverse("planning:board-quick-add", args=[board.pk])
    html = client.post(url, {"column": columns(board)["To do"].pk, "title": "x"}).content.decode()
    assert "This board is archived" in html and not Task.objects.exists()
