"""Planning pages: calendar (owned by helper CALENDAR)."""

urlpatterns: list = []
