"""Planning pages: reminders (owned by helper REMINDERS)."""

urlpatterns: list = []
