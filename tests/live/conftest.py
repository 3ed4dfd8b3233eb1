import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


@pytest.fixture(autouse=True)
def _clean_channel_layer():
    """Each test starts with an empty channel layer (its own Redis database and prefix)."""
    yield
    layer = get_channel_layer()
    if hasattr(layer, "flush"):
        async_to_sync(layer.flush)()
