import pytest


@pytest.fixture(autouse=True)
def _isolated(fresh_cache, english_client):
    """Every test here starts with an empty cache and reads the English texts."""
