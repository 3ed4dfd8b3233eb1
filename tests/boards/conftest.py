import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from tests.boards.helpers import stages


@pytest.fixture
def manager(make_user):
    return make_user("Manager", first_name="Léa", last_name="Martin")


@pytest.fixture
def viewer(make_user):
    return make_user("Viewer")


@pytest.fixture
def pipeline_stages(db):
    return stages()


@pytest.fixture
def clean_channel_layer():
    yield
    layer = get_channel_layer()
    if hasattr(layer, "flush"):
        async_to_sync(layer.flush)()


def restore_default_pipelines() -> None:
    """Transactional tests flush the database, the migrated default pipelines with it: put them back."""
    import importlib

    from django.apps import apps

    importlib.import_module("crm.migrations.0002_default_pipelines").create(apps, None)


@pytest.fixture
def live_db(transactional_db):
    """A transactional database (threads, other processes see the commits) with the default pipelines."""
    restore_default_pipelines()
    yield
