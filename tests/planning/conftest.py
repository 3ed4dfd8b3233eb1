"""Service-level CRM tests read English messages: outside a request, Django speaks LANGUAGE_CODE (French), so
each test starts in English (requests still switch to their user's language through the middleware)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_outside_requests():
    with translation.override("en"):
        yield
