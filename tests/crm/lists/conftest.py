"""Fixtures of the CRM list tests: signed-in clients per role (English, so texts can be asserted)."""

import pytest
from django.conf import settings


@pytest.fixture
def client_as(client, make_user):
    """client_as("Manager") -> (client signed in as a new user with that role, the user)."""

    def _login(role: str, **kwargs):
        user = make_user(role, **kwargs)
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client, user

    return _login


def listed(list_key: str, user, params: dict | str = "") -> list:
    """The records list ``list_key`` shows ``user`` (all pages, in order) under ``params`` (a dict or a query
    string)."""
    from django.http import QueryDict

    from crm import listing
    from crm.selectors.lists import list_queryset

    if isinstance(params, dict):
        query = QueryDict(mutable=True)
        for key, value in params.items():
            query.setlist(key, value if isinstance(value, list) else [str(value)])
    else:
        query = QueryDict(params)
    state = listing.list_state(listing.SPECS[list_key], query, user=user)
    return list(list_queryset(state=state))


@pytest.fixture
def manager(make_user):
    return make_user("Manager", first_name="Léa", last_name="Roussel")
