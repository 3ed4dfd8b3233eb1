"""Boards and columns over the API: CRUD for people who plan, members, board roles (a members-only board is a
404 for others, a board viewer reads and gets 403 on writes), column reorder and delete with ``move_to``."""

import pytest

from planning.models import Board, BoardMembership, Column, Task
from tests.planning.factories import BoardFactory, MembershipFactory, TaskFactory

pytestmark = pytest.mark.django_db

BOARDS = "/api/planning/boards/"
COLUMNS = "/api/planning/columns/"


def test_a_producer_creates_a_board_owns_it_and_gets_default_columns(producer):
    response = producer.post(BOARDS, {"name": "Album launch", "visibility": "members"}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Album launch" and body["my_role"] == "owner"
    assert [c["name"] for c in body["columns"]] == ["To do", "Doing", "Done"]
    assert [m["user"]["id"] for m in body["members"]] == [producer.user.pk]
    assert [m["role"] for m in body["members"]] == ["owner"]


def test_bad_input_is_the_standard_error_shape(producer):
    response = producer.post(BOARDS, {"name": "", "visibility": "nobody"}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"name", "visibility"}


def test_viewers_read_but_do_not_write(viewer):
    board = BoardFactory(name="Tour")

    assert viewer.get(BOARDS).json()["results"][0]["my_role"] == "viewer"
    assert viewer.post(BOARDS, {"name": "Mine"}, format="json").status_code == 403
    assert viewer.patch(f"{BOARDS}{board.pk}/", {"name": "X"}, format="json").status_code == 403
    assert viewer.delete(f"{BOARDS}{board.pk}/").status_code == 403


def test_members_only_boards_are_hidden_from_others(producer, api_for):
    hidden = BoardFactory(name="Secret", visibility=Board.Visibility.MEMBERS)
    task = TaskFactory(board=hidden)
    column = hidden.columns.first()

    assert producer.get(BOARDS).json()["count"] == 0
    for url in (f"{BOARDS}{hidden.pk}/", f"{COLUMNS}{column.pk}/", f"/api/planning/tasks/{task.pk}/"):
        assert producer.get(url).status_code == 404, url
    assert producer.patch(f"{BOARDS}{hidden.pk}/", {"name": "Mine"}, format="json").status_code == 404
    assert producer.get(f"/api/planning/tasks/?board={hidden.pk}").json()["count"] == 0
    admin = api_for("Admin")
    assert admin.get(f"{BOARDS}{hidden.pk}/").json()["my_role"] == "owner"


def test_a_board_viewer_member_gets_403_on_writes(producer):
    board = BoardFactory(visibility=Board.Visibility.MEMBERS)
    MembershipFactory(board=board, user=producer.user, role="viewer")
    task = TaskFactory(board=board)

    assert producer.get(f"{BOARDS}{board.pk}/").json()["my_role"] == "viewer"
    assert producer.patch(f"{BOARDS}{board.pk}/", {"name": "X"}, format="json").status_code == 403
    assert producer.patch(f"/api/planning/tasks/{task.pk}/", {"title": "X"}, format="json").status_code == 403
    response = producer.post("/api/planning/tasks/", {"board": board.pk, "title": "New"}, format="json")
    assert response.status_code == 403
    assert producer.post(COLUMNS, {"board": board.pk, "name": "Later"}, format="json").status_code == 403


def test_owners_update_archive_and_delete(producer):
    board = producer.post(BOARDS, {"name": "Season"}, format="json").json()
    url = f"{BOARDS}{board['id']}/"

    response = producer.patch(
        url, {"name": "Season 2027", "wip_policy": "warn", "archived": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["wip_policy"], response.json()["archived"]) == (
        "Season 2027",
        "warn",
        True,
    )
    assert producer.delete(url).status_code == 204
    assert not Board.objects.filter(pk=board["id"]).exists()


def test_members_are_added_changed_and_removed(producer, make_user):
    board = producer.post(BOARDS, {"name": "Crew"}, format="json").json()
    guest = make_user("Streamer")
    url = f"{BOARDS}{board['id']}/members/"

    response = producer.post(url, {"user": guest.pk, "role": "viewer"}, format="json")
    assert response.status_code == 200
    assert {m["user"]["id"]: m["role"] for m in response.json()["members"]} == {
        producer.user.pk: "owner",
        guest.pk: "viewer",
    }
    producer.post(url, {"user": guest.pk, "role": "editor"}, format="json")
    assert BoardMembership.objects.get(board_id=board["id"], user=guest).role == "editor"

    assert producer.delete(f"{url}{guest.pk}/").status_code == 200
    assert producer.delete(f"{url}{guest.pk}/").status_code == 404
    # the last owner stays
    last = producer.delete(f"{url}{producer.user.pk}/")
    assert last.status_code == 400 and "at least one owner" in last.json()["error"]["message"]


def test_columns_crud_reorder_and_delete_with_move_to(producer):
    board = producer.post(BOARDS, {"name": "Flow"}, format="json").json()
    todo, doing, done = (c["id"] for c in board["columns"])

    created = producer.post(COLUMNS, {"board": board["id"], "name": "Review", "wip_limit": 3}, format="json")
    assert created.status_code == 201, created.json()
    review = created.json()["id"]
    assert created.json()["position"] == 3
    duplicate = producer.post(COLUMNS, {"board": board["id"], "name": "Review"}, format="json")
    assert duplicate.status_code == 400 and "name" in duplicate.json()["error"]["fields"]

    patched = producer.patch(f"{COLUMNS}{review}/", {"name": "QA", "wip_limit": None}, format="json")
    assert (patched.json()["name"], patched.json()["wip_limit"]) == ("QA", None)

    order = [review, todo, doing, done]
    response = producer.post(f"{BOARDS}{board['id']}/reorder-columns/", {"order": order}, format="json")
    assert [c["id"] for c in response.json()["columns"]] == order
    assert producer.get(f"{COLUMNS}?board={board['id']}").json()["results"][0]["id"] == review

    task = TaskFactory(board=Board.objects.get(pk=board["id"]), column=Column.objects.get(pk=review))
    refused = producer.delete(f"{COLUMNS}{review}/")
    assert refused.status_code == 400 and "move_to" in refused.json()["error"]["fields"]
    other_board = BoardFactory().columns.first()
    assert producer.delete(f"{COLUMNS}{review}/?move_to={other_board.pk}").status_code == 400
    assert producer.delete(f"{COLUMNS}{review}/?move_to={doing}").status_code == 204
    task.refresh_from_db()
    assert task.column_id == doing
    assert not Column.objects.filter(pk=review).exists()
    assert Task.objects.filter(pk=task.pk).exists()
