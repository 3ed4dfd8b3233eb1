import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read English text: browsers ask for English, and direct renders run in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
