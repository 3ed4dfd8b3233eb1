import pytest

from tests.boards.conftest import restore_default_pipelines


@pytest.fixture
def board_db(transactional_db):
    """Browser tests: a transactional database (daphne sees the commits) with the default pipelines back."""
    restore_default_pipelines()
    yield
