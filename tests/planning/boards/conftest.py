import pytest
from django.conf import settings

from planning.models import Board, BoardMembership
from tests.planning.factories import BoardFactory


@pytest.fixture
def client_as(client, make_user):
    """client_as("Manager") -> (client signed in as a new Manager, in English, user)."""

    def _login(role: str, **kwargs):
        user = make_user(role, **kwargs)
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client, user

    return _login


@pytest.fixture
def producer(make_user):
    return make_user("Producer", first_name="Paul", last_name="Prod")


@pytest.fixture
def manager(make_user):
    return make_user("Manager", first_name="Léa", last_name="Martin")


@pytest.fixture
def board(db):
    return BoardFactory(name="Shoots")


def columns(board: Board) -> dict:
    return {column.name: column for column in board.columns.order_by("position")}


def member(board: Board, user, role: str = BoardMembership.Role.EDITOR) -> BoardMembership:
    return BoardMembership.objects.create(board=board, user=user, role=role)
