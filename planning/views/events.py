"""Planning pages: events (owned by helper EVENTS)."""

urlpatterns: list = []
