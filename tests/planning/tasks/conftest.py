"""Fixtures of the task tests: a board with its columns (To do, Doing, Done), an editor (Producer), a viewer."""

import pytest

from planning.models import BoardMembership
from tests.factories import UserFactory
from tests.planning.factories import BoardFactory, MembershipFactory


@pytest.fixture
def board(db):
    return BoardFactory(name="Release campaign")


@pytest.fixture
def columns(board):
    return {column.name: column for column in board.columns.all()}


@pytest.fixture
def editor(board):
    user = UserFactory(
        roles=["Producer"], first_name="Ada", last_name="Lovelace", email="ada@mona-spark.test"
    )
    MembershipFactory(board=board, user=user, role=BoardMembership.Role.EDITOR)
    return user


@pytest.fixture
def viewer(board):
    return UserFactory(roles=["Viewer"], first_name="Vera", last_name="Viewer", email="vera@mona-spark.test")
