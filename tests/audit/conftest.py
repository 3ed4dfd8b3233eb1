import pytest
from django.conf import settings
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps rate-limit counters and used TOTP codes in the cache (this worker's own Redis database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(client):
    """Signed-out pages follow the browser (French by default): these tests read the English texts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
