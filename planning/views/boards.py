"""Planning pages: boards (owned by helper BOARDS)."""

urlpatterns: list = []
